"""Numbers: the yearly distance goal of each sport group, set in Home Assistant."""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any, override

from homeassistant.components.number import (
    DOMAIN as NUMBER_DOMAIN,
    NumberDeviceClass,
    NumberEntityDescription,
    NumberExtraStoredData,
    NumberMode,
    RestoreNumber,
)
from homeassistant.const import EntityCategory, UnitOfLength
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util.unit_conversion import DistanceConverter
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM

from .const import DEFAULT_GROUPS, DOMAIN
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator
from .entity import IntervalsEntity, async_remove_entities_of
from .training.goals import METRES_PER, Goal
from .training.totals import ALL

# Set by hand, read from memory: no I/O.
PARALLEL_UPDATES = 0
# Far beyond any athlete's year; keeps a slip of the keyboard out.
MAX_GOAL_KM = 100_000
# The smallest goal but none, in the goal's unit.
MIN_GOAL = 1.0


def goal_key(group: str) -> str:
    """The key of a group's goal entity."""
    return f"{group}_distance_goal"


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
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
    async_add_entities(
        IntervalsGoalNumber(coordinator, group) for group in (*coordinator.groups, ALL)
    )


@dataclass
class GoalStoredData(NumberExtraStoredData):
    """What is kept across restarts: also the goal as it was typed."""

    goal_value: float | None = None
    goal_unit: str | None = None


class IntervalsGoalNumber(IntervalsEntity, RestoreNumber):
    """A group's distance goal for this year; 0 means no goal.

    Shown in km, or mi with the US customary unit system, and switched at
    once when the unit system changes. The goal is kept as it was typed
    (1500 km): shown in the other unit it is rounded to a whole number
    (932 mi), and back in its own unit it is what was typed again.
    """

    _attr_device_class = NumberDeviceClass.DISTANCE
    _attr_mode = NumberMode.BOX
    _attr_entity_category = EntityCategory.CONFIG
    _attr_native_min_value = 0.0
    _attr_native_step = 1.0

    def __init__(self, coordinator: IntervalsCoordinator, group: str) -> None:
        """One goal; the coordinator keeps it for the goal sensors."""
        key = goal_key(group)
        super().__init__(
            coordinator, NumberEntityDescription(key=key, translation_key=key)
        )
        self._group = group

    @property
    @override
    def native_unit_of_measurement(self) -> str:
        """Kilometres, or miles by the US customary unit system."""
        if self.hass is not None and self.hass.config.units is US_CUSTOMARY_SYSTEM:
            return UnitOfLength.MILES
        return UnitOfLength.KILOMETERS

    @property
    @override
    def native_max_value(self) -> float:
        """The largest goal, in the unit shown."""
        return DistanceConverter.convert(
            MAX_GOAL_KM, UnitOfLength.KILOMETERS, self.native_unit_of_measurement
        )

    @property
    @override
    def native_value(self) -> float:
        """The goal in the unit shown: as typed, or rounded when converted."""
        goal = self.coordinator.goal(self._group)
        if goal is None:
            return 0.0
        return goal.shown_in(self.native_unit_of_measurement)

    @property
    @override
    def extra_restore_state_data(self) -> GoalStoredData:
        """The number's data, and the goal as typed."""
        goal = self.coordinator.goal(self._group)
        return GoalStoredData(
            self.native_max_value,
            self.native_min_value,
            self.native_step,
            self.native_unit_of_measurement,
            self.native_value,
            goal_value=None if goal is None else goal.value,
            goal_unit=None if goal is None else goal.unit,
        )

    @override
    async def async_added_to_hass(self) -> None:
        """Bring the goal back from before the restart."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_extra_data()) is not None:
            restored = _restored(last.as_dict())
            if restored is not None:
                self.coordinator.async_set_goal(self._group, restored)

    @override
    async def async_set_native_value(self, value: float) -> None:
        """Set the goal; the goal sensors follow at once."""
        unit = self.native_unit_of_measurement
        if not math.isfinite(value) or 0 < value < MIN_GOAL:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="goal_invalid",
                translation_placeholders={
                    "value": str(value),
                    "minimum": f"{MIN_GOAL:g}",
                    "unit": unit,
                },
            )
        self.coordinator.async_set_goal(self._group, Goal(value, unit))


def _restored(data: dict[str, Any]) -> Goal | None:
    """The goal kept across the restart, if it is one."""
    value = data.get("goal_value", data.get("native_value"))
    unit = data.get("goal_unit", data.get("native_unit_of_measurement"))
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and (value == 0 or value >= MIN_GOAL)
        and unit in METRES_PER
    ):
        return Goal(float(value), unit)
    return None
