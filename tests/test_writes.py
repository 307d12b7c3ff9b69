"""The write actions: plan, change, delete, mark done, log; checked, once, seen at once."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.intervals_icu.const import DOMAIN
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er

from .conftest import ATHLETE_ID
from .test_event import Fired

TODAY = "2026-06-15"  # NOW is 12:00 in Amsterdam
# Unique id keys of the entities that show a write.
NEXT = "next_workout"
RUN_YEAR = "run_distance_ytd"
TEMPO = "- 15m Z2\n3x\n- 8m 95%\n- 2m 55%\n\n- 10m Z1"


@pytest.fixture(autouse=True)
async def amsterdam(hass: HomeAssistant) -> None:
    """Home Assistant in the athlete's zone: a time without a zone is Amsterdam's."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")


@pytest.fixture
def athlete(athlete: Athlete) -> Athlete:
    """The seeded athlete with nothing planned today: a plan for 13:00 is next."""
    athlete.events = [
        e for e in athlete.events if not e["start_date_local"].startswith(TODAY)
    ]
    return athlete


async def call(
    hass: HomeAssistant, entry: MockConfigEntry, service: str, **data: Any
) -> dict[str, Any] | None:
    response = await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": entry.entry_id, **data},
        blocking=True,
        return_response=service != "delete_event",
    )
    await hass.async_block_till_done()
    return response


def writes(emulator: EmulatorServer) -> list[tuple[str, str]]:
    """Method and path of every request since the log was cleared."""
    return [
        (r.method, r.path.split(f"/{ATHLETE_ID}", 1)[1]) for r in emulator.state.log
    ]


def stored(athlete: Athlete, event_id: str) -> dict[str, Any] | None:
    return next((e for e in athlete.events if str(e["id"]) == event_id), None)


def entity(hass: HomeAssistant, key: str, platform: str = "sensor") -> str:
    """The entity id of the athlete's entity with unique id key `key`."""
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(platform, DOMAIN, f"{ATHLETE_ID}_{key}")
    assert entity_id is not None, key
    return entity_id


def shown(hass: HomeAssistant, key: str) -> State:
    found = hass.states.get(entity(hass, key))
    assert found is not None, key
    return found


def state(hass: HomeAssistant, key: str) -> str:
    return shown(hass, key).state


# Plan a workout ----------------------------------------------------------------------


async def test_plan_workout_shows_at_once_with_one_request(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    emulator.state.log.clear()
    response = await call(
        hass,
        setup_integration,
        "plan_workout",
        date=TODAY,
        time="13:00",
        type="Run",
        name="Tempo",
        description=TEMPO,
    )
    assert response is not None
    event = response["event"]
    # As the service keeps it, with the numbers it worked out of the text.
    assert event["name"] == "Tempo"
    assert event["category"] == "WORKOUT"
    assert event["type"] == "Run"
    assert event["moving_time_s"] == (15 + 30 + 10) * 60
    assert event["training_load"] > 0
    assert event["start"] == "2026-06-15T13:00:00+02:00"
    assert event["read_only"] is False
    assert stored(athlete, event["id"]) is not None
    # One request; nothing read back: the next workout is the new one.
    assert writes(emulator) == [("POST", "/events")]
    assert state(hass, NEXT) == "Tempo"
    assert shown(hass, NEXT).attributes["id"] == event["id"]
    assert float(state(hass, "next_workout_duration")) == 55


async def test_planning_again_changes_the_plan(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    plan = {"date": TODAY, "time": "13:00", "type": "Run", "name": "Tempo"}
    first = await call(
        hass, setup_integration, "plan_workout", **plan, description=TEMPO
    )
    again = await call(
        hass, setup_integration, "plan_workout", **plan, description="- 30m Z2"
    )
    assert first is not None
    assert again is not None
    assert again["event"]["id"] == first["event"]["id"]
    assert again["event"]["moving_time_s"] == 1800
    assert sum(e.get("name") == "Tempo" for e in athlete.events) == 1
    # The uid says what the plan is; another key is another plan.
    uid = stored(athlete, first["event"]["id"])["uid"]
    assert uid.startswith(f"ha-{ATHLETE_ID}-20260615-")
    other = await call(
        hass, setup_integration, "plan_workout", **plan, key="second-session"
    )
    assert other is not None
    assert other["event"]["id"] != first["event"]["id"]
    assert stored(athlete, other["event"]["id"])["uid"] == "second-session"


@pytest.mark.parametrize(
    ("data", "error", "field"),
    [
        ({"type": "Bike"}, vol.Invalid, "type"),
        ({"moving_time": -60}, vol.Invalid, "moving_time"),
        ({"moving_time": {"hours": 49}}, vol.Invalid, "moving_time"),
        ({"distance": -1}, vol.Invalid, "distance"),
        ({"training_load": 6000}, vol.Invalid, "training_load"),
        ({"date": "15/06/2026"}, vol.Invalid, "date"),
        ({"name": "x" * 256}, vol.Invalid, "name"),
        ({"key": "two words\n"}, ServiceValidationError, "key"),
        ({"date": "2300-01-01"}, ServiceValidationError, "date"),
    ],
)
async def test_plan_is_checked_before_anything_is_sent(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    data: dict[str, Any],
    error: type[Exception],
    field: str,
) -> None:
    emulator.state.log.clear()
    with pytest.raises(error) as err:
        await call(
            hass,
            setup_integration,
            "plan_workout",
            **{"date": TODAY, "type": "Run", **data},
        )
    if isinstance(err.value, ServiceValidationError):
        assert err.value.translation_placeholders == {"field": field}
    else:
        assert field in str(err.value)
    assert len(emulator.state.log) == 0


# Change and delete -----------------------------------------------------------------


async def test_change_a_planned_entry(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    planned = await call(
        hass, setup_integration, "plan_workout", date=TODAY, time="13:00", type="Run"
    )
    assert planned is not None
    event_id = planned["event"]["id"]
    emulator.state.log.clear()
    changed = await call(
        hass,
        setup_integration,
        "update_event",
        event_id=event_id,
        name="Long run",
        time="18:30",
        moving_time="01:40:00",
    )
    assert changed is not None
    assert changed["event"]["name"] == "Long run"
    assert changed["event"]["start_local"] == "2026-06-15T18:30:00"
    assert changed["event"]["moving_time_s"] == 6000
    # Known from the next days: the change is the only request.
    assert writes(emulator) == [("PUT", f"/events/{event_id}")]
    assert state(hass, NEXT) == "Long run"
    assert state(hass, "next_workout_start") == ("2026-06-15T16:30:00+00:00")
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, setup_integration, "update_event", event_id=event_id)
    assert err.value.translation_key == "nothing_to_change"


async def test_change_an_entry_beyond_the_next_days(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    note = athlete.add_event(
        start_local="2026-09-01T00:00:00",
        end_local="2026-09-04T00:00:00",
        category="NOTE",
        name="Camp",
    )
    emulator.state.log.clear()
    changed = await call(
        hass,
        setup_integration,
        "update_event",
        event_id=str(note["id"]),
        date="2026-09-02",
    )
    assert changed is not None
    # Read first (is it the athlete's to change?), then changed; the end
    # moved along with the start.
    assert writes(emulator) == [
        ("GET", f"/events/{note['id']}"),
        ("PUT", f"/events/{note['id']}"),
    ]
    assert changed["event"]["start"] == "2026-09-02"
    assert changed["event"]["end"] == "2026-09-05"


async def test_delete_a_planned_entry(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    planned = await call(
        hass, setup_integration, "plan_workout", date=TODAY, time="13:00", type="Run"
    )
    assert planned is not None
    event_id = planned["event"]["id"]
    assert state(hass, NEXT) == "Run workout"
    emulator.state.log.clear()
    assert (
        await call(hass, setup_integration, "delete_event", event_id=event_id) is None
    )
    assert writes(emulator) == [("DELETE", f"/events/{event_id}")]
    assert stored(athlete, event_id) is None
    assert shown(hass, NEXT).attributes.get("id") != event_id
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, setup_integration, "delete_event", event_id=event_id)
    assert err.value.translation_key == "event_not_found"
    assert err.value.translation_placeholders == {"event_id": event_id}


async def test_a_coachs_entry_is_left_alone(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    locked = athlete.add_event(
        start_local="2026-06-16T00:00:00",
        name="Coach's intervals",
        event_type="Ride",
        created_by_id="i999",
        athlete_cannot_edit=True,
    )
    before = dict(locked)
    for service, data in (
        ("update_event", {"name": "Easy spin"}),
        ("delete_event", {}),
    ):
        emulator.state.log.clear()
        with pytest.raises(ServiceValidationError) as err:
            await call(
                hass, setup_integration, service, event_id=str(locked["id"]), **data
            )
        assert err.value.translation_key == "event_read_only"
        assert err.value.translation_placeholders == {"name": "Coach's intervals"}
        # Nothing sent but the read that tells whose it is.
        assert [m for m, _ in writes(emulator)] == ["GET"]
    assert stored(athlete, str(locked["id"])) == before


async def test_a_lock_the_integration_did_not_know_of(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    """Locked after the last read: the service refuses, and no reauth starts."""
    planned = await call(
        hass, setup_integration, "plan_workout", date=TODAY, time="13:00", type="Run"
    )
    assert planned is not None
    event_id = planned["event"]["id"]
    stored(athlete, event_id).update(athlete_cannot_edit=True, created_by_id="i999")
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, setup_integration, "delete_event", event_id=event_id)
    assert err.value.translation_key == "write_not_allowed"
    assert stored(athlete, event_id) is not None
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert state(hass, NEXT) == "Run workout"


# Mark done -------------------------------------------------------------------------


async def test_mark_done_once(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    fired = Fired(hass, entity(hass, "new_activity", "event"))
    workout = athlete.add_event(
        start_local="2026-06-15T07:00:00",
        name="Morning tempo",
        event_type="Run",
        moving_time=2400,
        distance=8000.0,
        icu_training_load=50,
    )
    before = float(state(hass, RUN_YEAR))
    emulator.state.log.clear()
    response = await call(
        hass, setup_integration, "mark_done", event_id=str(workout["id"])
    )
    assert response is not None
    assert response["created"] is True
    activity = response["activity"]
    assert (activity["type"], activity["name"], activity["distance_m"]) == (
        "Run",
        "Morning tempo",
        8000.0,
    )
    assert activity["url"].endswith(f"/activities/{activity['id']}")
    # Added after the last update: the workout is read (is it one, and
    # whose?), then: is it done already? No: mark it.
    assert writes(emulator) == [
        ("GET", f"/events/{workout['id']}"),
        ("GET", "/activities"),
        ("POST", f"/events/{workout['id']}/mark-done"),
    ]
    assert float(state(hass, RUN_YEAR)) == pytest.approx(before + 8.0)
    assert [s.attributes["id"] for s in fired.states()] == [activity["id"]]

    emulator.state.log.clear()
    again = await call(
        hass, setup_integration, "mark_done", event_id=str(workout["id"])
    )
    assert again == {**response, "created": False}
    assert writes(emulator) == [
        ("GET", f"/events/{workout['id']}"),
        ("GET", "/activities"),
    ]
    paired = [
        a for a in athlete.activities if a.get("paired_event_id") == workout["id"]
    ]
    assert len(paired) == 1
    assert float(state(hass, RUN_YEAR)) == pytest.approx(before + 8.0)
    assert len(fired.states()) == 1


async def test_only_workouts_are_marked_done(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    note = athlete.add_event(start_local="2026-06-16", category="NOTE", name="Rest")
    count = len(athlete.activities)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, setup_integration, "mark_done", event_id=str(note["id"]))
    assert err.value.translation_key == "not_a_workout"
    assert len(athlete.activities) == count


# Log an activity -------------------------------------------------------------------


async def test_log_activity_is_idempotent(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    fired = Fired(hass, entity(hass, "new_activity", "event"))
    before = float(state(hass, RUN_YEAR))
    count = len(athlete.activities)
    run = {
        "type": "Run",
        "start": "2026-06-15 09:00:00",
        "moving_time": "00:30:00",
        "distance": 6000,
        "rpe": 6,
        "name": "Lunch run",
        "notes": "Felt easy",
    }
    emulator.state.log.clear()
    first = await call(hass, setup_integration, "log_activity", **run)
    assert first is not None
    activity = first["activity"]
    assert first["key"] == f"ha-{ATHLETE_ID}-Run-20260615T090000"
    assert activity["start_local"] == "2026-06-15T09:00:00"
    assert activity["moving_time_s"] == 1800
    assert activity["source"] == "MANUAL"
    assert writes(emulator) == [("POST", "/activities/manual/bulk")]
    assert float(state(hass, RUN_YEAR)) == pytest.approx(before + 6.0)
    assert [s.attributes["id"] for s in fired.states()] == [activity["id"]]
    last = shown(hass, "last_activity")
    assert last.state == "2026-06-15T07:00:00+00:00"
    assert last.attributes["name"] == "Lunch run"

    # Fired twice (a tag tapped twice): the same activity, changed.
    again = await call(
        hass, setup_integration, "log_activity", **{**run, "distance": 6500}
    )
    assert again is not None
    assert again["activity"]["id"] == activity["id"]
    assert len(athlete.activities) == count + 1
    assert float(state(hass, RUN_YEAR)) == pytest.approx(before + 6.5)
    assert len(fired.states()) == 1
    stored_activity = athlete.get_activity(activity["id"])
    assert stored_activity["description"] == "Felt easy"
    assert stored_activity["icu_rpe"] == 6

    keyed = await call(
        hass, setup_integration, "log_activity", **run, key="nfc-gym-2026-06-15"
    )
    assert keyed is not None
    assert keyed["activity"]["id"] != activity["id"]
    assert len(fired.states()) == 2


@pytest.mark.parametrize(
    ("data", "error", "field"),
    [
        ({"type": "Jogging"}, vol.Invalid, "type"),
        ({"moving_time": 0}, vol.Invalid, "moving_time"),
        ({"moving_time": {"days": 3}}, vol.Invalid, "moving_time"),
        ({"rpe": 11}, vol.Invalid, "rpe"),
        ({"distance": "far"}, vol.Invalid, "distance"),
        ({"start": "yesterday"}, vol.Invalid, "start"),
        ({"start": "2026-06-15 12:30:00"}, ServiceValidationError, "start"),
        ({"start": "1850-01-01 10:00:00"}, ServiceValidationError, "start"),
        ({"notes": "x" * 20_001}, vol.Invalid, "notes"),
    ],
)
async def test_log_is_checked_before_anything_is_sent(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    data: dict[str, Any],
    error: type[Exception],
    field: str,
) -> None:
    emulator.state.log.clear()
    base = {"type": "Run", "start": "2026-06-15 09:00:00", "moving_time": 1800}
    with pytest.raises(error) as err:
        await call(hass, setup_integration, "log_activity", **{**base, **data})
    if isinstance(err.value, ServiceValidationError):
        assert err.value.translation_placeholders == {"field": field}
    else:
        assert field in str(err.value)
    assert len(emulator.state.log) == 0


async def test_aware_start_is_the_athletes_wall_time(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    response = await call(
        hass,
        setup_integration,
        "log_activity",
        type="Swim",
        start=datetime(2026, 6, 15, 5, 30, tzinfo=UTC),
        moving_time=2700,
    )
    assert response is not None
    assert response["activity"]["start_local"] == "2026-06-15T07:30:00"
    assert response["key"] == f"ha-{ATHLETE_ID}-Swim-20260615T073000"


# Failures ---------------------------------------------------------------------------


async def test_a_refusal_changes_nothing_here(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    before = float(state(hass, RUN_YEAR))
    emulator.state.add_fault(
        Fault.http_status(
            422, path="/manual/bulk", body={"status": 422, "error": "Too long"}
        )
    )
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            setup_integration,
            "log_activity",
            type="Run",
            start="2026-06-15 09:00:00",
            moving_time=1800,
            distance=5000,
        )
    assert err.value.translation_key == "request_rejected"
    assert err.value.translation_placeholders == {"message": "Too long"}
    assert float(state(hass, RUN_YEAR)) == before


async def test_a_refused_key_starts_reauth(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    emulator.state.set_api_key(ATHLETE_ID, "a-new-key")
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            setup_integration,
            "plan_workout",
            date=TODAY,
            type="Ride",
        )
    assert err.value.translation_key == "request_invalid_auth"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]


async def until(condition: Callable[[], bool]) -> None:
    """Let the loop run (no clock: time is frozen) until the condition holds."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("never happened")


async def test_an_update_and_a_write_do_not_interleave(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    """A write while an update reads waits: the update cannot drop what it wrote."""
    gate = asyncio.Event()
    held = emulator.state.add_fault(Fault.hold(gate, path="/activities$", times=1))
    coordinator = setup_integration.runtime_data
    update = hass.async_create_task(coordinator.async_refresh())
    await until(lambda: held.hits == 1)
    log = hass.async_create_task(
        call(
            hass,
            setup_integration,
            "log_activity",
            type="Run",
            start="2026-06-15 09:00:00",
            moving_time=1800,
            distance=5000,
        )
    )
    for _ in range(100):
        await asyncio.sleep(0)
    assert emulator.state.log.count("/manual/bulk") == 0
    gate.set()
    await update
    response = await log
    assert response is not None
    assert response["activity"]["id"] in coordinator.sync.cache.activities
    assert emulator.state.log.count("/manual/bulk") == 1


async def test_a_day_entry_given_a_time_lasts_as_planned(
    hass: HomeAssistant,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    note = athlete.add_event(
        start_local="2026-09-01T00:00:00",
        end_local="2026-09-02T00:00:00",
        category="NOTE",
        name="Physio",
    )
    changed = await call(
        hass,
        setup_integration,
        "update_event",
        event_id=str(note["id"]),
        time="08:15",
    )
    assert changed is not None
    # Not a day and eight hours: an hour, as a timed entry without a length.
    assert changed["event"]["start_local"] == "2026-09-01T08:15:00"
    assert changed["event"]["end_local"] == "2026-09-01T09:15:00"
    assert changed["event"]["all_day"] is False


async def test_an_activity_before_last_year_is_sent_not_kept(
    hass: HomeAssistant,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    """The cache holds this year and last: an older one waits for import_history."""
    fired = Fired(hass, entity(hass, "new_activity", "event"))
    before = state(hass, RUN_YEAR)
    response = await call(
        hass,
        setup_integration,
        "log_activity",
        type="Run",
        start="2024-05-01 09:00:00",
        moving_time=1800,
        distance=5000,
    )
    assert response is not None
    activity_id = response["activity"]["id"]
    assert (
        athlete.get_activity(activity_id)["start_date_local"] == "2024-05-01T09:00:00"
    )
    assert activity_id not in setup_integration.runtime_data.sync.cache.activities
    assert state(hass, RUN_YEAR) == before
    assert fired.states() == []


async def test_an_unknown_athlete_is_said_so(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    emulator.state.add_fault(Fault.http_status(404, path="/manual/bulk"))
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            setup_integration,
            "log_activity",
            type="Run",
            start="2026-06-15 09:00:00",
            moving_time=1800,
        )
    assert err.value.translation_key == "request_athlete_not_found"
