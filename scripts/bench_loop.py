"""Benchmark: how long the integration blocks Home Assistant's event loop.

A real Home Assistant (pytest-homeassistant-custom-component's instance, on
its own asyncio loop in debug mode) sets up an entry for a seeded athlete of
20,000 activities a year, runs an hourly update, the daily reconcile and a
reload. asyncio's debug mode reports every callback or task step that holds
the loop longer than `slow_callback_duration`; the longest per phase is
printed. The emulator runs in a thread of its own, so its work is not the
loop's. Target: no step above 50 ms.

    scripts/bench --loop      (or: pytest scripts/bench_loop.py -s)
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
import importlib
import logging
import pathlib
import sys
import time
from unittest.mock import patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import KEY, EmulatorThread, bench_athlete  # noqa: E402

from custom_components.intervals_icu import PLATFORMS  # noqa: E402
from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN  # noqa: E402
from custom_components.intervals_icu.sync import _VersionedStore  # noqa: E402
from emulator.state import EmulatorState  # noqa: E402
from homeassistant.const import CONF_API_KEY, CONF_URL  # noqa: E402
from homeassistant.core import HomeAssistant  # noqa: E402
from homeassistant.helpers.storage import Store  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402

# Home Assistant's Store as it is, before the test harness's in-memory
# storage (which encodes in the event loop) replaces it: the cache is measured
# as Home Assistant really reads and writes it, in files.
REAL_STORE = {
    name: getattr(Store, name)
    for name in ("_async_load", "_async_write_data", "async_remove")
}

SIZE = 20_000
REPORT = 0.005  # report every step above 5 ms; the target is 50 ms


class SlowSteps(logging.Handler):
    """Collects asyncio's "Executing <handle> took N seconds" warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.steps: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Executing") and record.args:
            handle, seconds = record.args[0], record.args[1]
            self.steps.append((float(seconds), str(handle)[:140]))


@pytest.fixture(autouse=True)
def _custom(enable_custom_integrations: None) -> None:  # noqa: ARG001
    return


@pytest.fixture
def slow_steps() -> Iterator[SlowSteps]:
    handler = SlowSteps()
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@pytest.mark.timeout(900)
async def test_event_loop_blocking(
    hass: HomeAssistant,
    socket_enabled: None,  # noqa: ARG001 - the emulator on 127.0.0.1
    slow_steps: SlowSteps,
    tmp_path: pathlib.Path,
) -> None:
    hass.config.config_dir = str(tmp_path)
    with patch.multiple(_VersionedStore, **REAL_STORE):
        await _measure(hass, slow_steps)


async def _measure(hass: HomeAssistant, slow_steps: SlowSteps) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()
    athlete = bench_athlete(SIZE, now, today)
    state = EmulatorState.with_athletes(athlete)
    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    loop.slow_callback_duration = REPORT
    phases: list[tuple[str, float, float, list[tuple[float, str]]]] = []
    # Home Assistant imports a platform once, on first use; that is its cost
    # at start-up whatever the integration, so it happens before measuring.
    for platform in PLATFORMS:
        assert await async_setup_component(hass, platform.value, {})
    for module in (*(platform.value for platform in PLATFORMS), "diagnostics"):
        importlib.import_module(f"custom_components.{DOMAIN}.{module}")
    await hass.async_block_till_done()
    with EmulatorThread(state) as url:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="Bench",
            unique_id="i1",
            data={CONF_API_KEY: KEY, CONF_ATHLETE_ID: "i1", CONF_URL: url},
        )
        entry.add_to_hass(hass)

        async def phase(name: str, work: object) -> None:
            slow_steps.steps.clear()
            started = time.perf_counter()
            await work  # type: ignore[misc]
            await hass.async_block_till_done(wait_background_tasks=True)
            await asyncio.sleep(0.2)  # let a delayed write's worker finish
            wall = (time.perf_counter() - started) * 1000
            steps = sorted(slow_steps.steps, reverse=True)
            phases.append((name, wall, steps[0][0] * 1000 if steps else 0.0, steps))

        await phase(
            "first start (year fetched)",
            hass.config_entries.async_setup(entry.entry_id),
        )
        coordinator = entry.runtime_data
        cached = len(coordinator.cache.activities)
        await phase(
            "reload (cache from disk)", hass.config_entries.async_reload(entry.entry_id)
        )
        coordinator = entry.runtime_data
        athlete.add_activity(
            start_local=now.astimezone(coordinator.data.zone).replace(tzinfo=None)
            - timedelta(minutes=30),
            activity_type="Run",
            distance=8000.0,
        )
        await phase("hourly update (1 new)", coordinator.async_refresh())
        coordinator.cache.reconciled_on = today - timedelta(days=1)
        await phase("daily reconcile", coordinator.async_refresh())
        assert await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()
    loop.set_debug(False)
    print(
        f"\nEvent loop at {SIZE:,} activities a year ({cached:,} cached), "
        "asyncio debug:"
    )
    print("| phase | wall ms | longest loop step ms | steps > 50 ms |")
    print("|---|---:|---:|---:|")
    for name, wall, longest, steps in phases:
        over = sum(1 for seconds, _ in steps if seconds > 0.05)
        print(f"| {name} | {wall:,.0f} | {longest:.1f} | {over} |")
    for name, _, _, steps in phases:
        for seconds, handle in steps[:3]:
            if seconds > 0.02:
                print(f"  {name}: {seconds * 1000:.0f} ms in {handle}")
