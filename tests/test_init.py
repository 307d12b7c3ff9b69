"""Setting up, unloading and removing an entry."""

from pytest_homeassistant_custom_component.common import MockConfigEntry

from emulator.faults import Fault
from emulator.server import EmulatorServer
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant


async def test_setup_and_unload(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    entry = setup_integration
    assert entry.state is ConfigEntryState.LOADED
    # The first update: the athlete, the wellness week, the calendar's next
    # two weeks, and the year of activities.
    assert [r.path.rsplit("/", 1)[-1] for r in emulator.state.log] == [
        "i123456",
        "wellness.json",
        "events.json",
        "activities",
    ]
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


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
