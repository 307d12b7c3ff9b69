"""The base entities: of the athlete, and of a piece of gear."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import override

from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api import Gear
from .const import DOMAIN
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator
from .devices import athlete_device_info, gear_device_info


class IntervalsEntity(CoordinatorEntity[IntervalsCoordinator]):
    """An entity of one athlete's Intervals.icu data, on the athlete's device."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: IntervalsCoordinator, description: EntityDescription
    ) -> None:
        """Name it by its description; its unique id is the athlete's and its key."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{coordinator.athlete_id}_{description.key}"
        self._attr_device_info = athlete_device_info(coordinator.config_entry)


class IntervalsGearEntity(CoordinatorEntity[IntervalsCoordinator]):
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
        self._attr_unique_id = (
            f"{coordinator.athlete_id}_gear_{gear.id}_{key or description.key}"
        )
        self._attr_device_info = gear_device_info(coordinator.config_entry, gear)

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
    `devices.async_remove_gone_gear`); a deleted reminder's button goes here.
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


@callback
def async_remove_entities_of(
    entry: IntervalsConfigEntry, domain: str, unique_ids: Iterable[str]
) -> None:
    """Remove entities the options switched off (a sport group's), not leave them.

    Without this they would stay in the registry as unavailable, restored.
    """
    registry = er.async_get(entry.runtime_data.hass)
    unwanted = set(unique_ids)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.domain == domain and entity.unique_id in unwanted:
            registry.async_remove(entity.entity_id)
