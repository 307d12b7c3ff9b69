"""The Intervals.icu integration: an athlete's training data in Home Assistant."""

from __future__ import annotations

from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType
from homeassistant.util import dt as dt_util

from .api import IntervalsClient
from .compat import with_reason
from .const import CONF_ATHLETE_ID, DOMAIN
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator, server_url
from .devices import async_register_athlete, async_remove_gone_gear
from .issues import async_delete_issues
from .llm_tools import async_register_llm_api
from .services import async_setup_services
from .statistics.history import async_remove_history
from .sync.storage import SyncStorage

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SENSOR,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001
    """Register the actions and the conversation tools once, whatever is loaded."""
    async_setup_services(hass)
    async_register_llm_api(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: IntervalsConfigEntry) -> bool:
    """Check the key, load what was kept, fetch what changed, add the entities."""
    client = IntervalsClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_KEY],
        base_url=server_url(entry),
        zone=dt_util.get_default_time_zone(),
    )
    coordinator = IntervalsCoordinator(hass, entry, client)
    try:
        await coordinator.async_config_entry_first_refresh()
    except ConfigEntryNotReady as err:
        raise with_reason(err) from err.__cause__
    entry.runtime_data = coordinator
    coordinator.athlete_device_id = async_register_athlete(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # The first history import waits for the entities and Home Assistant's start.
    entry.async_on_unload(
        async_at_started(hass, callback(lambda _: coordinator.statistics.async_start()))
    )

    @callback
    def remove_gone_gear() -> None:
        if (data := coordinator.data.bests_gear) is not None:
            async_remove_gone_gear(hass, entry, (g.id for g in data.gear))

    remove_gone_gear()
    entry.async_on_unload(coordinator.async_add_listener(remove_gone_gear))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: IntervalsConfigEntry) -> bool:
    """Unload the entities, and write what changed now so a reload starts from it."""
    if unloaded := await hass.config_entries.async_unload_platforms(entry, PLATFORMS):
        await entry.runtime_data.async_close()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: IntervalsConfigEntry) -> None:
    """Delete the entry's files, its long-term statistics and its repair issues."""
    await SyncStorage(hass, entry.entry_id).async_remove()
    await async_remove_history(hass, entry.entry_id, entry.data[CONF_ATHLETE_ID])
    async_delete_issues(hass, entry.entry_id)
