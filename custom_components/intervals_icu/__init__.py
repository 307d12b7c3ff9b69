"""The Intervals.icu integration: an athlete's training data in Home Assistant."""

from __future__ import annotations

from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api import IntervalsClient
from .const import DOMAIN
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator, server_url
from .issues import async_delete_issues
from .services import async_setup_services
from .sync import CacheStore

PLATFORMS: list[Platform] = [Platform.CALENDAR, Platform.EVENT, Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001
    """Register the actions once, whatever entries are loaded."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: IntervalsConfigEntry) -> bool:
    """Check the key, load the cache, fetch what changed, and add the entities."""
    client = IntervalsClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_KEY],
        base_url=server_url(entry),
    )
    coordinator = IntervalsCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: IntervalsConfigEntry) -> bool:
    """Unload the entities, and write the cache now so a reload starts from it."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.async_close()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: IntervalsConfigEntry) -> None:
    """Delete the entry's activity cache (every copy) and its repair issues."""
    await CacheStore(hass, entry.entry_id).async_remove()
    async_delete_issues(hass, entry.entry_id)
