"""How a Home Assistant calendar entry becomes an Intervals.icu one (pure, no I/O)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.intervals_icu.api import (
    Event,
    EventWrite,
    IntervalsInvalidValueError,
)
from custom_components.intervals_icu.training.calendar_entry import (
    entry_write,
    sport_and_name,
)
from custom_components.intervals_icu.training.plan import (
    description,
    overlaps,
    own_text,
)

NEW_YORK = ZoneInfo("America/New_York")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ride: Sweet spot", ("Ride", "Sweet spot")),
        ("ride:Sweet spot", ("Ride", "Sweet spot")),
        ("Virtual ride: Zwift race", ("VirtualRide", "Zwift race")),
        ("weight-training: Legs", ("WeightTraining", "Legs")),
        ("Run:", ("Run", "")),
        ("Dentist: 9:30", (None, "Dentist: 9:30")),
        ("Sweet spot", (None, "Sweet spot")),
        ("  Holiday  ", (None, "Holiday")),
    ],
)
def test_sport_and_name(text: str, expected: tuple[str | None, str]) -> None:
    assert sport_and_name(text) == expected


def test_a_plain_day_entry_is_a_note() -> None:
    assert entry_write(
        summary_text="Camp",
        description_text="",
        start=date(2026, 7, 1),
        end=date(2026, 7, 4),
        zone=AMSTERDAM,
    ) == EventWrite(
        category="NOTE",
        name="Camp",
        start_local=date(2026, 7, 1),
        end_local=date(2026, 7, 4),
    )


def test_a_workout_is_on_one_day() -> None:
    assert entry_write(
        summary_text="Run: Long",
        description_text=" - 90m Z2 ",
        start=date(2026, 7, 1),
        end=date(2026, 7, 2),
        zone=AMSTERDAM,
    ) == EventWrite(
        category="WORKOUT",
        type="Run",
        name="Long",
        description="- 90m Z2",
        start_local=date(2026, 7, 1),
        end_local=date(2026, 7, 2),
    )
    with pytest.raises(IntervalsInvalidValueError) as err:
        entry_write(
            summary_text="Run: Camp",
            description_text=None,
            start=date(2026, 7, 1),
            end=date(2026, 7, 3),
            zone=AMSTERDAM,
        )
    assert (err.value.field, err.value.problem) == ("end_date_local", "days")


def test_a_timed_entry_is_at_the_athletes_wall_time() -> None:
    # 00:00 in Amsterdam is 18:00 the day before in New York.
    start = datetime(2026, 7, 2, 0, 0, tzinfo=AMSTERDAM)
    workout = entry_write(
        summary_text="Ride:",
        description_text=None,
        start=start,
        end=start + timedelta(minutes=75),
        zone=NEW_YORK,
    )
    assert workout == EventWrite(
        category="WORKOUT",
        type="Ride",
        start_local=datetime(2026, 7, 1, 18, 0),
        end_local=datetime(2026, 7, 1, 19, 15),
        # Without workout text, the length is the plan.
        moving_time=75 * 60,
    )
    with_text = entry_write(
        summary_text="Ride: Tempo",
        description_text="- 60m Z3",
        start=start,
        end=start + timedelta(minutes=75),
        zone=NEW_YORK,
    )
    assert with_text.moving_time is None


LONG_RUN = Event(
    id="7",
    start_local=datetime(2026, 7, 1, 7, 0),
    end_local=datetime(2026, 7, 1, 8, 30),
    category="WORKOUT",
    type="Run",
    name="Long run",
    description="Easy.",
    moving_time=5400.0,
    distance=18000.0,
    training_load=95.0,
)
SHOWN_START = datetime(2026, 7, 1, 7, 0, tzinfo=AMSTERDAM).astimezone(UTC)


def change(**values: object) -> EventWrite:
    shown = {
        "summary_text": "Long run",
        "description_text": description(LONG_RUN),
        "start": SHOWN_START,
        "end": SHOWN_START + timedelta(minutes=90),
    }
    return entry_write(
        **{**shown, **values},  # type: ignore[arg-type]
        zone=AMSTERDAM,
        existing=LONG_RUN,
    )


def test_an_entry_saved_as_shown_changes_nothing() -> None:
    assert change() == EventWrite()
    # In miles, as a US-customary installation shows it, too.
    assert (
        entry_write(
            summary_text="Long run",
            description_text=description(LONG_RUN, miles=True),
            start=SHOWN_START,
            end=SHOWN_START + timedelta(minutes=90),
            zone=AMSTERDAM,
            existing=LONG_RUN,
            miles=True,
        )
        == EventWrite()
    )


def test_only_what_changed_is_sent() -> None:
    assert change(summary_text="Long run, hilly") == EventWrite(name="Long run, hilly")
    assert change(
        description_text=description(LONG_RUN).replace("Easy.", "Easy, flat.")
    ) == EventWrite(description="Easy, flat.")
    later = SHOWN_START + timedelta(hours=2)
    assert change(start=later, end=later + timedelta(minutes=90)) == EventWrite(
        start_local=datetime(2026, 7, 1, 9, 0),
        end_local=datetime(2026, 7, 1, 10, 30),
    )
    assert change(summary_text="Trail run: Long run") == EventWrite(type="TrailRun")
    # A day instead of a time: it ends at that day's end, not an old end's.
    assert change(start=date(2026, 7, 2), end=date(2026, 7, 3)) == EventWrite(
        start_local=date(2026, 7, 2), end_local=date(2026, 7, 3)
    )


def test_an_unnamed_entry_keeps_no_name() -> None:
    unnamed = Event(
        id="8", start_local=datetime(2026, 7, 1), category="RACE_A", type="Run"
    )
    assert (
        entry_write(
            summary_text="Run race A",
            description_text=None,
            start=date(2026, 7, 1),
            end=date(2026, 7, 2),
            zone=AMSTERDAM,
            existing=unnamed,
        )
        == EventWrite()
    )


def test_own_text_leaves_the_planned_numbers_out() -> None:
    shown = description(LONG_RUN)
    assert shown == "Easy.\n\nDuration: 1 h 30 min\nDistance: 18.0 km\nLoad: 95"
    assert own_text(shown, LONG_RUN) == "Easy."
    assert own_text(shown + "\nMore", LONG_RUN) == shown + "\nMore"
    bare = Event(id="9", start_local=datetime(2026, 7, 1))
    assert own_text(" text ", bare) == "text"


@pytest.mark.parametrize(
    ("start", "end", "first", "last", "listed"),
    [
        ("2026-07-01T00:00:00", None, date(2026, 7, 1), date(2026, 7, 1), True),
        ("2026-07-01T23:59:59", None, date(2026, 7, 2), date(2026, 7, 3), False),
        # The end is exclusive: a day's entry ends at the next midnight.
        (
            "2026-06-28T00:00:00",
            "2026-07-01T00:00:00",
            date(2026, 7, 1),
            date(2026, 7, 7),
            False,
        ),
        (
            "2026-06-28T00:00:00",
            "2026-07-01T00:00:01",
            date(2026, 7, 1),
            date(2026, 7, 7),
            True,
        ),
        ("2026-07-08T00:00:00", None, date(2026, 7, 1), date(2026, 7, 7), False),
    ],
)
def test_overlaps_as_the_service_lists(
    start: str, end: str | None, first: date, last: date, listed: bool
) -> None:
    event = Event(
        id="1",
        start_local=datetime.fromisoformat(start),
        end_local=None if end is None else datetime.fromisoformat(end),
    )
    assert overlaps(event, first, last) is listed
