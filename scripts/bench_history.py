"""Benchmark: the one-off import of the whole history into the recorder.

Generates an athlete with `years` full years before this one, serves it from
the emulator, and runs what the integration runs at the first setup: the
paged history fetch (activities before the cache, `fields=` limited; wellness
with id, ctl and atl), the rows of every statistic, and their import into a
real recorder on a SQLite file. Later updates rewrite only from a changed
hour on and fetch nothing more, so the hourly cost stays what `bench.py`
prints.

    .venv/bin/python scripts/bench_history.py [--years 10] [--per-year 1000]
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, date, datetime, time as dtime, timedelta
import logging
import pathlib
import sys
import tempfile
import time
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_athlete import KEY, ZONE, EmulatorThread  # noqa: E402

from custom_components.intervals_icu.api import (  # noqa: E402
    Activity,
    IntervalsClient,
)
from custom_components.intervals_icu.const import DEFAULT_GROUPS  # noqa: E402
from custom_components.intervals_icu.statistics import writer  # noqa: E402
from custom_components.intervals_icu.statistics.plan import (  # noqa: E402
    HistoryInput,
    Record,
    plan_rewrite,
)
from custom_components.intervals_icu.statistics.rows import (  # noqa: E402
    daily_means,
    hourly_sums,
    sums,
)
from custom_components.intervals_icu.training.totals import SportGroups  # noqa: E402
from emulator.generator import generate_athlete  # noqa: E402
from emulator.state import EmulatorState  # noqa: E402

GROUPS = SportGroups(DEFAULT_GROUPS)


async def _write_to_recorder(
    older: list[Any],
    cached: list[Any],
    wellness: list[Any],
    zone: ZoneInfo,
    now: datetime,
) -> tuple[int, float, int, int, float]:
    """Rows and seconds of the import, database bytes, rows and seconds of an update.

    The update is what an hourly update does with one new activity: rewrite
    the sums from its hour on, from the sums the integration holds (no request).
    """
    # Test helpers give a Home Assistant without the rest of a configuration,
    # and wait for the recorder to write what it was given.
    from pytest_homeassistant_custom_component.common import (  # noqa: PLC0415
        async_test_home_assistant,
    )
    from pytest_homeassistant_custom_component.components.recorder.common import (  # noqa: PLC0415
        async_wait_recording_done,
    )

    from homeassistant.helpers import recorder as recorder_helper  # noqa: PLC0415
    from homeassistant.setup import async_setup_component  # noqa: PLC0415

    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        database = pathlib.Path(folder) / "home-assistant_v2.db"
        async with async_test_home_assistant(config_dir=folder) as hass:
            recorder_helper.async_initialize_recorder(hass)
            assert await async_setup_component(
                hass, "recorder", {"recorder": {"db_url": f"sqlite:///{database}"}}
            )
            await hass.async_block_till_done()
            start = time.perf_counter()
            names = await writer.async_names(hass, "Bench")
            rows = hourly_sums([*older, *cached], zone, GROUPS, "i1").rows
            written = await writer.async_add_sums(hass, "i1", GROUPS, rows, names)
            means = daily_means(wellness, zone, "i1")
            written += await writer.async_add_means(hass, "i1", means, names)
            await async_wait_recording_done(hass)
            seconds = time.perf_counter() - start
            new = Activity(
                id="i-new",
                start_local=now.astimezone(zone).replace(tzinfo=None)
                - timedelta(hours=1),
                type="Run",
                distance=8000.0,
                moving_time=2400.0,
            )
            today = now.astimezone(zone).date()
            window = date(today.year - 1, 1, 1)
            record = Record(
                groups={},
                zone=ZONE,
                complete=True,
                window_start=window,
                base=sums(older, GROUPS, "i1"),
            )
            history = HistoryInput(
                athlete_name="Bench",
                zone=zone,
                groups=GROUPS,
                window_start=window,
                before=tuple(cached),
                after=(*cached, new),
                wellness=(),
                today=today,
            )
            start = time.perf_counter()
            plan = await hass.async_add_executor_job(
                plan_rewrite, record, tuple(cached), history, "i1"
            )
            assert plan.sums is not None
            update_rows = await writer.async_add_sums(
                hass, "i1", GROUPS, plan.sums.rows, names
            )
            await async_wait_recording_done(hass)
            update_seconds = time.perf_counter() - start
            await hass.async_stop(force=True)
        size = database.stat().st_size
    return written, seconds, size, update_rows, update_seconds


async def bench_history(years: int, per_year: int, now: datetime) -> dict[str, float]:
    """Measure the one-off import for `years` full years of `per_year` activities."""
    zone = ZoneInfo(ZONE)
    today = now.astimezone(zone).date()
    # The activity cache holds this year and last; the rest is history.
    cache_start = date(today.year - 1, 1, 1)
    generated = time.perf_counter()
    athlete = generate_athlete(
        seed=per_year,
        athlete_id="i1",
        api_key=KEY,
        timezone=ZONE,
        activities_per_year=per_year,
        start=date(today.year - years, 1, 1),
        end=today,
        now=now,
        strava_share=0.02,
    )
    result: dict[str, float] = {
        "generate_s": time.perf_counter() - generated,
        "activities": len(athlete.activities),
    }
    state = EmulatorState.with_athletes(athlete)
    state.clock = lambda: now
    with EmulatorThread(state) as url:
        async with aiohttp.ClientSession() as session:
            client = IntervalsClient(session, KEY, base_url=url)
            state.log.clear()
            start = time.perf_counter()
            older = await client.get_activity_history(
                "i1", datetime.combine(cache_start, dtime.min)
            )
            fetch_s = time.perf_counter() - start
            result["activity_requests"] = len(state.log)
            result["activity_bytes"] = state.log.total_bytes()
            # The cache's years come from the regular update, not from here.
            cached = await client.get_activities(
                "i1", cache_start, datetime.combine(today, dtime.max)
            )
            state.log.clear()
            start = time.perf_counter()
            first = min(
                (a.start_local.date() for a in [*older, *cached]), default=today
            )
            wellness = await client.get_wellness_history("i1", first, today)
            result["fetch_s"] = fetch_s + time.perf_counter() - start
            result["requests"] = result["activity_requests"] + len(state.log)
            result["bytes"] = result["activity_bytes"] + state.log.total_bytes()
    cpu = time.thread_time()
    rows = hourly_sums([*older, *cached], zone, GROUPS, "i1").rows
    means = daily_means(wellness, zone, "i1")
    result["rows_cpu_ms"] = (time.thread_time() - cpu) * 1000
    result["rows"] = sum(map(len, rows.values())) + sum(map(len, means.values()))
    written, seconds, size, update_rows, update_s = await _write_to_recorder(
        older, cached, wellness, zone, now
    )
    assert written == result["rows"]
    result["recorder_s"] = seconds
    result["db_bytes"] = size
    result["update_rows"] = update_rows
    result["update_s"] = update_s
    result["wellness_days"] = len(wellness)
    return result


def print_history(years: int, per_year: int, now: datetime) -> None:
    """Print the one-off import's table."""
    r = asyncio.run(bench_history(years, per_year, now))
    print(
        f"\nOne-off history import: {years} years x {per_year:,} activities "
        f"({int(r['activities']):,} activities, {int(r['wellness_days']):,} "
        "wellness days)\n"
    )
    print(
        "| requests | response bytes | fetch s | rows (CPU ms) "
        "| recorder rows | recorder write s | database |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {int(r['requests'])} ({int(r['activity_requests'])} activities) "
        f"| {int(r['bytes']):,} | {r['fetch_s']:.1f} | {r['rows_cpu_ms']:,.0f} "
        f"| {int(r['rows']):,} | {r['recorder_s']:.1f} "
        f"| {r['db_bytes'] / 1e6:.1f} MB |"
    )
    print(
        "\nAn hourly update with one new activity then writes "
        f"{int(r['update_rows'])} rows in {r['update_s'] * 1000:,.0f} ms and makes "
        "no request of its own: the hourly requests above are unchanged."
    )


def main() -> None:
    """Command line: years and activities per year."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--per-year", type=int, default=1000)
    args = parser.parse_args()
    print_history(args.years, args.per_year, datetime.now(UTC).replace(microsecond=0))


if __name__ == "__main__":
    main()
