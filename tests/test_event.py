"""The new-activity event: once per activity that newly appears, never for old news."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.intervals_icu.const import DOMAIN
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, State
from homeassistant.helpers import entity_registry as er

from .conftest import ATHLETE_ID, NOW

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
