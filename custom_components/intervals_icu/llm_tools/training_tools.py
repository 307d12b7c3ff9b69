"""The write tools of "Plan and log": plan a workout, log an activity.

Each calls the action (`plan_workout`, `log_activity`) with the user's
context, so the action's schema and checks decide what may be sent; the tool
only turns the user's units into the action's (km or mi into metres, minutes
into seconds) and the action's field names back into its own in errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, override

import voluptuous as vol

from homeassistant.const import ATTR_CONFIG_ENTRY_ID, UnitOfLength
from homeassistant.core import HomeAssistant
from homeassistant.helpers import llm
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import DistanceConverter

from ..action_fields import DATE_FORMAT
from ..api import ACTIVITY_TYPES
from ..api.parse import DISTANCE
from ..compat import tool_annotations
from ..const import DOMAIN
from ..write_services import (
    ATTR_DATE,
    ATTR_DESCRIPTION,
    ATTR_DISTANCE,
    ATTR_KEY,
    ATTR_MOVING_TIME,
    ATTR_NAME,
    ATTR_NOTES,
    ATTR_RPE,
    ATTR_START,
    ATTR_TIME,
    ATTR_TRAINING_LOAD,
    ATTR_TYPE,
    SERVICE_LOG_ACTIVITY,
    SERVICE_PLAN_WORKOUT,
)
from .answers import Json, Units, hours_minutes
from .athletes import AthleteEntry, Athletes, ToolError
from .tools import IntervalsTool
from .write_tools import EXPLICIT_ONLY

TYPE_DESCRIPTION = (
    "The sport, an Intervals.icu activity type: Run, Ride, Swim, WeightTraining,"
    " VirtualRide, TrailRun, Walk, Hike, Yoga, …"
)
LOAD_DESCRIPTION = "Training load (TSS-like), a whole number from 0."


class TrainingWriteTool(IntervalsTool):
    """A write tool that calls one of the actions and answers with its response.

    Parameters with a unit are in the user's unit system; the action takes
    metres and seconds. The duration is in minutes, so its parameter has a
    name of its own, which the action's errors are told in.
    """

    annotations = tool_annotations(read_only=False)
    service = ""
    minutes_field = ""

    def __init__(self, athletes: Athletes, *, us_customary: bool) -> None:
        """Distances in the unit system's unit: km, or mi for US customary."""
        self.units = Units(us_customary)
        self.distance_unit = (
            UnitOfLength.MILES if us_customary else UnitOfLength.KILOMETERS
        )
        super().__init__(athletes)

    def distance_field(self, what: str) -> dict[vol.Marker, Any]:
        """The distance parameter, in km or mi; never below 0."""
        most = DistanceConverter.convert(
            DISTANCE.high, UnitOfLength.METERS, self.distance_unit
        )
        return {
            vol.Optional(
                ATTR_DISTANCE, description=f"{what} in {self.distance_unit}."
            ): vol.All(vol.Coerce(float), vol.Range(min=0, max=most))
        }

    def metres(self, distance: float) -> float:
        """A distance the user gave, in metres as the action takes it."""
        return round(
            DistanceConverter.convert(
                distance, self.distance_unit, UnitOfLength.METERS
            ),
            1,
        )

    async def call_action(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> dict[str, Any]:
        """The action's response; its schema's refusal named in the tool's terms."""
        coordinator = athlete.coordinator()
        data = {ATTR_CONFIG_ENTRY_ID: coordinator.config_entry.entry_id, **args}
        if (minutes := data.pop(self.minutes_field, None)) is not None:
            data[ATTR_MOVING_TIME] = round(minutes * 60)
        if (distance := data.get(ATTR_DISTANCE)) is not None:
            data[ATTR_DISTANCE] = self.metres(distance)
        try:
            response = await hass.services.async_call(
                DOMAIN,
                self.service,
                data,
                blocking=True,
                return_response=True,
                context=llm_context.context,
            )
        except vol.Invalid as err:
            raise _renamed(err, {ATTR_MOVING_TIME: self.minutes_field}) from None
        assert response is not None  # the action always responds
        return dict(response)


def _renamed(err: vol.Invalid, names: Mapping[str, str]) -> vol.Invalid:
    """The action's error, with the tool's parameter names in its paths."""
    errors = err.errors if isinstance(err, vol.MultipleInvalid) else [err]
    return vol.MultipleInvalid(
        [
            type(e)(e.msg, [names.get(str(p), p) for p in e.path], e.error_message)
            for e in errors
        ]
    )


def _load(value: object) -> int | None:
    return None if not isinstance(value, int | float) else round(value)


class PlanWorkoutTool(TrainingWriteTool):
    """Put a planned workout on the athlete's Intervals.icu calendar."""

    name = "plan_workout"
    title = "Plan a workout"
    service = SERVICE_PLAN_WORKOUT
    minutes_field = "duration_minutes"
    description = (
        "Put a planned workout on the athlete's Intervals.icu calendar, for a day"
        " and optionally a time of day. The workout's steps go in description, in"
        " Intervals.icu's workout text (one step a line: '- 10m Z2', '- 5m 90%',"
        " '3x' before repeated steps), from which Intervals.icu works out the"
        " planned duration and load; or give the planned duration, distance or"
        " load. Planning the same sport, name and time on the same day again"
        " changes that workout instead of adding a second. Answers with the"
        " workout as Intervals.icu keeps it." + EXPLICIT_ONLY
    )

    @override
    def fields(self) -> dict[vol.Marker, Any]:
        return {
            vol.Required(
                ATTR_DATE,
                description=f"The day of the workout ({DATE_FORMAT}), in the"
                " athlete's calendar.",
            ): str,
            vol.Optional(
                ATTR_TIME,
                description="Time of day it starts (HH:MM, 24-hour clock); leave"
                " out for a workout of the whole day.",
            ): str,
            vol.Required(ATTR_TYPE, description=TYPE_DESCRIPTION): vol.In(
                ACTIVITY_TYPES
            ),
            vol.Optional(ATTR_NAME, description="The workout's title."): str,
            vol.Optional(
                ATTR_DESCRIPTION,
                description="The workout in Intervals.icu's workout text, one step"
                " a line: a duration or distance and an intensity, e.g. '- 15m Z2',"
                " '- 8m 95%', '- 2km 4:30/km Pace'; '3x' on a line of its own"
                " repeats the steps below it up to an empty line.",
            ): str,
            vol.Optional(
                "duration_minutes", description="Planned duration in minutes."
            ): vol.Coerce(float),
            **self.distance_field("Planned distance"),
            vol.Optional(ATTR_TRAINING_LOAD, description=LOAD_DESCRIPTION): vol.Coerce(
                float
            ),
        }

    @override
    async def answer(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> Json:
        response = await self.call_action(hass, athlete, args, llm_context)
        event: dict[str, Any] = response["event"]
        start = datetime.fromisoformat(event["start_local"])
        return {
            "planned": {
                "id": event["id"],
                "date": start.date().isoformat(),
                "time": None if event["all_day"] else start.strftime("%H:%M"),
                "type": event["type"],
                "name": event["summary"],
                "planned_duration": hours_minutes(event["moving_time_s"]),
                "planned_distance": self.units.distance(event["distance_m"]),
                "planned_load": _load(event["training_load"]),
            },
            "result": "Planned in Intervals.icu; Home Assistant's calendar shows"
            " it now.",
        }


class LogActivityTool(TrainingWriteTool):
    """Log an activity done without a device (a gym session, a swim)."""

    name = "log_activity"
    title = "Log an activity"
    service = SERVICE_LOG_ACTIVITY
    minutes_field = "moving_time_minutes"
    description = (
        "Log an activity the athlete has done in Intervals.icu, entered by hand"
        " (a gym session, a swim, a run without a watch): its sport, start and"
        " moving time, optionally its distance, training load or perceived"
        " exertion, a name and notes. Logging the same sport and start again, or"
        " the same key, changes that activity instead of adding a second."
        " Answers with the activity as Intervals.icu keeps it." + EXPLICIT_ONLY
    )

    @override
    def fields(self) -> dict[vol.Marker, Any]:
        return {
            vol.Required(ATTR_TYPE, description=TYPE_DESCRIPTION): vol.In(
                ACTIVITY_TYPES
            ),
            vol.Required(
                ATTR_START,
                description="When it started, in the athlete's local time"
                " (YYYY-MM-DDTHH:MM); not in the future.",
            ): str,
            vol.Required(
                "moving_time_minutes", description="Moving time in minutes."
            ): vol.Coerce(float),
            **self.distance_field("Distance"),
            vol.Optional(ATTR_TRAINING_LOAD, description=LOAD_DESCRIPTION): vol.Coerce(
                float
            ),
            vol.Optional(
                ATTR_RPE,
                description="Perceived exertion, 1 (very easy) to 10 (maximal),"
                " from which Intervals.icu estimates the load.",
            ): vol.Coerce(float),
            vol.Optional(ATTR_NAME, description="The activity's title."): str,
            vol.Optional(ATTR_NOTES, description="Notes on the activity."): str,
            vol.Optional(
                ATTR_KEY,
                description="A key of your choice (ASCII letters, digits, spaces"
                " and punctuation; at most 100 characters) that identifies this"
                " activity: logging again with the same key changes it instead of"
                " adding a second. Leave out unless the user gives one; the sport"
                " and start identify it.",
            ): str,
        }

    @override
    async def answer(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> Json:
        given = _athlete_time(athlete, args[ATTR_START])
        response = await self.call_action(
            hass, athlete, {**args, ATTR_START: given}, llm_context
        )
        activity: dict[str, Any] = response["activity"]
        start = datetime.fromisoformat(activity["start_local"])
        return {
            "logged": {
                "id": activity["id"],
                "date": start.date().isoformat(),
                "start": start.strftime("%H:%M"),
                "type": activity["type"],
                "name": activity["name"],
                "moving_time": hours_minutes(activity["moving_time_s"]),
                "distance": self.units.distance(activity["distance_m"]),
                "training_load": _load(activity["training_load"]),
                "url": activity["url"],
                "key": response["key"],
            },
            "result": "Saved in Intervals.icu; Home Assistant shows it now.",
        }


def _athlete_time(athlete: AthleteEntry, value: str) -> str:
    """A start without a zone is the athlete's wall time (the action's is HA's)."""
    parsed = dt_util.parse_datetime(value.strip())
    if parsed is None:
        raise ToolError(
            "invalid_arguments",
            f"{ATTR_START}: {value!r} is not a date and time (YYYY-MM-DDTHH:MM)",
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=athlete.data().zone)
    return parsed.isoformat()
