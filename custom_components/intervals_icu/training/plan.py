"""Planned events (workouts, races, notes): when they happen and how they read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..api import Event
from ..api.parse import JsonScalar

# The calendar category of planned workouts.
WORKOUT = "WORKOUT"

# Categories that are about a day, not a moment, when they carry no time.
DAY_CATEGORIES = frozenset({"NOTE", "HOLIDAY", "SICK", "INJURED"})
# A timed event without an end or a planned duration lasts this long.
DEFAULT_DURATION = timedelta(hours=1)
METRES_PER_MILE = 1609.344


@dataclass(frozen=True, slots=True)
class Span:
    """When an event happens: local dates (end exclusive) or aware instants."""

    start: date | datetime
    end: date | datetime

    @property
    def all_day(self) -> bool:
        """True for an event of whole days."""
        return not isinstance(self.start, datetime)


def is_all_day(event: Event) -> bool:
    """Whether the event is about whole days rather than a time of day."""
    start = event.start_local
    if start.time() != time.min:
        return False
    end = event.end_local
    # Intervals.icu stores an item without a time at T00:00:00, with no end or
    # one at a later midnight.
    return (
        end is None
        or end <= start
        or end.time() == time.min
        or event.category in DAY_CATEGORIES
    )


def event_span(event: Event, zone: ZoneInfo) -> Span:
    """Dates for a whole-day event, else instants in the athlete's zone."""
    start = event.start_local
    end = event.end_local
    if is_all_day(event):
        first = start.date()
        if end is None or end <= start:
            return Span(first, first + timedelta(days=1))
        # An end within a day (a note until 18:00) still covers that day.
        last = end.date() if end.time() == time.min else end.date() + timedelta(days=1)
        return Span(first, max(last, first + timedelta(days=1)))
    if end is None or end <= start:
        if event.moving_time:
            end = start + timedelta(seconds=event.moving_time)
        else:
            end = start + DEFAULT_DURATION
    return Span(start.replace(tzinfo=zone), end.replace(tzinfo=zone))


def _category_words(category: str) -> str:
    # RACE_A -> "race A", WORKOUT -> "workout"
    return " ".join(
        part.upper() if len(part) == 1 else part for part in category.lower().split("_")
    )


def summary(event: Event) -> str:
    """The name, or type and category when unnamed ("Ride workout", "Race A")."""
    if event.name and event.name.strip():
        return event.name.strip()
    words = _category_words(event.category) if event.category else ""
    if event.type:
        return f"{event.type} {words}".rstrip()
    if words:
        return words[0].upper() + words[1:]
    return "Event"


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _facts(event: Event, *, miles: bool) -> str:
    facts: list[str] = []
    if event.moving_time:
        facts.append(f"Duration: {_duration(event.moving_time)}")
    if event.distance:
        per, unit = (METRES_PER_MILE, "mi") if miles else (1000.0, "km")
        facts.append(f"Distance: {event.distance / per:.1f} {unit}")
    if event.training_load is not None:
        facts.append(f"Load: {event.training_load:.0f}")
    return "\n".join(facts)


def description(event: Event, *, miles: bool = False) -> str | None:
    """The event's own text, then its planned duration, distance and load.

    The distance is in km, or in miles when asked (a US-customary installation).
    """
    lines: list[str] = []
    if event.description and event.description.strip():
        lines.append(event.description.strip())
    if facts := _facts(event, miles=miles):
        lines.append(facts)
    return "\n\n".join(lines) or None


def own_text(shown: str, event: Event, *, miles: bool = False) -> str:
    """What a user wrote, from a description `description()` showed and they edited.

    The planned numbers it added are the service's to work out, not text.
    """
    text = shown.strip()
    facts = _facts(event, miles=miles)
    if facts and text.endswith(facts):
        text = text.removesuffix(facts).rstrip()
    return text


def overlaps(event: Event, first: date, last: date) -> bool:
    """Whether the service lists the event for the local days first..last.

    As it does: an event that touches a day of the range, its end exclusive.
    """
    start = event.start_local
    end = event.end_local
    final = end - timedelta(seconds=1) if end is not None and end > start else start
    return start <= datetime.combine(last, time.max) and final >= datetime.combine(
        first, time.min
    )


def next_workout(events: Iterable[Event], now_local: datetime) -> Event | None:
    """The next planned workout at `now_local` (the athlete's wall time).

    A timed workout is next until it starts; one without a time of day is
    next for the whole of its day. `events` are in calendar order.
    """
    for event in events:
        if event.category != WORKOUT:
            continue
        if is_all_day(event):
            if event.start_local.date() >= now_local.date():
                return event
        elif event.start_local > now_local:
            return event
    return None


def next_workout_ends(event: Event, zone: ZoneInfo) -> datetime:
    """When a workout stops being the next one: its start, or the end of its day."""
    if is_all_day(event):
        day_after = event.start_local.date() + timedelta(days=1)
        return datetime.combine(day_after, time.min, tzinfo=zone)
    return event.start_local.replace(tzinfo=zone)


def event_as_dict(event: Event, zone: ZoneInfo) -> dict[str, JsonScalar]:
    """One planned event for an action's response: `Event.as_dict()` and its span."""
    span = event_span(event, zone)
    return {
        **event.as_dict(),
        "start": span.start.isoformat(),
        "end": span.end.isoformat(),
        "all_day": span.all_day,
        "summary": summary(event),
    }
