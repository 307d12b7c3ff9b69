"""Binary sensors: whether a piece of gear is due a service."""

from __future__ import annotations

from datetime import datetime
from typing import Any, override

# From the package itself: Home Assistant 2026.4 has no `const` module there
# yet; later releases still re-export the class, without declaring it.
from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined]
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .coordinator import IntervalsConfigEntry
from .entity import IntervalsGearEntity, async_add_gear_entities
from .training.gear import reminder_attributes, service_due

# Reads only the coordinator's snapshot.
PARALLEL_UPDATES = 0

SERVICE_DUE = BinarySensorEntityDescription(
    key="service_due",
    translation_key="gear_service_due",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a service-due sensor to each piece of gear in use, as it appears."""
    coordinator = entry.runtime_data
    async_add_gear_entities(
        entry,
        Platform.BINARY_SENSOR,
        lambda gear: [IntervalsServiceDueSensor(coordinator, gear, SERVICE_DUE)],
        async_add_entities,
    )


class IntervalsServiceDueSensor(IntervalsGearEntity, BinarySensorEntity):
    """On while a reminder of the gear is used up and not snoozed."""

    def _now(self) -> datetime:
        return dt_util.utcnow()

    @property
    @override
    def is_on(self) -> bool | None:
        """Whether any reminder is due now."""
        if (gear := self.gear) is None:
            return None
        return service_due(gear, self._now(), self.coordinator.data.zone)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Each reminder: its name, how much is used, and what is due."""
        if (gear := self.gear) is None:
            return None
        now, zone = self._now(), self.coordinator.data.zone
        return {
            "reminders": [reminder_attributes(r, now, zone) for r in gear.reminders]
        }
