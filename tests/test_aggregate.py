"""Totals per sport group and period, checked against a naive recomputation."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.intervals_icu.aggregate import (
    ALL,
    Period,
    aggregate,
    count_stubs,
    latest,
    period_starts,
    window_start,
)
from custom_components.intervals_icu.api import Activity
from custom_components.intervals_icu.const import DEFAULT_GROUPS

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
    assert window_start(date(2026, 1, 1)) == date(2025, 12, 29)
    assert period_starts(date(2026, 1, 1), week_start=6)[Period.WEEK] == date(
        2025, 12, 28
    )
    assert window_start(date(2026, 6, 15)) == date(2026, 1, 1)


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
