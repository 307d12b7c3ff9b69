"""Actions: what their schemas take, wellness written to the emulator, activities
and plans read from it.

The schemas are checked on their own, without Home Assistant running: each bad
value is refused, and the error names the field it is about. The actions
themselves run end to end through `hass.services.async_call`, several calls
to one set-up entry.
"""

from datetime import UTC, date, datetime
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.intervals_icu.api import (
    IntervalsAccessDeniedError,
    IntervalsAuthenticationError,
    IntervalsConnectionError,
    IntervalsError,
    IntervalsNotFoundError,
    IntervalsRateLimitError,
    IntervalsRejectedError,
    IntervalsResponseError,
    IntervalsServerError,
    WellnessUpdate,
)
from custom_components.intervals_icu.api.transport import basic_auth
from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.errors import request_error
from custom_components.intervals_icu.services import (
    GET_ACTIVITIES_SCHEMA,
    GET_EVENTS_SCHEMA,
    IMPORT_HISTORY_SCHEMA,
    SET_WELLNESS_SCHEMA,
    wellness_update,
)
from custom_components.intervals_icu.write_services import (
    EVENT_ID_SCHEMA,
    LOG_ACTIVITY_SCHEMA,
    PLAN_WORKOUT_SCHEMA,
    UPDATE_EVENT_SCHEMA,
)
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.service import async_get_all_descriptions

from .conftest import API_KEY, ATHLETE_ID

DAY = "2026-06-14"
ENTRY = {"config_entry_id": "01JINTERVALSICUTESTENTRY00"}


# Schemas: no Home Assistant instance -------------------------------------------


def refused_fields(schema: vol.Schema, data: dict[str, Any]) -> list[list[Any]]:
    """The path of every field the schema refuses in `data`."""
    with pytest.raises(vol.MultipleInvalid) as caught:
        schema(data)
    return [error.path for error in caught.value.errors]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"weight": 19.9}, "weight"),
        ({"weight": 400.1}, "weight"),
        ({"resting_hr": 19}, "resting_hr"),
        ({"resting_hr": 251}, "resting_hr"),
        ({"hrv": 0}, "hrv"),
        ({"hrv": 501}, "hrv"),
        ({"sleep_hours": -0.5}, "sleep_hours"),
        ({"sleep_hours": 24.5}, "sleep_hours"),
        ({"sleep_score": 101}, "sleep_score"),
        ({"readiness": -1}, "readiness"),
        ({"soreness": 0}, "soreness"),
        ({"fatigue": 5}, "fatigue"),
        ({"stress": 5}, "stress"),
        ({"mood": 0}, "mood"),
        ({"motivation": "very"}, "motivation"),
        ({"comments": "x" * 1001}, "comments"),
        ({"weight": 70, "mood": 9}, "mood"),
        ({"date": "15 June"}, "date"),
        ({"steps": 10000}, "steps"),
    ],
)
def test_set_wellness_refuses_bad_values(values: dict[str, Any], field: str) -> None:
    assert refused_fields(SET_WELLNESS_SCHEMA, {**ENTRY, **values}) == [[field]]


def test_set_wellness_takes_the_limits_and_rounds_whole_numbers() -> None:
    """Each range includes its ends; integers of the API are rounded, not refused."""
    low = {
        "weight": 20,
        "resting_hr": 20,
        "hrv": 1,
        "sleep_hours": 0,
        "sleep_score": 0,
        "readiness": 0,
        "soreness": 1,
        "fatigue": 1,
        "stress": 1,
        "mood": 1,
        "motivation": 1,
    }
    high = {
        "weight": 400,
        "resting_hr": 250,
        "hrv": 500,
        "sleep_hours": 24,
        "sleep_score": 100,
        "readiness": 100,
        "soreness": 4,
        "fatigue": 4,
        "stress": 4,
        "mood": 4,
        "motivation": 4,
        "comments": "x" * 1000,
    }
    for values in (low, high):
        assert SET_WELLNESS_SCHEMA({**ENTRY, **values}) == {**ENTRY, **values}
    # 47.6 bpm from a sensor is the API's integer 48; "2" from a form is 2.
    taken = SET_WELLNESS_SCHEMA({**ENTRY, "resting_hr": 47.6, "mood": "2", "date": DAY})
    assert taken == {**ENTRY, "resting_hr": 48, "mood": 2, "date": date(2026, 6, 14)}
    assert isinstance(taken["resting_hr"], int)


def test_wellness_update_has_only_what_was_given() -> None:
    """The hours slept go to the API in seconds; what is missing stays None."""
    data = SET_WELLNESS_SCHEMA({**ENTRY, "sleep_hours": 7.5, "weight": 70})
    assert wellness_update(data) == WellnessUpdate(sleep_secs=27000, weight=70.0)
    assert wellness_update(SET_WELLNESS_SCHEMA(ENTRY)) == WellnessUpdate()


@pytest.mark.parametrize("schema", [GET_ACTIVITIES_SCHEMA, GET_EVENTS_SCHEMA])
@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"start_date": DAY, "end_date": DAY}, [["config_entry_id"]]),
        ({**ENTRY, "end_date": DAY}, [["start_date"]]),
        ({**ENTRY, "start_date": DAY}, [["end_date"]]),
        ({**ENTRY, "start_date": "June", "end_date": DAY}, [["start_date"]]),
        ({**ENTRY, "start_date": DAY, "end_date": "2026-13-01"}, [["end_date"]]),
        ({**ENTRY, "start_date": DAY, "end_date": DAY, "limit": 5}, [["limit"]]),
    ],
)
def test_read_actions_need_a_range(
    schema: vol.Schema, data: dict[str, Any], fields: list[list[str]]
) -> None:
    assert refused_fields(schema, data) == fields


def test_read_actions_take_one_or_more_types_and_categories() -> None:
    span = {**ENTRY, "start_date": DAY, "end_date": DAY}
    assert GET_ACTIVITIES_SCHEMA({**span, "types": "Run"})["types"] == ["Run"]
    assert GET_ACTIVITIES_SCHEMA({**span, "types": ["Run", "Ride"]})["types"] == [
        "Run",
        "Ride",
    ]
    assert refused_fields(GET_ACTIVITIES_SCHEMA, {**span, "types": [None]}) == [
        ["types", 0]
    ]
    # Categories are the API's upper-case names, however they were typed.
    assert GET_EVENTS_SCHEMA({**span, "categories": "race_a"})["categories"] == [
        "RACE_A"
    ]
    assert refused_fields(GET_EVENTS_SCHEMA, {**span, "categories": [{}]}) == [
        ["categories", 0]
    ]
    assert refused_fields(GET_EVENTS_SCHEMA, {**span, "types": ["Run"]}) == [["types"]]


def test_import_history_takes_only_the_entry() -> None:
    assert IMPORT_HISTORY_SCHEMA(ENTRY) == ENTRY
    assert refused_fields(IMPORT_HISTORY_SCHEMA, {}) == [["config_entry_id"]]
    assert refused_fields(IMPORT_HISTORY_SCHEMA, {**ENTRY, "years": 3}) == [["years"]]


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (IntervalsAuthenticationError("no"), "request_invalid_auth"),
        (IntervalsAccessDeniedError("no"), "request_access_denied"),
        (IntervalsNotFoundError("no"), "request_athlete_not_found"),
        (IntervalsRateLimitError(3), "request_rate_limited"),
        (IntervalsConnectionError("no"), "request_cannot_connect"),
        (IntervalsServerError(500), "request_server_error"),
        (IntervalsRejectedError(422, "Bad date"), "request_rejected"),
        (IntervalsResponseError("no"), "request_invalid_response"),
        (IntervalsError("no"), "request_unknown_error"),
    ],
)
def test_request_error_keys(error: IntervalsError, key: str) -> None:
    assert request_error(error).translation_key == key


# The actions in Home Assistant ------------------------------------------------


async def served_wellness(emulator: EmulatorServer, day: str) -> dict[str, Any]:
    """What the emulator answers to GET wellness/{day}, over HTTP."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            f"{emulator.url}/api/v1/athlete/{ATHLETE_ID}/wellness/{day}",
            headers={"Authorization": basic_auth("API_KEY", API_KEY)},
        ) as response,
    ):
        assert response.status == 200
        return await response.json()


async def call(
    hass: HomeAssistant, entry: MockConfigEntry, service: str, **data: Any
) -> dict[str, Any] | None:
    return await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=service in {"get_activities", "get_events"},
    )


def puts(emulator: EmulatorServer) -> int:
    return emulator.state.log.count("/wellness/", method="PUT")


async def test_set_wellness_is_served_back(
    hass: HomeAssistant, emulator: EmulatorServer, setup_integration: MockConfigEntry
) -> None:
    before = await served_wellness(emulator, DAY)
    reads = emulator.state.log.count("/wellness.json")

    await call(
        hass,
        setup_integration,
        "set_wellness",
        date=DAY,
        weight=71.4,
        resting_hr=47,
        hrv=68.5,
        sleep_hours=7.5,
        sleep_score=88,
        readiness=74,
        soreness=2,
        fatigue=1,
        stress=3,
        mood=1,
        motivation=4,
        comments="Slept well after the long run.",
    )
    await hass.async_block_till_done()

    after = await served_wellness(emulator, DAY)
    changed = {
        "weight": 71.4,
        "restingHR": 47,
        "hrv": 68.5,
        "sleepSecs": 27000,
        "sleepScore": 88,
        "readiness": 74,
        "soreness": 2,
        "fatigue": 1,
        "stress": 3,
        "mood": 1,
        "motivation": 4,
        "comments": "Slept well after the long run.",
    }
    assert {k: after[k] for k in changed} == changed
    # Nothing else was touched.
    untouched = {k: v for k, v in before.items() if k not in changed and k != "updated"}
    assert {k: after[k] for k in untouched} == untouched
    [put] = emulator.state.log.matching("/wellness/", method="PUT")
    assert put.path.endswith(f"/wellness/{DAY}")
    # The sensors catch up at once.
    assert emulator.state.log.count("/wellness.json") == reads + 1


async def test_set_wellness_sends_only_given_fields_rounded(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    """A resting heart rate of 47.6 from a sensor is stored as the API's integer 48."""
    before = dict(athlete.get_wellness(DAY))
    await call(
        hass, setup_integration, "set_wellness", date=DAY, resting_hr=47.6, mood="2"
    )
    after = athlete.get_wellness(DAY)
    assert after["restingHR"] == 48
    assert after["mood"] == 2
    written = ("restingHR", "mood", "updated")
    assert {k: v for k, v in after.items() if k not in written} == {
        k: v for k, v in before.items() if k not in written
    }
    assert puts(emulator) == 1


async def test_set_wellness_default_date_is_athlete_today(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    """23:30 UTC is already tomorrow in Amsterdam, still today in Home Assistant."""
    await hass.config.async_set_time_zone("America/Los_Angeles")
    freezer.move_to(datetime(2026, 6, 15, 23, 30, tzinfo=UTC))
    await call(hass, setup_integration, "set_wellness", weight=69.9)
    assert athlete.get_wellness("2026-06-16")["weight"] == 69.9
    assert athlete.get_wellness("2026-06-15")["weight"] != 69.9


async def test_bad_input_is_refused_before_any_request(
    hass: HomeAssistant, emulator: EmulatorServer, setup_integration: MockConfigEntry
) -> None:
    """Each action checks its schema; set_wellness needs a value, ranges an order."""
    emulator.state.log.clear()
    bad: list[tuple[str, dict[str, Any], list[Any]]] = [
        ("set_wellness", {"weight": 19.9}, ["weight"]),
        ("get_activities", {"start_date": "June", "end_date": DAY}, ["start_date"]),
        (
            "get_events",
            {"start_date": DAY, "end_date": DAY, "categories": [{}]},
            ["categories", 0],
        ),
        ("import_history", {"years": 3}, ["years"]),
    ]
    for service, data, path in bad:
        with pytest.raises(vol.Invalid) as caught:
            await call(hass, setup_integration, service, **data)
        assert caught.value.path == path, service

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, setup_integration, "set_wellness", date=DAY)
    assert err.value.translation_key == "no_wellness_values"

    for service in ("get_activities", "get_events"):
        for start, end, key in (
            ("2026-06-15", "2026-06-14", "end_before_start"),
            ("2025-06-13", "2026-06-15", "range_too_long"),
        ):
            with pytest.raises(ServiceValidationError) as err:
                await call(
                    hass, setup_integration, service, start_date=start, end_date=end
                )
            assert err.value.translation_key == key, (service, start)
    assert len(emulator.state.log) == 0


async def test_entry_must_be_loaded(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    services: dict[str, dict[str, Any]] = {
        "set_wellness": {"weight": 70},
        "get_activities": {"start_date": DAY, "end_date": DAY},
        "get_events": {"start_date": DAY, "end_date": DAY},
    }
    for service, data in services.items():
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN,
                service,
                {"config_entry_id": "no-such-entry", **data},
                blocking=True,
                return_response=service != "set_wellness",
            )
        assert err.value.translation_key == "service_config_entry_not_found"

    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    assert setup_integration.state is ConfigEntryState.NOT_LOADED
    emulator.state.log.clear()
    for service, data in services.items():
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, setup_integration, service, **data)
        assert err.value.translation_key == "service_config_entry_not_loaded"
    assert len(emulator.state.log) == 0


def reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[Any]:
    return [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"].get("source") == SOURCE_REAUTH
        and flow["context"].get("entry_id") == entry.entry_id
    ]


async def test_request_errors_are_translated(
    hass: HomeAssistant, emulator: EmulatorServer, setup_integration: MockConfigEntry
) -> None:
    """What the user reads when a request fails; only a refused key asks for reauth.

    Which trouble is which error class: tests/api/test_errors.py.
    """
    writes: list[tuple[Fault, str]] = [
        (Fault.http_status(503), "request_server_error"),
        (
            Fault.http_status(422, body={"status": 422, "error": "Bad"}),
            "request_rejected",
        ),
        (Fault.rate_limited(), "request_rate_limited"),
        (Fault.close(), "request_cannot_connect"),
        (Fault.html(), "request_invalid_response"),
        (Fault.http_status(404), "request_athlete_not_found"),
    ]
    for fault, key in writes:
        fault.path = "/wellness/"
        fault.method = "PUT"
        fault.__post_init__()
        emulator.state.add_fault(fault)
        with pytest.raises(HomeAssistantError) as err:
            await call(hass, setup_integration, "set_wellness", date=DAY, weight=70)
        assert err.value.translation_key == key
        emulator.state.clear_faults()
    for service, path in (("get_activities", "/activities"), ("get_events", "/events")):
        emulator.state.add_fault(Fault.http_status(500, path=path))
        with pytest.raises(HomeAssistantError) as err:
            await call(hass, setup_integration, service, start_date=DAY, end_date=DAY)
        assert err.value.translation_key == "request_server_error"
        assert err.value.translation_placeholders == {"status": "500"}
        emulator.state.clear_faults()
    await hass.async_block_till_done()
    assert reauth_flows(hass, setup_integration) == []

    emulator.state.add_fault(Fault.http_status(401, path="/wellness/"))
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, setup_integration, "set_wellness", date=DAY, weight=70)
    assert err.value.translation_key == "request_invalid_auth"
    await hass.async_block_till_done()
    assert len(reauth_flows(hass, setup_integration)) == 1


async def test_refused_key_starts_reauth_at_once(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    """A key regenerated on intervals.icu: each action asks for the new one now."""
    emulator.state.set_api_key(ATHLETE_ID, "regenerated-key")
    for service, data in (
        ("set_wellness", {"date": DAY, "weight": 70}),
        ("get_activities", {"start_date": DAY, "end_date": DAY}),
        ("get_events", {"start_date": DAY, "end_date": DAY}),
    ):
        assert reauth_flows(hass, setup_integration) == []
        with pytest.raises(HomeAssistantError) as err:
            await call(hass, setup_integration, service, **data)
        assert err.value.translation_key == "request_invalid_auth"
        await hass.async_block_till_done()
        [flow] = reauth_flows(hass, setup_integration)
        # The entry stays loaded; the hourly update has not run.
        assert setup_integration.state is ConfigEntryState.LOADED
        # Dismissed, so that the next action has to ask again.
        hass.config_entries.flow.async_abort(flow["flow_id"])


def in_range(athlete: Athlete, first: str, last: str) -> list[dict[str, Any]]:
    return athlete.activities_between(f"{first}T00:00:00", f"{last}T23:59:59")


async def test_get_activities(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    response = await call(
        hass,
        setup_integration,
        "get_activities",
        start_date="2026-05-01",
        end_date="2026-05-31",
    )
    got = response["activities"]
    expected = in_range(athlete, "2026-05-01", "2026-05-31")
    assert [a["id"] for a in got] == [a["id"] for a in expected]
    assert any(a["strava_stub"] for a in got)

    by_id = {a["id"]: a for a in expected}
    for shown in got:
        record = by_id[shown["id"]]
        assert shown["start_local"] == record["start_date_local"]
        assert shown["url"] == f"{emulator.url}/activities/{record['id']}"
        if record["source"] == "STRAVA":
            # The API hands out no details of Strava-synced activities.
            assert shown["strava_stub"] is True
            assert shown["type"] is None
            assert shown["distance_m"] is None
            continue
        assert shown["strava_stub"] is False
        assert shown["type"] == record["type"]
        assert shown["name"] == record["name"]
        assert shown["distance_m"] == record.get("distance")
        assert shown["moving_time_s"] == record.get("moving_time")
        assert shown["elevation_gain_m"] == record.get("total_elevation_gain")
        assert shown["training_load"] == record.get("icu_training_load")

    [request] = emulator.state.log.matching("/activities")[-1:]
    assert request.query["oldest"] == ["2026-05-01T00:00:00"]
    assert request.query["newest"] == ["2026-05-31T23:59:59"]

    # Of some types only.
    response = await call(
        hass,
        setup_integration,
        "get_activities",
        start_date="2026-01-01",
        end_date="2026-06-15",
        types=["Run", "TrailRun"],
    )
    expected_ids = [
        a["id"]
        for a in in_range(athlete, "2026-01-01", "2026-06-15")
        if a["source"] != "STRAVA" and a["type"] in {"Run", "TrailRun"}
    ]
    assert [a["id"] for a in response["activities"]] == expected_ids
    assert len(expected_ids) > 10

    # A whole year is allowed.
    response = await call(
        hass,
        setup_integration,
        "get_activities",
        start_date="2025-06-15",
        end_date="2026-06-15",
    )
    assert len(response["activities"]) > 200


async def test_get_events(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    response = await call(
        hass,
        setup_integration,
        "get_events",
        start_date="2026-06-15",
        end_date="2026-06-28",
    )
    expected = athlete.events_between("2026-06-15T00:00:00", "2026-06-28T23:59:59")
    got = response["events"]
    assert [e["id"] for e in got] == [str(e["id"]) for e in expected]
    assert {e["category"] for e in got} >= {"WORKOUT", "NOTE"}
    for shown, record in zip(got, expected, strict=True):
        assert shown["name"] == record["name"]
        assert shown["type"] == record["type"]
        assert shown["category"] == record["category"]
        assert shown["moving_time_s"] == record["moving_time"]
        assert shown["distance_m"] == record["distance"]
        assert shown["training_load"] == record["icu_training_load"]
        start = record["start_date_local"]
        if shown["all_day"]:
            assert shown["start"] == start[:10]
            assert start.endswith("T00:00:00")
        else:
            assert (
                datetime.fromisoformat(shown["start"]).replace(tzinfo=None).isoformat()
                == start
            )

    # Of some categories only, however they were typed.
    response = await call(
        hass,
        setup_integration,
        "get_events",
        start_date="2026-06-15",
        end_date="2026-07-15",
        categories=["race_a", "RACE_B", "RACE_C"],
    )
    expected_ids = [
        str(e["id"])
        for e in athlete.events_between("2026-06-15T00:00:00", "2026-07-15T23:59:59")
        if e["category"].startswith("RACE_")
    ]
    assert [e["id"] for e in response["events"]] == expected_ids
    assert expected_ids
    assert all(e["all_day"] for e in response["events"])
    assert {e["start"] for e in response["events"]} <= {
        date(2026, 6, d).isoformat() for d in range(15, 31)
    } | {date(2026, 7, d).isoformat() for d in range(1, 16)}


async def test_actions_are_described(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """services.yaml is valid and names every field each schema takes."""
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]
    assert "Unable to parse services.yaml" not in caplog.text
    schemas = {
        "set_wellness": SET_WELLNESS_SCHEMA,
        "get_activities": GET_ACTIVITIES_SCHEMA,
        "get_events": GET_EVENTS_SCHEMA,
        "import_history": IMPORT_HISTORY_SCHEMA,
        "plan_workout": PLAN_WORKOUT_SCHEMA,
        "update_event": UPDATE_EVENT_SCHEMA,
        "delete_event": EVENT_ID_SCHEMA,
        "mark_done": EVENT_ID_SCHEMA,
        "log_activity": LOG_ACTIVITY_SCHEMA,
    }
    assert set(descriptions) == set(schemas)
    for name, schema in schemas.items():
        assert set(descriptions[name]["fields"]) == {str(key) for key in schema.schema}
