"""The plan's events as the calendar and the actions show them (pure)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from custom_components.intervals_icu.api import Event
from custom_components.intervals_icu.training.plan import (
    description,
    event_span,
    is_all_day,
    summary,
)

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": "Sweet spot", "category": "WORKOUT", "type": "Ride"}, "Sweet spot"),
        ({"name": "  ", "category": "WORKOUT", "type": "Ride"}, "Ride workout"),
        ({"category": "RACE_A"}, "Race A"),
        ({"category": "RACE_B", "type": "Run"}, "Run race B"),
        ({"category": "NOTE"}, "Note"),
        ({"category": "SET_EFTP"}, "Set eftp"),
        ({"type": "Swim"}, "Swim"),
        ({}, "Event"),
    ],
)
def test_summary(fields: dict, expected: str) -> None:
    event = Event(id="1", start_local=datetime(2026, 6, 16), **fields)
    assert summary(event) == expected


@pytest.mark.parametrize(
    ("start", "end", "category", "moving_time", "all_day", "span"),
    [
        # No time: whole days, the end exclusive.
        (
            "2026-06-16T00:00",
            None,
            "WORKOUT",
            3600,
            True,
            (date(2026, 6, 16), date(2026, 6, 17)),
        ),
        (
            "2026-06-16T00:00",
            "2026-06-16T00:00",
            "NOTE",
            None,
            True,
            (date(2026, 6, 16), date(2026, 6, 17)),
        ),
        (
            "2026-06-16T00:00",
            "2026-06-19T00:00",
            "HOLIDAY",
            None,
            True,
            (date(2026, 6, 16), date(2026, 6, 19)),
        ),
        (
            "2026-06-16T00:00",
            "2026-06-17T08:00",
            "INJURED",
            None,
            True,
            (date(2026, 6, 16), date(2026, 6, 18)),
        ),
        # A workout planned at midnight with an end is timed.
        (
            "2026-06-16T00:00",
            "2026-06-16T01:00",
            "WORKOUT",
            3600,
            False,
            ("2026-06-16T00:00", "2026-06-16T01:00"),
        ),
        # With a time: the end, else the planned duration, else an hour.
        (
            "2026-06-16T07:00",
            "2026-06-16T08:30",
            "WORKOUT",
            3600,
            False,
            ("2026-06-16T07:00", "2026-06-16T08:30"),
        ),
        (
            "2026-06-16T07:00",
            None,
            "WORKOUT",
            2700,
            False,
            ("2026-06-16T07:00", "2026-06-16T07:45"),
        ),
        (
            "2026-06-16T07:00",
            "2026-06-16T07:00",
            "RACE_B",
            None,
            False,
            ("2026-06-16T07:00", "2026-06-16T08:00"),
        ),
    ],
)
def test_span(
    start: str,
    end: str | None,
    category: str,
    moving_time: int | None,
    all_day: bool,
    span: tuple,
) -> None:
    event = Event(
        id="1",
        start_local=datetime.fromisoformat(start),
        end_local=datetime.fromisoformat(end) if end else None,
        category=category,
        moving_time=moving_time,
    )
    assert is_all_day(event) is all_day
    got = event_span(event, NEW_YORK)
    assert got.all_day is all_day
    if all_day:
        assert (got.start, got.end) == span
    else:
        assert (got.start, got.end) == tuple(
            datetime.fromisoformat(v).replace(tzinfo=NEW_YORK) for v in span
        )


def test_description_of_a_short_swim() -> None:
    event = Event(
        id="1", start_local=datetime(2026, 6, 16), moving_time=1500, distance=1500.0
    )
    assert description(event) == "Duration: 25 min\nDistance: 1.5 km"
    # 1,500 m is 0.93 mi.
    assert description(event, miles=True) == "Duration: 25 min\nDistance: 0.9 mi"
    empty = Event(id="2", start_local=datetime(2026, 6, 16))
    assert description(empty) is None
