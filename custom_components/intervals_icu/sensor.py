"""Sensors: totals per sport group and period, fitness, wellness, the plan."""

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
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM, UnitSystem

from .aggregate import ALL, LastYear, Period, Totals
from .api import Event, Gear, SportInfo, SportSettings, Wellness
from .bests import POWER_TARGETS, RUN_TARGETS, SWIM_TARGETS, Best, Target
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator, IntervalsData
from .entity import IntervalsEntity, IntervalsGearEntity, async_add_gear_entities
from .goals import GoalStatus
from .planned import is_all_day, next_workout, next_workout_ends, summary
from .training import format_pace, latest_sport_info, settings_for

BPM = "bpm"

# Reads only the coordinator's snapshot; the coordinator does all the I/O.
PARALLEL_UPDATES = 0


def _km_or_mi(units: UnitSystem) -> str:
    """Long distances in the user's unit system (metres would show as feet)."""
    return (
        UnitOfLength.MILES if units is US_CUSTOMARY_SYSTEM else UnitOfLength.KILOMETERS
    )


def _lb_in_us(units: UnitSystem) -> str | None:
    return UnitOfMass.POUNDS if units is US_CUSTOMARY_SYSTEM else None


@dataclass(frozen=True, kw_only=True)
class _IntervalsSensorDescription(SensorEntityDescription):
    """What every sensor description of the integration has."""

    suggested_unit_fn: Callable[[UnitSystem], str | None] | None = None
    """The unit to show, by the user's unit system (as core's google_health does)."""
    group: str | None = None
    """The sport group the sensor belongs to; it exists only while the group is on."""


@dataclass(frozen=True, kw_only=True)
class IntervalsSensorEntityDescription(_IntervalsSensorDescription):
    """A sensor reading the snapshot."""

    value_fn: Callable[[IntervalsData], StateType | datetime]
    attributes_fn: Callable[[IntervalsData], dict[str, Any] | None] | None = None


@dataclass(frozen=True, kw_only=True)
class IntervalsTotalSensorEntityDescription(_IntervalsSensorDescription):
    """A sum over the activities of a group (or all) in a period."""

    total_of: str
    period: Period
    value_fn: Callable[[Totals], float | int]


@dataclass(frozen=True, kw_only=True)
class IntervalsWellnessSensorEntityDescription(_IntervalsSensorDescription):
    """A number of the newest wellness day that has it (today, else earlier)."""

    value_fn: Callable[[Wellness], float | None]


@dataclass(frozen=True, kw_only=True)
class IntervalsThresholdSensorEntityDescription(_IntervalsSensorDescription):
    """A threshold from the sport settings covering the group's types."""

    group: str
    value_fn: Callable[[SportSettings], float | None]
    attributes_fn: Callable[[SportSettings], dict[str, Any] | None] | None = None


@dataclass(frozen=True, kw_only=True)
class IntervalsWorkoutSensorEntityDescription(_IntervalsSensorDescription):
    """Something about the next planned workout."""

    value_fn: Callable[[Event, IntervalsData], StateType | datetime]
    attributes_fn: Callable[[Event, IntervalsData], dict[str, Any]] | None = None


# Totals: (metric, period) -> the groups that have the total, and those of
# them whose sensor is enabled by default. Groups are run, ride, swim and all.
_SPORTS = ("run", "ride", "swim")
_EVERY = (*_SPORTS, ALL)
_TOTALS: dict[tuple[str, Period], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("distance", Period.YEAR): (_EVERY, _EVERY),
    ("moving_time", Period.YEAR): (_EVERY, _EVERY),
    ("elevation_gain", Period.YEAR): (_SPORTS, ("run", "ride")),
    ("count", Period.YEAR): (_SPORTS, ()),
    ("training_load", Period.YEAR): (_EVERY, ()),
    ("distance", Period.MONTH): (_EVERY, ("run", "ride")),
    ("distance", Period.WEEK): (_EVERY, ("run", "ride", ALL)),
}


@dataclass(frozen=True, kw_only=True)
class _Metric:
    """One kind of total, described once for every group and period."""

    value: Callable[[Totals], float | int]
    device_class: SensorDeviceClass | None = None
    unit: str | None = None
    suggested_unit: str | None = None
    suggested_unit_fn: Callable[[UnitSystem], str | None] | None = None
    precision: int | None = None


_METRICS: dict[str, _Metric] = {
    "distance": _Metric(
        value=lambda t: t.distance,
        device_class=SensorDeviceClass.DISTANCE,
        unit=UnitOfLength.METERS,
        suggested_unit_fn=_km_or_mi,
        precision=1,
    ),
    "moving_time": _Metric(
        value=lambda t: t.moving_time,
        device_class=SensorDeviceClass.DURATION,
        unit=UnitOfTime.SECONDS,
        suggested_unit=UnitOfTime.HOURS,
        precision=1,
    ),
    # Metres: Home Assistant shows feet to US-customary users by itself.
    "elevation_gain": _Metric(
        value=lambda t: t.elevation_gain,
        device_class=SensorDeviceClass.DISTANCE,
        unit=UnitOfLength.METERS,
        precision=0,
    ),
    "count": _Metric(value=lambda t: t.count, unit="activities"),
    "training_load": _Metric(value=lambda t: t.training_load, precision=0),
}


def _totals() -> Iterator[IntervalsTotalSensorEntityDescription]:
    for (name, period), (groups, enabled) in _TOTALS.items():
        metric = _METRICS[name]
        for group in groups:
            key = f"{group}_{name}_{period.value}"
            yield IntervalsTotalSensorEntityDescription(
                key=key,
                translation_key=key,
                device_class=metric.device_class,
                native_unit_of_measurement=metric.unit,
                suggested_unit_of_measurement=metric.suggested_unit,
                suggested_unit_fn=metric.suggested_unit_fn,
                suggested_display_precision=metric.precision,
                state_class=SensorStateClass.TOTAL,
                entity_registry_enabled_default=group in enabled,
                total_of=group,
                period=period,
                value_fn=metric.value,
                group=None if group == ALL else group,
            )


def _last_year(
    group: str, read: Callable[[LastYear], float]
) -> Callable[[IntervalsData], StateType]:
    return lambda data: read(data.last_year[group])


def _goal(
    group: str, read: Callable[[GoalStatus], float | None]
) -> Callable[[IntervalsData], StateType]:
    return lambda data: read(data.goal(group))


def _history() -> Iterator[IntervalsSensorEntityDescription]:
    """Last year against this one, and the yearly goal, per group and `all`."""
    for group in _EVERY:
        yield from (
            IntervalsSensorEntityDescription(
                key=f"{group}_distance_last_year_to_date",
                translation_key=f"{group}_distance_last_year_to_date",
                device_class=SensorDeviceClass.DISTANCE,
                native_unit_of_measurement=UnitOfLength.METERS,
                suggested_unit_fn=_km_or_mi,
                suggested_display_precision=1,
                value_fn=_last_year(group, lambda y: y.to_date.distance),
                group=None if group == ALL else group,
            ),
            IntervalsSensorEntityDescription(
                key=f"{group}_distance_last_year",
                translation_key=f"{group}_distance_last_year",
                device_class=SensorDeviceClass.DISTANCE,
                native_unit_of_measurement=UnitOfLength.METERS,
                suggested_unit_fn=_km_or_mi,
                suggested_display_precision=1,
                value_fn=_last_year(group, lambda y: y.whole.distance),
                group=None if group == ALL else group,
            ),
            IntervalsSensorEntityDescription(
                key=f"{group}_moving_time_last_year_to_date",
                translation_key=f"{group}_moving_time_last_year_to_date",
                device_class=SensorDeviceClass.DURATION,
                native_unit_of_measurement=UnitOfTime.SECONDS,
                suggested_unit_of_measurement=UnitOfTime.HOURS,
                suggested_display_precision=1,
                value_fn=_last_year(group, lambda y: y.to_date.moving_time),
                group=None if group == ALL else group,
            ),
            # Unknown while no goal is set; the projection always has a value.
            IntervalsSensorEntityDescription(
                key=f"{group}_goal_progress",
                translation_key=f"{group}_goal_progress",
                native_unit_of_measurement=PERCENTAGE,
                state_class=SensorStateClass.MEASUREMENT,
                suggested_display_precision=1,
                value_fn=_goal(group, lambda status: status.progress),
                group=None if group == ALL else group,
            ),
            IntervalsSensorEntityDescription(
                key=f"{group}_goal_gap",
                translation_key=f"{group}_goal_gap",
                device_class=SensorDeviceClass.DISTANCE,
                native_unit_of_measurement=UnitOfLength.METERS,
                suggested_unit_fn=_km_or_mi,
                state_class=SensorStateClass.MEASUREMENT,
                suggested_display_precision=1,
                value_fn=_goal(group, lambda status: status.gap),
                group=None if group == ALL else group,
            ),
            IntervalsSensorEntityDescription(
                key=f"{group}_distance_projected",
                translation_key=f"{group}_distance_projected",
                device_class=SensorDeviceClass.DISTANCE,
                native_unit_of_measurement=UnitOfLength.METERS,
                suggested_unit_fn=_km_or_mi,
                state_class=SensorStateClass.MEASUREMENT,
                suggested_display_precision=1,
                value_fn=_goal(group, lambda status: status.projected),
                group=None if group == ALL else group,
            ),
        )


def _form(w: Wellness) -> float | None:
    """Form (TSB) is fitness minus fatigue of the same day."""
    return None if w.ctl is None or w.atl is None else w.ctl - w.atl


WELLNESS_SENSORS: tuple[IntervalsWellnessSensorEntityDescription, ...] = (
    IntervalsWellnessSensorEntityDescription(
        key="fitness",
        translation_key="fitness",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda w: w.ctl,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="fatigue",
        translation_key="fatigue",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda w: w.atl,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="form",
        translation_key="form",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=_form,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="ramp_rate",
        translation_key="ramp_rate",
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.ramp_rate,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="weight",
        translation_key="weight",
        device_class=SensorDeviceClass.WEIGHT,
        native_unit_of_measurement=UnitOfMass.KILOGRAMS,
        suggested_unit_fn=_lb_in_us,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda w: w.weight,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="resting_hr",
        translation_key="resting_hr",
        native_unit_of_measurement=BPM,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda w: w.resting_hr,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="hrv",
        translation_key="hrv",
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda w: w.hrv,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="hrv_sdnn",
        translation_key="hrv_sdnn",
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.hrv_sdnn,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="sleep_duration",
        translation_key="sleep_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda w: w.sleep_secs,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="sleep_score",
        translation_key="sleep_score",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.sleep_score,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="sleep_quality",
        translation_key="sleep_quality",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.sleep_quality,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="avg_sleeping_hr",
        translation_key="avg_sleeping_hr",
        native_unit_of_measurement=BPM,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.avg_sleeping_hr,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="spo2",
        translation_key="spo2",
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.spo2,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="readiness",
        translation_key="readiness",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.readiness,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="vo2max",
        translation_key="vo2max",
        native_unit_of_measurement="mL/kg/min",
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.vo2max,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="steps",
        translation_key="steps",
        native_unit_of_measurement="steps",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.steps,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="soreness",
        translation_key="soreness",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.soreness,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="fatigue_subjective",
        translation_key="fatigue_subjective",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.fatigue,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="stress",
        translation_key="stress",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.stress,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="mood",
        translation_key="mood",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.mood,
    ),
    IntervalsWellnessSensorEntityDescription(
        key="motivation",
        translation_key="motivation",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda w: w.motivation,
    ),
)


def _pace(settings: SportSettings) -> dict[str, Any] | None:
    """The threshold as the athlete reads it, e.g. `4:54 /km`."""
    if settings.threshold_pace is None:
        return None
    return {
        "pace": format_pace(settings.threshold_pace, settings.pace_units),
        "pace_units": settings.pace_units,
    }


THRESHOLD_SENSORS: tuple[IntervalsThresholdSensorEntityDescription, ...] = (
    IntervalsThresholdSensorEntityDescription(
        key="run_ftp",
        translation_key="run_ftp",
        group="run",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.ftp,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="run_lthr",
        translation_key="run_lthr",
        group="run",
        native_unit_of_measurement=BPM,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.lthr,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="run_max_hr",
        translation_key="run_max_hr",
        group="run",
        native_unit_of_measurement=BPM,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.max_hr,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="run_threshold_pace",
        translation_key="run_threshold_pace",
        group="run",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.METERS_PER_SECOND,
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: s.threshold_pace,
        attributes_fn=_pace,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="ride_ftp",
        translation_key="ride_ftp",
        group="ride",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: s.ftp,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="ride_lthr",
        translation_key="ride_lthr",
        group="ride",
        native_unit_of_measurement=BPM,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.lthr,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="ride_max_hr",
        translation_key="ride_max_hr",
        group="ride",
        native_unit_of_measurement=BPM,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.max_hr,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="ride_threshold_pace",
        translation_key="ride_threshold_pace",
        group="ride",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.METERS_PER_SECOND,
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.threshold_pace,
        attributes_fn=_pace,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="swim_ftp",
        translation_key="swim_ftp",
        group="swim",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.ftp,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="swim_lthr",
        translation_key="swim_lthr",
        group="swim",
        native_unit_of_measurement=BPM,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.lthr,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="swim_max_hr",
        translation_key="swim_max_hr",
        group="swim",
        native_unit_of_measurement=BPM,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.max_hr,
    ),
    IntervalsThresholdSensorEntityDescription(
        key="swim_threshold_pace",
        translation_key="swim_threshold_pace",
        group="swim",
        device_class=SensorDeviceClass.SPEED,
        native_unit_of_measurement=UnitOfSpeed.METERS_PER_SECOND,
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: s.threshold_pace,
        attributes_fn=_pace,
    ),
)


def _ride_model(data: IntervalsData) -> SportInfo | None:
    """Intervals.icu's newest power model for rides."""
    return latest_sport_info(data.wellness, "Ride")


def _eftp_per_kg(data: IntervalsData) -> float | None:
    model = _ride_model(data)
    weight = data.latest_wellness(lambda w: w.weight)
    if model is None or model.eftp is None or weight is None or weight[0] <= 0:
        return None
    return model.eftp / weight[0]


POWER_MODEL_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    IntervalsSensorEntityDescription(
        key="eftp",
        translation_key="eftp",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda d: None if (m := _ride_model(d)) is None else m.eftp,
        group="ride",
    ),
    IntervalsSensorEntityDescription(
        key="w_prime",
        translation_key="w_prime",
        # Anaerobic work capacity: energy the athlete can draw on above FTP.
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.JOULE,
        suggested_unit_of_measurement=UnitOfEnergy.KILO_JOULE,
        suggested_display_precision=1,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=lambda d: None if (m := _ride_model(d)) is None else m.w_prime,
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
        value_fn=lambda d: None if (m := _ride_model(d)) is None else m.p_max,
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
    return None if activity is None else activity.start(data.zone)


def _last_activity_attributes(data: IntervalsData) -> dict[str, Any] | None:
    """What identifies the activity; its numbers are sensors of their own."""
    if (activity := data.last_activity) is None:
        return None
    return {
        "id": activity.id,
        "name": activity.name,
        "type": activity.type,
        "url": data.activity_url(activity.id),
    }


LAST_ACTIVITY_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    IntervalsSensorEntityDescription(
        key="last_activity",
        translation_key="last_activity",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_last_activity_start,
        attributes_fn=_last_activity_attributes,
    ),
    IntervalsSensorEntityDescription(
        key="last_activity_distance",
        translation_key="last_activity_distance",
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.METERS,
        suggested_unit_fn=_km_or_mi,
        suggested_display_precision=2,
        value_fn=lambda d: None if (a := d.last_activity) is None else a.distance,
    ),
    IntervalsSensorEntityDescription(
        key="last_activity_moving_time",
        translation_key="last_activity_moving_time",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=lambda d: None if (a := d.last_activity) is None else a.moving_time,
    ),
    IntervalsSensorEntityDescription(
        key="last_activity_training_load",
        translation_key="last_activity_training_load",
        suggested_display_precision=0,
        value_fn=lambda d: None if (a := d.last_activity) is None else a.training_load,
    ),
    IntervalsSensorEntityDescription(
        key="last_activity_elevation_gain",
        translation_key="last_activity_elevation_gain",
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.METERS,
        suggested_display_precision=0,
        entity_registry_enabled_default=False,
        value_fn=lambda d: None if (a := d.last_activity) is None else a.elevation_gain,
    ),
    IntervalsSensorEntityDescription(
        key="last_activity_average_heart_rate",
        translation_key="last_activity_average_heart_rate",
        native_unit_of_measurement=BPM,
        suggested_display_precision=0,
        entity_registry_enabled_default=False,
        value_fn=lambda d: (
            None if (a := d.last_activity) is None else a.average_heartrate
        ),
    ),
    IntervalsSensorEntityDescription(
        key="last_activity_average_power",
        translation_key="last_activity_average_power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        suggested_display_precision=0,
        entity_registry_enabled_default=False,
        value_fn=lambda d: None if (a := d.last_activity) is None else a.average_watts,
    ),
)


def _workout_attributes(event: Event, data: IntervalsData) -> dict[str, Any]:
    """What identifies the workout and when it is: a day, and a time if it has one."""
    timed = not is_all_day(event)
    return {
        "id": event.id,
        "name": event.name,
        "type": event.type,
        "date": event.start_local.date().isoformat(),
        "all_day": not timed,
    } | (
        {"start": event.start_local.replace(tzinfo=data.zone).isoformat()}
        if timed
        else {}
    )


WORKOUT_SENSORS: tuple[IntervalsWorkoutSensorEntityDescription, ...] = (
    IntervalsWorkoutSensorEntityDescription(
        key="next_workout",
        translation_key="next_workout",
        value_fn=lambda e, _: summary(e),
        attributes_fn=_workout_attributes,
    ),
    IntervalsWorkoutSensorEntityDescription(
        key="next_workout_start",
        translation_key="next_workout_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        # A workout without a time of day has no start to show.
        value_fn=lambda e, d: (
            None if is_all_day(e) else e.start_local.replace(tzinfo=d.zone)
        ),
    ),
    IntervalsWorkoutSensorEntityDescription(
        key="next_workout_duration",
        translation_key="next_workout_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=lambda e, _: e.moving_time,
    ),
    IntervalsWorkoutSensorEntityDescription(
        key="next_workout_distance",
        translation_key="next_workout_distance",
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.METERS,
        suggested_unit_fn=_km_or_mi,
        suggested_display_precision=1,
        value_fn=lambda e, _: e.distance,
    ),
    IntervalsWorkoutSensorEntityDescription(
        key="next_workout_training_load",
        translation_key="next_workout_training_load",
        suggested_display_precision=0,
        value_fn=lambda e, _: e.training_load,
    ),
)


def sensor_descriptions() -> Iterator[_IntervalsSensorDescription]:
    """Every sensor the integration can have."""
    yield from _totals()
    yield from _history()
    yield from WELLNESS_SENSORS
    yield from THRESHOLD_SENSORS
    yield from POWER_MODEL_SENSORS
    yield from LAST_ACTIVITY_SENSORS
    yield from WORKOUT_SENSORS
    yield from BEST_SENSORS


def _entity(
    coordinator: IntervalsCoordinator, description: _IntervalsSensorDescription
) -> IntervalsSensorBase:
    if isinstance(description, IntervalsTotalSensorEntityDescription):
        return IntervalsTotalSensor(coordinator, description)
    if isinstance(description, IntervalsWellnessSensorEntityDescription):
        return IntervalsWellnessSensor(coordinator, description)
    if isinstance(description, IntervalsThresholdSensorEntityDescription):
        return IntervalsThresholdSensor(coordinator, description)
    if isinstance(description, IntervalsWorkoutSensorEntityDescription):
        return IntervalsWorkoutSensor(coordinator, description)
    assert isinstance(description, IntervalsSensorEntityDescription)
    return IntervalsSensor(coordinator, description)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of the sport groups that are switched on.

    Sensors of a group switched off in the options are removed from the entity
    registry, not left behind as unavailable.
    """
    coordinator = entry.runtime_data
    wanted: list[_IntervalsSensorDescription] = []
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
    async_add_entities(_entity(coordinator, d) for d in wanted)
    async_add_gear_entities(
        entry,
        SENSOR_DOMAIN,
        lambda gear: [IntervalsGearSensor(coordinator, gear, d) for d in GEAR_SENSORS],
        async_add_entities,
    )


class IntervalsSensorBase(IntervalsEntity, SensorEntity):
    """A sensor of the athlete's snapshot, shown in the user's units."""

    entity_description: _IntervalsSensorDescription

    @property
    @override
    def suggested_unit_of_measurement(self) -> str | None:
        """Kilometres or miles, by the unit system; else the description's."""
        if (suggested_unit_fn := self.entity_description.suggested_unit_fn) is not None:
            return suggested_unit_fn(self.hass.config.units)
        return super().suggested_unit_of_measurement


class IntervalsSensor(IntervalsSensorBase):
    """A value computed from the snapshot."""

    entity_description: IntervalsSensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType | date | datetime:
        """The value of this sensor in the snapshot."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """What identifies the record the value comes from."""
        if (attributes_fn := self.entity_description.attributes_fn) is None:
            return None
        return attributes_fn(self.coordinator.data)


class IntervalsTotalSensor(IntervalsSensorBase):
    """A total of a group and period, restarting when the period does."""

    entity_description: IntervalsTotalSensorEntityDescription

    @property
    @override
    def native_value(self) -> float | int:
        """The sum so far in the period."""
        description = self.entity_description
        totals = self.coordinator.data.totals[description.total_of][description.period]
        return description.value_fn(totals)

    @property
    @override
    def last_reset(self) -> datetime:
        """The start of the period, at the athlete's midnight."""
        return self.coordinator.data.period_start(self.entity_description.period)


class IntervalsWellnessSensor(IntervalsSensorBase):
    """The newest value of the last week's wellness days, and its day."""

    entity_description: IntervalsWellnessSensorEntityDescription

    @property
    @override
    def native_value(self) -> float | None:
        """The value of the newest day that has it."""
        found = self.coordinator.data.latest_wellness(self.entity_description.value_fn)
        return None if found is None else found[0]

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The athlete-local day the value belongs to."""
        found = self.coordinator.data.latest_wellness(self.entity_description.value_fn)
        return None if found is None else {"date": found[1].isoformat()}


class IntervalsThresholdSensor(IntervalsSensorBase):
    """A threshold of the sport settings that cover the group's activity types."""

    entity_description: IntervalsThresholdSensorEntityDescription

    def _settings(self) -> SportSettings | None:
        data = self.coordinator.data
        types = data.groups.get(self.entity_description.group, ())
        return settings_for(types, data.athlete.sport_settings)

    @property
    @override
    def native_value(self) -> float | None:
        """The threshold, if the athlete has set it."""
        settings = self._settings()
        return None if settings is None else self.entity_description.value_fn(settings)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """How the athlete reads the threshold (pace), where that differs."""
        settings = self._settings()
        if settings is None or (fn := self.entity_description.attributes_fn) is None:
            return None
        return fn(settings)


class IntervalsWorkoutSensor(IntervalsSensorBase):
    """The next planned workout, which moves on by itself.

    Not only at the hourly update: when a timed workout starts, or the day of
    one without a time ends, the next one takes its place at once.
    """

    entity_description: IntervalsWorkoutSensorEntityDescription
    _workout: Event | None = None
    _unsub_move_on: CALLBACK_TYPE | None = None

    def _find_workout(self) -> None:
        """Choose the workout for now, and wake up when it stops being next."""
        if self._unsub_move_on is not None:
            self._unsub_move_on()
            self._unsub_move_on = None
        data = self.coordinator.data
        now_local = dt_util.utcnow().astimezone(data.zone).replace(tzinfo=None)
        self._workout = next_workout(data.events, now_local)
        if self._workout is not None:
            self._unsub_move_on = async_track_point_in_utc_time(
                self.hass,
                self._async_move_on,
                dt_util.as_utc(next_workout_ends(self._workout, data.zone)),
            )

    @callback
    def _async_move_on(self, _now: datetime) -> None:
        self._unsub_move_on = None
        self._find_workout()
        self.async_write_ha_state()

    @override
    async def async_added_to_hass(self) -> None:
        """Choose the workout before the first state is written."""
        self._find_workout()
        await super().async_added_to_hass()

    @override
    async def async_will_remove_from_hass(self) -> None:
        """Forget the wake-up."""
        if self._unsub_move_on is not None:
            self._unsub_move_on()
            self._unsub_move_on = None
        await super().async_will_remove_from_hass()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        self._find_workout()
        super()._handle_coordinator_update()

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """The workout's summary, start, or planned number."""
        if self._workout is None:
            return None
        return self.entity_description.value_fn(self._workout, self.coordinator.data)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """What identifies the workout, and its day."""
        if (
            self._workout is None
            or (fn := self.entity_description.attributes_fn) is None
        ):
            return None
        return fn(self._workout, self.coordinator.data)


# Bests of the year, read off the curves ------------------------------------------

# Enabled by default: the bests most athletes follow.
_BESTS_ENABLED = frozenset(
    (
        "ride_best_power_5s",
        "ride_best_power_1min",
        "ride_best_power_5min",
        "ride_best_power_20min",
        "run_best_time_5k",
        "run_best_time_10k",
        "run_best_time_half_marathon",
        "swim_best_time_100m",
        "swim_best_time_400m",
    )
)


def _best(key: str) -> Callable[[IntervalsData], Best | None]:
    def read(data: IntervalsData) -> Best | None:
        return None if data.bests_gear is None else data.bests_gear.bests.get(key)

    return read


def _best_value(key: str) -> Callable[[IntervalsData], float | None]:
    read = _best(key)

    def value(data: IntervalsData) -> float | None:
        best = read(data)
        return None if best is None else best.value

    return value


def _best_source(data: IntervalsData, best: Best) -> dict[str, Any]:
    day = None
    if best.activity_id is not None and data.bests_gear is not None:
        day = data.bests_gear.activity_dates.get(best.activity_id)
    return {
        "activity_id": best.activity_id,
        "date": None if day is None else day.isoformat(),
        "url": None
        if best.activity_id is None
        else data.activity_url(best.activity_id),
    }


def _power_attributes(key: str) -> Callable[[IntervalsData], dict[str, Any] | None]:
    read = _best(key)

    def attributes(data: IntervalsData) -> dict[str, Any] | None:
        best = read(data)
        if best is None:
            return None
        return {"watts_per_kg": best.watts_per_kg, **_best_source(data, best)}

    return attributes


def _time_attributes(
    key: str, group: str
) -> Callable[[IntervalsData], dict[str, Any] | None]:
    read = _best(key)

    def attributes(data: IntervalsData) -> dict[str, Any] | None:
        best = read(data)
        if best is None:
            return None
        types = data.groups.get(group, ())
        settings = settings_for(types, data.athlete.sport_settings)
        units = None if settings is None else settings.pace_units
        if units is None:
            units = "SECS_100M" if group == "swim" else "MINS_KM"
        return {
            "pace": format_pace(best.speed, units),
            "pace_units": units,
            **_best_source(data, best),
        }

    return attributes


def _best_power(target: Target) -> IntervalsSensorEntityDescription:
    return IntervalsSensorEntityDescription(
        key=target.key,
        translation_key=target.key,
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=target.key in _BESTS_ENABLED,
        value_fn=_best_value(target.key),
        attributes_fn=_power_attributes(target.key),
        group="ride",
    )


def _best_time(target: Target, group: str) -> IntervalsSensorEntityDescription:
    return IntervalsSensorEntityDescription(
        key=target.key,
        translation_key=target.key,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=target.key in _BESTS_ENABLED,
        value_fn=_best_value(target.key),
        attributes_fn=_time_attributes(target.key, group),
        group=group,
    )


BEST_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    *(_best_power(t) for t in POWER_TARGETS),
    *(_best_time(t, "run") for t in RUN_TARGETS),
    *(_best_time(t, "swim") for t in SWIM_TARGETS),
)


# Gear: one device per item in use ---------------------------------------------


@dataclass(frozen=True, kw_only=True)
class IntervalsGearSensorEntityDescription(_IntervalsSensorDescription):
    """How one gear sensor reads its gear."""

    value_fn: Callable[[Gear], StateType]


GEAR_SENSORS: tuple[IntervalsGearSensorEntityDescription, ...] = (
    IntervalsGearSensorEntityDescription(
        key="distance",
        translation_key="gear_distance",
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.METERS,
        suggested_unit_fn=_km_or_mi,
        suggested_display_precision=0,
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda gear: gear.distance,
    ),
    IntervalsGearSensorEntityDescription(
        key="moving_time",
        translation_key="gear_moving_time",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=0,
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda gear: gear.time,
    ),
    IntervalsGearSensorEntityDescription(
        key="activities",
        translation_key="gear_activities",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda gear: gear.activities,
    ),
)


class IntervalsGearSensor(IntervalsGearEntity, SensorEntity):
    """A total of one piece of gear."""

    entity_description: IntervalsGearSensorEntityDescription

    @property
    @override
    def suggested_unit_of_measurement(self) -> str | None:
        """Kilometres or miles, by the unit system; else the description's."""
        if (suggested_unit_fn := self.entity_description.suggested_unit_fn) is not None:
            return suggested_unit_fn(self.hass.config.units)
        return super().suggested_unit_of_measurement

    @property
    @override
    def native_value(self) -> StateType:
        """The gear's total; unknown once the gear is gone."""
        gear = self.gear
        return None if gear is None else self.entity_description.value_fn(gear)
