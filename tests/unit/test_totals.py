"""Totals per sport group and period, checked against a naive recomputation."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.intervals_icu.api import Activity
from custom_components.intervals_icu.const import DEFAULT_GROUPS
from custom_components.intervals_icu.training.totals import (
    ALL,
    Period,
    aggregate,
    count_stubs,
    last_year,
    latest,
    period_starts,
    same_day_last_year,
    window_start,
)

GROUPS = {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}
TYPES = ["Run", "VirtualRun", "TrailRun", "Ride", "GravelRide", "Swim", "Yoga", None]


def act(
    ident: str, start: datetime, kind: str | None = "Run", **values: float
) -> Activity:
    return Activity(id=ident, start_local=start, type=kind, **values)


def test_period_starts_monday_month_year() -> None:
    # Thursday 2026-01-01: the week began on Monday 29 December 2025.
    starts = period_starts(date(2026, 1, 1))
    assert starts == {
        Period.WEEK: date(2025, 12, 29),
        Period.MONTH: date(2026, 1, 1),
        Period.YEAR: date(2026, 1, 1),
    }
    # The cache keeps all of last year, for last year's totals.
    assert window_start(date(2026, 1, 1)) == date(2025, 1, 1)
    assert period_starts(date(2026, 1, 1), week_start=6)[Period.WEEK] == date(
        2025, 12, 28
    )
    assert window_start(date(2026, 6, 15)) == date(2025, 1, 1)


def test_groups_periods_and_stubs() -> None:
    today = date(2026, 3, 4)  # a Wednesday
    activities = [
        act("a", datetime(2026, 3, 4, 7), "Run", distance=10_000, moving_time=3000),
        act(
            "b",
            datetime(2026, 3, 1, 9),
            "VirtualRide",
            distance=30_000,
            training_load=50,
        ),
        act("c", datetime(2026, 1, 1, 0, 30), "Swim", distance=2000, elevation_gain=0),
        act("d", datetime(2025, 12, 31, 23, 30), "Run", distance=5000),
        act("e", datetime(2026, 3, 3, 12), "Yoga", moving_time=3600),
        Activity(
            id="s", start_local=datetime(2026, 3, 2), source="STRAVA", is_stub=True
        ),
        act("future", datetime(2026, 3, 5, 6), "Run", distance=99),
    ]
    totals = aggregate(activities, GROUPS, today)
    assert totals["run"][Period.YEAR].distance == 10_000
    assert totals["run"][Period.WEEK].count == 1
    assert totals["ride"][Period.MONTH].distance == 30_000
    assert totals["ride"][Period.WEEK].count == 0  # Sunday is last week
    assert totals["swim"][Period.YEAR].count == 1
    assert totals[ALL][Period.YEAR].count == 4  # run, ride, swim, yoga
    assert totals[ALL][Period.WEEK].moving_time == 3000 + 3600
    assert totals[ALL][Period.YEAR].training_load == 50
    assert count_stubs(activities, date(2026, 1, 1)) == 1
    assert latest(activities).id == "future"
    assert latest(activities[:-1]).id == "a"


def test_latest_is_by_start_not_position() -> None:
    newest_first = [
        act("x", datetime(2026, 5, 2, 8)),
        act("y", datetime(2026, 5, 1, 8)),
    ]
    assert latest(newest_first).id == "x"
    assert latest(list(reversed(newest_first))).id == "x"
    assert latest([]) is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=-400, max_value=2),
            st.sampled_from(TYPES),
            st.floats(min_value=0, max_value=1e6, allow_nan=False),
            st.booleans(),
        ),
        max_size=60,
    ),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)
def test_matches_naive_sum(
    rows: list[tuple[int, str | None, float, bool]], today: date
) -> None:
    activities = [
        Activity(
            id=str(i),
            start_local=datetime.combine(
                today + timedelta(days=offset), datetime.min.time()
            ),
            type=kind,
            distance=distance,
            is_stub=stub,
        )
        for i, (offset, kind, distance, stub) in enumerate(rows)
    ]
    totals = aggregate(activities, GROUPS, today)
    starts = period_starts(today)
    for group in [*GROUPS, ALL]:
        for period, start in starts.items():
            chosen = [
                a
                for a in activities
                if not a.is_stub
                and start <= a.start_local.date() <= today
                and (group == ALL or a.type in GROUPS[group])
            ]
            assert totals[group][period].count == len(chosen)
            assert totals[group][period].distance == pytest.approx(
                sum(a.distance or 0 for a in chosen)
            )


def test_same_day_last_year() -> None:
    assert same_day_last_year(date(2026, 6, 15)) == date(2025, 6, 15)
    assert same_day_last_year(date(2028, 2, 29)) == date(2027, 2, 28)
    assert same_day_last_year(date(2029, 3, 1)) == date(2028, 3, 1)
    assert same_day_last_year(date(2027, 1, 1)) == date(2026, 1, 1)


def test_last_year_to_date_and_whole() -> None:
    activities = [
        act("old", datetime(2024, 12, 31, 23, 59), distance=1),
        act("jan", datetime(2025, 1, 1, 0, 0), distance=10, moving_time=60),
        act("day", datetime(2025, 6, 15, 23, 59), distance=100, moving_time=600),
        act("next", datetime(2025, 6, 16, 0, 0), distance=1000),
        act("ride", datetime(2025, 3, 1, 9), "Ride", distance=20_000),
        act("dec", datetime(2025, 12, 31, 23, 59), distance=10_000),
        act("stub", datetime(2025, 2, 1, 9), None, is_stub=True),
        act("now", datetime(2026, 1, 2, 9), distance=50_000),
    ]
    result = last_year(activities, GROUPS, date(2026, 6, 15))
    assert result["run"].to_date.distance == 110
    assert result["run"].to_date.moving_time == 660
    assert result["run"].to_date.count == 2
    assert result["run"].whole.distance == 11_110
    assert result["ride"].to_date.distance == 20_000
    assert result[ALL].to_date.distance == 20_110
    assert result[ALL].whole.count == 5
    assert result["swim"].whole.count == 0


def test_last_year_on_29_february_counts_to_28_february() -> None:
    activities = [
        act("a", datetime(2027, 2, 28, 18), distance=5),
        act("b", datetime(2027, 3, 1, 7), distance=7),
    ]
    result = last_year(activities, GROUPS, date(2028, 2, 29))
    assert result["run"].to_date.distance == 5
    assert result["run"].whole.distance == 12
    # And on 1 March 2028, 1 March 2027 is included.
    assert last_year(activities, GROUPS, date(2028, 3, 1))["run"].to_date.distance == 12


def test_last_year_rolls_over_at_new_year() -> None:
    activities = [
        act("a", datetime(2025, 1, 1, 8), distance=3),
        act("b", datetime(2026, 1, 1, 8), distance=4),
        act("c", datetime(2026, 12, 31, 8), distance=5),
    ]
    assert (
        last_year(activities, GROUPS, date(2026, 12, 31))["run"].to_date.distance == 3
    )
    new_year = last_year(activities, GROUPS, date(2027, 1, 1))["run"]
    assert new_year.to_date.distance == 4
    assert new_year.whole.distance == 9
