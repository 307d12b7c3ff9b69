"""The actions that write: plan, change, delete and mark done workouts; log activities.

Each is checked before anything is sent: the schema checks each field, the
API's request models what the fields say together. Plans and logs are
idempotent: a plan's key (`uid`) and a log's key (`external_id`) are the
caller's, else made of what identifies the entry, so an automation that
fires twice changes the one entry instead of adding a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
import hashlib
from typing import Any, Final

import voluptuous as vol

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, service
from homeassistant.util import dt as dt_util

from .action_fields import (
    choice_field,
    date_field,
    datetime_field,
    time_field,
    whole_number,
)
from .api import ACTIVITY_TYPES, Event, EventWrite, ManualActivity
from .api.parse import DISTANCE
from .api.writes import LOAD, MAX_DESCRIPTION, MAX_NAME, MOVING_TIME, RPE
from .const import DOMAIN
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator
from .training.plan import DEFAULT_DURATION, WORKOUT, event_as_dict, is_all_day
from .writes import (
    activity_key,
    async_create_event,
    async_delete_event,
    async_event,
    async_log_activity,
    async_mark_done,
    async_update_event,
    checked,
)

SERVICE_PLAN_WORKOUT: Final = "plan_workout"
SERVICE_UPDATE_EVENT: Final = "update_event"
SERVICE_DELETE_EVENT: Final = "delete_event"
SERVICE_MARK_DONE: Final = "mark_done"
SERVICE_LOG_ACTIVITY: Final = "log_activity"

ATTR_EVENT_ID: Final = "event_id"
ATTR_DATE: Final = "date"
ATTR_TIME: Final = "time"
ATTR_TYPE: Final = "type"
ATTR_NAME: Final = "name"
ATTR_DESCRIPTION: Final = "description"
ATTR_MOVING_TIME: Final = "moving_time"
ATTR_DISTANCE: Final = "distance"
ATTR_TRAINING_LOAD: Final = "training_load"
ATTR_RPE: Final = "rpe"
ATTR_START: Final = "start"
ATTR_NOTES: Final = "notes"
ATTR_KEY: Final = "key"

# The API's names of the values -> the action's, for errors that name the field.
FIELD_NAMES: Final = {
    "start_date_local": ATTR_DATE,
    "end_date_local": ATTR_DATE,
    "icu_training_load": ATTR_TRAINING_LOAD,
    "icu_rpe": ATTR_RPE,
    "uid": ATTR_KEY,
    "external_id": ATTR_KEY,
    "id": ATTR_EVENT_ID,
}
LOG_FIELD_NAMES: Final = {
    **FIELD_NAMES,
    "start_date_local": ATTR_START,
    "description": ATTR_NOTES,
}


_TYPE = choice_field(ATTR_TYPE, ACTIVITY_TYPES, "unknown_activity_type")
_EVENT_ID = vol.All(cv.string, vol.Match(r"^[1-9][0-9]{0,9}$"))
_DURATION = vol.All(
    cv.time_period,
    vol.Range(
        min=timedelta(seconds=MOVING_TIME.low), max=timedelta(seconds=MOVING_TIME.high)
    ),
)
_DISTANCE = vol.All(vol.Coerce(float), vol.Range(min=0, max=DISTANCE.high))
_LOAD = whole_number(LOAD.low, LOAD.high)
_KEY = vol.All(cv.string, vol.Length(min=1, max=100))
_ENTRY = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
_PLANNED = {
    vol.Optional(ATTR_TIME): time_field(ATTR_TIME),
    vol.Optional(ATTR_NAME): vol.All(cv.string, vol.Length(max=MAX_NAME)),
    vol.Optional(ATTR_DESCRIPTION): vol.All(cv.string, vol.Length(max=MAX_DESCRIPTION)),
    vol.Optional(ATTR_MOVING_TIME): _DURATION,
    vol.Optional(ATTR_DISTANCE): _DISTANCE,
    vol.Optional(ATTR_TRAINING_LOAD): _LOAD,
}

PLAN_WORKOUT_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_DATE): date_field(ATTR_DATE),
        vol.Required(ATTR_TYPE): _TYPE,
        **_PLANNED,
        vol.Optional(ATTR_KEY): _KEY,
    }
)
UPDATE_EVENT_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_EVENT_ID): _EVENT_ID,
        vol.Optional(ATTR_DATE): date_field(ATTR_DATE),
        vol.Optional(ATTR_TYPE): _TYPE,
        **_PLANNED,
    }
)
EVENT_ID_SCHEMA = vol.Schema({**_ENTRY, vol.Required(ATTR_EVENT_ID): _EVENT_ID})
LOG_ACTIVITY_SCHEMA = vol.Schema(
    {
        **_ENTRY,
        vol.Required(ATTR_TYPE): _TYPE,
        vol.Required(ATTR_START): datetime_field(ATTR_START),
        vol.Required(ATTR_MOVING_TIME): _DURATION,
        vol.Optional(ATTR_DISTANCE): _DISTANCE,
        vol.Optional(ATTR_TRAINING_LOAD): _LOAD,
        vol.Optional(ATTR_RPE): whole_number(RPE.low, RPE.high),
        vol.Optional(ATTR_NAME): vol.All(cv.string, vol.Length(max=MAX_NAME)),
        vol.Optional(ATTR_NOTES): vol.All(cv.string, vol.Length(max=MAX_DESCRIPTION)),
        vol.Optional(ATTR_KEY): _KEY,
    }
)


def entry_coordinator(call: ServiceCall) -> IntervalsCoordinator:
    """The coordinator of the loaded entry the call names."""
    entry: IntervalsConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    return entry.runtime_data


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else round(value.total_seconds())


def _planned(data: Mapping[str, Any]) -> dict[str, Any]:
    """The planned values the action was given, as EventWrite's."""
    values = {
        "name": data.get(ATTR_NAME),
        "description": data.get(ATTR_DESCRIPTION),
        "moving_time": _seconds(data.get(ATTR_MOVING_TIME)),
        "distance": data.get(ATTR_DISTANCE),
        "training_load": data.get(ATTR_TRAINING_LOAD),
        "type": data.get(ATTR_TYPE),
    }
    return {key: value for key, value in values.items() if value is not None}


def _start(day: date, at: time | None) -> date | datetime:
    return day if at is None else datetime.combine(day, at)


def plan_key(athlete_id: str, data: Mapping[str, Any]) -> str:
    """The key of a plan made without one: the same plan, the same key."""
    at: time | None = data.get(ATTR_TIME)
    what = f"{data[ATTR_TYPE]}|{data.get(ATTR_NAME) or ''}|{at or ''}"
    digest = hashlib.sha256(what.encode()).hexdigest()[:12]
    return f"ha-{athlete_id}-{data[ATTR_DATE]:%Y%m%d}-{digest}"


def _event_response(coordinator: IntervalsCoordinator, event: Event) -> ServiceResponse:
    return {"event": {**event_as_dict(event, coordinator.data.zone)}}


async def async_plan_workout(call: ServiceCall) -> ServiceResponse:
    """Plan a workout; the response is the entry as the service keeps it."""
    coordinator = entry_coordinator(call)
    data = call.data
    with checked(FIELD_NAMES):
        workout = EventWrite(
            category=WORKOUT,
            start_local=_start(data[ATTR_DATE], data.get(ATTR_TIME)),
            uid=data.get(ATTR_KEY) or plan_key(coordinator.athlete_id, data),
            **_planned(data),
        )
    event = await async_create_event(coordinator, workout)
    return _event_response(coordinator, event)


def _moved(event: Event, day: date | None, at: time | None) -> dict[str, Any]:
    """A new day or time of day; an end moves along, the length stays."""
    if day is None and at is None:
        return {}
    start = event.start_local
    new_day = day or start.date()
    all_day = is_all_day(event)
    new_moment = datetime.combine(new_day, at or start.time())
    # An entry without a time of day stays one, unless it is given one.
    new_start: date | datetime = new_day if all_day and at is None else new_moment
    moved: dict[str, Any] = {"start_local": new_start}
    if event.end_local is not None and event.end_local > start:
        if all_day and at is not None:
            # Whole days that get a time of day: as long as planned, or an hour.
            length = timedelta(seconds=event.moving_time or 0) or DEFAULT_DURATION
            moved["end_local"] = new_moment + length
        else:
            moved["end_local"] = event.end_local + (new_moment - start)
    return moved


async def async_update_planned(call: ServiceCall) -> ServiceResponse:
    """Change the given values of an entry; the response is the entry as it is now."""
    coordinator = entry_coordinator(call)
    data = call.data
    event_id: str = data[ATTR_EVENT_ID]
    changes = _planned(data)
    if not changes and ATTR_DATE not in data and ATTR_TIME not in data:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="nothing_to_change"
        )
    event = await async_event(coordinator, event_id)
    with checked(FIELD_NAMES):
        write = EventWrite(
            **changes, **_moved(event, data.get(ATTR_DATE), data.get(ATTR_TIME))
        )
    updated = await async_update_event(coordinator, event_id, write, event)
    return _event_response(coordinator, updated)


async def async_delete_planned(call: ServiceCall) -> None:
    """Delete an entry."""
    coordinator = entry_coordinator(call)
    await async_delete_event(coordinator, call.data[ATTR_EVENT_ID])


async def async_mark_workout_done(call: ServiceCall) -> ServiceResponse:
    """The activity of a planned workout; created unless it exists."""
    coordinator = entry_coordinator(call)
    activity, created = await async_mark_done(coordinator, call.data[ATTR_EVENT_ID])
    return {
        "activity": {
            **activity.as_dict(),
            "url": coordinator.data.activity_url(activity.id),
        },
        "created": created,
    }


async def async_log(call: ServiceCall) -> ServiceResponse:
    """Log an activity; one with the same key is replaced, not added again."""
    coordinator = entry_coordinator(call)
    data = call.data
    given: datetime = data[ATTR_START]
    # A time without a zone is Home Assistant's, as in every action.
    aware = dt_util.as_local(given) if given.tzinfo is None else given
    if aware > dt_util.utcnow():
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="start_in_future",
            translation_placeholders={"field": ATTR_START},
        )
    start = aware.astimezone(coordinator.data.zone).replace(tzinfo=None, microsecond=0)
    sport: str = data[ATTR_TYPE]
    with checked(LOG_FIELD_NAMES):
        activity = ManualActivity(
            type=sport,
            start_local=start,
            moving_time=round(data[ATTR_MOVING_TIME].total_seconds()),
            distance=data.get(ATTR_DISTANCE),
            training_load=data.get(ATTR_TRAINING_LOAD),
            rpe=data.get(ATTR_RPE),
            name=data.get(ATTR_NAME),
            description=data.get(ATTR_NOTES),
            external_id=data.get(ATTR_KEY)
            or activity_key(coordinator.athlete_id, sport, start),
        )
    logged = await async_log_activity(coordinator, activity)
    return {
        "activity": {
            **logged.as_dict(),
            "url": coordinator.data.activity_url(logged.id),
        },
        "key": activity.external_id,
    }
