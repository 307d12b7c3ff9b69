"""The client's writes: request models that refuse what cannot be sent, and the calls."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
import math
from typing import Any

import pytest

from custom_components.intervals_icu.api import (
    ACTIVITY_TYPES,
    EventWrite,
    IntervalsAuthenticationError,
    IntervalsClient,
    IntervalsInvalidValueError,
    IntervalsNotAllowedError,
    IntervalsNotFoundError,
    IntervalsRejectedError,
    IntervalsResponseError,
    ManualActivity,
)
from custom_components.intervals_icu.api.writes import event_path_id
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .conftest import API_KEY, ATHLETE_ID

GYM = ManualActivity(
    type="WeightTraining",
    start_local=datetime(2026, 6, 15, 7, 0),
    moving_time=3600,
    rpe=7,
    name="Gym",
    external_id="ha-gym-1",
)


@pytest.fixture
async def client(hass: HomeAssistant, emulator: EmulatorServer) -> IntervalsClient:
    return IntervalsClient(
        async_get_clientsession(hass), API_KEY, base_url=emulator.url
    )


# Request models -------------------------------------------------------------------


def test_event_write_sends_only_what_it_was_given() -> None:
    write = EventWrite(
        category="WORKOUT",
        start_local=date(2026, 6, 16),
        type="Ride",
        name="Sweet spot",
        description="- 10m Z2",
        moving_time=3600,
        distance=40000.0,
        training_load=80,
        indoor=True,
        uid="ha-1",
    )
    assert write.as_json() == {
        "category": "WORKOUT",
        # A day is its midnight, as the service keeps entries without a time.
        "start_date_local": "2026-06-16T00:00:00",
        "type": "Ride",
        "name": "Sweet spot",
        "description": "- 10m Z2",
        "moving_time": 3600,
        "distance": 40000.0,
        "icu_training_load": 80,
        "indoor": True,
        "uid": "ha-1",
    }
    assert EventWrite(name="").as_json() == {"name": ""}
    assert EventWrite().as_json() == {}
    timed = EventWrite(
        start_local=datetime(2026, 6, 16, 18, 0, 0, 999),
        end_local=datetime(2026, 6, 16, 19, 0),
    )
    assert timed.as_json() == {
        "start_date_local": "2026-06-16T18:00:00",
        "end_date_local": "2026-06-16T19:00:00",
    }


@pytest.mark.parametrize(
    ("values", "field", "problem"),
    [
        ({"category": "TRAINING"}, "category", "unknown"),
        ({"type": "Bike"}, "type", "unknown"),
        ({"start_local": "2026-06-16"}, "start_date_local", "type"),
        (
            {"start_local": datetime(2026, 6, 16, 8, tzinfo=UTC)},
            "start_date_local",
            "zone",
        ),
        ({"start_local": date(1066, 10, 14)}, "start_date_local", "range"),
        ({"end_local": date(2400, 1, 1)}, "end_date_local", "range"),
        (
            {"start_local": date(2026, 6, 16), "end_local": date(2026, 6, 16)},
            "end_date_local",
            "order",
        ),
        (
            {
                "start_local": datetime(2026, 6, 16, 9),
                "end_local": date(2026, 6, 16),
            },
            "end_date_local",
            "order",
        ),
        ({"name": "x" * 256}, "name", "length"),
        ({"name": 5}, "name", "type"),
        ({"description": "x" * 20_001}, "description", "length"),
        ({"moving_time": 0}, "moving_time", "range"),
        ({"moving_time": 48 * 3600 + 1}, "moving_time", "range"),
        ({"moving_time": 600.5}, "moving_time", "type"),
        ({"moving_time": True}, "moving_time", "type"),
        ({"distance": -1.0}, "distance", "range"),
        ({"distance": math.nan}, "distance", "range"),
        ({"distance": math.inf}, "distance", "range"),
        ({"distance": "far"}, "distance", "type"),
        ({"training_load": -1}, "icu_training_load", "range"),
        ({"indoor": "yes"}, "indoor", "type"),
        ({"uid": ""}, "uid", "format"),
        ({"uid": "two words\n"}, "uid", "format"),
        ({"uid": "x" * 101}, "uid", "format"),
    ],
)
def test_event_write_refuses(values: dict[str, Any], field: str, problem: str) -> None:
    with pytest.raises(IntervalsInvalidValueError) as err:
        EventWrite(**values)
    assert (err.value.field, err.value.problem) == (field, problem)
    assert isinstance(err.value, ValueError)


def test_a_new_entry_needs_a_category_and_a_start() -> None:
    with pytest.raises(IntervalsInvalidValueError, match="category: missing"):
        EventWrite(start_local=date(2026, 6, 16)).for_create()
    with pytest.raises(IntervalsInvalidValueError, match="start_date_local: missing"):
        EventWrite(category="NOTE").for_create()
    note = EventWrite(category="NOTE", start_local=date(2026, 6, 16))
    assert note.for_create() is note


def test_manual_activity_sends_the_api_names() -> None:
    assert GYM.as_json() == {
        "type": "WeightTraining",
        "start_date_local": "2026-06-15T07:00:00",
        "moving_time": 3600,
        "elapsed_time": 3600,
        "icu_rpe": 7,
        "name": "Gym",
        "external_id": "ha-gym-1",
    }


@pytest.mark.parametrize(
    ("values", "field", "problem"),
    [
        ({"type": "Gym"}, "type", "unknown"),
        ({"type": None}, "type", "unknown"),
        ({"start_local": date(2026, 6, 15)}, "start_date_local", "type"),
        (
            {"start_local": datetime(2026, 6, 15, 7, tzinfo=UTC)},
            "start_date_local",
            "zone",
        ),
        ({"moving_time": -60}, "moving_time", "range"),
        ({"moving_time": 3 * 86400}, "moving_time", "range"),
        ({"elapsed_time": 60}, "elapsed_time", "order"),
        ({"rpe": 0}, "icu_rpe", "range"),
        ({"rpe": 11}, "icu_rpe", "range"),
        ({"training_load": 10**6}, "icu_training_load", "range"),
        ({"distance": -5.0}, "distance", "range"),
        ({"external_id": " padded"}, "external_id", "format"),
        ({"name": "x" * 300}, "name", "length"),
    ],
)
def test_manual_activity_refuses(
    values: dict[str, Any], field: str, problem: str
) -> None:
    fields = {
        "type": GYM.type,
        "start_local": GYM.start_local,
        "moving_time": GYM.moving_time,
        **values,
    }
    with pytest.raises(IntervalsInvalidValueError) as err:
        ManualActivity(**fields)
    assert (err.value.field, err.value.problem) == (field, problem)


def test_every_activity_type_can_be_sent() -> None:
    assert len(ACTIVITY_TYPES) == 60
    for sport in ACTIVITY_TYPES:
        EventWrite(type=sport)
        ManualActivity(type=sport, start_local=GYM.start_local, moving_time=60)


@pytest.mark.parametrize(
    "event_id", ["", "0", "-1", "12a", "../gear", "1 2", "2147483648", "007"]
)
def test_event_ids_are_checked_before_the_path(event_id: str) -> None:
    with pytest.raises(IntervalsInvalidValueError):
        event_path_id(event_id)


async def test_bad_ids_send_nothing(
    client: IntervalsClient, emulator: EmulatorServer
) -> None:
    for call in (
        client.get_event(ATHLETE_ID, "../activities"),
        client.update_event(ATHLETE_ID, "1/../2", EventWrite(name="x")),
        client.delete_event(ATHLETE_ID, "abc"),
        client.mark_event_done(ATHLETE_ID, "2147483648"),
        client.get_done_activity(ATHLETE_ID, "", date(2026, 6, 15)),
    ):
        with pytest.raises(IntervalsInvalidValueError):
            await call
    assert len(emulator.state.log) == 0


# Calls ----------------------------------------------------------------------------


async def test_event_round_trip(
    client: IntervalsClient, emulator: EmulatorServer, athlete: Athlete
) -> None:
    created = await client.create_event(
        ATHLETE_ID,
        EventWrite(
            category="WORKOUT",
            start_local=datetime(2026, 6, 17, 18, 0),
            type="Ride",
            name="Over-unders",
            description="- 15m Z2\n3x\n- 4m 95%\n- 2m 105%\n\n- 10m Z1",
        ),
    )
    # The service's own numbers, worked out from the text.
    assert created.moving_time == (15 + 18 + 10) * 60
    assert created.training_load is not None
    assert created.training_load > 0
    assert not created.read_only
    [post] = emulator.state.log.matching("/events$", method="POST")
    assert post.query == {"upsertOnUid": ["false"]}
    assert await client.get_event(ATHLETE_ID, created.id) == created

    changed = await client.update_event(
        ATHLETE_ID, created.id, EventWrite(name="Over-unders 3x")
    )
    assert changed.name == "Over-unders 3x"
    assert changed.description == created.description
    await client.delete_event(ATHLETE_ID, created.id)
    assert all(str(e["id"]) != created.id for e in athlete.events)
    with pytest.raises(IntervalsNotFoundError):
        await client.get_event(ATHLETE_ID, created.id)


async def test_create_with_uid_upserts(
    client: IntervalsClient, emulator: EmulatorServer
) -> None:
    plan = EventWrite(
        category="WORKOUT",
        start_local=date(2026, 6, 18),
        type="Run",
        description="- 40m Z2",
        uid="ha-plan",
    )
    first = await client.create_event(ATHLETE_ID, plan)
    second = await client.create_event(
        ATHLETE_ID, replace(plan, description="- 50m Z2")
    )
    assert second.id == first.id
    assert second.moving_time == 3000
    assert {
        e.query["upsertOnUid"][0] for e in emulator.state.log.matching("/events$")
    } == {"true"}


async def test_mark_done_and_the_done_activity(
    client: IntervalsClient, athlete: Athlete
) -> None:
    event = athlete.add_event(
        start_local="2026-06-15T06:30:00",
        name="Tempo",
        event_type="Run",
        moving_time=2700,
        icu_training_load=55,
    )
    day = date(2026, 6, 15)
    assert await client.get_done_activity(ATHLETE_ID, str(event["id"]), day) is None
    activity = await client.mark_event_done(ATHLETE_ID, str(event["id"]))
    assert (activity.type, activity.name, activity.moving_time) == (
        "Run",
        "Tempo",
        2700.0,
    )
    assert activity.source == "MANUAL"
    found = await client.get_done_activity(ATHLETE_ID, str(event["id"]), day)
    assert found is not None
    assert found.id == activity.id
    # Another day has nothing of it.
    assert (
        await client.get_done_activity(
            ATHLETE_ID, str(event["id"]), day - timedelta(days=1)
        )
        is None
    )


async def test_manual_activities(client: IntervalsClient, athlete: Athlete) -> None:
    single = await client.create_manual_activity(ATHLETE_ID, GYM)
    assert single.type == "WeightTraining"
    assert single.training_load == round(0.8**2 * 100)
    # The single one has the key too: the bulk call replaces it, then itself.
    [first] = await client.upsert_manual_activities(ATHLETE_ID, [GYM])
    [again] = await client.upsert_manual_activities(
        ATHLETE_ID, [replace(GYM, moving_time=4000)]
    )
    assert again.id == first.id == single.id
    assert again.moving_time == 4000
    assert sum(a.get("external_id") == "ha-gym-1" for a in athlete.activities) == 1
    assert await client.upsert_manual_activities(ATHLETE_ID, []) == []


async def test_an_answer_short_of_activities_is_an_error(
    client: IntervalsClient, emulator: EmulatorServer
) -> None:
    emulator.state.add_fault(Fault.http_status(200, body=[], path="/manual/bulk"))
    with pytest.raises(IntervalsResponseError):
        await client.upsert_manual_activities(ATHLETE_ID, [GYM])


# Errors ----------------------------------------------------------------------------


async def test_a_refusal_carries_the_reason_never_the_key(
    client: IntervalsClient, emulator: EmulatorServer
) -> None:
    emulator.state.add_fault(
        Fault.http_status(
            422,
            path="/events",
            body={"status": 422, "error": f"Bad date for key {API_KEY}"},
        )
    )
    with pytest.raises(IntervalsRejectedError) as err:
        await client.create_event(
            ATHLETE_ID, EventWrite(category="NOTE", start_local=date(2026, 6, 16))
        )
    assert err.value.status == 422
    assert err.value.message == "Bad date for key ***"
    assert API_KEY not in str(err.value)
    # The emulator's own refusal reads the same way.
    emulator.state.clear_faults()
    emulator.state.add_fault(Fault.http_status(400, path="/events"))
    with pytest.raises(IntervalsRejectedError) as err:
        await client.create_event(
            ATHLETE_ID, EventWrite(category="NOTE", start_local=date(2026, 6, 16))
        )
    assert err.value.status == 400


async def test_a_locked_entry_is_not_a_refused_key(
    client: IntervalsClient, emulator: EmulatorServer, athlete: Athlete
) -> None:
    locked = athlete.add_event(
        start_local=date(2026, 6, 20),
        name="Coach's race",
        created_by_id="i999",
        athlete_cannot_edit=True,
    )
    event = await client.get_event(ATHLETE_ID, str(locked["id"]))
    assert event.read_only
    with pytest.raises(IntervalsNotAllowedError):
        await client.update_event(ATHLETE_ID, event.id, EventWrite(name="Mine"))
    with pytest.raises(IntervalsNotAllowedError):
        await client.delete_event("0", event.id)
    # A 403 on a write with a key that no longer reads its athlete is the key.
    emulator.state.set_api_key(ATHLETE_ID, "another-key")
    with pytest.raises(IntervalsAuthenticationError):
        await client.delete_event(ATHLETE_ID, event.id)
