"""The athlete's gear (bikes, shoes, and their components) and its reminders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .errors import IntervalsResponseError
from .parse import (
    Bound,
    Dropped,
    _bool,
    _id,
    _list,
    _num,
    _obj,
    _str,
    _str_tuple,
    plausible_time,
)

# A piece of gear's lifetime, far beyond what one activity can add: a million
# km, a century of moving time; reminders' limits and use likewise.
LIFETIME_DISTANCE = Bound(0, 1e9)
LIFETIME_TIME = Bound(0, 100 * 365 * 86_400)
COUNT = Bound(0, 10_000_000)
PERCENT = Bound(0, 1_000_000)


def _moment(
    raw: Mapping[str, Any], key: str, dropped: Dropped | None
) -> datetime | None:
    """A date-time as sent: aware when it carries an offset, else athlete-local."""
    value = _str(raw, key)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise IntervalsResponseError(f"malformed date-time in {key!r}") from err
    if not plausible_time(parsed.replace(tzinfo=None)):
        # Year 1 or 9999: no clock can compare it with now.
        if dropped is not None:
            dropped[key] += 1
        return None
    return parsed


def _day(raw: Mapping[str, Any], key: str) -> date | None:
    value = _str(raw, key)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as err:
        raise IntervalsResponseError(f"malformed date in {key!r}") from err


def _count(
    raw: Mapping[str, Any],
    key: str,
    dropped: Dropped | None,
    *,
    at_most: bool = False,
) -> int | None:
    value = _num(raw, key, COUNT, dropped, at_most=at_most)
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reminder:
    """A service reminder: its limits, when it was last reset, how much is used."""

    id: str
    name: str | None = None
    distance: float | None = None
    """Limit in metres."""
    time: float | None = None
    """Limit in seconds."""
    activities: int | None = None
    days: int | None = None
    last_reset: datetime | None = None
    snoozed_until: datetime | None = None
    percent_used: float | None = None
    distance_used: float | None = None
    time_used: float | None = None
    activities_used: int | None = None
    days_used: int | None = None

    @classmethod
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> Reminder:
        """Parse one element of a gear's `reminders`."""
        raw = _obj(value, "reminder")
        return cls(
            id=_id(raw),
            name=_str(raw, "name"),
            distance=_num(raw, "distance", LIFETIME_DISTANCE, dropped),
            time=_num(raw, "time", LIFETIME_TIME, dropped),
            activities=_count(raw, "activities", dropped),
            days=_count(raw, "days", dropped),
            last_reset=_moment(raw, "last_reset", dropped),
            snoozed_until=_moment(raw, "snoozed_until", dropped),
            # Usage beyond the bound is "that much or more": clamped, still due.
            percent_used=_num(raw, "percent_used", PERCENT, dropped, at_most=True),
            distance_used=_num(
                raw, "distance_used", LIFETIME_DISTANCE, dropped, at_most=True
            ),
            time_used=_num(raw, "time_used", LIFETIME_TIME, dropped, at_most=True),
            activities_used=_count(raw, "activities_used", dropped, at_most=True),
            days_used=_count(raw, "days_used", dropped, at_most=True),
        )

    def limits_json(self) -> dict[str, Any]:
        """The reminder's own settings, as a reset sends them back unchanged."""
        numeric = self.id.isascii() and self.id.isdigit()
        body: dict[str, Any] = {"id": int(self.id) if numeric else self.id}
        for key in ("name", "distance", "time", "activities", "days"):
            value = getattr(self, key)
            if value is not None:
                body[key] = value
        return body


@dataclass(frozen=True, slots=True, kw_only=True)
class Gear:
    """One piece of gear or component, its totals in SI units."""

    id: str
    type: str | None = None
    name: str | None = None
    distance: float | None = None
    """Metres."""
    time: float | None = None
    """Seconds."""
    activities: int | None = None
    retired: date | None = None
    component: bool = False
    component_ids: tuple[str, ...] = ()
    reminders: tuple[Reminder, ...] = ()

    @classmethod
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> Gear:
        """Parse one element of `gear.json`."""
        raw = _obj(value, "gear")
        reminders = raw.get("reminders")
        return cls(
            id=_id(raw),
            type=_str(raw, "type"),
            name=_str(raw, "name"),
            distance=_num(raw, "distance", LIFETIME_DISTANCE, dropped),
            time=_num(raw, "time", LIFETIME_TIME, dropped),
            activities=_count(raw, "activities", dropped),
            retired=_day(raw, "retired"),
            component=bool(_bool(raw, "component")),
            component_ids=_str_tuple(raw, "component_ids"),
            reminders=tuple(
                Reminder.from_json(item, dropped)
                for item in ([] if reminders is None else _list(reminders, "reminders"))
            ),
        )
