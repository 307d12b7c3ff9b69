"""Long passes in a worker thread that let the event loop have its turn.

A worker thread running Python holds the GIL for up to the interpreter's
switch interval (5 ms) each time it gets it, and it gets it whenever the
event loop lets go of it for a moment (every socket write, every file
check). A pass over tens of thousands of activities would so make each of
those moments cost the event loop up to 5 ms; `paced` lets go of the GIL
for a short sleep every millisecond instead, so the loop gets it at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
import time

# How long a pass runs between pauses, how long it pauses (seconds), and how
# many items it handles between looks at the clock.
SLICE = 0.001
PAUSE = 0.0001
_CHECK_EVERY = 32


def paced[T](items: Iterable[T]) -> Iterator[T]:
    """The items; between them, a pause every SLICE seconds of the pass.

    In the event loop's own thread (a small response decoded inline) there is
    no pause: sleeping there would stop the loop itself.
    """
    if _in_event_loop():
        yield from items
        return
    last = time.monotonic()
    for index, item in enumerate(items, 1):
        yield item
        if not index % _CHECK_EVERY and time.monotonic() - last > SLICE:
            time.sleep(PAUSE)
            last = time.monotonic()


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
