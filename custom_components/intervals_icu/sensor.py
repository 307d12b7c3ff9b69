"""Sensors: totals per sport group and period, fitness, wellness."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfLength, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .aggregate import ALL, Period, Totals
from .coordinator import IntervalsConfigEntry, IntervalsData
from .entity import IntervalsEntity

# Reads only the coordinator's snapshot; the coordinator does all the I/O.
PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class IntervalsSensorEntityDescription(SensorEntityDescription):
    """How one sensor reads the snapshot."""

    value_fn: Callable[[IntervalsData], StateType | datetime]
    last_reset_fn: Callable[[IntervalsData], datetime] | None = None
    attributes_fn: Callable[[IntervalsData], dict[str, Any] | None] | None = None
    group: str | None = None
    """The sport group the sensor belongs to; it exists only while the group is on."""


@dataclass(frozen=True, kw_only=True)
class _Metric:
    """One kind of total, described once for every group and period."""

    key: str
    value: Callable[[Totals], float | int]
    device_class: SensorDeviceClass | None
    unit: str | None
    suggested_unit: str | None = None
    precision: int | None = None


_METRICS = {
    "distance": _Metric(
        key="distance",
        value=lambda t: t.distance,
        device_class=SensorDeviceClass.DISTANCE,
        unit=UnitOfLength.METERS,
        suggested_unit=UnitOfLength.KILOMETERS,
        precision=1,
    ),
    "moving_time": _Metric(
        key="moving_time",
        value=lambda t: t.moving_time,
        device_class=SensorDeviceClass.DURATION,
        unit=UnitOfTime.SECONDS,
        suggested_unit=UnitOfTime.HOURS,
        precision=1,
    ),
    "elevation_gain": _Metric(
        key="elevation_gain",
        value=lambda t: t.elevation_gain,
        device_class=SensorDeviceClass.DISTANCE,
        unit=UnitOfLength.METERS,
        precision=0,
    ),
    "count": _Metric(
        key="count",
        value=lambda t: t.count,
        device_class=None,
        unit="activities",
    ),
}

# (group, metric, period): enabled by default. Groups are run/ride/swim and `all`.
_TOTALS: dict[tuple[str, str, Period], bool] = {
    **{(g, "distance", Period.YEAR): True for g in ("run", "ride", "swim")},
    **{(g, "moving_time", Period.YEAR): True for g in ("run", "ride", "swim")},
    ("run", "elevation_gain", Period.YEAR): True,
    ("ride", "elevation_gain", Period.YEAR): True,
    ("swim", "elevation_gain", Period.YEAR): False,
    **{(g, "count", Period.YEAR): False for g in ("run", "ride", "swim")},
}


def _total(
    group: str, metric: _Metric, period: Period, enabled: bool
) -> IntervalsSensorEntityDescription:
    key = f"{group}_{metric.key}_{period.value}"
    return IntervalsSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=metric.device_class,
        native_unit_of_measurement=metric.unit,
        suggested_unit_of_measurement=metric.suggested_unit,
        suggested_display_precision=metric.precision,
        state_class=SensorStateClass.TOTAL,
        entity_registry_enabled_default=enabled,
        value_fn=lambda data: metric.value(data.totals[group][period]),
        last_reset_fn=lambda data: data.period_start(period),
        group=None if group == ALL else group,
    )


def _fitness(attr: str) -> Callable[[IntervalsData], float | None]:
    """CTL/ATL/ramp rate of the latest day that has them (today, else earlier)."""

    def value(data: IntervalsData) -> float | None:
        found = data.latest_wellness(attr)
        return None if found is None else round(found[0], 1)

    return value


def _form(data: IntervalsData) -> float | None:
    """Form (TSB) is fitness minus fatigue of the same day."""
    for record in data.wellness:
        if record.ctl is not None and record.atl is not None:
            return round(record.ctl - record.atl, 1)
    return None


def _fitness_day(attr: str) -> Callable[[IntervalsData], dict[str, Any] | None]:
    def attributes(data: IntervalsData) -> dict[str, Any] | None:
        found = data.latest_wellness(attr)
        return None if found is None else {"date": found[1].isoformat()}

    return attributes


FITNESS_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    IntervalsSensorEntityDescription(
        key="fitness",
        translation_key="fitness",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=_fitness("ctl"),
        attributes_fn=_fitness_day("ctl"),
    ),
    IntervalsSensorEntityDescription(
        key="fatigue",
        translation_key="fatigue",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=_fitness("atl"),
        attributes_fn=_fitness_day("atl"),
    ),
    IntervalsSensorEntityDescription(
        key="form",
        translation_key="form",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=_form,
        attributes_fn=_fitness_day("ctl"),
    ),
    IntervalsSensorEntityDescription(
        key="ramp_rate",
        translation_key="ramp_rate",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_registry_enabled_default=False,
        value_fn=_fitness("ramp_rate"),
        attributes_fn=_fitness_day("ramp_rate"),
    ),
)


def sensor_descriptions() -> Iterator[IntervalsSensorEntityDescription]:
    """Every sensor the integration can have."""
    for (group, metric, period), enabled in _TOTALS.items():
        yield _total(group, _METRICS[metric], period, enabled)
    yield from FITNESS_SENSORS


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of the sport groups that are switched on."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        IntervalsSensor(coordinator, description)
        for description in sensor_descriptions()
        if description.group is None or description.group in coordinator.groups
    )


class IntervalsSensor(IntervalsEntity, SensorEntity):
    """A number from the athlete's snapshot."""

    entity_description: IntervalsSensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType | date | datetime:
        """The value of this sensor in the snapshot."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    @override
    def last_reset(self) -> datetime | None:
        """The start of the period a total covers."""
        if (last_reset_fn := self.entity_description.last_reset_fn) is None:
            return None
        return last_reset_fn(self.coordinator.data)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Where a value came from (its day), when that matters."""
        if (attributes_fn := self.entity_description.attributes_fn) is None:
            return None
        return attributes_fn(self.coordinator.data)
