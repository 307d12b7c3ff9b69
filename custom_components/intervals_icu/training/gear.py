"""Which gear is in use, and which of it is due a service (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..api import Gear, Reminder

# A reminder is used up at 100 % of any of its limits.
USED_UP = 100.0
# Limit field -> the usage field it is measured by.
_LIMITS = (
    ("distance", "distance_used"),
    ("time", "time_used"),
    ("activities", "activities_used"),
    ("days", "days_used"),
)


def in_use(gear: Iterable[Gear]) -> list[Gear]:
    """The gear and components that are not retired."""
    return [item for item in gear if item.retired is None]


def is_snoozed(reminder: Reminder, now: datetime, zone: ZoneInfo) -> bool:
    """Whether the reminder is snoozed at `now` (aware); a bare time is local."""
    until = reminder.snoozed_until
    if until is None:
        return False
    if until.tzinfo is None:
        until = until.replace(tzinfo=zone)
    return until > now


def is_used_up(reminder: Reminder) -> bool:
    """Whether the reminder reached 100 % of a limit."""
    return reminder.percent_used is not None and reminder.percent_used >= USED_UP


def is_due(reminder: Reminder, now: datetime, zone: ZoneInfo) -> bool:
    """Used up and not snoozed: the service should be done now."""
    return is_used_up(reminder) and not is_snoozed(reminder, now, zone)


def service_due(gear: Gear, now: datetime, zone: ZoneInfo) -> bool:
    """Whether any of the gear's reminders is due."""
    return any(is_due(reminder, now, zone) for reminder in gear.reminders)


def limits_reached(reminder: Reminder) -> list[str]:
    """Which limits (distance, time, activities, days) the usage has reached."""
    reached: list[str] = []
    for limit_name, used_name in _LIMITS:
        limit = getattr(reminder, limit_name)
        used = getattr(reminder, used_name)
        if limit and used is not None and used >= limit:
            reached.append(limit_name)
    return reached


def reminder_attributes(
    reminder: Reminder, now: datetime, zone: ZoneInfo
) -> dict[str, Any]:
    """How a reminder shows in the service-due sensor's attributes."""
    return {
        "id": reminder.id,
        "name": reminder.name,
        "percent_used": reminder.percent_used,
        "due": is_due(reminder, now, zone),
        "limits_reached": limits_reached(reminder),
        "snoozed_until": None
        if reminder.snoozed_until is None
        else reminder.snoozed_until.isoformat(),
    }
