"""The read tools: answers from the coordinator's snapshot, no request per question."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, override

import voluptuous as vol

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import llm
from homeassistant.util.json import JsonObjectType

from ..action_fields import DATE_FORMAT
from ..compat import tool_annotations, tool_result
from ..const import DOMAIN
from ..training.totals import ALL
from . import answers
from .answers import Json, Units
from .athletes import ATHLETE, AthleteEntry, Athletes, ToolError

SPORTS = ("run", "ride", "swim")
MAX_COUNT = 20


def describe_invalid(err: vol.Invalid) -> str:
    """What is wrong with the arguments, one problem per line."""
    errors = err.errors if isinstance(err, vol.MultipleInvalid) else [err]
    return "; ".join(
        f"{'.'.join(str(p) for p in e.path) or 'arguments'}: {e.msg}" for e in errors
    )


def parse_day(value: str | None, name: str) -> date | None:
    """A date argument, or a ToolError the model can act on."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ToolError(
            "invalid_arguments", f"{name}: {value!r} is not a date ({DATE_FORMAT})"
        ) from None


class IntervalsTool(llm.Tool):
    """A tool about one athlete: finds them, checks the arguments, reports errors.

    Errors come back as the answer (`error`, `error_text`), never as a
    traceback, so that the model can tell the user what went wrong.
    """

    integration = DOMAIN
    annotations = tool_annotations(read_only=True)

    def __init__(self, athletes: Athletes) -> None:
        """The parameters: the athlete (when several) and the tool's own."""
        self.athletes = athletes
        self.parameters = vol.Schema({**athletes.parameter(), **self.fields()})

    def fields(self) -> dict[vol.Marker, Any]:
        """The tool's own parameters."""
        return {}

    @override
    async def async_call(
        self,
        hass: HomeAssistant,
        tool_input: llm.ToolInput,
        llm_context: llm.LLMContext,
    ) -> Any:
        """Answer, or say what went wrong."""
        try:
            args = self.parameters(self.athletes.canonical(tool_input.tool_args))
            athlete = self.athletes.pick(args.pop(ATHLETE, None))
            answer = await self.answer(hass, athlete, args, llm_context)
            return tool_result(
                {"athlete": athlete.name, **answer, **athlete.freshness()}
            )
        except vol.Invalid as err:
            return _error("invalid_arguments", describe_invalid(err))
        except ToolError as err:
            return _error(err.kind, str(err))
        except HomeAssistantError as err:
            return _error(type(err).__name__, str(err))

    async def answer(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> Json:
        """What the tool says about the athlete."""
        raise NotImplementedError


def _error(kind: str, text: str) -> Any:
    data: JsonObjectType = {"error": kind, "error_text": text}
    return tool_result(data, error=True)


def _units(athlete: AthleteEntry) -> Units:
    return Units(athlete.data().us_customary)


def today_of(athlete: AthleteEntry) -> date:
    """The athlete's today, now (the snapshot may be from before midnight)."""
    return athlete.data().today_now()


class StatusTool(IntervalsTool):
    """Fitness, fatigue, form and its zone, HRV status, the latest wellness."""

    name = "get_training_status"
    title = "Training status"
    description = (
        "Get the athlete's current training status from Intervals.icu: fitness"
        " (CTL), fatigue (ATL), form (TSB = fitness minus fatigue) and its zone on"
        " Intervals.icu's fitness chart, ramp rate, the HRV status against the"
        " athlete's normal range, and the latest wellness values (weight, resting"
        " heart rate, HRV, sleep, soreness, mood…) with the date of each. Use it"
        " for questions like 'how fit am I', 'am I tired', 'should I train hard"
        " today', 'how did I sleep'."
    )

    @override
    async def answer(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> Json:
        return answers.status(athlete.data(), _units(athlete))


class TotalsTool(IntervalsTool):
    """Distance, time, elevation, load and count of a period per sport group."""

    name = "get_training_totals"
    title = "Training totals"
    description = (
        "Get the athlete's training totals for a period: distance, moving time,"
        " elevation gain, training load and number of activities, per sport"
        " (run, ride, swim, and all activities together), with the yearly"
        " distance goal and the progress towards it where one is set (this_year"
        " only). Use it for 'how far did I run this week', 'how many hours did I"
        " ride this year', 'am I on track for my goal', 'compared with last year'."
    )

    @override
    def fields(self) -> dict[vol.Marker, Any]:
        return {
            vol.Required(
                "period",
                description="this_week starts on Monday, this_month on the 1st;"
                " last_year_to_date is 1 January last year up to today's date last"
                " year; last_year is all of last year.",
            ): vol.In(list(answers.PERIODS)),
            vol.Optional(
                "sport",
                description="One sport group, or 'all' for every activity"
                " together. Leave out for each group and all.",
            ): vol.In([*SPORTS, ALL]),
        }

    @override
    async def answer(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> Json:
        data = athlete.data()
        sport: str | None = args.get("sport")
        if sport is not None and sport != ALL and sport not in data.groups:
            raise ToolError(
                "sport_off",
                f"The {sport} group is switched off in the integration's options;"
                f" the groups are: {', '.join([*data.groups, ALL])}.",
            )
        return answers.totals(data, _units(athlete), args["period"], sport)


class PlanTool(IntervalsTool):
    """The next planned entries of the athlete's calendar."""

    name = "get_training_plan"
    title = "Training plan"
    description = (
        "Get the athlete's planned workouts, races and notes from the"
        " Intervals.icu calendar, from today on: the next entries (count), or"
        " those between two dates. Today's workouts say whether they are done."
        " Home Assistant knows the next 14 days; 'known_until' says the last."
    )

    @override
    def fields(self) -> dict[vol.Marker, Any]:
        return {
            vol.Optional(
                "count", description="How many entries at most (default 5)."
            ): vol.All(vol.Coerce(int), vol.Range(min=1, max=MAX_COUNT)),
            vol.Optional(
                "start_date", description=f"First day ({DATE_FORMAT}), default today."
            ): str,
            vol.Optional(
                "end_date", description=f"Last day ({DATE_FORMAT}), default 14 days on."
            ): str,
            vol.Optional(
                "workouts_only",
                description="Only planned workouts, no races, notes or days off.",
            ): bool,
        }

    @override
    async def answer(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> Json:
        data = athlete.data()
        today = today_of(athlete)
        first = parse_day(args.get("start_date"), "start_date") or today
        last = parse_day(args.get("end_date"), "end_date") or answers.known_until(data)
        if last < first:
            raise ToolError(
                "invalid_arguments", f"end_date {last} is before start_date {first}"
            )
        ranged = "start_date" in args or "end_date" in args
        answer = answers.plan(
            data,
            _units(athlete),
            today=today,
            count=args.get("count", MAX_COUNT if ranged else 5),
            first=max(first, today),
            last=last,
            workouts_only=args.get("workouts_only", False),
        )
        if first < today:
            answer["note"] = (
                "Only the plan from today on is known; for past days ask for the"
                " recent activities."
            )
        return answer


class RecentActivitiesTool(IntervalsTool):
    """The athlete's last activities."""

    name = "get_recent_activities"
    title = "Recent activities"
    description = (
        "Get the athlete's last activities from Intervals.icu, newest first: date,"
        " start time, name, type, distance, moving time, elevation gain, training"
        " load, average heart rate and power. Use it for 'what did I do"
        " yesterday', 'how was my last run'."
    )

    @override
    def fields(self) -> dict[vol.Marker, Any]:
        return {
            vol.Optional(
                "count", description="How many activities (default 5)."
            ): vol.All(vol.Coerce(int), vol.Range(min=1, max=MAX_COUNT)),
            vol.Optional(
                "sport", description="Only the activities of this sport group."
            ): vol.In(list(SPORTS)),
        }

    @override
    async def answer(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> Json:
        data = athlete.data()
        units = _units(athlete)
        sport: str | None = args.get("sport")
        if sport is not None and sport not in data.groups:
            raise ToolError(
                "sport_off",
                f"The {sport} group is switched off in the integration's options.",
            )
        chosen = [
            a
            for a in data.recent_activities
            if sport is None or (not a.is_stub and sport in data.groups.of(a.type))
        ][: args.get("count", 5)]
        answer: Json = {
            "activities": [answers.activity(data, units, a) for a in chosen]
        }
        if not chosen:
            oldest = data.today - timedelta(days=7)
            answer["note"] = f"no activity known since {oldest.isoformat()}"
        return answer


class BestsTool(IntervalsTool):
    """The bests of the season, from Intervals.icu's power and pace curves."""

    name = "get_season_bests"
    title = "Season bests"
    description = (
        "Get the athlete's best efforts of this season (since 1 January) from"
        " Intervals.icu's curves: ride power for 5 s, 1, 5, 20 and 60 min (watts,"
        " W/kg), run times for 1 km, 5 km, 10 km, half marathon and marathon, swim"
        " times for 100, 400 and 1500 m, each with its pace, date and activity."
    )

    @override
    def fields(self) -> dict[vol.Marker, Any]:
        return {
            vol.Optional("sport", description="Only this sport's bests."): vol.In(
                list(SPORTS)
            )
        }

    @override
    async def answer(
        self,
        hass: HomeAssistant,
        athlete: AthleteEntry,
        args: dict[str, Any],
        llm_context: llm.LLMContext,
    ) -> Json:
        return answers.bests(athlete.data(), args.get("sport"))


READ_TOOLS: tuple[type[IntervalsTool], ...] = (
    StatusTool,
    TotalsTool,
    PlanTool,
    RecentActivitiesTool,
    BestsTool,
)
