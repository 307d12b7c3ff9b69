"""The activity cache: incremental updates always agree with a full recomputation."""

import asyncio
from collections.abc import Sequence
from dataclasses import fields as dataclass_fields, replace
from datetime import UTC, date, datetime, time, timedelta
import itertools
import json
import threading
from unittest.mock import patch
from zoneinfo import ZoneInfo

from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
import pytest

from custom_components.intervals_icu.api import (
    ACTIVITY_API_FIELDS,
    ACTIVITY_FIELDS,
    TOTALS_FIELDS,
    Activity,
)
from custom_components.intervals_icu.const import DEFAULT_GROUPS
from custom_components.intervals_icu.sync import activities as sync
from custom_components.intervals_icu.sync.activities import (
    PAGE_SIZE,
    PROBE_DAYS,
    RECENT_DAYS,
    ActivityCache,
)
from custom_components.intervals_icu.sync.cache_format import (
    ROWS_PER_CHUNK,
    CacheSnapshot,
)
from custom_components.intervals_icu.training.totals import (
    aggregate,
    latest,
    reread_start,
    window_start,
)

GROUPS = {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}


def from_json(data: object) -> ActivityCache:
    """The cache as a save wrote it and a load reads it back."""
    return ActivityCache.from_snapshot(CacheSnapshot.from_json(data))


ZONE = ZoneInfo("America/Los_Angeles")
KINDS = ["Run", "TrailRun", "Ride", "VirtualRide", "Swim", "Walk"]


class FakeService:
    """The athlete's activities as the service holds them; fetch by local window."""

    def __init__(self) -> None:
        self.activities: dict[str, Activity] = {}
        self.requests: list[tuple[datetime, datetime]] = []
        self.fields: list[tuple[str, ...]] = []

    async def fetch(
        self,
        oldest: datetime,
        newest: datetime,
        fields: Sequence[str],
        limit: int | None = None,
    ) -> list[Activity]:
        self.requests.append((oldest, newest))
        self.fields.append(tuple(fields))
        found = [
            a for a in self.activities.values() if oldest <= a.start_local <= newest
        ]
        newest_first = sorted(found, key=lambda a: a.start_local, reverse=True)
        return [self.only(a, fields) for a in newest_first[:limit]]

    @staticmethod
    def only(activity: Activity, fields: Sequence[str]) -> Activity:
        """What the service sends with `fields=`: the rest is missing (None)."""
        wanted = {attr for attr, name in ACTIVITY_API_FIELDS.items() if name in fields}
        return replace(
            activity,
            **{
                f.name: None
                for f in dataclass_fields(Activity)
                if f.name in ACTIVITY_API_FIELDS and f.name not in wanted
            },
        )


def run(coro):
    """Run a coroutine on a loop of its own, which never becomes the current one.

    `asyncio.run` would leave no current event loop behind, and the test
    plugin of Home Assistant 2026.4 reads it before every test.
    """
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


class IncrementalSync(RuleBasedStateMachine):
    """Random inserts, edits, deletions, type changes and clock advances."""

    @initialize(
        start=st.datetimes(
            min_value=datetime(2026, 12, 25), max_value=datetime(2027, 1, 3)
        )
    )
    def setup(self, start: datetime) -> None:
        # One loop for the whole run: the updates share its worker threads.
        self.loop = asyncio.new_event_loop()
        self.service = FakeService()
        self.cache = ActivityCache("i1")
        self.now = start.replace(tzinfo=UTC)
        self.next_id = 0
        # Changes older than the recent window wait for the daily reconcile.
        self.stale = False
        self.seen_new: list[str] = []

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(ZONE).replace(tzinfo=None)

    def _recent_start(self) -> datetime:
        today = self.local_now.date()
        return datetime.combine(
            today - timedelta(days=RECENT_DAYS), datetime.min.time()
        )

    @rule(
        minutes_ago=st.integers(min_value=0, max_value=60 * 24 * 20),
        kind=st.sampled_from(KINDS),
        distance=st.floats(min_value=0, max_value=200_000, allow_nan=False),
    )
    def insert(self, minutes_ago: int, kind: str, distance: float) -> None:
        start = self.local_now - timedelta(minutes=minutes_ago)
        self.next_id += 1
        ident = f"i{self.next_id}"
        self.service.activities[ident] = Activity(
            id=ident,
            start_local=start,
            type=kind,
            name=f"{kind} {ident}",
            distance=distance,
            moving_time=60.0,
            average_heartrate=140.0,
        )
        self.stale |= start < self._recent_start()

    @rule(
        data=st.data(), distance=st.floats(min_value=0, max_value=1e5, allow_nan=False)
    )
    def edit(self, data: st.DataObject, distance: float) -> None:
        if not self.service.activities:
            return
        ident = data.draw(st.sampled_from(sorted(self.service.activities)))
        old = self.service.activities[ident]
        kind = data.draw(st.sampled_from([old.type, *KINDS]))
        self.service.activities[ident] = replace(old, type=kind, distance=distance)
        self.stale |= old.start_local < self._recent_start()

    @rule(data=st.data(), name=st.text(max_size=5), heartrate=st.floats(60, 200))
    def rename(self, data: st.DataObject, name: str, heartrate: float) -> None:
        """Changes the totals do not see: the last activity shows them."""
        if not self.service.activities:
            return
        ident = data.draw(st.sampled_from(sorted(self.service.activities)))
        old = self.service.activities[ident]
        self.service.activities[ident] = replace(
            old, name=name, average_heartrate=heartrate
        )

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        if not self.service.activities:
            return
        ident = data.draw(st.sampled_from(sorted(self.service.activities)))
        self.stale |= (
            self.service.activities.pop(ident).start_local < self._recent_start()
        )

    @rule(hours=st.integers(min_value=1, max_value=30))
    def advance(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule()
    def update(self) -> None:
        today = self.local_now.date()
        start = window_start(today)
        reconcile = self.cache.needs_reconcile(today, start)
        windows = len(self.cache.reconcile_windows(start, today))
        # With nothing cached, the last days come first, then the rest.
        probed = not self.cache.activities and (today - start).days >= PROBE_DAYS
        before = len(self.service.requests)
        new = self.loop.run_until_complete(
            self.cache.async_sync(self.service.fetch, today, start)
        )
        requests = len(self.service.requests) - before
        fields = self.service.fields[before:]
        assert requests == len(fields)
        if reconcile:
            self.stale = False
            # The year with what the totals need, then the recent days in full.
            if probed:
                windows = len(list(itertools.takewhile(TOTALS_FIELDS.__eq__, fields)))
                assert windows >= 2
            assert fields[:windows] == [TOTALS_FIELDS] * windows
            fields = fields[windows:]
        # The recent days in full, and further back when the last activity
        # was deleted.
        assert fields
        assert set(fields) == {ACTIVITY_FIELDS}
        self.seen_new += [a.id for a in new]
        # News carries what a full read has: its name.
        assert all(a.name is not None for a in new)
        if not self.stale:
            self.check_totals()
            self.check_last_activity()

    def check_last_activity(self) -> None:
        """Whatever was read with fewer fields, the last activity is complete."""
        end = datetime.combine(self.local_now.date(), datetime.max.time())
        assert latest(
            a for a in self.cache.activities.values() if a.start_local <= end
        ) == latest(a for a in self.service.activities.values() if a.start_local <= end)

    def check_totals(self) -> None:
        today = self.local_now.date()
        cached = aggregate(self.cache.activities.values(), GROUPS, today)
        truth = aggregate(self.service.activities.values(), GROUPS, today)
        for group, periods in truth.items():
            for period, expected in periods.items():
                got = cached[group][period]
                # Sums in another order differ in the last bits only.
                assert got.count == expected.count, (group, period)
                assert got.distance == pytest.approx(expected.distance, abs=1e-6)
                assert got.moving_time == pytest.approx(expected.moving_time, abs=1e-6)

    def teardown(self) -> None:
        if hasattr(self, "loop"):
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()

    @invariant()
    def news_are_unique(self) -> None:
        if hasattr(self, "seen_new"):
            assert len(self.seen_new) == len(set(self.seen_new))


IncrementalSync.TestCase.settings = settings(
    max_examples=150, stateful_step_count=40, deadline=None
)
TestIncrementalSync = IncrementalSync.TestCase


def test_first_load_reports_nothing_new_then_new_uploads() -> None:
    service = FakeService()
    service.activities["old"] = Activity(
        id="old", start_local=datetime(2026, 5, 1, 8), type="Run"
    )
    cache = ActivityCache("i1")
    today = date(2026, 5, 10)
    assert run(cache.async_sync(service.fetch, today, window_start(today))) == ()
    service.activities["new"] = Activity(
        id="new", start_local=datetime(2026, 5, 10, 7), type="Ride"
    )
    new = run(cache.async_sync(service.fetch, today, window_start(today)))
    assert [a.id for a in new] == ["new"]
    # This one reached back to the last activity, of 1 May, to read it in
    # full; now that the last is recent, an update asks for the recent days.
    assert service.requests[-1][0] == datetime(2026, 5, 1)
    assert run(cache.async_sync(service.fetch, today, window_start(today))) == ()
    oldest, newest = service.requests[-1]
    assert oldest == datetime(2026, 5, 7)
    assert newest == datetime(2026, 5, 10, 23, 59, 59)


def test_reconcile_pages_large_years() -> None:
    cache = ActivityCache("i1")
    base = datetime(2026, 1, 1, 6)
    for i in range(PAGE_SIZE * 3 + 1):
        ident = f"a{i}"
        cache.activities[ident] = Activity(
            id=ident, start_local=base + timedelta(minutes=50 * i), type="Run"
        )
    windows = cache.reconcile_windows(date(2026, 1, 1), date(2026, 12, 31))
    assert len(windows) == 4
    assert windows[0][0] == datetime(2026, 1, 1)
    assert windows[-1][1] == datetime(2026, 12, 31, 23, 59, 59)
    for (_, end), (begin, _) in itertools.pairwise(windows):
        assert begin - end == timedelta(seconds=1)
    assert (
        len(ActivityCache("i1").reconcile_windows(date(2026, 1, 1), date(2026, 3, 1)))
        == 1
    )


def test_round_trip_and_damage() -> None:
    cache = ActivityCache(
        "i1", window_start=date(2026, 1, 1), reconciled_on=date(2026, 2, 1)
    )
    cache.activities["x"] = Activity(
        id="x",
        start_local=datetime(2026, 1, 5, 6, 30),
        type="Run",
        distance=1.5,
        name="Easy",
    )
    cache.activities["s"] = Activity(
        id="s", start_local=datetime(2026, 1, 6), source="STRAVA", is_stub=True
    )
    data = cache.snapshot().as_json()
    assert from_json(data) == cache
    [chunk] = data["activities"]
    rows = json.loads(chunk)
    # 1.1 and 1.2 kept every activity in one string.
    assert from_json({**data, "activities": chunk}) == cache

    def with_rows(value: object) -> dict:
        return {**data, "activities": [json.dumps(value)]}

    for broken in (
        [],
        {**data, "columns": ["id"]},
        {**data, "athlete_id": 5},
        {**data, "activities": {}},
        {**data, "activities": [rows]},
        {**data, "activities": "[[1,"},
        {**data, "activities": [chunk, "[[1,"]},
        with_rows({}),
        with_rows([["x"]]),
        with_rows([[*rows[0][:4], "far", *rows[0][5:]]]),
        with_rows([[7, *rows[0][1:]]]),
        {**data, "window_start": "yesterday"},
    ):
        try:
            from_json(broken)
        except TypeError, ValueError, KeyError:
            continue
        raise AssertionError(f"accepted {broken!r}")


def test_many_activities_are_stored_in_chunks() -> None:
    """No string holds more than ROWS_PER_CHUNK activities; all come back."""
    cache = ActivityCache("i1", window_start=date(2026, 1, 1))
    for number in range(2 * ROWS_PER_CHUNK + 1):
        cache.activities[f"a{number}"] = Activity(
            id=f"a{number}",
            start_local=datetime(2026, 1, 1) + timedelta(minutes=number),
            type="Run",
            distance=float(number),
        )
    data = cache.snapshot().as_json()
    sizes = [len(json.loads(chunk)) for chunk in data["activities"]]
    assert sizes == [ROWS_PER_CHUNK, ROWS_PER_CHUNK, 1]
    assert from_json(data) == cache
    assert from_json({**data, "activities": []}).activities == {}


def test_last_activity_before_the_window_is_looked_up() -> None:
    """After a break longer than the window (last year and this), the last run is still known."""
    service = FakeService()
    service.activities["i1"] = Activity(
        id="i1", start_local=datetime(2025, 6, 1, 9, 0), type="Run", name="Run"
    )
    cache = ActivityCache("i1")
    today = date(2027, 1, 1)
    run(cache.async_sync(service.fetch, today, window_start(today)))
    assert latest(cache.activities.values()) == service.activities["i1"]
    # The daily re-read drops it from the window and finds it again.
    tomorrow = date(2027, 1, 2)
    run(cache.async_sync(service.fetch, tomorrow, window_start(tomorrow)))
    assert latest(cache.activities.values()) == service.activities["i1"]
    # An hourly update asks nothing more; deleted, it is gone within the hour.
    before = len(service.requests)
    del service.activities["i1"]
    run(cache.async_sync(service.fetch, tomorrow, window_start(tomorrow)))
    assert len(service.requests) == before + 1
    assert latest(cache.activities.values()) is None


def test_a_busy_athlete_is_read_in_pages_from_the_first_load() -> None:
    """No answer holds much more than PAGE_SIZE activities, even with no cache."""
    service = FakeService()
    today = date(2026, 11, 27)
    start = window_start(today)
    day = datetime.combine(start, time(6, 0))
    number = 0
    while day.date() <= today:
        for hour in range(10):  # ten a day: ~6,900 in the window
            ident = f"a{number}"
            service.activities[ident] = Activity(
                id=ident, start_local=day + timedelta(hours=hour), type="Run"
            )
            number += 1
        day += timedelta(days=1)
    cache = ActivityCache("i1")
    run(cache.async_sync(service.fetch, today, start))
    assert len(cache.activities) == len(service.activities)
    sizes = [
        sum(1 for a in service.activities.values() if old <= a.start_local <= new)
        for old, new in service.requests
    ]
    assert len(sizes) > 4
    assert max(sizes) <= PAGE_SIZE * 1.1
    # The last days first: they tell how busy the rest of the window is.
    assert service.requests[0][0] == datetime.combine(
        today - timedelta(days=PROBE_DAYS - 1), time.min
    )


def test_last_year_is_read_once_and_the_daily_reread_covers_this_year() -> None:
    service = FakeService()
    for ident, start in (
        ("old", datetime(2024, 12, 30, 8)),
        ("last", datetime(2025, 3, 1, 8)),
        ("this", datetime(2026, 3, 1, 8)),
    ):
        service.activities[ident] = Activity(
            id=ident, start_local=start, type="Run", distance=1000.0
        )
    cache = ActivityCache("i1")

    def sync(today: date) -> None:
        run(
            cache.async_sync(
                service.fetch, today, window_start(today), reread_start(today)
            )
        )

    sync(date(2026, 5, 10))
    # The first load reads all of last year too; nothing older.
    assert min(oldest for oldest, _ in service.requests) == datetime(2025, 1, 1)
    assert set(cache.activities) == {"last", "this"}
    # Edits of both years; the next day's re-read sees this year's only.
    service.activities["last"] = replace(service.activities["last"], distance=2000.0)
    service.activities["this"] = replace(service.activities["this"], distance=3000.0)
    service.requests.clear()
    sync(date(2026, 5, 11))
    assert service.requests[0][0] == datetime(2026, 1, 1)
    assert cache.activities["this"].distance == 3000.0
    assert cache.activities["last"].distance == 1000.0
    # Asked to, the next reconcile reads the whole window again.
    cache.reread_all = True
    service.requests.clear()
    sync(date(2026, 5, 11))
    assert service.requests[0][0] == datetime(2025, 1, 1)
    assert cache.activities["last"].distance == 2000.0
    assert not cache.reread_all
    # New Year: 2025 leaves the cache, 2026 (read daily all year) stays.
    service.requests.clear()
    sync(date(2027, 1, 1))
    assert service.requests[0][0] == datetime(2026, 12, 28)
    assert set(cache.activities) == {"this"}
    assert cache.window_start == date(2026, 1, 1)


def test_whole_cache_passes_run_off_the_event_loop() -> None:
    """Merges and scans of the whole cache run in a worker thread, not the loop."""
    service = FakeService()
    for day in range(1, 11):
        key = f"a{day}"
        service.activities[key] = Activity(
            id=key, start_local=datetime(2026, 5, day, 8), type="Run"
        )
    cache = ActivityCache("i1")
    today = date(2026, 5, 10)
    calls: list[tuple[str, int]] = []

    def recorded(name: str, work):
        def call(*args, **kwargs):
            calls.append((name, threading.get_ident()))
            return work(*args, **kwargs)

        return call

    async def syncs() -> int:
        for _ in range(2):  # a reconcile, then an hourly update
            await cache.async_sync(service.fetch, today, window_start(today))
            service.activities["new"] = Activity(
                id="new", start_local=datetime(2026, 5, 10, 9), type="Ride"
            )
        return threading.get_ident()

    with (
        patch.object(sync, "_merged", recorded("_merged", sync._merged)),
        patch.object(
            ActivityCache,
            "full_since",
            recorded("full_since", ActivityCache.full_since),
        ),
        patch.object(
            ActivityCache,
            "reconcile_windows",
            recorded("reconcile_windows", ActivityCache.reconcile_windows),
        ),
    ):
        loop_thread = run(syncs())
    assert {name for name, _ in calls} == {
        "_merged",
        "full_since",
        "reconcile_windows",
    }
    assert [name for name, thread in calls if thread == loop_thread] == []
    assert "new" in cache.activities
