"""The test harness itself: asyncio's debug checks are on in Home Assistant's tests."""

import asyncio
import sys
import threading

from homeassistant.core import HomeAssistant


async def test_asyncio_debug_checks_are_on(hass: HomeAssistant) -> None:
    """What conftest's enable_event_loop_debug keeps of asyncio's debug mode,
    and what it leaves out, on every supported release."""
    loop = asyncio.get_running_loop()
    assert loop is hass.loop
    await asyncio.sleep(0)  # set_debug turns origin tracking on in the loop
    assert loop._debug
    assert sys.get_coroutine_origin_tracking_depth() > 0
    # No traceback of where each future was made.
    assert loop.get_debug() is False
    assert loop.create_future()._source_traceback is None
    # A call from another thread is refused, not run at some random moment.
    raised: list[RuntimeError] = []

    def from_another_thread() -> None:
        try:
            loop.call_soon(lambda: None)
        except RuntimeError as err:
            raised.append(err)

    thread = threading.Thread(target=from_another_thread)
    thread.start()
    thread.join()
    assert len(raised) == 1
    assert "Non-thread-safe operation" in str(raised[0])
