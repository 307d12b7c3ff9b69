"""Buttons: a reminder of a piece of gear marked done, on Intervals.icu."""

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)
from syrupy.assertion import SnapshotAssertion

from emulator.faults import Fault
from emulator.server import EmulatorServer
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er

from .bests import entity_id
from .conftest import ATHLETE_ID, assert_platform_snapshot


@pytest.fixture
def platforms() -> list[Platform]:
    """The buttons, and the service-due sensors a reset turns off."""
    return [Platform.BUTTON, Platform.BINARY_SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
) -> None:
    """Every button's registry entry and state, as a user would see them."""
    await assert_platform_snapshot(
        hass, entity_registry, snapshot, config_entry, Platform.BUTTON
    )


async def test_reset_turns_service_due_off(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    chain = entity_id(
        entity_registry, "binary_sensor", f"{ATHLETE_ID}_gear_c1_service_due"
    )
    assert hass.states.get(chain).state == STATE_ON
    button = entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_c1_reminder_3_reset"
    )
    state = hass.states.get(button)
    assert state is not None
    assert state.attributes["friendly_name"] == "Chain Mark Replace chain done"
    emulator.state.log.clear()
    await hass.services.async_call(
        "button", "press", {"entity_id": button}, blocking=True
    )
    # Shown at once, as the reset returned it: no refresh, nothing to wait for.
    assert hass.states.get(chain).state == STATE_OFF
    [put] = emulator.state.log
    assert put.method == "PUT"
    assert put.path.endswith("/gear/c1/reminder/3")
    assert hass.states.get(chain).attributes["reminders"][0]["percent_used"] == 0.0
    # The service agrees, and the limit is still there.
    stored = next(
        g for g in emulator.state.athletes[ATHLETE_ID].gear if g["id"] == "c1"
    )
    assert stored["reminders"][0]["distance"] == 3_000_000.0


async def test_reset_errors_are_translated(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    button = entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_c1_reminder_3_reset"
    )
    emulator.state.add_fault(Fault.http_status(503, path="reminder", times=1))
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    assert err.value.translation_key == "request_server_error"
    # Deleted on the website meanwhile.
    athlete = emulator.state.athletes[ATHLETE_ID]
    next(g for g in athlete.gear if g["id"] == "c1")["reminders"].clear()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    assert err.value.translation_key == "reminder_gone"


async def test_a_refused_key_on_reset_starts_reauth(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    button = entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_c1_reminder_3_reset"
    )
    emulator.state.set_api_key(ATHLETE_ID, "another-key")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    assert err.value.translation_key == "request_invalid_auth"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
