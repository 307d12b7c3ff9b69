"""Events: a new activity once per activity that newly appears, never for old news;
a new record once per best it beats."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.intervals_icu.const import DOMAIN
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.const import (
    EVENT_STATE_CHANGED,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import Event, HomeAssistant, State
from homeassistant.helpers import entity_registry as er

from .bests import curve, entity_id, improvable, improved, point
from .conftest import ATHLETE_ID, NOW, assert_platform_snapshot

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def next_update(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let an hour (and the coordinator's sub-second offset) pass."""
    freezer.tick(timedelta(hours=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


class Fired:
    """The new_activity events an entity fired, read from its state changes."""

    def __init__(self, hass: HomeAssistant, entity_id: str) -> None:
        self.entity_id = entity_id
        self.changes: list[Event] = async_capture_events(hass, EVENT_STATE_CHANGED)

    def states(self) -> list[State]:
        fired = []
        last: State | None = None
        for change in self.changes:
            if change.data["entity_id"] != self.entity_id:
                continue
            new: State | None = change.data["new_state"]
            if new is None or new.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
                continue
            # Coming back from unavailable shows the last event again: not a
            # new one; a different event at that moment is.
            if last is not None and (last.state, last.attributes) == (
                new.state,
                new.attributes,
            ):
                continue
            last = new
            fired.append(new)
        return fired


@pytest.fixture
def platforms() -> list[Platform]:
    """The events, and the sensors of the bests a record changes."""
    return [Platform.EVENT, Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
) -> None:
    """Every event entity's registry entry and state, as a user would see them."""
    await assert_platform_snapshot(
        hass, entity_registry, snapshot, config_entry, Platform.EVENT
    )


@pytest.fixture
def event_entity(
    entity_registry: er.EntityRegistry, setup_integration: MockConfigEntry
) -> str:
    entity_id = entity_registry.async_get_entity_id(
        "event", DOMAIN, f"{ATHLETE_ID}_new_activity"
    )
    assert entity_id
    return entity_id


async def test_new_activity_fires_once(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    event_entity: str,
) -> None:
    # Setting up loaded a year of activities: none of them is news.
    state = hass.states.get(event_entity)
    assert state.state == STATE_UNKNOWN
    assert state.attributes["event_types"] == ["new_activity"]
    fired = Fired(hass, event_entity)

    # An update without changes fires nothing.
    await next_update(hass, frozen)
    assert fired.states() == []

    run = athlete.add_activity(
        start_local="2026-06-15T11:30:00",
        activity_type="Run",
        name="Canal loop",
        distance=10_250.0,
        moving_time=3120,
    )
    await next_update(hass, frozen)
    [state] = fired.states()
    assert state.attributes["event_type"] == "new_activity"
    assert state.attributes["id"] == run["id"]
    assert state.attributes["type"] == "Run"
    assert state.attributes["name"] == "Canal loop"
    # The names of get_activities' response, units in the names.
    assert state.attributes["distance_m"] == 10_250
    assert state.attributes["moving_time_s"] == 3120
    assert state.attributes["start_local"] == "2026-06-15T11:30:00"
    assert state.attributes["strava_stub"] is False
    assert "distance" not in state.attributes
    assert state.attributes["start"] == "2026-06-15T11:30:00+02:00"
    assert state.attributes["url"] == f"{emulator.url}/activities/{run['id']}"
    assert datetime.fromisoformat(state.state) == datetime.now(AMSTERDAM)

    # The next update without changes: still exactly one.
    await next_update(hass, frozen)
    assert len(fired.states()) == 1

    # The same names and values as the get_activities action gives.
    response = await hass.services.async_call(
        DOMAIN,
        "get_activities",
        {
            "config_entry_id": setup_integration.entry_id,
            "start_date": "2026-06-15",
            "end_date": "2026-06-15",
        },
        blocking=True,
        return_response=True,
    )
    [listed] = [a for a in response["activities"] if a["id"] == run["id"]]
    payload = {
        key: value
        for key, value in state.attributes.items()
        if key not in {"event_type", "event_types", "friendly_name", "start"}
    }
    assert payload == listed


async def test_each_new_activity_once_and_not_again_after_a_failure(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    event_entity: str,
) -> None:
    fired = Fired(hass, event_entity)
    ride = athlete.add_activity(
        start_local="2026-06-15T07:00:00", activity_type="Ride", distance=40_000.0
    )
    swim = athlete.add_activity(
        start_local="2026-06-15T12:00:00", activity_type="Swim", distance=2_000.0
    )
    # Synced from Strava: the API hands out a stub, which is not news to announce.
    athlete.add_activity(
        start_local="2026-06-15T12:05:00", activity_type="Run", source="STRAVA"
    )
    await next_update(hass, frozen)
    assert [s.attributes["id"] for s in fired.states()] == [ride["id"], swim["id"]]

    # A failed update hands the old snapshot to the listeners again.
    emulator.state.add_fault(Fault.http_status(502, path="/activities"))
    await next_update(hass, frozen)
    assert hass.states.get(event_entity).state == STATE_UNAVAILABLE
    emulator.state.clear_faults()
    await next_update(hass, frozen)
    # Back, showing the same last event: nothing was fired again meanwhile.
    assert len(fired.states()) == 2
    last = fired.states()[-1]
    state = hass.states.get(event_entity)
    assert (state.state, state.attributes) == (last.state, last.attributes)


@pytest.mark.parametrize("failing", ["/wellness", "/events"])
async def test_new_activity_survives_a_partly_failed_update(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    event_entity: str,
    failing: str,
) -> None:
    """An update that fails after the activities were fetched loses no news."""
    fired = Fired(hass, event_entity)
    ride = athlete.add_activity(
        start_local="2026-06-15T07:00:00", activity_type="Ride", distance=40_000.0
    )
    emulator.state.add_fault(Fault.http_status(502, path=failing))
    await next_update(hass, frozen)
    assert hass.states.get(event_entity).state == STATE_UNAVAILABLE
    assert fired.states() == []
    emulator.state.clear_faults()
    await next_update(hass, frozen)
    assert [s.attributes["id"] for s in fired.states()] == [ride["id"]]


async def test_old_activity_found_by_reconcile_is_not_news(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    event_entity: str,
) -> None:
    fired = Fired(hass, event_entity)
    # Uploaded late, for a day in March: only the daily reconcile finds it.
    athlete.add_activity(
        start_local="2026-03-02T08:00:00", activity_type="Run", distance=8_000.0
    )
    emulator.state.log.clear()
    frozen.move_to(NOW.replace(hour=23, minute=30))  # 01:30 on the 16th in Amsterdam
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    reads = emulator.state.log.matching("/activities")
    assert any(r.query["oldest"][0] <= "2026-03-02" for r in reads)
    assert fired.states() == []


def _record_entity(registry: er.EntityRegistry) -> str:
    return entity_id(registry, "event", f"{ATHLETE_ID}_new_record")


async def test_a_faster_5k_fires_one_new_record(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    event = _record_entity(entity_registry)
    state = hass.states.get(event)
    assert state is not None
    assert state.state == STATE_UNKNOWN, "the first load is not news"
    assert state.attributes["event_types"] == ["power", "pace"]
    fired = Fired(hass, event)
    before = improvable(athlete)
    old = before["run_best_time_5k"]
    assert old is not None
    # Exactly 5 km, a little faster: its shorter splits stay behind their bests.
    run = athlete.add_activity(
        start_local="2026-06-15T11:00:00",
        activity_type="Run",
        distance=5000.0,
        moving_time=old - 1,
    )
    for faster in range(1, 60):
        athlete.update_activity(run["id"], moving_time=old - faster)
        if improved(before, improvable(athlete)) == {"run_best_time_5k"}:
            break
    else:
        pytest.fail("no 5 km time beats only the 5 km best")
    await next_update(hass, frozen)
    [record] = fired.states()
    assert record.attributes["event_type"] == "pace"
    assert record.attributes["key"] == "run_best_time_5k"
    assert record.attributes["previous"] == old
    assert record.attributes["value"] == old - faster
    assert record.attributes["unit"] == "s"
    assert record.attributes["activity_id"] == run["id"]
    assert record.attributes["url"] == f"{emulator.url}/activities/{run['id']}"
    sensor = hass.states.get(
        entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_run_best_time_5k")
    )
    assert sensor is not None
    assert float(sensor.state) == pytest.approx((old - faster) / 60, abs=0.01)
    assert sensor.attributes["date"] == "2026-06-15"

    # Not twice: not on the next update, not after a restart.
    await next_update(hass, frozen)
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    await next_update(hass, frozen)
    assert len(fired.states()) == 1


async def test_a_stronger_ride_fires_power_records(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    fired = Fired(hass, _record_entity(entity_registry))
    old = point(curve("power", athlete, "Ride"), "secs", 300)
    assert old is not None
    athlete.add_activity(
        start_local="2026-06-15T11:00:00",
        activity_type="VirtualRide",
        moving_time=360,
        icu_average_watts=old[0] + 40,
    )
    await next_update(hass, frozen)
    keys = {s.attributes["key"] for s in fired.states()}
    assert "ride_best_power_5min" in keys
    assert {s.attributes["event_type"] for s in fired.states()} == {"power"}
    assert {s.attributes["unit"] for s in fired.states()} == {"W"}
    assert "ride_best_power_20min" not in keys, "a 6-minute ride sets no 20-min best"


async def test_new_year_starts_quietly(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    fired = Fired(hass, _record_entity(entity_registry))
    five_k = entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_run_best_time_5k")
    assert hass.states.get(five_k).state != STATE_UNKNOWN
    # Just after midnight on 1 January in Amsterdam.
    frozen.move_to(datetime(2026, 12, 31, 23, 1, tzinfo=UTC))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(five_k).state == STATE_UNKNOWN
    assert emulator.state.log.matching("pace-curves")[-1].query["curves"] == [
        "r.2027-01-01.2027-01-01"
    ]
    # The year's first 5 km sets a best, which is no record yet.
    athlete.add_activity(
        start_local="2027-01-01T00:30:00",
        activity_type="Run",
        distance=5000.0,
        moving_time=1500,
    )
    await next_update(hass, frozen)
    assert hass.states.get(five_k).state != STATE_UNKNOWN
    assert fired.states() == []


async def test_a_failed_curve_fetch_keeps_the_bests_and_retries(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    five_k = entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_run_best_time_5k")
    before = hass.states.get(five_k).state
    fired = Fired(hass, _record_entity(entity_registry))
    emulator.state.add_fault(Fault.http_status(503, path="pace-curves", times=1))
    old = point(curve("pace", athlete, "Run"), "distance", 5000.0)
    assert old is not None
    athlete.add_activity(
        start_local="2026-06-15T11:00:00",
        activity_type="Run",
        distance=5000.0,
        moving_time=old[0] - 5,
    )
    await next_update(hass, frozen)
    # The update itself succeeded; the bests stay as they were.
    assert hass.states.get(five_k).state == before
    assert fired.states() == []
    await next_update(hass, frozen)
    assert float(hass.states.get(five_k).state) == pytest.approx(
        (old[0] - 5) / 60, abs=0.01
    )
    assert len(fired.states()) == 1


async def test_a_record_set_while_stopped_is_announced_once(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    old = point(curve("pace", athlete, "Run"), "distance", 5000.0)
    assert old is not None
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()
    # Uploaded while Home Assistant was stopped, the next day.
    frozen.tick(timedelta(days=1))
    athlete.add_activity(
        start_local="2026-06-16T08:00:00",
        activity_type="Run",
        distance=5000.0,
        moving_time=old[0] - 60,
    )
    fired = Fired(hass, _record_entity(entity_registry))
    assert await hass.config_entries.async_setup(setup_integration.entry_id)
    await hass.async_block_till_done()
    records = [s for s in fired.states() if s.attributes["key"] == "run_best_time_5k"]
    assert len(records) == 1
    assert records[0].attributes["value"] == old[0] - 60
    await next_update(hass, frozen)
    assert hass.config_entries.async_get_entry(setup_integration.entry_id)
    assert len(fired.states()) == len(
        [s for s in fired.states() if s.attributes["activity_id"] is not None]
    )
    assert [s.attributes["key"] for s in fired.states()].count("run_best_time_5k") == 1


async def test_an_unusable_record_book_is_a_quiet_fresh_start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """A book of an older format, as the other unusable books (which read as
    none: tests/test_cache.py), starts afresh without announcing a record."""
    key = f"{DOMAIN}.{config_entry.entry_id}.records"
    hass_storage[key] = {
        "version": 0,
        "minor_version": 1,
        "key": key,
        "data": {"year": 2026},
    }
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    fired = Fired(hass, _record_entity(entity_registry))
    await next_update(hass, frozen)
    assert fired.states() == []
    assert hass_storage[key]["data"]["year"] == 2026
    assert hass_storage[key]["version"] == 1
