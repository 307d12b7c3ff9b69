"""System health: what a user pastes into a bug report."""

from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    get_system_health_info,
)

from custom_components.intervals_icu.const import DOMAIN
from emulator.faults import Fault
from emulator.server import EmulatorServer
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util


async def test_system_health_says_what_a_bug_report_needs(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    assert await async_setup_component(hass, "system_health", {})
    info = await get_system_health_info(hass, DOMAIN)
    for key, value in info.items():
        if hasattr(value, "__await__"):
            info[key] = await value
    coordinator = setup_integration.runtime_data
    assert info["can_reach_server"] == "ok"
    assert info["athletes"] == 1
    assert info["updates_failing"] == 0
    assert info["last_update"] == dt_util.as_local(coordinator.last_success).isoformat(
        timespec="seconds"
    )
    # Every request of the setup, today.
    api = [r for r in emulator.state.log if r.path.startswith("/api/")]
    assert info["requests_today"] == len(api) > 0
    assert "api_key" not in str(info)


async def test_system_health_when_the_service_fails(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    assert await async_setup_component(hass, "system_health", {})
    emulator.state.add_fault(Fault.http_status(503))
    await setup_integration.runtime_data.async_refresh()
    await emulator.close()
    info = await get_system_health_info(hass, DOMAIN)
    for key, value in info.items():
        if hasattr(value, "__await__"):
            info[key] = await value
    assert info["updates_failing"] == 1
    assert info["can_reach_server"] == {"type": "failed", "error": "unreachable"}
