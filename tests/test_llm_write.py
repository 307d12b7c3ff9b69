"""The write tools of "Plan and log" through Home Assistant's LLM helpers.

Each goes through its action (`plan_workout`, `log_activity`): what the
emulator keeps and what the entities show follow; what the action refuses
comes back as text, and nothing is sent.
"""

from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
)

from custom_components.intervals_icu.const import DOMAIN
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import HomeAssistant

from .conftest import ATHLETE_ID
from .test_llm import CONTEXT, api_instance, call, json_schema

TODAY = "2026-06-15"  # NOW is 12:00 in Amsterdam, the athlete's zone
TEMPO = "- 15m Z2\n3x\n- 8m 95%\n- 2m 55%\n\n- 10m Z1"
CALENDAR = "calendar.test_athlete_training_plan"


@pytest.fixture
def athlete(athlete: Athlete) -> Athlete:
    """The seeded athlete with nothing planned today: a plan for 13:00 is next."""
    athlete.events = [
        e for e in athlete.events if not e["start_date_local"].startswith(TODAY)
    ]
    return athlete


def requests(emulator: EmulatorServer) -> list[tuple[str, str]]:
    return [
        (r.method, r.path.split(f"/{ATHLETE_ID}", 1)[1]) for r in emulator.state.log
    ]


async def calendar_names(hass: HomeAssistant, day: str) -> list[str]:
    """The calendar's entries of a day, as an automation reads them."""
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {
            "entity_id": CALENDAR,
            "start_date_time": f"{day} 00:00:00",
            "end_date_time": f"{day} 23:59:59",
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[CALENDAR]["events"]  # type: ignore[assignment,index]
    return [e["summary"] for e in events]


async def test_the_write_tools_describe_their_parameters(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    api = await api_instance(hass)
    tools = {t.name: t for t in api.tools}
    plan = json_schema(api, tools["plan_workout"])
    assert set(plan["required"]) == {"date", "type"}
    assert "Run" in plan["properties"]["type"]["enum"]
    assert "km" in plan["properties"]["distance"]["description"]
    assert "minutes" in plan["properties"]["duration_minutes"]["description"]
    log = json_schema(api, tools["log_activity"])
    assert set(log["required"]) == {"type", "start", "moving_time_minutes"}
    assert "key" in log["properties"]
    for tool in (tools["plan_workout"], tools["log_activity"]):
        assert "explicitly asks" in tool.description
    await hass.config.async_update(unit_system="us_customary")
    api = await api_instance(hass)
    [log_tool] = [t for t in api.tools if t.name == "log_activity"]
    assert "mi" in json_schema(api, log_tool)["properties"]["distance"]["description"]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_plan_workout_is_on_the_calendar_at_once(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    emulator.state.log.clear()
    calls = async_capture_events(hass, EVENT_CALL_SERVICE)
    answer = await call(
        hass,
        "plan_workout",
        date=TODAY,
        time="13:00",
        type="Run",
        name="Tempo",
        description=TEMPO,
    )
    assert "error" not in answer, answer
    planned = answer["planned"]
    [stored] = [e for e in athlete.events if str(e["id"]) == planned["id"]]
    assert stored["start_date_local"] == "2026-06-15T13:00:00"
    assert stored["description"] == TEMPO
    # What Intervals.icu worked out of the text, as it returned it.
    assert planned == {
        "id": planned["id"],
        "date": TODAY,
        "time": "13:00",
        "type": "Run",
        "name": "Tempo",
        "planned_duration": {"value": "0:55", "unit": "h:mm"},
        "planned_distance": None,
        "planned_load": round(stored["icu_training_load"]),
    }
    assert requests(emulator) == [("POST", "/events")]
    # Through the action, as the user who asked.
    [action] = calls
    assert (action.data["domain"], action.data["service"]) == (DOMAIN, "plan_workout")
    assert action.context is CONTEXT.context
    next_workout = hass.states.get("sensor.test_athlete_next_workout")
    assert next_workout is not None
    assert next_workout.state == "Tempo"
    today = hass.states.get("binary_sensor.test_athlete_workout_planned_today")
    assert today is not None
    assert today.state == "on"
    assert "Tempo" in await calendar_names(hass, TODAY)


async def test_planned_numbers_are_converted(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    answer = await call(
        hass,
        "plan_workout",
        date="2026-06-20",
        type="Ride",
        name="Long ride",
        duration_minutes=150,
        distance=80,
        training_load=140,
    )
    assert "error" not in answer, answer
    [stored] = [e for e in athlete.events if str(e["id"]) == answer["planned"]["id"]]
    assert (stored["moving_time"], stored["distance"]) == (9000, 80_000)
    assert stored["icu_training_load"] == 140
    assert answer["planned"]["time"] is None
    assert answer["planned"]["planned_distance"] == {"value": 80.0, "unit": "km"}
    assert answer["planned"]["planned_duration"] == {"value": "2:30", "unit": "h:mm"}


async def test_log_activity_once_per_key(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    """Home Assistant's zone is US/Pacific: the start is the athlete's time."""
    count = len(athlete.activities)
    gym = {
        "type": "WeightTraining",
        "start": "2026-06-15T09:00",
        "moving_time_minutes": 55,
        "rpe": 7,
        "name": "Gym",
        "key": "gym-2026-06-15",
    }
    emulator.state.log.clear()
    answer = await call(hass, "log_activity", **gym)
    assert "error" not in answer, answer
    logged = answer["logged"]
    assert requests(emulator) == [("POST", "/activities/manual/bulk")]
    stored = athlete.get_activity(logged["id"])
    assert stored["start_date_local"] == "2026-06-15T09:00:00"
    assert stored["external_id"] == "gym-2026-06-15"
    assert stored["icu_rpe"] == 7
    assert logged["date"] == TODAY
    assert logged["start"] == "09:00"
    assert logged["moving_time"] == {"value": "0:55", "unit": "h:mm"}
    assert logged["key"] == "gym-2026-06-15"
    last = hass.states.get("sensor.test_athlete_last_activity")
    assert last is not None
    assert last.attributes["name"] == "Gym"

    again = await call(hass, "log_activity", **{**gym, "name": "Gym, legs"})
    assert again["logged"]["id"] == logged["id"]
    assert len(athlete.activities) == count + 1
    assert athlete.get_activity(logged["id"])["name"] == "Gym, legs"


async def test_us_customary_distances(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    await hass.config.async_update(unit_system="us_customary")
    answer = await call(
        hass,
        "log_activity",
        type="Run",
        start="2026-06-15T07:00",
        moving_time_minutes=30,
        distance=3.1,
    )
    assert "error" not in answer, answer
    stored = athlete.get_activity(answer["logged"]["id"])
    assert stored["distance"] == pytest.approx(4989.0, abs=0.1)
    assert answer["logged"]["distance"] == {"value": 3.1, "unit": "mi"}
    planned = await call(
        hass, "plan_workout", date="2026-06-21", type="Run", distance=10
    )
    [event] = [e for e in athlete.events if str(e["id"]) == planned["planned"]["id"]]
    assert event["distance"] == pytest.approx(16093.4, abs=0.1)
    assert planned["planned"]["planned_distance"] == {"value": 10.0, "unit": "mi"}


PLAN = {"date": TODAY, "type": "Run", "name": "Tempo"}
LOG = {"type": "Run", "start": "2026-06-15T09:00", "moving_time_minutes": 30}


@pytest.mark.parametrize(
    ("name", "args", "error", "problem"),
    [
        (
            "plan_workout",
            {**PLAN, "date": "15/06/2026"},
            "ServiceValidation",
            "date: “15/06/2026” is not a date. Give it as YYYY-MM-DD",
        ),
        ("plan_workout", {**PLAN, "date": "2300-01-01"}, "ServiceValidation", "date"),
        (
            "plan_workout",
            {**PLAN, "time": "25:00"},
            "ServiceValidation",
            "time: “25:00” is not a time of day. Give it as HH:MM",
        ),
        ("plan_workout", {**PLAN, "type": "Jogging"}, "invalid_arguments", "type"),
        ("plan_workout", {**PLAN, "distance": -5}, "invalid_arguments", "distance"),
        (
            "plan_workout",
            {**PLAN, "duration_minutes": -10},
            "invalid_arguments",
            "duration_minutes",
        ),
        (
            "plan_workout",
            {**PLAN, "training_load": -1},
            "invalid_arguments",
            "training_load",
        ),
        ("log_activity", {**LOG, "type": "run"}, "invalid_arguments", "type"),
        ("log_activity", {**LOG, "start": "yesterday"}, "invalid_arguments", "start"),
        (
            "log_activity",
            {**LOG, "start": "2026-06-15T12:30"},
            "ServiceValidation",
            "start is in the future",
        ),
        (
            "log_activity",
            {**LOG, "moving_time_minutes": 0},
            "invalid_arguments",
            "moving_time_minutes",
        ),
        ("log_activity", {**LOG, "distance": -1}, "invalid_arguments", "distance"),
        ("log_activity", {**LOG, "rpe": 11}, "invalid_arguments", "rpe"),
        (
            "log_activity",
            {**LOG, "key": "økt-1"},
            "ServiceValidation",
            "key is not valid",
        ),
    ],
)
async def test_refused_before_anything_is_sent(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    name: str,
    args: dict[str, Any],
    error: str,
    problem: str,
) -> None:
    emulator.state.log.clear()
    answer = await call(hass, name, **args)
    assert answer["error"].startswith(error), answer
    assert problem in answer["error_text"]
    assert "Traceback" not in answer["error_text"]
    assert len(emulator.state.log) == 0
