"""The conversation tools, through Home Assistant's LLM helpers, without a model.

Each tool is found the way a conversation agent finds it (`llm.async_get_api`),
called with good and bad arguments, and checked against the emulator's athlete.
"""

from datetime import date, timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from emulator.faults import Fault
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import llm
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from .conftest import API_KEY, NOW

CONTEXT = llm.LLMContext(
    platform="test",
    context=Context(),
    language="en",
    assistant="conversation",
    device_id=None,
)
READ_TOOLS = {
    "get_training_status",
    "get_training_totals",
    "get_training_plan",
    "get_recent_activities",
    "get_season_bests",
}
WRITE_TOOLS = {"log_wellness", "plan_workout", "log_activity"}
RUN = {"Run", "VirtualRun", "TrailRun"}
NOW_LOCAL = "2026-06-15T12:00:00"  # NOW in Amsterdam


async def api_instance(hass: HomeAssistant) -> llm.APIInstance:
    return await llm.async_get_api(hass, DOMAIN, CONTEXT)


async def call(hass: HomeAssistant, name: str, /, **args: Any) -> dict[str, Any]:
    """Call a tool as the API instance hands it to an agent; return its data.

    2026.4's `APIInstance.async_call_tool` imports the conversation
    integration, whose requirement (hassil) the oldest release's test
    harness lacks; it only traces the call and then does this.
    """
    api = await api_instance(hass)
    [tool] = [t for t in api.tools if t.name == name]
    result = await tool.async_call(
        hass, llm.ToolInput(tool_name=name, tool_args=args), CONTEXT
    )
    data: dict[str, Any] = getattr(result, "data", result)
    if hasattr(result, "error"):  # a ToolResult (2026.10 on)
        assert result.error is ("error" in data)
    # What the agent sends the model: JSON, as it is.
    assert json.loads(json.dumps(data)) == data
    return data


def json_schema(api: llm.APIInstance, tool: llm.Tool) -> dict[str, Any]:
    """The parameters as a conversation agent sends them to the model."""
    try:
        import probatio  # noqa: PLC0415 - 2026.10 on

        return probatio.to_openapi(
            tool.parameters, custom_serializer=api.custom_serializer
        )
    except ImportError:
        from voluptuous_openapi import convert  # noqa: PLC0415 - 2026.4

        return convert(tool.parameters, custom_serializer=api.custom_serializer)


@pytest.mark.usefixtures("setup_integration")
async def test_the_tools_are_offered_to_agents(hass: HomeAssistant) -> None:
    apis = {api.id: api.name for api in llm.async_get_apis(hass)}
    assert apis[DOMAIN] == "Intervals.icu"
    api = await api_instance(hass)
    assert {t.name for t in api.tools} == READ_TOOLS | WRITE_TOOLS
    for tool in api.tools:
        assert tool.integration == DOMAIN
        assert len(tool.description) > 80
        schema = json_schema(api, tool)
        assert schema["type"] == "object"
        # One athlete: nothing to choose.
        assert "athlete" not in schema.get("properties", {})
        for name, prop in schema.get("properties", {}).items():
            assert prop.get("description"), (tool.name, name)
        if hasattr(tool.annotations, "read_only"):  # 2026.10 on
            assert tool.annotations.read_only is (tool.name in READ_TOOLS)
    totals = next(t for t in api.tools if t.name == "get_training_totals")
    assert json_schema(api, totals)["properties"]["period"]["enum"] == [
        "this_week",
        "this_month",
        "this_year",
        "last_year_to_date",
        "last_year",
    ]
    assert "Test Athlete" in api.api_prompt
    assert "Monday 2026-06-15 (Europe/Amsterdam)" in api.api_prompt
    assert "explicitly asks" in api.api_prompt


async def test_answers_come_from_the_snapshot(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    """No request per question: every read tool answers from what is kept."""
    requests = len(emulator.state.log)
    for name, args in [
        ("get_training_status", {}),
        ("get_training_totals", {"period": "this_year"}),
        ("get_training_plan", {}),
        ("get_recent_activities", {}),
        ("get_season_bests", {}),
    ]:
        answer = await call(hass, name, **args)
        assert "error" not in answer, answer
        assert answer["athlete"] == "Test Athlete"
        assert "warning" not in answer
    assert len(emulator.state.log) == requests


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_status(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    answer = await call(hass, "get_training_status")
    today = athlete.wellness["2026-06-15"]
    load = answer["fitness_and_form"]
    assert load["date"] == "2026-06-15"
    assert load["fitness"] == round(today["ctl"], 1)
    assert load["fatigue"] == round(today["atl"], 1)
    assert load["form"] == round(today["ctl"] - today["atl"], 1)
    assert load["ramp_rate"] == round(today["rampRate"], 1)
    # The same zone and HRV status as the sensors show.
    assert load["form_zone"] == hass.states.get("sensor.test_athlete_form_zone").state
    hrv = hass.states.get("sensor.test_athlete_hrv_status")
    assert answer["hrv_status"]["status"] == f"{hrv.state}_normal"
    assert answer["hrv_status"]["seven_day_mean"] == {
        "value": hrv.attributes["mean_7_days_ms"],
        "unit": "ms",
    }
    wellness = {w["name"]: w for w in answer["wellness"]}
    newest_weight = max(
        (d, w["weight"]) for d, w in athlete.wellness.items() if "weight" in w
    )
    assert wellness["weight"] == {
        "name": "weight",
        "value": newest_weight[1],
        "unit": "kg",
        "date": newest_weight[0],
    }
    newest_sleep = max(
        (d, w["sleepSecs"]) for d, w in athlete.wellness.items() if "sleepSecs" in w
    )
    assert wellness["sleep"]["value"] == round(newest_sleep[1] / 3600, 1)
    assert wellness["sleep"]["unit"] == "h"


async def test_status_before_enough_hrv_days_with_form_as_a_percentage(
    hass: HomeAssistant, athlete: Athlete, config_entry: MockConfigEntry
) -> None:
    athlete.profile["icu_form_as_percent"] = True
    athlete.wellness["2026-06-15"].update(ctl=40.0, atl=50.0)
    for record in athlete.wellness.values():
        record.pop("hrv", None)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    answer = await call(hass, "get_training_status")
    load = answer["fitness_and_form"]
    assert (load["form"], load["form_percent_of_fitness"]) == (-10.0, -25.0)
    assert load["form_zone"] == "optimal"
    assert answer["hrv_status"]["status"] == "unknown"
    assert "there are 0 and 0" in answer["hrv_status"]["why"]
    assert "hrv_rmssd" not in {w["name"] for w in answer["wellness"]}


def expected(
    athlete: Athlete, types: set[str] | None, since: str, until: str
) -> dict[str, Any]:
    """Totals straight from the emulator's records, in km, h:mm, m."""
    chosen = [
        a
        for a in athlete.activities
        if a["source"] != "STRAVA"
        and (types is None or a["type"] in types)
        and since <= a["start_date_local"] <= until
    ]
    minutes = round(sum(a.get("moving_time") or 0 for a in chosen) / 60)
    return {
        "distance": sum(a.get("distance") or 0 for a in chosen) / 1000,
        "moving_time": f"{minutes // 60}:{minutes % 60:02d}",
        "elevation_gain": sum(a.get("total_elevation_gain") or 0 for a in chosen),
        "activities": len(chosen),
    }


@pytest.mark.parametrize(
    ("period", "since", "until"),
    [
        ("this_week", "2026-06-15", "2026-06-15T23:59:59"),
        ("this_month", "2026-06-01", "2026-06-15T23:59:59"),
        ("this_year", "2026-01-01", "2026-06-15T23:59:59"),
        ("last_year_to_date", "2025-01-01", "2025-06-15T23:59:59"),
        ("last_year", "2025-01-01", "2025-12-31T23:59:59"),
    ],
)
async def test_totals_of_each_period(
    hass: HomeAssistant,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
    period: str,
    since: str,
    until: str,
) -> None:
    answer = await call(hass, "get_training_totals", period=period)
    assert (answer["from"], answer["to"]) == (since[:10], until[:10])
    rows = {row["sport"]: row for row in answer["totals"]}
    assert list(rows) == ["run", "ride", "swim", "all"]
    for sport, types in (("run", RUN), ("all", None)):
        want = expected(athlete, types, since, until)
        row = rows[sport]
        assert row["distance"]["unit"] == "km"
        assert row["distance"]["value"] == pytest.approx(want["distance"], abs=0.01)
        assert row["moving_time"] == {"value": want["moving_time"], "unit": "h:mm"}
        assert row["elevation_gain"]["unit"] == "m"
        assert row["elevation_gain"]["value"] == pytest.approx(
            want["elevation_gain"], abs=0.5
        )
        assert row["activities"] == want["activities"]
    assert "goal" not in rows["run"]
    # One sport only.
    answer = await call(hass, "get_training_totals", period=period, sport="run")
    assert [row["sport"] for row in answer["totals"]] == ["run"]


async def test_totals_in_us_customary_units_with_a_goal(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    await hass.config.async_update(unit_system="us_customary")
    await hass.async_block_till_done()
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": "number.test_athlete_run_distance_goal_this_year", "value": 600},
        blocking=True,
    )
    answer = await call(hass, "get_training_totals", period="this_year", sport="run")
    [row] = answer["totals"]
    want = expected(athlete, RUN, "2026-01-01", "2026-06-15T23:59:59")
    miles = want["distance"] / 1.609344
    assert row["distance"] == {"value": pytest.approx(miles, abs=0.01), "unit": "mi"}
    assert row["elevation_gain"]["unit"] == "ft"
    assert row["goal"]["distance_goal"] == {"value": 600.0, "unit": "mi"}
    assert row["goal"]["progress_percent"] == pytest.approx(100 * miles / 600, abs=0.05)
    progress = hass.states.get("sensor.test_athlete_run_goal_progress").state
    assert row["goal"]["progress_percent"] == round(float(progress), 1)


def planned_from(athlete: Athlete, first: str, last: str) -> list[dict[str, Any]]:
    return sorted(
        (e for e in athlete.events if first <= e["start_date_local"][:10] <= last),
        key=lambda e: (e["start_date_local"], str(e["id"])),
    )


async def test_plan(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    answer = await call(hass, "get_training_plan", count=3)
    want = planned_from(athlete, "2026-06-15", "2026-06-29")
    assert [e["name"] for e in answer["entries"]] == [e["name"] for e in want[:3]]
    assert answer["more"] == len(want) - 3
    assert answer["known_until"] == "2026-06-29"
    first = answer["entries"][0]
    assert first["date"] == want[0]["start_date_local"][:10]
    assert first["category"] == want[0]["category"]
    # Today's workout says whether it is done.
    assert first["done"] is False
    if want[0]["moving_time"]:
        minutes = round(want[0]["moving_time"] / 60)
        assert (
            first["planned_duration"]["value"] == f"{minutes // 60}:{minutes % 60:02d}"
        )

    answer = await call(
        hass,
        "get_training_plan",
        start_date="2026-06-20",
        end_date="2026-06-24",
        workouts_only=True,
    )
    want = [
        e
        for e in planned_from(athlete, "2026-06-20", "2026-06-24")
        if e["category"] == "WORKOUT"
    ]
    assert [e["name"] for e in answer["entries"]] == [e["name"] for e in want]
    assert {e["category"] for e in answer["entries"]} == {"WORKOUT"}

    answer = await call(hass, "get_training_plan", start_date="2026-06-01")
    assert answer["from"] == "2026-06-15"
    assert "Only the plan from today on" in answer["note"]


async def test_recent_activities(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    done = sorted(
        (a for a in athlete.activities if a["start_date_local"] <= NOW_LOCAL),
        key=lambda a: a["start_date_local"],
        reverse=True,
    )
    answer = await call(hass, "get_recent_activities", count=4)
    assert [(a["date"], a["start"]) for a in answer["activities"]] == [
        (a["start_date_local"][:10], a["start_date_local"][11:16]) for a in done[:4]
    ]
    newest = answer["activities"][0]
    if done[0]["source"] != "STRAVA":
        assert newest["name"] == done[0]["name"]
        assert newest["type"] == done[0]["type"]
        assert newest["url"].endswith(f"/activities/{done[0]['id']}")
    runs = await call(hass, "get_recent_activities", sport="run")
    want = [a for a in done if a["type"] in RUN and a["source"] != "STRAVA"][:5]
    assert [a["type"] for a in runs["activities"]] == [a["type"] for a in want]


async def test_a_strava_activity_is_told_without_details(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    athlete.add_activity(
        start_local="2026-06-15T11:00:00", activity_type="Ride", source="STRAVA"
    )
    await setup_integration.runtime_data.async_refresh()
    answer = await call(hass, "get_recent_activities", count=1)
    assert answer["activities"] == [
        {
            "date": "2026-06-15",
            "start": "11:00",
            "source": "STRAVA",
            "note": "synced from Strava: the API gives no details of it",
        }
    ]


async def test_season_bests_match_the_sensors(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    answer = await call(hass, "get_season_bests")
    assert answer["season"].startswith("2026")
    bests = {(b["sport"], b["effort"]): b for b in answer["bests"]}
    five_k = float(hass.states.get("sensor.test_athlete_best_5_km_run_this_year").state)
    minutes, seconds = divmod(round(five_k * 60), 60)
    assert bests["run", "5 km"]["time"] == f"{minutes}:{seconds:02d}"
    assert bests["run", "5 km"]["pace"].endswith("/km")
    power = hass.states.get("sensor.test_athlete_best_20_min_power_this_year")
    assert bests["ride", "20 min"]["power"] == {
        "value": round(float(power.state)),
        "unit": "W",
    }
    assert bests["ride", "20 min"]["date"] == power.attributes["date"]
    swims = await call(hass, "get_season_bests", sport="swim")
    assert {b["sport"] for b in swims["bests"]} == {"swim"}


@pytest.mark.parametrize(
    ("name", "args", "problem"),
    [
        ("get_training_status", {"verbose": True}, "verbose"),
        ("get_training_totals", {}, "period"),
        ("get_training_totals", {"period": "yesterday"}, "period"),
        ("get_training_totals", {"period": "this_week", "sport": "ski"}, "sport"),
        ("get_training_plan", {"count": 0}, "count"),
        ("get_training_plan", {"count": 21}, "count"),
        ("get_training_plan", {"start_date": "next friday"}, "start_date"),
        (
            "get_training_plan",
            {"start_date": "2026-06-20", "end_date": "2026-06-18"},
            "end_date",
        ),
        ("get_recent_activities", {"count": "many"}, "count"),
        ("get_season_bests", {"sport": "rowing"}, "sport"),
        ("log_wellness", {"weight": 5}, "weight"),
        ("log_wellness", {"mood": 7}, "mood"),
        ("log_wellness", {"date": "15/06/2026", "weight": 70}, "date"),
    ],
)
async def test_bad_arguments_are_explained(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: EmulatorServer,
    name: str,
    args: dict[str, Any],
    problem: str,
) -> None:
    answer = await call(hass, name, **args)
    assert answer["error"] == "invalid_arguments"
    assert problem in answer["error_text"]
    assert "Traceback" not in answer["error_text"]
    assert emulator.state.log.count(method="PUT") == 0


async def test_a_group_switched_off(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        setup_integration,
        options={"groups": {"run": ["Run"], "ride": ["Ride"]}},
    )
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    answer = await call(hass, "get_training_totals", period="this_week", sport="swim")
    assert answer["error"] == "sport_off"
    answer = await call(hass, "get_recent_activities", sport="swim")
    assert answer["error"] == "sport_off"
    answer = await call(hass, "get_training_totals", period="this_week")
    assert [row["sport"] for row in answer["totals"]] == ["run", "ride", "all"]


async def test_log_wellness_writes_and_shows_at_once(
    hass: HomeAssistant,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
    emulator: EmulatorServer,
) -> None:
    answer = await call(hass, "log_wellness", weight=70.4, mood=2, sleep_hours=7.5)
    assert answer["logged"] == {
        "date": "2026-06-15",
        "weight": {"value": 70.4, "unit": "kg"},
        "mood": 2,
        "sleep_hours": 7.5,
    }
    record = athlete.wellness["2026-06-15"]
    assert (record["weight"], record["mood"], record["sleepSecs"]) == (70.4, 2, 27000)
    assert [r.path for r in emulator.state.log.matching(method="PUT")] == [
        "/api/v1/athlete/i123456/wellness/2026-06-15"
    ]
    assert hass.states.get("sensor.test_athlete_weight").state == "70.4"
    # Another day, in pounds for a US-customary home.
    await hass.config.async_update(unit_system="us_customary")
    await call(hass, "log_wellness", date="2026-06-14", weight=160)
    assert athlete.wellness["2026-06-14"]["weight"] == pytest.approx(72.5748, abs=1e-3)


async def test_log_wellness_needs_values_and_reports_refusals(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    answer = await call(hass, "log_wellness", date="2026-06-14")
    assert answer["error"] == "no_values"
    emulator.state.add_fault(Fault.http_status(500, path="/wellness/", method="put"))
    answer = await call(hass, "log_wellness", resting_hr=48)
    assert answer["error"] == "HomeAssistantError"
    assert "HTTP 500" in answer["error_text"]


@pytest.fixture
def second(emulator: EmulatorServer) -> Athlete:
    """Another athlete on the same emulator, with a key of their own."""
    rider = generate_athlete(
        seed=8,
        athlete_id="i654321",
        name="Second Rider",
        api_key="second-key",
        timezone="America/New_York",
        activities_per_year=150,
        start=date(2026, 1, 1),
        end=NOW.date(),
        now=NOW,
        events_until=date(2026, 7, 1),
    )
    return emulator.state.add_athlete(rider)


async def test_several_athletes_are_asked_for_by_name(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: EmulatorServer,
    second: Athlete,
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Second Rider",
        unique_id=second.id,
        data={
            CONF_API_KEY: "second-key",
            CONF_ATHLETE_ID: second.id,
            CONF_URL: emulator.url,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    api = await api_instance(hass)
    for tool in api.tools:
        athlete = json_schema(api, tool)["properties"]["athlete"]
        assert sorted(athlete["enum"]) == ["Second Rider", "Test Athlete"]
    assert "Second Rider; their today is Monday 2026-06-15 (America/New_York)" in (
        api.api_prompt
    )
    answer = await call(hass, "get_training_status")
    assert answer["error"] == "athlete_needed"
    assert "Second Rider" in answer["error_text"]
    mine = await call(hass, "get_training_status", athlete="second rider")
    assert mine["athlete"] == "Second Rider"
    theirs = await call(hass, "get_training_status", athlete="Test Athlete")
    assert mine["fitness_and_form"] != theirs["fitness_and_form"]
    answer = await call(hass, "get_training_status", athlete="Nobody")
    assert answer["error"] == "invalid_arguments"


async def test_one_athlete_by_another_name(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    answer = await call(hass, "get_training_status", athlete="test athlete")
    assert answer["athlete"] == "Test Athlete"
    answer = await call(hass, "get_training_status", athlete="Nobody")
    assert answer["error"] == "athlete_not_found"


async def test_without_data_the_tools_say_why(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: EmulatorServer,
    frozen: FrozenDateTimeFactory,
) -> None:
    """Not set up yet: an answer that says so; failing updates: a warning."""
    assert await async_setup_component(hass, DOMAIN, {})
    answer = await call(hass, "get_training_status")
    assert answer["error"] == "no_athlete"
    answer = await call(hass, "get_training_status", athlete="Test Athlete")
    assert answer["error"] == "no_athlete"
    emulator.state.add_fault(Fault.http_status(503))
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    answer = await call(hass, "get_training_totals", period="this_week")
    assert answer["error"] == "athlete_unavailable"
    api = await api_instance(hass)
    assert "Test Athlete (data not available now)" in api.api_prompt

    emulator.state.clear_faults()
    await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    emulator.state.add_fault(Fault.http_status(503))
    frozen.tick(timedelta(hours=1))
    await config_entry.runtime_data.async_refresh()
    answer = await call(hass, "get_training_status")
    assert "fitness_and_form" in answer
    assert "last update from Intervals.icu failed" in answer["warning"]
    # When the last good update ran, in Home Assistant's time zone.
    assert answer["data_as_of"] == dt_util.as_local(NOW).isoformat(timespec="minutes")


async def test_the_key_is_never_told(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    api = await api_instance(hass)
    said = [api.api_prompt, *(t.description for t in api.tools)]
    for name in READ_TOOLS:
        args = {"period": "this_year"} if name == "get_training_totals" else {}
        said.append(json.dumps(await call(hass, name, **args)))
    said.append(json.dumps(await call(hass, "log_wellness", weight=71)))
    assert not [text for text in said if API_KEY in text]


async def test_a_conversation_agent_calls_the_tools(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """Beside Assist, through the chat log an agent uses (hassil is needed)."""
    pytest.importorskip("hassil")
    from homeassistant.components import conversation  # noqa: PLC0415
    from homeassistant.helpers import chat_session  # noqa: PLC0415

    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    with (
        chat_session.async_get_chat_session(hass) as session,
        conversation.async_get_chat_log(hass, session) as chat_log,
    ):
        await chat_log.async_provide_llm_data(
            CONTEXT, [llm.LLM_API_ASSIST, DOMAIN], None, None
        )
        names = {t.name for t in chat_log.llm_api.tools}
        assert {f"intervals-icu__{n}" for n in READ_TOOLS | WRITE_TOOLS} <= names
        call_ = llm.ToolInput(
            tool_name="intervals-icu__get_training_totals",
            tool_args={"period": "this_year", "sport": "run"},
        )
        [result] = [
            content
            async for content in chat_log.async_add_assistant_content(
                conversation.AssistantContent(
                    agent_id="conversation.test", tool_calls=[call_]
                )
            )
        ]
    data = getattr(result, "result", None) or result.tool_result
    data = getattr(data, "data", data)
    assert data["totals"][0]["sport"] == "run"
    assert data["totals"][0]["distance"]["unit"] == "km"
