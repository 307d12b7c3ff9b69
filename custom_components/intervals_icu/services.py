"""Actions: write wellness, read activities and planned events; the writes' too."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, Final

import voluptuous as vol

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .action_fields import choice_field, date_field, whole_number
from .api import WellnessUpdate
from .api.writes import EVENT_CATEGORIES
from .const import DOMAIN
from .errors import handle_request_errors
from .statistics.writer import statistics_available
from .training.plan import event_as_dict
from .write_services import (
    EVENT_ID_SCHEMA,
    LOG_ACTIVITY_SCHEMA,
    PLAN_WORKOUT_SCHEMA,
    SERVICE_DELETE_EVENT,
    SERVICE_LOG_ACTIVITY,
    SERVICE_MARK_DONE,
    SERVICE_PLAN_WORKOUT,
    SERVICE_UPDATE_EVENT,
    UPDATE_EVENT_SCHEMA,
    async_delete_planned,
    async_log,
    async_mark_workout_done,
    async_plan_workout,
    async_update_planned,
    entry_coordinator,
)

SERVICE_SET_WELLNESS: Final = "set_wellness"
SERVICE_GET_ACTIVITIES: Final = "get_activities"
SERVICE_GET_EVENTS: Final = "get_events"
SERVICE_IMPORT_HISTORY: Final = "import_history"

ATTR_DATE: Final = "date"
ATTR_START_DATE: Final = "start_date"
ATTR_END_DATE: Final = "end_date"
ATTR_TYPES: Final = "types"
ATTR_CATEGORIES: Final = "categories"
ATTR_SLEEP_HOURS: Final = "sleep_hours"
ATTR_COMMENTS: Final = "comments"

# The longest range one read action may ask for.
MAX_RANGE = timedelta(days=366)
# The most activities one call answers with (the newest): a year of a very
# active athlete would otherwise be tens of thousands of objects to send.
MAX_ACTIVITIES = 1000
MAX_COMMENT = 1000


def _number(low: float, high: float) -> vol.All[float]:
    return vol.All(vol.Coerce(float), vol.Range(min=low, max=high))


# Field of the action -> its validator; each is a field of WellnessUpdate too,
# except the hours slept, which the API takes in seconds.
WELLNESS_INPUTS: Final[dict[str, Any]] = {
    "weight": _number(20, 400),
    "resting_hr": whole_number(20, 250),
    "hrv": _number(1, 500),
    ATTR_SLEEP_HOURS: _number(0, 24),
    "sleep_score": _number(0, 100),
    "readiness": _number(0, 100),
    "soreness": whole_number(1, 4),
    "fatigue": whole_number(1, 4),
    "stress": whole_number(1, 4),
    "mood": whole_number(1, 4),
    "motivation": whole_number(1, 4),
    ATTR_COMMENTS: vol.All(cv.string, vol.Length(max=MAX_COMMENT)),
}

SET_WELLNESS_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_DATE): date_field(ATTR_DATE),
        **{
            vol.Optional(name): validator for name, validator in WELLNESS_INPUTS.items()
        },
    }
)

_RANGE = {
    vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
    vol.Required(ATTR_START_DATE): date_field(ATTR_START_DATE),
    vol.Required(ATTR_END_DATE): date_field(ATTR_END_DATE),
}

GET_ACTIVITIES_SCHEMA = vol.Schema(
    {**_RANGE, vol.Optional(ATTR_TYPES): vol.All(cv.ensure_list, [cv.string])}
)

GET_EVENTS_SCHEMA = vol.Schema(
    {
        **_RANGE,
        vol.Optional(ATTR_CATEGORIES): vol.All(
            cv.ensure_list,
            [choice_field(ATTR_CATEGORIES, EVENT_CATEGORIES, "unknown_category")],
        ),
    }
)


IMPORT_HISTORY_SCHEMA = vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string})


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SET_WELLNESS,
        _async_set_wellness,
        schema=SET_WELLNESS_SCHEMA,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_ACTIVITIES,
        _async_get_activities,
        schema=GET_ACTIVITIES_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_EVENTS,
        _async_get_events,
        schema=GET_EVENTS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_HISTORY,
        _async_import_history,
        schema=IMPORT_HISTORY_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    for name, handler, schema in (
        (SERVICE_PLAN_WORKOUT, async_plan_workout, PLAN_WORKOUT_SCHEMA),
        (SERVICE_UPDATE_EVENT, async_update_planned, UPDATE_EVENT_SCHEMA),
        (SERVICE_MARK_DONE, async_mark_workout_done, EVENT_ID_SCHEMA),
        (SERVICE_LOG_ACTIVITY, async_log, LOG_ACTIVITY_SCHEMA),
    ):
        hass.services.async_register(
            DOMAIN,
            name,
            handler,
            schema=schema,
            supports_response=SupportsResponse.OPTIONAL,
        )
    hass.services.async_register(
        DOMAIN, SERVICE_DELETE_EVENT, async_delete_planned, schema=EVENT_ID_SCHEMA
    )


def wellness_update(data: Mapping[str, Any]) -> WellnessUpdate:
    """The values the action was given, and only those."""
    values = {
        name: data[name]
        for name in WELLNESS_INPUTS
        if name != ATTR_SLEEP_HOURS and data.get(name) is not None
    }
    if (hours := data.get(ATTR_SLEEP_HOURS)) is not None:
        values["sleep_secs"] = round(hours * 3600)
    return WellnessUpdate(**values)


async def _async_set_wellness(call: ServiceCall) -> None:
    coordinator = entry_coordinator(call)
    update = wellness_update(call.data)
    if update == WellnessUpdate():
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_wellness_values"
        )
    day: date = call.data.get(ATTR_DATE) or coordinator.data.today_now()
    with handle_request_errors(call.hass, coordinator.config_entry):
        await coordinator.client.put_wellness(coordinator.athlete_id, day, update)
    await coordinator.async_request_refresh()


def _date_range(call: ServiceCall) -> tuple[date, date]:
    start: date = call.data[ATTR_START_DATE]
    end: date = call.data[ATTR_END_DATE]
    if end < start:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="end_before_start",
            translation_placeholders={"start": str(start), "end": str(end)},
        )
    if end - start > MAX_RANGE:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="range_too_long",
            translation_placeholders={"days": str(MAX_RANGE.days)},
        )
    return start, end


async def _async_get_activities(call: ServiceCall) -> ServiceResponse:
    coordinator = entry_coordinator(call)
    start, end = _date_range(call)
    types: set[str] = set(call.data.get(ATTR_TYPES, ()))
    with handle_request_errors(call.hass, coordinator.config_entry):
        activities = await coordinator.client.get_activities(
            coordinator.athlete_id,
            datetime.combine(start, time.min),
            datetime.combine(end, time(23, 59, 59)),
            # The service has no filter by type; without one, only as many
            # as are answered (the newest) need to come.
            limit=None if types else MAX_ACTIVITIES + 1,
        )
    chosen = sorted(
        (a for a in activities if not types or a.type in types),
        key=lambda a: (a.start_local, a.id),
    )
    return {
        "activities": [
            {**a.as_dict(), "url": coordinator.data.activity_url(a.id)}
            for a in chosen[-MAX_ACTIVITIES:]
        ],
        # True when older activities of the range were left out.
        "truncated": len(chosen) > MAX_ACTIVITIES,
    }


async def _async_get_events(call: ServiceCall) -> ServiceResponse:
    coordinator = entry_coordinator(call)
    start, end = _date_range(call)
    categories: list[str] = call.data.get(ATTR_CATEGORIES, [])
    with handle_request_errors(call.hass, coordinator.config_entry):
        events = await coordinator.client.get_events(
            coordinator.athlete_id, start, end, categories=categories
        )
    zone = coordinator.data.zone
    return {
        "events": [
            {**event_as_dict(e, zone)}
            for e in sorted(events, key=lambda e: (e.start_local, e.id))
        ]
    }


async def _async_import_history(call: ServiceCall) -> ServiceResponse:
    """Fetch the whole history again and rewrite every statistic.

    For edits to activities before this year, which the regular updates do
    not read again.
    """
    coordinator = entry_coordinator(call)
    if not statistics_available(call.hass):
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_recorder"
        )
    with handle_request_errors(call.hass, coordinator.config_entry):
        result = await coordinator.async_reimport_history()
    today = coordinator.data.today_now()
    first = result.first_day
    return {
        "first_day": first.isoformat() if first else None,
        "years": list(range(first.year, today.year + 1)) if first else [],
        "activities": result.activities,
        "wellness_days": result.wellness_days,
        "statistics_rows": result.rows,
        "requests": result.requests,
    }
