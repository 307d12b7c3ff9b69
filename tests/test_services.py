"""Actions: wellness written to the emulator, activities and plans read from it."""

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
    IntervalsResponseError,
    IntervalsServerError,
)
from custom_components.intervals_icu.api.transport import basic_auth
from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.errors import request_error
from custom_components.intervals_icu.services import (
    GET_ACTIVITIES_SCHEMA,
    GET_EVENTS_SCHEMA,
    IMPORT_HISTORY_SCHEMA,
    SET_WELLNESS_SCHEMA,
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
        return_response=service != "set_wellness",
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


async def test_set_wellness_sends_only_given_fields(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    before = dict(athlete.get_wellness(DAY))
    await call(hass, setup_integration, "set_wellness", date=DAY, weight=70)
    after = athlete.get_wellness(DAY)
    assert after["weight"] == 70
    assert {k: v for k, v in after.items() if k not in ("weight", "updated")} == {
        k: v for k, v in before.items() if k not in ("weight", "updated")
    }


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


@pytest.mark.parametrize(
    "values",
    [
        {"weight": 19.9},
        {"weight": 400.1},
        {"resting_hr": 19},
        {"resting_hr": 251},
        {"hrv": 0},
        {"hrv": 501},
        {"sleep_hours": -0.5},
        {"sleep_hours": 24.5},
        {"sleep_score": 101},
        {"readiness": -1},
        {"soreness": 0},
        {"fatigue": 5},
        {"stress": 5},
        {"mood": 0},
        {"motivation": "very"},
        {"comments": "x" * 1001},
        {"weight": 70, "mood": 9},
        {"date": "15 June"},
        {"steps": 10000},
    ],
)
async def test_set_wellness_refuses_bad_values(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    values: dict[str, Any],
) -> None:
    with pytest.raises(vol.Invalid):
        await call(hass, setup_integration, "set_wellness", **values)
    assert puts(emulator) == 0


async def test_set_wellness_needs_a_value(
    hass: HomeAssistant, emulator: EmulatorServer, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, setup_integration, "set_wellness", date=DAY)
    assert err.value.translation_key == "no_wellness_values"
    assert puts(emulator) == 0


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        (Fault.http_status(503), "request_server_error"),
        (
            Fault.http_status(422, body={"status": 422, "error": "Bad"}),
            "request_rejected",
        ),
        (Fault.rate_limited(), "request_rate_limited"),
        (Fault.close(), "request_cannot_connect"),
        (Fault.html(), "request_invalid_response"),
        (Fault.http_status(401), "request_invalid_auth"),
        (Fault.http_status(404), "request_athlete_not_found"),
    ],
)
async def test_set_wellness_errors(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    fault: Fault,
    key: str,
) -> None:
    fault.path = "/wellness/"
    fault.method = "PUT"
    fault.__post_init__()
    emulator.state.add_fault(fault)
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, setup_integration, "set_wellness", date=DAY, weight=70)
    assert err.value.translation_key == key


@pytest.mark.parametrize(
    ("error", "key"),
    [
        (IntervalsAuthenticationError("no"), "request_invalid_auth"),
        (IntervalsAccessDeniedError("no"), "request_access_denied"),
        (IntervalsNotFoundError("no"), "request_athlete_not_found"),
        (IntervalsRateLimitError(3), "request_rate_limited"),
        (IntervalsConnectionError("no"), "request_cannot_connect"),
        (IntervalsServerError(500), "request_server_error"),
        (IntervalsResponseError("no"), "request_invalid_response"),
        (IntervalsError("no"), "request_unknown_error"),
    ],
)
def test_request_error_keys(error: IntervalsError, key: str) -> None:
    assert request_error(error).translation_key == key


@pytest.mark.parametrize("service", ["set_wellness", "get_activities", "get_events"])
async def test_entry_must_be_loaded(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    service: str,
) -> None:
    data: dict[str, Any] = (
        {"weight": 70}
        if service == "set_wellness"
        else {"start_date": DAY, "end_date": DAY}
    )
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


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("set_wellness", {"date": DAY, "weight": 70}),
        ("get_activities", {"start_date": DAY, "end_date": DAY}),
        ("get_events", {"start_date": DAY, "end_date": DAY}),
    ],
)
async def test_refused_key_starts_reauth_at_once(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    service: str,
    data: dict[str, Any],
) -> None:
    """A key regenerated on intervals.icu: the action asks for the new one now."""
    emulator.state.set_api_key(ATHLETE_ID, "regenerated-key")
    assert reauth_flows(hass, setup_integration) == []
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, setup_integration, service, **data)
    assert err.value.translation_key == "request_invalid_auth"
    await hass.async_block_till_done()
    assert len(reauth_flows(hass, setup_integration)) == 1
    # The entry stays loaded; the hourly update has not run.
    assert setup_integration.state is ConfigEntryState.LOADED


async def test_other_errors_start_no_reauth(
    hass: HomeAssistant, emulator: EmulatorServer, setup_integration: MockConfigEntry
) -> None:
    emulator.state.add_fault(Fault.http_status(503, path="/activities"))
    with pytest.raises(HomeAssistantError):
        await call(
            hass, setup_integration, "get_activities", start_date=DAY, end_date=DAY
        )
    await hass.async_block_till_done()
    assert reauth_flows(hass, setup_integration) == []


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


async def test_get_activities_of_types(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    response = await call(
        hass,
        setup_integration,
        "get_activities",
        start_date="2026-01-01",
        end_date="2026-06-15",
        types=["Run", "TrailRun"],
    )
    expected = [
        a["id"]
        for a in in_range(athlete, "2026-01-01", "2026-06-15")
        if a["source"] != "STRAVA" and a["type"] in {"Run", "TrailRun"}
    ]
    assert [a["id"] for a in response["activities"]] == expected
    assert len(expected) > 10


@pytest.mark.parametrize("service", ["get_activities", "get_events"])
@pytest.mark.parametrize(
    ("start", "end", "key"),
    [
        ("2026-06-15", "2026-06-14", "end_before_start"),
        ("2025-06-13", "2026-06-15", "range_too_long"),
    ],
)
async def test_bad_ranges(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    service: str,
    start: str,
    end: str,
    key: str,
) -> None:
    emulator.state.log.clear()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, setup_integration, service, start_date=start, end_date=end)
    assert err.value.translation_key == key
    assert len(emulator.state.log) == 0


async def test_a_whole_year_is_allowed(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
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


async def test_get_events_of_categories(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    response = await call(
        hass,
        setup_integration,
        "get_events",
        start_date="2026-06-15",
        end_date="2026-07-15",
        categories=["race_a", "RACE_B", "RACE_C"],
    )
    expected = [
        str(e["id"])
        for e in athlete.events_between("2026-06-15T00:00:00", "2026-07-15T23:59:59")
        if e["category"].startswith("RACE_")
    ]
    assert [e["id"] for e in response["events"]] == expected
    assert expected
    assert all(e["all_day"] for e in response["events"])
    assert {e["start"] for e in response["events"]} <= {
        date(2026, 6, d).isoformat() for d in range(15, 31)
    } | {date(2026, 7, d).isoformat() for d in range(1, 16)}


@pytest.mark.parametrize(
    ("service", "path"), [("get_activities", "/activities"), ("get_events", "/events")]
)
async def test_read_errors(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    service: str,
    path: str,
) -> None:
    emulator.state.add_fault(Fault.http_status(500, path=path))
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, setup_integration, service, start_date=DAY, end_date=DAY)
    assert err.value.translation_key == "request_server_error"


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


async def test_whole_numbers_are_rounded(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    """A resting heart rate of 47.6 from a sensor is stored as the API's integer 48."""
    await call(
        hass, setup_integration, "set_wellness", date=DAY, resting_hr=47.6, mood="2"
    )
    record = athlete.get_wellness(DAY)
    assert record["restingHR"] == 48
    assert record["mood"] == 2
