"""The base entity: one service device per athlete."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import override

from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Gear
from .bests_gear import gear_device_id
from .const import DOMAIN
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator


class LoopFriendlyEntity(Entity):
    """An entity that lets the event loop run while added and removed.

    Home Assistant adds (and removes) a platform's entities one after the
    other within one step of the event loop, as long as none of them waits.
    A few hundred entities (totals per group and period, bests, gear) then
    hold the loop for a noticeable time; yielding spreads the work. Added,
    an entity yields twice: once its registry entry is made (in the step that
    wrote the state of the entity before) and once it is set up.
    """

    @override
    async def add_to_platform_finish(self) -> None:
        # Not `async_internal_added_to_hass`: event entities make that final.
        await asyncio.sleep(0)
        await super().add_to_platform_finish()

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        await asyncio.sleep(0)

    @override
    async def async_will_remove_from_hass(self) -> None:
        await super().async_will_remove_from_hass()
        await asyncio.sleep(0)


class IntervalsEntity(LoopFriendlyEntity, CoordinatorEntity[IntervalsCoordinator]):
    """An entity of one athlete's Intervals.icu data."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: IntervalsCoordinator, description: EntityDescription
    ) -> None:
        """Name it by its description; group it under the athlete's device."""
        super().__init__(coordinator)
        self.entity_description = description
        athlete_id = coordinator.athlete_id
        self._attr_unique_id = f"{athlete_id}_{description.key}"
        self._attr_device_info = athlete_device_info(coordinator)


# Home Assistant 2026.8 links a device to its parent by the parent's device id
# (`via_device` by identifiers is deprecated there); older releases only by
# identifiers.
VIA_DEVICE_ID = "via_device_id" in DeviceInfo.__annotations__


def athlete_device_info(coordinator: IntervalsCoordinator) -> DeviceInfo:
    """The athlete's service device, which the gear devices hang under."""
    return DeviceInfo(
        identifiers={(DOMAIN, coordinator.athlete_id)},
        name=coordinator.config_entry.title,
        manufacturer="Intervals.icu",
        model="Athlete",
        entry_type=DeviceEntryType.SERVICE,
        configuration_url=coordinator.base_url,
    )


class IntervalsGearEntity(LoopFriendlyEntity, CoordinatorEntity[IntervalsCoordinator]):
    """An entity of one piece of gear, on its own device under the athlete's."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: IntervalsCoordinator,
        gear: Gear,
        description: EntityDescription,
        *,
        key: str | None = None,
    ) -> None:
        """Name the device after the gear; its type is the model."""
        super().__init__(coordinator)
        self.entity_description = description
        self.gear_id = gear.id
        athlete_id = coordinator.athlete_id
        self._attr_unique_id = f"{athlete_id}_gear_{gear.id}_{key or description.key}"
        # The athlete's device may not be registered yet on the first load.
        athlete_device = dr.async_get(coordinator.hass).async_get_or_create(
            config_entry_id=coordinator.config_entry.entry_id,
            **athlete_device_info(coordinator),
        )
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, gear_device_id(athlete_id, gear.id))},
            name=gear.name or gear.type or gear.id,
            manufacturer="Intervals.icu",
            model=gear.type,
        )
        if VIA_DEVICE_ID:
            self._attr_device_info["via_device_id"] = athlete_device.id
        else:
            self._attr_device_info["via_device"] = (DOMAIN, athlete_id)  # type: ignore[typeddict-unknown-key]

    @property
    def gear(self) -> Gear | None:
        """The gear as the last snapshot has it; None once it is gone."""
        data = self.coordinator.data.bests_gear
        return None if data is None else data.gear_by_id(self.gear_id)

    @property
    @override
    def available(self) -> bool:
        """Available while the gear is in use and updates succeed."""
        return super().available and self.gear is not None


@callback
def async_add_gear_entities(
    entry: IntervalsConfigEntry,
    domain: str,
    make: Callable[[Gear], Iterable[IntervalsGearEntity]],
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entities of gear as it appears; drop those of what went away.

    A retired or deleted item's device goes with its entities (see
    `async_remove_gone_gear`); a deleted reminder's button goes here.
    """
    coordinator = entry.runtime_data
    known: set[str] = set()

    @callback
    def update() -> None:
        data = coordinator.data.bests_gear
        entities = {
            entity.unique_id: entity
            for gear in (() if data is None else data.gear)
            for entity in make(gear)
            if entity.unique_id is not None
        }
        registry = er.async_get(coordinator.hass)
        for unique_id in known - entities.keys():
            entity_id = registry.async_get_entity_id(domain, DOMAIN, unique_id)
            if entity_id is not None:
                registry.async_remove(entity_id)
        new = [e for uid, e in entities.items() if uid not in known]
        known.intersection_update(entities)
        known.update(e.unique_id for e in new if e.unique_id is not None)
        if new:
            async_add_entities(new)

    update()
    entry.async_on_unload(coordinator.async_add_listener(update))
