"""Gear, components and service reminders: stored settings, computed usage.

A gear record keeps what the athlete entered plus the totals from before the
emulated history (`distance`, `time`, `activities`); activities whose `gear`
names it add to those, and a component also counts its parent's activities.
A reminder keeps its limits and the totals at its last reset; how much of it
is used is worked out on every answer, as the service does.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from .model import Athlete, JSONObject
from .schema import GEAR_FIELDS, GEAR_REMINDER_FIELDS
from .timeutil import format_utc, local_to_utc, utc_to_local

_NULL_GEAR: JSONObject = dict.fromkeys(GEAR_FIELDS)
_NULL_REMINDER: JSONObject = dict.fromkeys(GEAR_REMINDER_FIELDS)
# Reminder settings a PUT body carries (and replaces).
REMINDER_SETTINGS = ("name", "distance", "time", "activities", "days")
_INTEGER_SETTINGS = frozenset(("activities", "days"))


class GearError(LookupError):
    """No such gear or reminder."""


def _parent(athlete: Athlete, gear_id: str) -> Mapping[str, Any] | None:
    for record in athlete.gear:
        if gear_id in (record.get("component_ids") or ()):
            return record
    return None


def totals(athlete: Athlete, record: Mapping[str, Any]) -> tuple[float, float, int]:
    """Distance (m), moving time (s) and activities of a gear item so far."""
    ids = {record["id"]}
    parent = _parent(athlete, record["id"])
    if record.get("component") and parent is not None:
        ids.add(parent["id"])
    distance = float(record.get("distance") or 0.0)
    moving = float(record.get("time") or 0.0)
    count = int(record.get("activities") or 0)
    for activity in athlete.activities:
        gear = activity.get("gear")
        if isinstance(gear, dict) and gear.get("id") in ids:
            distance += activity.get("distance") or 0.0
            moving += activity.get("moving_time") or 0
            count += 1
    return distance, moving, count


def _local_day(moment: str, athlete: Athlete) -> date:
    parsed = datetime.fromisoformat(moment)
    if parsed.tzinfo is None:
        return parsed.date()
    return utc_to_local(parsed, athlete.zone).date()


def full_reminder(
    athlete: Athlete,
    reminder: Mapping[str, Any],
    used_totals: tuple[float, float, int],
    now: datetime,
) -> JSONObject:
    """The reminder with every spec property, its usage computed for `now`."""
    distance, moving, count = used_totals
    record = _NULL_REMINDER.copy()
    record.update(reminder)
    distance_used = distance - (reminder.get("starting_distance") or 0.0)
    time_used = moving - (reminder.get("starting_time") or 0.0)
    activities_used = count - (reminder.get("starting_activities") or 0)
    last_reset = reminder.get("last_reset")
    days_used = (
        (athlete.local_now(now).date() - _local_day(last_reset, athlete)).days
        if last_reset
        else None
    )
    shares = [
        used / limit * 100
        for used, limit in (
            (distance_used, reminder.get("distance")),
            (time_used, reminder.get("time")),
            (activities_used, reminder.get("activities")),
            (days_used, reminder.get("days")),
        )
        if limit and used is not None
    ]
    record.update(
        distance_used=round(distance_used, 1),
        time_used=round(time_used),
        activities_used=activities_used,
        days_used=days_used,
        percent_used=round(max(shares), 1) if shares else None,
    )
    return record


def full_gear(athlete: Athlete, record: Mapping[str, Any], now: datetime) -> JSONObject:
    """The gear item with every spec property and its current totals."""
    used = totals(athlete, record)
    full = _NULL_GEAR.copy()
    full.update(record)
    full.update(
        athlete_id=athlete.id,
        distance=round(used[0], 1),
        time=used[1],
        activities=used[2],
        component_ids=list(record.get("component_ids") or ()),
        component=bool(record.get("component")),
        reminders=[
            full_reminder(athlete, {**r, "gear_id": record["id"]}, used, now)
            for r in record.get("reminders") or ()
        ],
    )
    return full


def get_gear(athlete: Athlete, gear_id: str) -> JSONObject:
    """The stored gear record; GearError if unknown."""
    for record in athlete.gear:
        if record["id"] == gear_id:
            return record
    raise GearError(gear_id)


def get_reminder(record: Mapping[str, Any], reminder_id: int) -> JSONObject:
    """The stored reminder of a gear record; GearError if unknown."""
    for reminder in record.get("reminders") or ():
        if reminder["id"] == reminder_id:
            reminder_record: JSONObject = reminder
            return reminder_record
    raise GearError(reminder_id)


def update_reminder(
    athlete: Athlete,
    gear_id: str,
    reminder_id: int,
    settings: Mapping[str, Any],
    *,
    reset: bool,
    snooze_days: int,
    now: datetime,
) -> JSONObject:
    """Apply a reminder PUT: new settings, then a reset and/or a snooze."""
    record = get_gear(athlete, gear_id)
    reminder = get_reminder(record, reminder_id)
    reminder.update({key: settings.get(key) for key in REMINDER_SETTINGS})
    if reset:
        distance, moving, count = totals(athlete, record)
        reminder.update(
            last_reset=format_utc(now),
            starting_distance=distance,
            starting_time=moving,
            starting_activities=count,
            snoozed_until=None,
        )
    if snooze_days > 0:
        reminder["snoozed_until"] = format_utc(now + timedelta(days=snooze_days))
    return full_gear(athlete, record, now)


def sample_gear(athlete: Athlete, today: date) -> list[JSONObject]:
    """A bike with a chain, two pairs of shoes and a retired bike.

    The chain's reminder is used up (service due), the trainers' too but
    snoozed for two weeks; the bike's reminders are partly used.
    """

    def moment(days_ago: int) -> str:
        day = datetime.combine(today - timedelta(days=days_ago), datetime.min.time())
        return format_utc(local_to_utc(day, athlete.zone))

    snoozed = datetime.combine(today + timedelta(days=14), datetime.min.time())
    return [
        {
            "id": "b1",
            "type": "Bike",
            "name": "Road bike",
            "purchased": (today - timedelta(days=900)).isoformat(),
            "distance": 12_345_000.0,
            "time": 1_543_000.0,
            "activities": 412,
            "component_ids": ["c1"],
            "component": False,
            "reminders": [
                {
                    "id": 1,
                    "name": "Annual service",
                    "days": 365,
                    "last_reset": moment(150),
                    "starting_distance": 10_000_000.0,
                    "starting_time": 1_250_000.0,
                    "starting_activities": 330,
                },
                {
                    "id": 2,
                    "name": "Clean and lube",
                    "activities": 20,
                    "last_reset": moment(12),
                    "starting_distance": 12_100_000.0,
                    "starting_time": 1_512_000.0,
                    "starting_activities": 405,
                },
            ],
        },
        {
            "id": "c1",
            "type": "Chain",
            "name": "Chain",
            "distance": 3_120_000.0,
            "time": 390_000.0,
            "activities": 104,
            "component": True,
            "reminders": [
                {
                    "id": 3,
                    "name": "Replace chain",
                    "distance": 3_000_000.0,
                    "last_reset": moment(400),
                    "starting_distance": 0.0,
                    "starting_time": 0.0,
                    "starting_activities": 0,
                },
            ],
        },
        {
            "id": "g1",
            "type": "Shoes",
            "name": "Trainers",
            "distance": 612_000.0,
            "time": 201_000.0,
            "activities": 71,
            "reminders": [
                {
                    "id": 4,
                    "name": "Replace shoes",
                    "distance": 600_000.0,
                    "last_reset": moment(300),
                    "starting_distance": 0.0,
                    "starting_time": 0.0,
                    "starting_activities": 0,
                    "snoozed_until": format_utc(local_to_utc(snoozed, athlete.zone)),
                },
            ],
        },
        {
            "id": "g2",
            "type": "Shoes",
            "name": "Race flats",
            "distance": 84_000.0,
            "time": 24_500.0,
            "activities": 9,
            "reminders": [
                {
                    "id": 5,
                    "name": "Replace flats",
                    "distance": 400_000.0,
                    "last_reset": moment(200),
                    "starting_distance": 0.0,
                    "starting_time": 0.0,
                    "starting_activities": 0,
                },
            ],
        },
        {
            "id": "b2",
            "type": "Bike",
            "name": "Old commuter",
            "distance": 5_400_000.0,
            "time": 980_000.0,
            "activities": 640,
            "retired": (today - timedelta(days=420)).isoformat(),
        },
    ]
