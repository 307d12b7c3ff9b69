"""Numbers: the yearly distance goal of each sport group, set in Home Assistant."""

from __future__ import annotations

from typing import override

from homeassistant.components.number import (
    DOMAIN as NUMBER_DOMAIN,
    NumberDeviceClass,
    NumberEntityDescription,
    NumberMode,
    RestoreNumber,
)
from homeassistant.const import EntityCategory, UnitOfLength
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.unit_conversion import DistanceConverter
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM

from .const import DEFAULT_GROUPS
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator
from .entity import IntervalsEntity, async_remove_entities_of
from .training.totals import ALL

# Set by hand, read from memory: no I/O.
PARALLEL_UPDATES = 0
# Far beyond any athlete's year; keeps a slip of the keyboard out.
MAX_GOAL_KM = 100_000


def goal_key(group: str) -> str:
    """The key of a group's goal entity."""
    return f"{group}_distance_goal"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a goal per sport group switched on, and one for all activities."""
    coordinator = entry.runtime_data
    async_remove_entities_of(
        entry,
        NUMBER_DOMAIN,
        (
            f"{coordinator.athlete_id}_{goal_key(group)}"
            for group in DEFAULT_GROUPS
            if group not in coordinator.groups
        ),
    )
    # Kilometres or miles by the unit system, once: the entity keeps its unit,
    # and the user can still pick another unit in the entity's settings.
    unit = (
        UnitOfLength.MILES
        if hass.config.units is US_CUSTOMARY_SYSTEM
        else UnitOfLength.KILOMETERS
    )
    async_add_entities(
        IntervalsGoalNumber(coordinator, group, unit)
        for group in (*coordinator.groups, ALL)
    )


class IntervalsGoalNumber(IntervalsEntity, RestoreNumber):
    """A group's distance goal for this year; 0 means no goal."""

    _attr_device_class = NumberDeviceClass.DISTANCE
    _attr_mode = NumberMode.BOX
    _attr_entity_category = EntityCategory.CONFIG
    _attr_native_min_value = 0.0
    _attr_native_step = 1.0

    def __init__(
        self, coordinator: IntervalsCoordinator, group: str, unit: str
    ) -> None:
        """One goal; the value lives on the coordinator for the goal sensors."""
        key = goal_key(group)
        super().__init__(
            coordinator, NumberEntityDescription(key=key, translation_key=key)
        )
        self._group = group
        self._attr_native_unit_of_measurement = unit
        self._attr_native_max_value = DistanceConverter.convert(
            MAX_GOAL_KM, UnitOfLength.KILOMETERS, unit
        )

    @property
    @override
    def native_value(self) -> float:
        """The goal in the entity's unit."""
        metres = self.coordinator.data.goals.get(self._group, 0.0)
        return DistanceConverter.convert(metres, UnitOfLength.METERS, self._native_unit)

    @property
    def _native_unit(self) -> str:
        unit = self._attr_native_unit_of_measurement
        return unit if unit is not None else UnitOfLength.KILOMETERS

    @override
    async def async_added_to_hass(self) -> None:
        """Bring the goal back from before the restart."""
        await super().async_added_to_hass()
        last = await self.async_get_last_number_data()
        if (
            last is not None
            and last.native_value is not None
            and last.native_unit_of_measurement in DistanceConverter.VALID_UNITS
        ):
            self._set(
                DistanceConverter.convert(
                    last.native_value,
                    last.native_unit_of_measurement,
                    UnitOfLength.METERS,
                )
            )

    @override
    async def async_set_native_value(self, value: float) -> None:
        """Set the goal; the goal sensors follow at once."""
        self._set(
            DistanceConverter.convert(value, self._native_unit, UnitOfLength.METERS)
        )

    def _set(self, metres: float) -> None:
        self.coordinator.async_set_goal(self._group, max(0.0, metres))
