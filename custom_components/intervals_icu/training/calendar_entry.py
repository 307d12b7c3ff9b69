"""A calendar entry from Home Assistant as an Intervals.icu one.

A plain entry is a note. A summary that starts with a sport and a colon
("Ride: Sweet spot", "Weight training: Legs") is a planned workout of that
sport; its description is Intervals.icu's workout text (`- 10m Z2`), from
which the service works out the planned time and load. An entry with dates
covers whole days; one with times is at those times in the athlete's zone.
An entry that exists keeps its category and sport unless its summary names
a sport, and only what the user changed is sent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..api import ACTIVITY_TYPES, Event, EventWrite, IntervalsInvalidValueError
from .plan import WORKOUT, event_span, own_text, summary

NOTE = "NOTE"


def _key(text: str) -> str:
    """Sport names as people write them: "Virtual ride" is VirtualRide."""
    return "".join(text.split()).replace("-", "").replace("_", "").casefold()


_SPORTS = {_key(sport): sport for sport in ACTIVITY_TYPES}

type When = date | datetime


def sport_and_name(text: str) -> tuple[str | None, str]:
    """`Ride: Sweet spot` is ("Ride", "Sweet spot"); other text is (None, text)."""
    head, colon, rest = text.partition(":")
    sport = _SPORTS.get(_key(head)) if colon else None
    if sport is None:
        return None, text.strip()
    return sport, rest.strip()


def _local(value: When, zone: ZoneInfo) -> When:
    """A date stays a date; a time becomes the athlete's wall time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(zone).replace(tzinfo=None)
    return value


def _when(
    category: str, first: When, last: When, *, text: bool
) -> tuple[When, When | None, int | None]:
    """Start, end and planned moving time to send for an entry at first..last."""
    if not isinstance(first, datetime) or not isinstance(last, datetime):
        if category != WORKOUT:
            return first, last, None
        day = _day(first)
        if (_day(last) - day).days > 1:
            raise IntervalsInvalidValueError("end_date_local", "days")
        # A workout is on a day (how long is for its text or its numbers): it
        # ends at midnight, also when it had a time of day before.
        return day, day + timedelta(days=1), None
    if category == WORKOUT and not text:
        # No workout text to work it out from: the length is the plan.
        return first, last, int((last - first).total_seconds())
    return first, last, None


def _day(value: When) -> date:
    return value.date() if isinstance(value, datetime) else value


def entry_write(
    *,
    summary_text: str,
    description_text: str | None,
    start: When,
    end: When,
    zone: ZoneInfo,
    existing: Event | None = None,
    miles: bool = False,
) -> EventWrite:
    """What to send for a new entry (`existing` None) or for a change of one.

    IntervalsInvalidValueError when it cannot be sent: a workout of several
    days, an end before its start, a text too long.
    """
    first, last = _local(start, zone), _local(end, zone)
    if existing is not None:
        return _change(
            existing,
            summary_text=summary_text,
            description_text=description_text,
            first=first,
            last=last,
            zone=zone,
            miles=miles,
        )
    sport, name = sport_and_name(summary_text)
    category = WORKOUT if sport else NOTE
    text = (description_text or "").strip()
    begin, finish, moving = _when(category, first, last, text=bool(text))
    return EventWrite(
        category=category,
        type=sport,
        name=name or None,
        description=text or None,
        start_local=begin,
        end_local=finish,
        moving_time=moving,
    )


def _change(
    existing: Event,
    *,
    summary_text: str,
    description_text: str | None,
    first: When,
    last: When,
    zone: ZoneInfo,
    miles: bool,
) -> EventWrite:
    """Only what differs from how the calendar shows the entry."""
    sport, name = sport_and_name(summary_text)
    category = existing.category or NOTE
    if sport and category == NOTE:
        category = WORKOUT
    if summary_text.strip() == summary(existing):
        # The calendar's own title for it ("Ride workout"): not a new name.
        name = existing.name or ""
    text = own_text(description_text or "", existing, miles=miles)
    span = event_span(existing, zone)
    moved = (first, last) != (_local(span.start, zone), _local(span.end, zone))
    when = _when(category, first, last, text=bool(text)) if moved else None
    return EventWrite(
        category=category if category != existing.category else None,
        type=sport if sport and sport != existing.type else None,
        name=name if name != (existing.name or "") else None,
        description=text if text != (existing.description or "").strip() else None,
        start_local=None if when is None else when[0],
        end_local=None if when is None else when[1],
        moving_time=None if when is None else when[2],
    )
