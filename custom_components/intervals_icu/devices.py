"""The devices: one service device per athlete, one per piece of gear under it."""

from __future__ import annotations

from collections.abc import Iterable

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo

from .api import Gear
from .compat import VIA_DEVICE_ID
from .const import DOMAIN
from .coordinator import IntervalsConfigEntry

MANUFACTURER = "Intervals.icu"


def athlete_device_info(entry: IntervalsConfigEntry) -> DeviceInfo:
    """The athlete's service device, which the gear devices hang under."""
    coordinator = entry.runtime_data
    return DeviceInfo(
        identifiers={(DOMAIN, coordinator.athlete_id)},
        name=entry.title,
        manufacturer=MANUFACTURER,
        model="Athlete",
        entry_type=DeviceEntryType.SERVICE,
        configuration_url=coordinator.base_url,
    )


@callback
def async_register_athlete(hass: HomeAssistant, entry: IntervalsConfigEntry) -> str:
    """Register the athlete's device before any entity; return its device id."""
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **athlete_device_info(entry)
    )
    return device.id


def gear_device_id(athlete_id: str, gear_id: str) -> str:
    """The device identifier of a gear item (the athlete's is the bare id)."""
    return f"{athlete_id}_gear_{gear_id}"


def gear_device_info(entry: IntervalsConfigEntry, gear: Gear) -> DeviceInfo:
    """A gear item's device, named after it, its type as the model."""
    coordinator = entry.runtime_data
    athlete_id = coordinator.athlete_id
    info = DeviceInfo(
        identifiers={(DOMAIN, gear_device_id(athlete_id, gear.id))},
        name=gear.name or gear.type or gear.id,
        manufacturer=MANUFACTURER,
        model=gear.type,
    )
    if VIA_DEVICE_ID:
        if coordinator.athlete_device_id is not None:
            info["via_device_id"] = coordinator.athlete_device_id
    else:
        info["via_device"] = (DOMAIN, athlete_id)  # type: ignore[typeddict-unknown-key]
    return info


@callback
def async_remove_gone_gear(
    hass: HomeAssistant, entry: IntervalsConfigEntry, gear_ids: Iterable[str]
) -> None:
    """Remove the devices (and so the entities) of gear retired or deleted."""
    athlete_id = entry.runtime_data.athlete_id
    wanted = {(DOMAIN, gear_device_id(athlete_id, g)) for g in gear_ids}
    prefix = gear_device_id(athlete_id, "")
    registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        ours = {i for i in device.identifiers if i[0] == DOMAIN}
        if any(i[1].startswith(prefix) for i in ours) and not ours & wanted:
            registry.async_update_device(
                device.id, remove_config_entry_id=entry.entry_id
            )
