"""The athlete's gear (bikes, shoes, and their components) and its reminders."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .errors import IntervalsResponseError
from .models import _bool, _id, _list, _num, _obj, _str, _str_tuple


def _moment(raw: Mapping[str, Any], key: str) -> datetime | None:
    """A date-time as sent: aware when it carries an offset, else athlete-local."""
    value = _str(raw, key)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as err:
        raise IntervalsResponseError(f"malformed date-time in {key!r}") from err


def _day(raw: Mapping[str, Any], key: str) -> date | None:
    value = _str(raw, key)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as err:
        raise IntervalsResponseError(f"malformed date in {key!r}") from err


def _count(raw: Mapping[str, Any], key: str) -> int | None:
    value = _num(raw, key)
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
    def from_json(cls, value: Any) -> Reminder:
        """Parse one element of a gear's `reminders`."""
        raw = _obj(value, "reminder")
        return cls(
            id=_id(raw),
            name=_str(raw, "name"),
            distance=_num(raw, "distance"),
            time=_num(raw, "time"),
            activities=_count(raw, "activities"),
            days=_count(raw, "days"),
            last_reset=_moment(raw, "last_reset"),
            snoozed_until=_moment(raw, "snoozed_until"),
            percent_used=_num(raw, "percent_used"),
            distance_used=_num(raw, "distance_used"),
            time_used=_num(raw, "time_used"),
            activities_used=_count(raw, "activities_used"),
            days_used=_count(raw, "days_used"),
        )

    def limits_json(self) -> dict[str, Any]:
        """The reminder's own settings, as a reset sends them back unchanged."""
        body: dict[str, Any] = {"id": int(self.id) if self.id.isdigit() else self.id}
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
    def from_json(cls, value: Any) -> Gear:
        """Parse one element of `gear.json`."""
        raw = _obj(value, "gear")
        reminders = raw.get("reminders")
        return cls(
            id=_id(raw),
            type=_str(raw, "type"),
            name=_str(raw, "name"),
            distance=_num(raw, "distance"),
            time=_num(raw, "time"),
            activities=_count(raw, "activities"),
            retired=_day(raw, "retired"),
            component=bool(_bool(raw, "component")),
            component_ids=_str_tuple(raw, "component_ids"),
            reminders=tuple(
                Reminder.from_json(item)
                for item in ([] if reminders is None else _list(reminders, "reminders"))
            ),
        )
