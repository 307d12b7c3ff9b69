"""The Intervals.icu integration: an athlete's training data in Home Assistant."""

from __future__ import annotations

from homeassistant.const import CONF_API_KEY, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady, HomeAssistantError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.start import async_at_started
from homeassistant.helpers.typing import ConfigType

from .api import IntervalsClient
from .bests_gear import RecordStore, async_remove_gone_gear
from .const import CONF_ATHLETE_ID, DOMAIN
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator, server_url
from .history_import import async_remove_history
from .issues import async_delete_issues
from .services import async_setup_services
from .sync import CacheStore

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
    try:
        await coordinator.async_config_entry_first_refresh()
    except ConfigEntryNotReady as err:
        raise _with_reason(err) from err.__cause__
    entry.runtime_data = coordinator
    # One platform after the other: set up together, the first steps of all
    # eight would share one step of the event loop.
    for platform in PLATFORMS:
        await hass.config_entries.async_forward_entry_setups(entry, [platform])
    # The first history import waits for the entities and Home Assistant's start.
    entry.async_on_unload(async_at_started(hass, coordinator.async_allow_import))

    @callback
    def remove_gone_gear() -> None:
        data = coordinator.data.bests_gear
        if data is not None:
            async_remove_gone_gear(
                hass, entry, coordinator.athlete_id, {g.id for g in data.gear}
            )

    remove_gone_gear()
    entry.async_on_unload(coordinator.async_add_listener(remove_gone_gear))
    return True


def _with_reason(err: ConfigEntryNotReady) -> ConfigEntryNotReady:
    """The retry with the coordinator's translated reason ("Could not reach ...").

    Home Assistant 2026.4 drops the translation of the coordinator's error when
    the first refresh fails, so the entry would say only "will retry"; newer
    releases pass it on themselves, and then `err` is returned as it is.
    """
    cause = err.__cause__
    if (
        err.translation_key is not None
        or not isinstance(cause, HomeAssistantError)
        or cause.translation_key is None
    ):
        return err
    return ConfigEntryNotReady(
        translation_domain=cause.translation_domain,
        translation_key=cause.translation_key,
        translation_placeholders=cause.translation_placeholders,
    )


async def async_unload_entry(hass: HomeAssistant, entry: IntervalsConfigEntry) -> bool:
    """Unload the entities, and write the cache now so a reload starts from it."""
    unloaded = True
    for platform in PLATFORMS:  # one after the other, as they were set up
        unloaded &= await hass.config_entries.async_unload_platforms(entry, [platform])
    if unloaded:
        await entry.runtime_data.async_close()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: IntervalsConfigEntry) -> None:
    """Delete the entry's activity cache (every copy), statistics and repair issues."""
    await CacheStore(hass, entry.entry_id).async_remove()
    await RecordStore(hass, entry.entry_id).async_remove()
    await async_remove_history(hass, entry.entry_id, entry.data[CONF_ATHLETE_ID])
    async_delete_issues(hass, entry.entry_id)
