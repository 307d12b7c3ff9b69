"""The write tools: only on the user's explicit request, through the actions.

Each calls the integration's action with the user's context, so a write is
checked by the action's own schema and code, and refreshes the entities as
the action does.
"""

from __future__ import annotations

from typing import Any, override

import voluptuous as vol

from homeassistant.const import ATTR_CONFIG_ENTRY_ID, UnitOfMass
from homeassistant.core import HomeAssistant
from homeassistant.helpers import llm
from homeassistant.util.unit_conversion import MassConverter

from ..action_fields import DATE_FORMAT
from ..compat import tool_annotations
from ..const import DOMAIN
from ..services import ATTR_DATE, SERVICE_SET_WELLNESS, WELLNESS_INPUTS
from .answers import Json
from .athletes import AthleteEntry, Athletes, ToolError
from .tools import IntervalsTool, parse_day, today_of

EXPLICIT_ONLY = (
    " Only call this when the user explicitly asks to log, record or plan"
    " something, with the values the user said; never on your own initiative,"
    " and never with values you guessed."
)
WELLNESS_DESCRIPTIONS = {
    "resting_hr": "Resting heart rate in bpm.",
    "hrv": "Heart rate variability (rMSSD) in ms.",
    "sleep_hours": "Hours slept.",
    "sleep_score": "Sleep score, 0 to 100.",
    "readiness": "Readiness, 0 to 100.",
    "soreness": "Muscle soreness, 1 (none) to 4 (extreme).",
    "fatigue": "How tired the athlete feels, 1 (fresh) to 4 (exhausted).",
    "stress": "Stress, 1 (relaxed) to 4 (very stressed).",
    "mood": "Mood, 1 (great) to 4 (bad).",
    "motivation": "Motivation, 1 (very high) to 4 (low).",
    "comments": "A note for the day.",
}


class LogWellnessTool(IntervalsTool):
    """Record a day's wellness values in Intervals.icu."""

    name = "log_wellness"
    title = "Log wellness"
    annotations = tool_annotations(read_only=False)
    description = (
        "Record wellness values for a day in Intervals.icu: weight, resting heart"
        " rate, HRV, sleep, sleep score, readiness, soreness, fatigue, stress,"
        " mood, motivation, a comment. Only the values given change; the others"
        " stay as they are." + EXPLICIT_ONLY
    )

    def __init__(self, athletes: Athletes, *, us_customary: bool) -> None:
        """Weight in the unit system's unit: kg, or lb for US customary."""
        self.weight_unit = UnitOfMass.POUNDS if us_customary else UnitOfMass.KILOGRAMS
        super().__init__(athletes)

    def _lb(self, kilograms: float) -> float:
        return round(
            MassConverter.convert(kilograms, UnitOfMass.KILOGRAMS, self.weight_unit), 1
        )

    @override
    def fields(self) -> dict[vol.Marker, Any]:
        weight_range = vol.Range(min=self._lb(20), max=self._lb(400))
        return {
            vol.Optional(
                "date",
                description=f"The day ({DATE_FORMAT}) the values are for; default"
                " today in the athlete's time zone.",
            ): str,
            vol.Optional(
                "weight", description=f"Body weight in {self.weight_unit}."
            ): vol.All(vol.Coerce(float), weight_range),
            **{
                vol.Optional(name, description=WELLNESS_DESCRIPTIONS[name]): check
                for name, check in WELLNESS_INPUTS.items()
                if name != "weight"
            },
        }

    @override
    async def answer(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> Json:
        day = parse_day(args.pop("date", None), "date")
        if not args:
            raise ToolError(
                "no_values", "Say which wellness values to record; none were given."
            )
        values = dict(args)
        if "weight" in values:
            values["weight"] = MassConverter.convert(
                values["weight"], self.weight_unit, UnitOfMass.KILOGRAMS
            )
        coordinator = athlete.coordinator()
        data = {ATTR_CONFIG_ENTRY_ID: coordinator.config_entry.entry_id, **values}
        if day is not None:
            data[ATTR_DATE] = day.isoformat()
        await hass.services.async_call(
            DOMAIN,
            SERVICE_SET_WELLNESS,
            data,
            blocking=True,
            context=llm_context.context,
        )
        written = day or today_of(athlete)
        logged = {
            name: {"value": value, "unit": str(self.weight_unit)}
            if name == "weight"
            else value
            for name, value in args.items()
        }
        return {
            "logged": {"date": written.isoformat(), **logged},
            "result": "Saved in Intervals.icu; Home Assistant shows it now.",
        }
