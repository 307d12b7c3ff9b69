"""Rows of long-term statistics, checked against a naive recomputation."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

from custom_components.intervals_icu.api import Activity, Wellness
from custom_components.intervals_icu.const import DEFAULT_GROUPS
from custom_components.intervals_icu.statistics.rows import (
    METRICS,
    SumRow,
    daily_means,
    day_start,
    first_changed_hour,
    hourly_sums,
    sum_key,
    sum_keys,
    sums,
    utc_hour,
)

GROUPS = {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}
AMS = ZoneInfo("Europe/Amsterdam")
TYPES = ["Run", "TrailRun", "Ride", "GravelRide", "Swim", "Yoga", None]


def act(
    ident: str,
    start: datetime,
    kind: str | None = "Run",
    *,
    is_stub: bool = False,
    **values: float,
) -> Activity:
    return Activity(id=ident, start_local=start, type=kind, is_stub=is_stub, **values)


def test_rows_at_the_hour_each_activity_started_cumulative() -> None:
    activities = [
        act("a", datetime(2024, 3, 2, 7, 15), distance=10_000, moving_time=3000),
        act("b", datetime(2024, 3, 2, 7, 50), distance=5_000, training_load=40),
        act("c", datetime(2024, 3, 3, 18, 5), "Ride", distance=40_000),
        act("d", datetime(2024, 3, 4, 9, 0), "Run", is_stub=True),
    ]
    rows = hourly_sums(activities, AMS, GROUPS, "i1").rows
    # 07:xx in Amsterdam in winter is 06:00 UTC; both runs share that hour.
    assert rows["i1_run_distance"] == [
        SumRow(datetime(2024, 3, 2, 6, tzinfo=UTC), 15_000.0, 15_000.0)
    ]
    assert rows["i1_run_count"] == [
        SumRow(datetime(2024, 3, 2, 6, tzinfo=UTC), 2.0, 2.0)
    ]
    assert rows["i1_all_distance"] == [
        SumRow(datetime(2024, 3, 2, 6, tzinfo=UTC), 15_000.0, 15_000.0),
        SumRow(datetime(2024, 3, 3, 17, tzinfo=UTC), 40_000.0, 55_000.0),
    ]
    # The Strava stub is never counted, not even in `count`.
    assert rows["i1_all_count"][-1].sum == 3.0
    assert rows["i1_run_training_load"][-1].sum == 40.0
    assert rows["i1_swim_distance"] == []
    assert set(rows) == set(sum_keys("i1", GROUPS))
    assert len(rows) == 4 * len(METRICS)


def test_hours_follow_the_athletes_zone_and_daylight_saving() -> None:
    # Summer time: 07:15 in Amsterdam is 05:15 UTC.
    assert utc_hour(datetime(2024, 7, 1, 7, 15), AMS) == datetime(
        2024, 7, 1, 5, tzinfo=UTC
    )
    # New Year's morning in Auckland is still the old year in UTC.
    assert utc_hour(datetime(2025, 1, 1, 6, 30), ZoneInfo("Pacific/Auckland")) == (
        datetime(2024, 12, 31, 17, tzinfo=UTC)
    )
    # Half-hour zone: the UTC hour holding the start, always top of the hour.
    assert utc_hour(datetime(2024, 7, 1, 7, 15), ZoneInfo("Asia/Kolkata")) == (
        datetime(2024, 7, 1, 1, tzinfo=UTC)
    )
    assert day_start(date(2024, 7, 1), ZoneInfo("America/Los_Angeles")) == (
        datetime(2024, 7, 1, 7, tzinfo=UTC)
    )


def _naive_sum(
    activities: list[Activity], group: str, metric: str, until: datetime
) -> float:
    types = GROUPS.get(group)
    total = 0.0
    for a in activities:
        if a.is_stub or utc_hour(a.start_local, AMS) > until:
            continue
        if types is not None and a.type not in types:
            continue
        total += 1.0 if metric == "count" else getattr(a, metric) or 0.0
    return total


activity_lists = st.lists(
    st.builds(
        act,
        st.uuids().map(str),
        st.datetimes(datetime(2019, 1, 1), datetime(2026, 12, 31)),
        st.sampled_from(TYPES),
        is_stub=st.booleans(),
        distance=st.floats(0, 300_000),
        moving_time=st.floats(0, 40_000),
        training_load=st.floats(0, 500),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(activity_lists)
def test_every_row_is_the_naive_sum_up_to_its_hour(
    activities: list[Activity],
) -> None:
    rows = hourly_sums(activities, AMS, GROUPS, "i1").rows
    for group in (*GROUPS, "all"):
        for metric in METRICS:
            series = rows[sum_key("i1", group, metric)]
            assert [r.start for r in series] == sorted({r.start for r in series})
            for row in series:
                assert row.start.minute == 0
                assert (
                    abs(row.sum - _naive_sum(activities, group, metric, row.start))
                    < 1e-6
                )


@settings(max_examples=60, deadline=None)
@given(activity_lists, st.datetimes(datetime(2019, 1, 1), datetime(2027, 1, 1)))
def test_rewrite_from_an_hour_equals_the_full_computation(
    activities: list[Activity], since_local: datetime
) -> None:
    full = hourly_sums(activities, AMS, GROUPS, "i1").rows
    since = since_local.replace(minute=0, second=0, microsecond=0, tzinfo=UTC)
    tail = hourly_sums(activities, AMS, GROUPS, "i1", since=since).rows
    for key, series in full.items():
        expected = [r for r in series if r.start >= since]
        assert len(tail[key]) == len(expected)
        for got, want in zip(tail[key], expected, strict=True):
            assert got.start == want.start
            assert abs(got.sum - want.sum) < 1e-6


def test_a_deleted_activity_leaves_a_row_with_no_change() -> None:
    first = act("a", datetime(2024, 5, 1, 8), distance=1000)
    gone = act("b", datetime(2024, 5, 2, 8), distance=2000)
    last = act("c", datetime(2024, 5, 3, 8), distance=4000)
    old = hourly_sums([first, gone, last], AMS, GROUPS, "i1").rows
    since = first_changed_hour([first, gone, last], [first, last], AMS)
    assert since == datetime(2024, 5, 2, 6, tzinfo=UTC)
    key = "i1_run_distance"
    new = hourly_sums(
        [first, last],
        AMS,
        GROUPS,
        "i1",
        since=since,
        written={key: [r.start for r in old[key]]},
    )
    assert new.rows[key] == [
        SumRow(datetime(2024, 5, 2, 6, tzinfo=UTC), 0.0, 1000.0),
        SumRow(datetime(2024, 5, 3, 6, tzinfo=UTC), 4000.0, 5000.0),
    ]
    # That hour holds a row but no activity: it is written again next time.
    assert new.empty[key] == [datetime(2024, 5, 2, 6, tzinfo=UTC)]
    assert new.empty["i1_ride_distance"] == []


def test_sums_continue_from_the_base_before_the_window() -> None:
    older = [act("o", datetime(2019, 5, 1, 8), distance=700, training_load=9)]
    recent = [act("a", datetime(2024, 5, 1, 8), distance=1000)]
    base = sums(older, GROUPS, "i1")
    assert base["i1_run_distance"] == 700.0
    assert base["i1_all_count"] == 1.0
    assert base["i1_ride_distance"] == 0.0
    whole = hourly_sums([*older, *recent], AMS, GROUPS, "i1").rows
    window = hourly_sums(recent, AMS, GROUPS, "i1", base=base).rows
    for key, series in window.items():
        assert series == [row for row in whole[key] if row.start.year == 2024]


def test_first_changed_hour() -> None:
    a = act("a", datetime(2024, 5, 1, 8), distance=1000)
    b = act("b", datetime(2024, 6, 1, 8), distance=1000)
    assert first_changed_hour([a, b], [a, b], AMS) is None
    # A new name changes no sum.
    renamed = Activity(
        id="b", start_local=b.start_local, type="Run", name="Easy", distance=1000
    )
    assert first_changed_hour([a, b], [a, renamed], AMS) is None
    longer = act("b", datetime(2024, 6, 1, 8), distance=1500)
    assert first_changed_hour([a, b], [a, longer], AMS) == datetime(
        2024, 6, 1, 6, tzinfo=UTC
    )
    # Moved back in time: the earlier of its two hours.
    moved = act("b", datetime(2024, 4, 1, 8), distance=1000)
    assert first_changed_hour([a, b], [a, moved], AMS) == datetime(
        2024, 4, 1, 6, tzinfo=UTC
    )
    new = act("c", datetime(2024, 7, 1, 8) + timedelta(minutes=5))
    assert first_changed_hour([a, b], [a, b, new], AMS) == datetime(
        2024, 7, 1, 6, tzinfo=UTC
    )
    stub = act("s", datetime(2024, 1, 1, 8), is_stub=True)
    assert first_changed_hour([a, b], [stub, a, b], AMS) is None


def test_daily_means_of_fitness_fatigue_and_form() -> None:
    wellness = [
        Wellness(day=date(2024, 7, 2), ctl=50.0, atl=60.0),
        Wellness(day=date(2024, 7, 1), ctl=49.5, atl=None),
        Wellness(day=date(2024, 7, 3)),
    ]
    means = daily_means(wellness, AMS, "i1")
    # The athlete's midnight in summer is 22:00 UTC the day before.
    assert [(r.start, r.mean) for r in means["i1_fitness"]] == [
        (datetime(2024, 6, 30, 22, tzinfo=UTC), 49.5),
        (datetime(2024, 7, 1, 22, tzinfo=UTC), 50.0),
    ]
    assert [r.mean for r in means["i1_fatigue"]] == [60.0]
    assert [r.mean for r in means["i1_form"]] == [-10.0]
