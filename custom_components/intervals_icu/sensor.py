"""Sensors: totals per sport group and period, fitness, wellness."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, override

from homeassistant.components.sensor import (
    DOMAIN as SENSOR_DOMAIN,
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    UnitOfEnergy,
    UnitOfLength,
    UnitOfMass,
    UnitOfPower,
    UnitOfSpeed,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .aggregate import ALL, Period, Totals
from .api import SportInfo, SportSettings, Wellness
from .coordinator import IntervalsConfigEntry, IntervalsData
from .entity import IntervalsEntity
from .planned import next_workout_attributes, next_workout_start
from .training import format_pace, latest_sport_info, settings_for

BPM = "bpm"

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
    "training_load": _Metric(
        key="training_load",
        value=lambda t: round(t.training_load, 1),
        device_class=None,
        unit=None,
        precision=0,
    ),
}

_SPORTS = ("run", "ride", "swim")
# (group, metric, period): enabled by default. Groups are run/ride/swim and `all`.
_TOTALS: dict[tuple[str, str, Period], bool] = {
    **{(g, "distance", Period.YEAR): True for g in _SPORTS},
    **{(g, "moving_time", Period.YEAR): True for g in _SPORTS},
    ("run", "elevation_gain", Period.YEAR): True,
    ("ride", "elevation_gain", Period.YEAR): True,
    ("swim", "elevation_gain", Period.YEAR): False,
    **{(g, "count", Period.YEAR): False for g in _SPORTS},
    **{(g, "training_load", Period.YEAR): False for g in (*_SPORTS, ALL)},
    (ALL, "distance", Period.YEAR): True,
    (ALL, "moving_time", Period.YEAR): True,
    **{
        (g, "distance", Period.WEEK): g in {"run", "ride", ALL} for g in (*_SPORTS, ALL)
    },
    **{(g, "distance", Period.MONTH): g in {"run", "ride"} for g in (*_SPORTS, ALL)},
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


def _fitness(
    attr: str, digits: int | None = 1
) -> Callable[[IntervalsData], float | None]:
    """A wellness value of the latest day that has it (today, else earlier)."""

    def value(data: IntervalsData) -> float | None:
        found = data.latest_wellness(attr)
        if found is None:
            return None
        return found[0] if digits is None else round(found[0], digits)

    return value


def _form_day(data: IntervalsData) -> Wellness | None:
    """The latest day with both fitness and fatigue."""
    return next(
        (w for w in data.wellness if w.ctl is not None and w.atl is not None), None
    )


def _form(data: IntervalsData) -> float | None:
    """Form (TSB) is fitness minus fatigue of the same day."""
    day = _form_day(data)
    if day is None or day.ctl is None or day.atl is None:
        return None
    return round(day.ctl - day.atl, 1)


def _form_attributes(data: IntervalsData) -> dict[str, Any] | None:
    day = _form_day(data)
    return None if day is None else {"date": day.day.isoformat()}


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
        attributes_fn=_form_attributes,
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


@dataclass(frozen=True, kw_only=True)
class _Wellness:
    """One wellness field: the newest non-null value of the last week."""

    key: str
    attr: str
    unit: str | None = None
    device_class: SensorDeviceClass | None = None
    suggested_unit: str | None = None
    precision: int | None = None
    enabled: bool = False


_WELLNESS = (
    _Wellness(
        key="weight",
        attr="weight",
        unit=UnitOfMass.KILOGRAMS,
        device_class=SensorDeviceClass.WEIGHT,
        precision=1,
        enabled=True,
    ),
    _Wellness(key="resting_hr", attr="resting_hr", unit=BPM, precision=0, enabled=True),
    _Wellness(
        key="hrv", attr="hrv", unit=UnitOfTime.MILLISECONDS, precision=0, enabled=True
    ),
    _Wellness(
        key="hrv_sdnn", attr="hrv_sdnn", unit=UnitOfTime.MILLISECONDS, precision=0
    ),
    _Wellness(
        key="sleep_duration",
        attr="sleep_secs",
        unit=UnitOfTime.SECONDS,
        device_class=SensorDeviceClass.DURATION,
        suggested_unit=UnitOfTime.HOURS,
        precision=1,
        enabled=True,
    ),
    _Wellness(key="sleep_score", attr="sleep_score", precision=0),
    _Wellness(key="sleep_quality", attr="sleep_quality", precision=0),
    _Wellness(key="avg_sleeping_hr", attr="avg_sleeping_hr", unit=BPM, precision=0),
    _Wellness(key="spo2", attr="spo2", unit=PERCENTAGE, precision=0),
    _Wellness(key="readiness", attr="readiness", precision=0),
    _Wellness(key="vo2max", attr="vo2max", unit="mL/kg/min", precision=1),
    _Wellness(key="steps", attr="steps", unit="steps", precision=0),
    _Wellness(key="soreness", attr="soreness", precision=0),
    _Wellness(key="fatigue_subjective", attr="fatigue", precision=0),
    _Wellness(key="stress", attr="stress", precision=0),
    _Wellness(key="mood", attr="mood", precision=0),
    _Wellness(key="motivation", attr="motivation", precision=0),
)


def _wellness(spec: _Wellness) -> IntervalsSensorEntityDescription:
    return IntervalsSensorEntityDescription(
        key=spec.key,
        translation_key=spec.key,
        device_class=spec.device_class,
        native_unit_of_measurement=spec.unit,
        suggested_unit_of_measurement=spec.suggested_unit,
        suggested_display_precision=spec.precision,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=spec.enabled,
        value_fn=_fitness(spec.attr, digits=None),
        attributes_fn=_fitness_day(spec.attr),
    )


def _settings(data: IntervalsData, group: str) -> SportSettings | None:
    return settings_for(data.groups.get(group, ()), data.athlete.sport_settings)


def _threshold(
    group: str, read: Callable[[SportSettings], float | None]
) -> Callable[[IntervalsData], float | None]:
    def value(data: IntervalsData) -> float | None:
        settings = _settings(data, group)
        return None if settings is None else read(settings)

    return value


def _pace_attributes(group: str) -> Callable[[IntervalsData], dict[str, Any] | None]:
    def attributes(data: IntervalsData) -> dict[str, Any] | None:
        settings = _settings(data, group)
        if settings is None or settings.threshold_pace is None:
            return None
        return {
            "pace": format_pace(settings.threshold_pace, settings.pace_units),
            "pace_units": settings.pace_units,
        }

    return attributes


def _thresholds(group: str) -> Iterator[IntervalsSensorEntityDescription]:
    yield IntervalsSensorEntityDescription(
        key=f"{group}_ftp",
        translation_key=f"{group}_ftp",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=group == "ride",
        value_fn=_threshold(group, lambda s: s.ftp),
        group=group,
    )
    for key, read in (("lthr", lambda s: s.lthr), ("max_hr", lambda s: s.max_hr)):
        yield IntervalsSensorEntityDescription(
            key=f"{group}_{key}",
            translation_key=f"{group}_{key}",
            native_unit_of_measurement=BPM,
            state_class=SensorStateClass.MEASUREMENT,
            entity_registry_enabled_default=False,
            value_fn=_threshold(group, read),
            group=group,
        )
    yield IntervalsSensorEntityDescription(
        key=f"{group}_threshold_pace",
        translation_key=f"{group}_threshold_pace",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.METERS_PER_SECOND,
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=group in {"run", "swim"},
        value_fn=_threshold(group, lambda s: s.threshold_pace),
        attributes_fn=_pace_attributes(group),
        group=group,
    )


def _ride_model(
    read: Callable[[SportInfo], float | None],
) -> Callable[[IntervalsData], float | None]:
    def value(data: IntervalsData) -> float | None:
        info = latest_sport_info(data.wellness, "Ride")
        return None if info is None else read(info)

    return value


def _eftp_per_kg(data: IntervalsData) -> float | None:
    info = latest_sport_info(data.wellness, "Ride")
    weight = data.latest_wellness("weight")
    if info is None or info.eftp is None or weight is None or weight[0] <= 0:
        return None
    return round(info.eftp / weight[0], 2)


POWER_MODEL_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    IntervalsSensorEntityDescription(
        key="eftp",
        translation_key="eftp",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_ride_model(lambda i: i.eftp),
        group="ride",
    ),
    IntervalsSensorEntityDescription(
        key="w_prime",
        translation_key="w_prime",
        native_unit_of_measurement=UnitOfEnergy.JOULE,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=_ride_model(lambda i: i.w_prime),
        group="ride",
    ),
    IntervalsSensorEntityDescription(
        key="p_max",
        translation_key="p_max",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=_ride_model(lambda i: i.p_max),
        group="ride",
    ),
    IntervalsSensorEntityDescription(
        key="eftp_per_kg",
        translation_key="eftp_per_kg",
        native_unit_of_measurement="W/kg",
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_eftp_per_kg,
        group="ride",
    ),
)


def _last_activity_start(data: IntervalsData) -> datetime | None:
    activity = data.last_activity
    return None if activity is None else activity.start_local.replace(tzinfo=data.zone)


def _last_activity_attributes(data: IntervalsData) -> dict[str, Any] | None:
    activity = data.last_activity
    if activity is None:
        return None
    attributes: dict[str, Any] = {
        "name": activity.name,
        "type": activity.type,
        "distance": activity.distance,
        "moving_time": activity.moving_time,
        "elevation_gain": activity.elevation_gain,
        "training_load": activity.training_load,
        "average_heartrate": activity.average_heartrate,
        "average_watts": activity.average_watts,
    }
    # Only what the activity has: a run without a power meter has no watts.
    present = {key: value for key, value in attributes.items() if value is not None}
    return present | {"url": data.activity_url(activity.id)}


LAST_ACTIVITY = IntervalsSensorEntityDescription(
    key="last_activity",
    translation_key="last_activity",
    device_class=SensorDeviceClass.TIMESTAMP,
    value_fn=_last_activity_start,
    attributes_fn=_last_activity_attributes,
)


def sensor_descriptions() -> Iterator[IntervalsSensorEntityDescription]:
    """Every sensor the integration can have."""
    for (group, metric, period), enabled in _TOTALS.items():
        yield _total(group, _METRICS[metric], period, enabled)
    yield from FITNESS_SENSORS
    yield from (_wellness(spec) for spec in _WELLNESS)
    for group in _SPORTS:
        yield from _thresholds(group)
    yield from POWER_MODEL_SENSORS
    yield LAST_ACTIVITY
    yield from WORKOUT_SENSORS


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of the sport groups that are switched on.

    Sensors of a group switched off in the options are removed from the entity
    registry, not left behind as unavailable.
    """
    coordinator = entry.runtime_data.coordinator
    wanted: list[IntervalsSensorEntityDescription] = []
    unwanted: set[str] = set()
    for description in sensor_descriptions():
        if description.group is None or description.group in coordinator.groups:
            wanted.append(description)
        else:
            unwanted.add(f"{coordinator.athlete_id}_{description.key}")
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.domain == SENSOR_DOMAIN and entity.unique_id in unwanted:
            registry.async_remove(entity.entity_id)
    async_add_entities(IntervalsSensor(coordinator, d) for d in wanted)


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


# The plan: read from the calendar events of the hourly update.
WORKOUT_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    IntervalsSensorEntityDescription(
        key="next_workout",
        translation_key="next_workout",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=next_workout_start,
        attributes_fn=next_workout_attributes,
    ),
)
