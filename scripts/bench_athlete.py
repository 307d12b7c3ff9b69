"""What every benchmark shares: the seeded athlete, and the emulator in a thread."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
import pathlib
import sys
import threading

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulator.generator import generate_athlete  # noqa: E402
from emulator.model import Athlete  # noqa: E402
from emulator.server import EmulatorServer  # noqa: E402
from emulator.state import EmulatorState  # noqa: E402

KEY = "bench-key"
ZONE = "Europe/Amsterdam"


class EmulatorThread:
    """The emulator on its own event loop in a thread."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.loop = asyncio.new_event_loop()
        self.server = EmulatorServer(state)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        return asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result()

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.close(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()


def bench_athlete(
    size: int, now: datetime, today: date, history_years: int = 0
) -> Athlete:
    """The seeded athlete of `size` activities a year every benchmark uses.

    From December last year, or `history_years` more full years before it.
    """
    start = (
        date(today.year - 1 - history_years, 1, 1)
        if history_years
        else date(today.year - 1, 12, 1)
    )
    return generate_athlete(
        seed=size,
        athlete_id="i1",
        api_key=KEY,
        timezone=ZONE,
        activities_per_year=size,
        start=start,
        end=today,
        now=now,
        strava_share=0.02,
        events_until=today + timedelta(days=28),
    )
