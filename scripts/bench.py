"""Benchmark: what an update costs this integration versus the naive REST recipe.

The emulator serves seeded athletes on 127.0.0.1 from a thread of its own, so
the CPU time measured here (`time.thread_time`) is the client's alone. The
integration's side runs the same code the coordinator runs for an update:
`AthleteSync.async_update` (what is due: activities, wellness and calendar,
curves and gear, through the API client), then `aggregate`.

    scripts/bench [--sizes 300,1000,20000]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import json
import pathlib
import sys
import tempfile
import time
import tracemalloc
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_athlete import KEY, ZONE, EmulatorThread, bench_athlete  # noqa: E402

from custom_components.intervals_icu.api import (  # noqa: E402
    Activity,
    IntervalsClient,
    IntervalsResponseError,
)
from custom_components.intervals_icu.const import DEFAULT_GROUPS  # noqa: E402
from custom_components.intervals_icu.sync.activities import (  # noqa: E402
    RECENT_DAYS,
    ActivityCache,
)
from custom_components.intervals_icu.sync.athlete_sync import AthleteSync  # noqa: E402
from custom_components.intervals_icu.sync.cache_format import (  # noqa: E402
    CacheSnapshot,
)
from custom_components.intervals_icu.training.totals import aggregate  # noqa: E402
from emulator.state import EmulatorState  # noqa: E402

GROUPS = {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}
UPDATES_A_DAY = 24


@dataclass
class Row:
    """One measured scenario."""

    size: int
    scenario: str
    requests: int
    bytes: int
    wall_ms: float
    cpu_ms: float
    note: str = ""


async def measure(
    state: EmulatorState, work: Callable[[], Awaitable[Any]]
) -> tuple[int, int, float, float, Any]:
    """Requests, response bytes, wall ms and client CPU ms of one piece of work."""
    state.log.clear()
    wall, cpu = time.perf_counter(), time.thread_time()
    result = await work()
    wall_ms = (time.perf_counter() - wall) * 1000
    cpu_ms = (time.thread_time() - cpu) * 1000
    return len(state.log), state.log.total_bytes(), wall_ms, cpu_ms, result


async def integration_update(sync: AthleteSync, now: datetime) -> dict[str, Any]:
    """What the coordinator does in one update: the sync, then the totals."""
    fetched = await sync.async_update(now)
    return aggregate(fetched.activities, GROUPS, fetched.today)


def extras(state: EmulatorState) -> str:
    """How many of the last requests were for curves and gear, and HRV days."""
    text = f"{state.log.count(r'curves|gear')} for bests and gear"
    # The HRV status's 60 days before the week: read at start, then kept.
    hrv = sum(1 for r in state.log if r.query.get("fields") == ["id,hrv"])
    return f"{text}, {hrv} for 60 days of HRV" if hrv else text


async def integration_day(sync: AthleteSync, now: datetime, today: date) -> None:
    """A day: the first update re-reads the year, the calendar and the athlete."""
    sync.cache.reconciled_on = today - timedelta(days=1)
    for _ in range(UPDATES_A_DAY):
        await integration_update(sync, now)


def restored(sync: AthleteSync) -> AthleteSync:
    """The sync after a restart: the cache and the record book from disk."""
    data = json.loads(json.dumps(sync.cache.snapshot().as_json()))
    again = AthleteSync(sync.client, "i1", lambda: ZoneInfo(ZONE))
    again.restore(
        ActivityCache.from_snapshot(CacheSnapshot.from_json(data)),
        sync.curves_gear.book,
    )
    return again


async def naive_update(session: aiohttp.ClientSession, url: str, today: date) -> float:
    """The REST-sensor recipe: per sport group, the whole year with every field."""
    total = 0.0
    headers = {"Authorization": aiohttp.encode_basic_auth("API_KEY", KEY)}
    for types in GROUPS.values():
        async with session.get(
            f"{url}/api/v1/athlete/i1/activities",
            params={"oldest": f"{today.year}-01-01"},
            headers=headers,
        ) as response:
            activities = json.loads(await response.read())
        total += sum(
            a.get("distance") or 0 for a in activities if a.get("type") in types
        )
    return total


def cache_sizes(cache: ActivityCache) -> tuple[int, int]:
    """Bytes in memory (allocations while loading it) and on disk (as HA writes it)."""
    from homeassistant.helpers.json import save_json  # noqa: PLC0415

    data = cache.snapshot().as_json()
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "cache"
        # Home Assistant's Store writes {"version", "data", ...} through save_json.
        save_json(
            str(path), {"version": 1, "minor_version": 1, "key": "k", "data": data}
        )
        disk = path.stat().st_size
        raw = json.loads(path.read_text())["data"]
    tracemalloc.start()
    loaded = ActivityCache.from_snapshot(CacheSnapshot.from_json(raw))
    memory, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(loaded.activities) == len(cache.activities)
    return memory, disk


async def bench_size(size: int, now: datetime) -> tuple[list[Row], dict[str, float]]:
    zone = ZoneInfo(ZONE)
    today = now.astimezone(zone).date()
    athlete = bench_athlete(size, now, today)
    state = EmulatorState.with_athletes(athlete)
    state.clock = lambda: now
    rows: list[Row] = []
    extra: dict[str, float] = {}
    with EmulatorThread(state) as url:
        async with aiohttp.ClientSession() as session:
            client = IntervalsClient(session, KEY, base_url=url)
            sync = AthleteSync(client, "i1", lambda: zone)

            def row(
                scenario: str, m: tuple[int, int, float, float, Any], note: str = ""
            ) -> None:
                rows.append(Row(size, scenario, m[0], m[1], m[2], m[3], note))

            m = await measure(state, lambda: integration_update(sync, now))
            row("first start", m, extras(state))
            # A restart: the cache comes back from disk, the update is incremental;
            # nothing of the calendar is in memory.
            sync = restored(sync)
            m = await measure(state, lambda: integration_update(sync, now))
            recent = (today - timedelta(days=RECENT_DAYS)).isoformat()
            past = sum(
                1
                for r in state.log
                if r.path.endswith("/activities") and r.query["oldest"][0] < recent
            )
            row(
                "warm restart",
                m,
                f"{past} requests for past activities, {extras(state)}",
            )
            m = await measure(state, lambda: integration_update(sync, now))
            row("hourly update", m, f"nothing new, {extras(state)}")
            athlete.add_activity(
                start_local=now.astimezone(zone).replace(tzinfo=None)
                - timedelta(hours=1),
                activity_type="Run",
                distance=8000.0,
            )
            m = await measure(state, lambda: integration_update(sync, now))
            row("hourly update", m, f"1 new run, {extras(state)}")
            extra["hourly_bytes"] = m[1]
            sync.cache.reconciled_on = today - timedelta(days=1)
            m = await measure(state, lambda: integration_update(sync, now))
            row(
                "daily reconcile",
                m,
                f"the year with TOTALS_FIELDS, all 7 + 14 days, {extras(state)}",
            )
            m = await measure(state, lambda: integration_day(sync, now, today))
            row("day", m, f"1 reconcile + {UPDATES_A_DAY - 1} hourly updates")
            extra["day_bytes"] = m[1]
            m = await measure(state, lambda: naive_update(session, url, today))
            row("naive recipe, hourly", m, "3 groups x whole year x all fields")
            extra["naive_bytes"] = m[1]

    extra["writes_per_day"], extra["changed_updates"] = await day_of_writes(
        athlete, state, sync.cache, now, size
    )
    activities = list(sync.cache.activities.values())
    runs = 20
    cpu = time.thread_time()
    for _ in range(runs):
        aggregate(activities, GROUPS, today)
    extra["aggregate_cpu_ms"] = (time.thread_time() - cpu) * 1000 / runs
    extra["activities"] = len(activities)
    extra["memory"], extra["disk"] = cache_sizes(sync.cache)
    return rows, extra


async def day_of_writes(
    athlete: Any, state: EmulatorState, cache: ActivityCache, now: datetime, size: int
) -> tuple[int, int]:
    """A day of 24 hourly updates and a reconcile: how many change the cache.

    The store writes after an update only when the cache changed (the cache
    counts its changes), so these are the day's writes; each writes the
    whole cache. New activities arrive at the athlete's daily rate.
    """
    zone = ZoneInfo(ZONE)
    today = now.astimezone(zone).date()
    per_day = max(1, round(size / 365))
    writes = 0
    with EmulatorThread(state) as url:
        async with aiohttp.ClientSession() as session:
            client = IntervalsClient(session, KEY, base_url=url)
            sync = AthleteSync(client, "i1", lambda: zone)
            sync.restore(cache, None)
            for hour in range(25):
                if hour * per_day // 24 != (hour + 1) * per_day // 24:
                    athlete.add_activity(
                        start_local=now.astimezone(zone).replace(tzinfo=None)
                        - timedelta(minutes=hour + 1),
                        activity_type="Ride",
                        distance=20000.0,
                    )
                if hour == 24:
                    cache.reconciled_on = today - timedelta(days=1)
                before = cache.revision
                await integration_update(sync, now)
                writes += cache.revision != before
    return writes, 25


def peak_memory_mib(payload: bytes) -> tuple[float, str]:
    """Peak memory of decoding and parsing one response body, and the outcome."""
    from custom_components.intervals_icu.api.parse import parse_list  # noqa: PLC0415
    from custom_components.intervals_icu.api.transport import (  # noqa: PLC0415
        decode_json,
    )

    tracemalloc.start()
    try:
        parsed = parse_list(decode_json(payload), Activity.from_json, "activities")
        outcome = f"{len(parsed):,} activities"
    except IntervalsResponseError:
        outcome = "refused"
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, outcome


def memory_table() -> None:
    """What the largest bodies cost: refused cheaply, or parsed within bounds."""
    empty = b"[" + b"{}," * (32 * 2**20 // 3 - 1) + b"{}]"
    year = json.dumps(
        [
            {
                "id": f"i{n}",
                "start_date_local": "2026-06-01T08:00:00",
                "start_date": "2026-06-01T06:00:00Z",
                "type": "Ride",
                "name": "Morning Ride",
                "distance": 42000.5,
                "moving_time": 5400,
                "elapsed_time": 5600,
                "total_elevation_gain": 320.0,
                "icu_training_load": 80,
                "average_heartrate": 140,
                "icu_average_watts": 210,
                "source": "GARMIN_CONNECT",
            }
            for n in range(20_000)
        ]
    ).encode()
    print("\n| response body | bytes | peak memory beyond the body | outcome |")
    print("|---|---:|---:|---|")
    for name, body in (
        ("32 MB of `[{},{},…]`", empty),
        ("a year of 20,000 activities", year),
    ):
        peak, outcome = peak_memory_mib(body)
        print(f"| {name} | {len(body):,} | {peak:.1f} MiB | {outcome} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="300,1000,20000")
    parser.add_argument(
        "--history-years",
        type=int,
        default=10,
        help="years of the one-off history import (0: skip it)",
    )
    parser.add_argument("--history-per-year", type=int, default=1000)
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    print(f"intervals_icu benchmark, {now:%Y-%m-%d %H:%M} UTC, emulator on 127.0.0.1\n")
    print(
        "| activities/yr | scenario | requests | response bytes "
        "| wall ms | CPU ms | note |"
    )
    print("|---:|---|---:|---:|---:|---:|---|")
    summaries = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows, extra = asyncio.run(bench_size(size, now))
        for r in rows:
            print(
                f"| {r.size:,} | {r.scenario} | {r.requests} | {r.bytes:,} | "
                f"{r.wall_ms:,.1f} | {r.cpu_ms:,.1f} | {r.note} |"
            )
        summaries.append((size, extra))
    print(
        "\n| activities/yr | cached activities | cache in memory | cache on disk | "
        "aggregate all totals (CPU ms) | naive bytes / hourly bytes |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for size, e in summaries:
        print(
            f"| {size:,} | {int(e['activities']):,} | {e['memory'] / 1e6:.2f} MB | "
            f"{e['disk'] / 1e6:.2f} MB | {e['aggregate_cpu_ms']:.1f} | "
            f"{e['naive_bytes'] / max(1, e['hourly_bytes']):,.0f}x |"
        )
    print(
        "\n| activities/yr | new per day | cache writes per day "
        "| written per day | writing every update |"
    )
    print("|---:|---:|---:|---:|---:|")
    for size, e in summaries:
        print(
            f"| {size:,} | {max(1, round(size / 365))} | "
            f"{int(e['writes_per_day'])} of {int(e['changed_updates'])} updates | "
            f"{e['writes_per_day'] * e['disk'] / 1e6:.1f} MB | "
            f"{e['changed_updates'] * e['disk'] / 1e6:.1f} MB |"
        )
    memory_table()
    if args.history_years > 0:
        from bench_history import print_history  # noqa: PLC0415

        print_history(args.history_years, args.history_per_year, now)


if __name__ == "__main__":
    main()
