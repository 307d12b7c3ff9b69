"""Setting up, unloading and removing an entry."""

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.coordinator import IntervalsCoordinator
from emulator.faults import Fault
from emulator.server import EmulatorServer
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr


async def test_setup_and_unload(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    entry = setup_integration
    assert entry.state is ConfigEntryState.LOADED
    # The first update: the athlete, the rMSSD of the 60 days before the
    # week (the HRV status), the wellness week, the calendar's next two weeks,
    # the activities (what the totals need) of the last 30 days, then of the
    # rest of the window, and the recent days' in full, then the gear and the
    # year's curves.
    assert [r.path.rsplit("/", 1)[-1] for r in emulator.state.log] == [
        "i123456",
        "wellness.json",
        "wellness.json",
        "events.json",
        "activities",
        "activities",
        "activities",
        "gear.json",
        "power-curves.json",
        "pace-curves.json",
        "pace-curves.json",
    ]
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_runtime_data_is_the_coordinator(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: EmulatorServer,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The entry keeps its coordinator; the server's address is derived once."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, CONF_URL: emulator.url + "/"}
    )
    await hass.config_entries.async_setup(config_entry.entry_id)
    coordinator = config_entry.runtime_data
    assert isinstance(coordinator, IntervalsCoordinator)
    assert coordinator.base_url == emulator.url
    assert coordinator.data.activity_url("i9") == f"{emulator.url}/activities/i9"
    # The athlete's device; the gear's devices hang under it.
    [device] = [
        d
        for d in dr.async_entries_for_config_entry(
            device_registry, config_entry.entry_id
        )
        if d.via_device_id is None
    ]
    assert device.configuration_url == emulator.url


async def test_setup_retries_when_unreachable(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: EmulatorServer
) -> None:
    emulator.state.add_fault(Fault.http_status(503))
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_starts_reauth_on_bad_key(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: EmulatorServer
) -> None:
    emulator.state.set_api_key(config_entry.unique_id, "another-key")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
