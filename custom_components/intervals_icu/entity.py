"""The base entity: one service device per athlete."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import IntervalsCoordinator


class IntervalsEntity(CoordinatorEntity[IntervalsCoordinator]):
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
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, athlete_id)},
            name=coordinator.config_entry.title,
            manufacturer="Intervals.icu",
            model="Athlete",
            entry_type=DeviceEntryType.SERVICE,
            configuration_url=coordinator.base_url,
        )
