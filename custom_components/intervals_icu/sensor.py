"""Sensors: totals per sport group and period, fitness, wellness, bests, the plan."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
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
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM, UnitSystem

from .api import Event, Gear, SportInfo, SportSettings, Wellness
from .coordinator import IntervalsConfigEntry
from .data import IntervalsData
from .entity import (
    IntervalsEntity,
    IntervalsGearEntity,
    async_add_gear_entities,
    async_remove_entities_of,
)
from .training.bests import POWER_TARGETS, RUN_TARGETS, SWIM_TARGETS, Best, Target
from .training.goals import GoalStatus
from .training.plan import is_all_day, next_workout, next_workout_ends, summary
from .training.readiness import FormZone, HrvStatus
from .training.thresholds import (
    format_pace,
    latest_sport_info,
    seconds_per,
    settings_for,
)
from .training.totals import ALL, LastYear, Period, Totals

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
class _UnitsDescription(SensorEntityDescription):
    """A sensor description whose shown unit may follow the unit system."""

    suggested_unit_fn: Callable[[UnitSystem], str | None] | None = None
    """The unit to show, by the user's unit system (as core's google_health does)."""


@dataclass(frozen=True, kw_only=True)
class IntervalsSensorEntityDescription(_UnitsDescription):
    """A sensor of the athlete: a value of the snapshot."""

    value_fn: Callable[[IntervalsData], StateType | datetime]
    attrs_fn: Callable[[IntervalsData], dict[str, Any] | None] | None = None
    last_reset_fn: Callable[[IntervalsData], datetime] | None = None
    changes_at_fn: Callable[[IntervalsData], datetime | None] | None = None
    """When the value changes by itself, without an update (a workout starts)."""
    group: str | None = None
    """The sport group the sensor belongs to; it exists only while the group is on."""


@dataclass(frozen=True, kw_only=True)
class IntervalsGearSensorEntityDescription(_UnitsDescription):
    """A sensor of a piece of gear."""

    value_fn: Callable[[Gear], StateType]


# Totals ------------------------------------------------------------------------

_SPORTS = ("run", "ride", "swim")
_EVERY = (*_SPORTS, ALL)

# (metric, period) -> the groups that have the total, and those of them whose
# sensor is enabled by default. Groups are run, ride, swim and all.
_TOTALS: dict[tuple[str, Period], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("distance", Period.YEAR): (_EVERY, _EVERY),
    ("moving_time", Period.YEAR): (_EVERY, (ALL,)),
    ("elevation_gain", Period.YEAR): (_SPORTS, ()),
    ("count", Period.YEAR): (_SPORTS, ()),
    ("training_load", Period.YEAR): (_EVERY, ()),
    ("distance", Period.MONTH): (_EVERY, ()),
    ("distance", Period.WEEK): (_EVERY, (ALL,)),
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


def _group_of(group: str) -> str | None:
    return None if group == ALL else group


def _total(
    group: str, period: Period, read: Callable[[Totals], float | int]
) -> Callable[[IntervalsData], StateType]:
    return lambda data: read(data.totals[group][period])


def _period_start(period: Period) -> Callable[[IntervalsData], datetime]:
    return lambda data: data.period_start(period)


def _totals() -> Iterator[IntervalsSensorEntityDescription]:
    for (name, period), (groups, enabled) in _TOTALS.items():
        metric = _METRICS[name]
        for group in groups:
            key = f"{group}_{name}_{period.value}"
            yield IntervalsSensorEntityDescription(
                key=key,
                translation_key=key,
                device_class=metric.device_class,
                native_unit_of_measurement=metric.unit,
                suggested_unit_of_measurement=metric.suggested_unit,
                suggested_unit_fn=metric.suggested_unit_fn,
                suggested_display_precision=metric.precision,
                state_class=SensorStateClass.TOTAL,
                entity_registry_enabled_default=group in enabled,
                value_fn=_total(group, period, metric.value),
                last_reset_fn=_period_start(period),
                group=_group_of(group),
            )


# Last year and the year's goal --------------------------------------------------


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
    distance: dict[str, Any] = {
        "device_class": SensorDeviceClass.DISTANCE,
        "native_unit_of_measurement": UnitOfLength.METERS,
        "suggested_unit_fn": _km_or_mi,
        "suggested_display_precision": 1,
    }
    for group in _EVERY:
        yield from (
            IntervalsSensorEntityDescription(
                key=f"{group}_distance_last_year_to_date",
                translation_key=f"{group}_distance_last_year_to_date",
                entity_registry_enabled_default=False,
                value_fn=_last_year(group, lambda y: y.to_date.distance),
                group=_group_of(group),
                **distance,
            ),
            IntervalsSensorEntityDescription(
                key=f"{group}_distance_last_year",
                translation_key=f"{group}_distance_last_year",
                entity_registry_enabled_default=False,
                value_fn=_last_year(group, lambda y: y.whole.distance),
                group=_group_of(group),
                **distance,
            ),
            IntervalsSensorEntityDescription(
                key=f"{group}_moving_time_last_year_to_date",
                translation_key=f"{group}_moving_time_last_year_to_date",
                device_class=SensorDeviceClass.DURATION,
                native_unit_of_measurement=UnitOfTime.SECONDS,
                suggested_unit_of_measurement=UnitOfTime.HOURS,
                suggested_display_precision=1,
                entity_registry_enabled_default=False,
                value_fn=_last_year(group, lambda y: y.to_date.moving_time),
                group=_group_of(group),
            ),
            # Unknown while no goal is set; the projection always has a value.
            IntervalsSensorEntityDescription(
                key=f"{group}_goal_progress",
                translation_key=f"{group}_goal_progress",
                native_unit_of_measurement=PERCENTAGE,
                state_class=SensorStateClass.MEASUREMENT,
                suggested_display_precision=1,
                value_fn=_goal(group, lambda status: status.progress),
                group=_group_of(group),
            ),
            IntervalsSensorEntityDescription(
                key=f"{group}_goal_gap",
                translation_key=f"{group}_goal_gap",
                state_class=SensorStateClass.MEASUREMENT,
                entity_registry_enabled_default=False,
                value_fn=_goal(group, lambda status: status.gap),
                group=_group_of(group),
                **distance,
            ),
            IntervalsSensorEntityDescription(
                key=f"{group}_distance_projected",
                translation_key=f"{group}_distance_projected",
                state_class=SensorStateClass.MEASUREMENT,
                entity_registry_enabled_default=False,
                value_fn=_goal(group, lambda status: status.projected),
                group=_group_of(group),
                **distance,
            ),
        )


# Wellness: the newest value of the last days ------------------------------------


def _form(w: Wellness) -> float | None:
    """Form (TSB) is fitness minus fatigue of the same day."""
    return None if w.ctl is None or w.atl is None else w.ctl - w.atl


def _newest(
    read: Callable[[Wellness], float | None],
) -> Callable[[IntervalsData], StateType]:
    def value(data: IntervalsData) -> StateType:
        found = data.latest_wellness(read)
        return None if found is None else found[0]

    return value


def _newest_day(
    read: Callable[[Wellness], float | None],
) -> Callable[[IntervalsData], dict[str, Any] | None]:
    def attributes(data: IntervalsData) -> dict[str, Any] | None:
        found = data.latest_wellness(read)
        return None if found is None else {"date": found[1].isoformat()}

    return attributes


@dataclass(frozen=True, kw_only=True)
class _Wellness:
    """One wellness value, described once."""

    read: Callable[[Wellness], float | None]
    precision: int
    enabled: bool = False
    unit: str | None = None
    device_class: SensorDeviceClass | None = None
    suggested_unit: str | None = None
    suggested_unit_fn: Callable[[UnitSystem], str | None] | None = None


_WELLNESS: dict[str, _Wellness] = {
    "fitness": _Wellness(read=lambda w: w.ctl, precision=1, enabled=True),
    "fatigue": _Wellness(read=lambda w: w.atl, precision=1, enabled=True),
    "form": _Wellness(read=_form, precision=1, enabled=True),
    "ramp_rate": _Wellness(read=lambda w: w.ramp_rate, precision=1),
    "weight": _Wellness(
        read=lambda w: w.weight,
        precision=1,
        enabled=True,
        unit=UnitOfMass.KILOGRAMS,
        device_class=SensorDeviceClass.WEIGHT,
        suggested_unit_fn=_lb_in_us,
    ),
    "resting_hr": _Wellness(
        read=lambda w: w.resting_hr, precision=0, enabled=True, unit=BPM
    ),
    "hrv": _Wellness(
        read=lambda w: w.hrv,
        precision=0,
        enabled=True,
        unit=UnitOfTime.MILLISECONDS,
    ),
    "hrv_sdnn": _Wellness(
        read=lambda w: w.hrv_sdnn, precision=0, unit=UnitOfTime.MILLISECONDS
    ),
    "sleep_duration": _Wellness(
        read=lambda w: w.sleep_secs,
        precision=1,
        enabled=True,
        unit=UnitOfTime.SECONDS,
        device_class=SensorDeviceClass.DURATION,
        suggested_unit=UnitOfTime.HOURS,
    ),
    "sleep_score": _Wellness(read=lambda w: w.sleep_score, precision=0),
    "sleep_quality": _Wellness(read=lambda w: w.sleep_quality, precision=0),
    "avg_sleeping_hr": _Wellness(
        read=lambda w: w.avg_sleeping_hr, precision=0, unit=BPM
    ),
    "spo2": _Wellness(read=lambda w: w.spo2, precision=0, unit=PERCENTAGE),
    "readiness": _Wellness(read=lambda w: w.readiness, precision=0),
    "vo2max": _Wellness(read=lambda w: w.vo2max, precision=1, unit="mL/kg/min"),
    "steps": _Wellness(read=lambda w: w.steps, precision=0, unit="steps"),
    "soreness": _Wellness(read=lambda w: w.soreness, precision=0),
    "fatigue_subjective": _Wellness(read=lambda w: w.fatigue, precision=0),
    "stress": _Wellness(read=lambda w: w.stress, precision=0),
    "mood": _Wellness(read=lambda w: w.mood, precision=0),
    "motivation": _Wellness(read=lambda w: w.motivation, precision=0),
}

WELLNESS_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = tuple(
    IntervalsSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=w.device_class,
        native_unit_of_measurement=w.unit,
        suggested_unit_of_measurement=w.suggested_unit,
        suggested_unit_fn=w.suggested_unit_fn,
        suggested_display_precision=w.precision,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=w.enabled,
        value_fn=_newest(w.read),
        attrs_fn=_newest_day(w.read),
    )
    for key, w in _WELLNESS.items()
)


# Readiness: the zone of today's form, the HRV trend -------------------------------


def _form_zone(data: IntervalsData) -> StateType:
    form = data.form()
    return None if form is None else form.zone.value


def _form_zone_attributes(data: IntervalsData) -> dict[str, Any] | None:
    """The day and the form the zone is of (as % of fitness if the athlete reads so)."""
    if (form := data.form()) is None:
        return None
    attributes: dict[str, Any] = {"date": form.day.isoformat(), "form": form.value}
    if form.as_percent:
        attributes["form_percent"] = form.compared
    return attributes


def _hrv_status(data: IntervalsData) -> StateType:
    status = None if data.hrv is None else data.hrv.status
    return None if status is None else status.value


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _hrv_attributes(data: IntervalsData) -> dict[str, Any] | None:
    """The 7-day mean and the normal range in ms, and the days they are from."""
    if (trend := data.hrv) is None:
        return None
    return {
        "mean_7_days_ms": _ms(trend.mean_ms),
        "normal_low_ms": _ms(trend.low_ms),
        "normal_high_ms": _ms(trend.high_ms),
        "days_measured_7": trend.window_days,
        "days_measured_60": trend.baseline_days,
    }


READINESS_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    IntervalsSensorEntityDescription(
        key="form_zone",
        translation_key="form_zone",
        device_class=SensorDeviceClass.ENUM,
        options=[zone.value for zone in FormZone],
        value_fn=_form_zone,
        attrs_fn=_form_zone_attributes,
    ),
    IntervalsSensorEntityDescription(
        key="hrv_status",
        translation_key="hrv_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in HrvStatus],
        # Only for athletes whose device measures HRV; unknown for the rest.
        entity_registry_enabled_default=False,
        value_fn=_hrv_status,
        attrs_fn=_hrv_attributes,
    ),
)


# Thresholds: the sport settings covering a group's types -------------------------


def _settings(data: IntervalsData, group: str) -> SportSettings | None:
    return settings_for(data.groups.get(group, ()), data.athlete.sport_settings)


def _threshold(
    group: str, read: Callable[[SportSettings], float | None]
) -> Callable[[IntervalsData], StateType]:
    def value(data: IntervalsData) -> StateType:
        settings = _settings(data, group)
        return None if settings is None else read(settings)

    return value


def _pace_units(data: IntervalsData, group: str) -> str:
    return data.pace_units(group)


def _pace(group: str) -> Callable[[IntervalsData], StateType]:
    """The threshold pace as the athlete reads it, e.g. `3:52 /km`."""

    def value(data: IntervalsData) -> StateType:
        settings = _settings(data, group)
        speed = None if settings is None else settings.threshold_pace
        return format_pace(speed, _pace_units(data, group))

    return value


def _pace_attributes(group: str) -> Callable[[IntervalsData], dict[str, Any] | None]:
    """The pace as numbers, for automations: seconds per its distance, and m/s."""

    def attributes(data: IntervalsData) -> dict[str, Any] | None:
        settings = _settings(data, group)
        if settings is None or not settings.threshold_pace:
            return None
        units = _pace_units(data, group)
        return {
            "pace_units": units,
            "seconds_per_unit": round(seconds_per(settings.threshold_pace, units), 1),
            "speed_m_s": settings.threshold_pace,
        }

    return attributes


def _km_h_or_mph(units: UnitSystem) -> str:
    return (
        UnitOfSpeed.MILES_PER_HOUR
        if units is US_CUSTOMARY_SYSTEM
        else UnitOfSpeed.KILOMETERS_PER_HOUR
    )


@dataclass(frozen=True, kw_only=True)
class _Threshold:
    """One threshold, described once for every group."""

    read: Callable[[SportSettings], float | None]
    enabled: tuple[str, ...]
    """The groups whose sensor is enabled by default."""
    unit: str
    device_class: SensorDeviceClass | None = None
    precision: int | None = None
    suggested_unit_fn: Callable[[UnitSystem], str | None] | None = None


_THRESHOLDS: dict[str, _Threshold] = {
    "ftp": _Threshold(
        read=lambda s: s.ftp,
        enabled=("ride",),
        unit=UnitOfPower.WATT,
        device_class=SensorDeviceClass.POWER,
    ),
    "lthr": _Threshold(read=lambda s: s.lthr, enabled=(), unit=BPM),
    "max_hr": _Threshold(read=lambda s: s.max_hr, enabled=(), unit=BPM),
    # The speed, for graphs and automations; the pace below is what people read.
    "threshold_speed": _Threshold(
        read=lambda s: s.threshold_pace,
        enabled=(),
        unit=UnitOfSpeed.METERS_PER_SECOND,
        device_class=SensorDeviceClass.SPEED,
        precision=1,
        suggested_unit_fn=_km_h_or_mph,
    ),
}

THRESHOLD_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    *(
        IntervalsSensorEntityDescription(
            key=f"{group}_{name}",
            translation_key=f"{group}_{name}",
            device_class=t.device_class,
            native_unit_of_measurement=t.unit,
            suggested_unit_fn=t.suggested_unit_fn,
            suggested_display_precision=t.precision,
            state_class=SensorStateClass.MEASUREMENT,
            entity_registry_enabled_default=group in t.enabled,
            value_fn=_threshold(group, t.read),
            group=group,
        )
        for group in _SPORTS
        for name, t in _THRESHOLDS.items()
    ),
    # Threshold pace as athletes know it: mm:ss per km (mi), per 100 m (yd).
    *(
        IntervalsSensorEntityDescription(
            key=f"{group}_threshold_pace",
            translation_key=f"{group}_threshold_pace",
            entity_registry_enabled_default=group in ("run", "swim"),
            value_fn=_pace(group),
            attrs_fn=_pace_attributes(group),
            group=group,
        )
        for group in _SPORTS
    ),
)


# The ride power model --------------------------------------------------------------


def _ride_model(
    read: Callable[[SportInfo], float | None],
) -> Callable[[IntervalsData], StateType]:
    """A number of Intervals.icu's newest power model for rides."""

    def value(data: IntervalsData) -> StateType:
        model = latest_sport_info(data.wellness, "Ride")
        return None if model is None else read(model)

    return value


def _eftp_per_kg(data: IntervalsData) -> float | None:
    model = latest_sport_info(data.wellness, "Ride")
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
        value_fn=_ride_model(lambda m: m.eftp),
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
        value_fn=_ride_model(lambda m: m.w_prime),
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
        value_fn=_ride_model(lambda m: m.p_max),
        group="ride",
    ),
    IntervalsSensorEntityDescription(
        key="eftp_per_kg",
        translation_key="eftp_per_kg",
        native_unit_of_measurement="W/kg",
        suggested_display_precision=2,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=_eftp_per_kg,
        group="ride",
    ),
)


# The last activity -------------------------------------------------------------------


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
        attrs_fn=_last_activity_attributes,
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
        # A number with a state class: shown in the user's locale, with statistics.
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
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


# The next workout: it moves on by itself when it starts (or its day ends) ------------


def _next_workout(data: IntervalsData) -> Event | None:
    now_local = dt_util.utcnow().astimezone(data.zone).replace(tzinfo=None)
    return next_workout(data.events, now_local)


def _workout(
    read: Callable[[Event, IntervalsData], StateType | datetime],
) -> Callable[[IntervalsData], StateType | datetime]:
    def value(data: IntervalsData) -> StateType | datetime:
        workout = _next_workout(data)
        return None if workout is None else read(workout, data)

    return value


def _workout_ends(data: IntervalsData) -> datetime | None:
    workout = _next_workout(data)
    return None if workout is None else next_workout_ends(workout, data.zone)


def _workout_attributes(data: IntervalsData) -> dict[str, Any] | None:
    """What identifies the workout and when it is: a day, and a time if it has one."""
    if (event := _next_workout(data)) is None:
        return None
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


WORKOUT_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    IntervalsSensorEntityDescription(
        key="next_workout",
        translation_key="next_workout",
        value_fn=_workout(lambda e, _: summary(e)),
        attrs_fn=_workout_attributes,
        changes_at_fn=_workout_ends,
    ),
    IntervalsSensorEntityDescription(
        key="next_workout_start",
        translation_key="next_workout_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        # A workout without a time of day has no start to show.
        value_fn=_workout(
            lambda e, d: None if is_all_day(e) else e.start_local.replace(tzinfo=d.zone)
        ),
        changes_at_fn=_workout_ends,
    ),
    IntervalsSensorEntityDescription(
        key="next_workout_duration",
        translation_key="next_workout_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        value_fn=_workout(lambda e, _: e.moving_time),
        changes_at_fn=_workout_ends,
    ),
    IntervalsSensorEntityDescription(
        key="next_workout_distance",
        translation_key="next_workout_distance",
        device_class=SensorDeviceClass.DISTANCE,
        native_unit_of_measurement=UnitOfLength.METERS,
        suggested_unit_fn=_km_or_mi,
        suggested_display_precision=1,
        entity_registry_enabled_default=False,
        value_fn=_workout(lambda e, _: e.distance),
        changes_at_fn=_workout_ends,
    ),
    IntervalsSensorEntityDescription(
        key="next_workout_training_load",
        translation_key="next_workout_training_load",
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=_workout(lambda e, _: e.training_load),
        changes_at_fn=_workout_ends,
    ),
)


# Bests of the year, read off the curves ----------------------------------------------

# Enabled by default: the bests most athletes follow.
_BESTS_ENABLED = frozenset(
    (
        "ride_best_power_5min",
        "ride_best_power_20min",
        "run_best_time_5k",
        "run_best_time_10k",
        "swim_best_time_100m",
    )
)


def _best(data: IntervalsData, key: str) -> Best | None:
    return None if data.bests_gear is None else data.bests_gear.bests.get(key)


def _best_value(key: str) -> Callable[[IntervalsData], StateType]:
    def value(data: IntervalsData) -> StateType:
        best = _best(data, key)
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
    def attributes(data: IntervalsData) -> dict[str, Any] | None:
        if (best := _best(data, key)) is None:
            return None
        return {"watts_per_kg": best.watts_per_kg, **_best_source(data, best)}

    return attributes


def _time_attributes(
    key: str, group: str
) -> Callable[[IntervalsData], dict[str, Any] | None]:
    def attributes(data: IntervalsData) -> dict[str, Any] | None:
        if (best := _best(data, key)) is None:
            return None
        units = _pace_units(data, group)
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
        attrs_fn=_power_attributes(target.key),
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
        attrs_fn=_time_attributes(target.key, group),
        group=group,
    )


BEST_SENSORS: tuple[IntervalsSensorEntityDescription, ...] = (
    *(_best_power(t) for t in POWER_TARGETS),
    *(_best_time(t, "run") for t in RUN_TARGETS),
    *(_best_time(t, "swim") for t in SWIM_TARGETS),
)


# Gear: one device per item in use ----------------------------------------------------

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


def sensor_descriptions() -> Iterator[IntervalsSensorEntityDescription]:
    """Every sensor of the athlete the integration can have."""
    yield from _totals()
    yield from _history()
    yield from WELLNESS_SENSORS
    yield from READINESS_SENSORS
    yield from THRESHOLD_SENSORS
    yield from POWER_MODEL_SENSORS
    yield from LAST_ACTIVITY_SENSORS
    yield from WORKOUT_SENSORS
    yield from BEST_SENSORS


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of the sport groups that are switched on, and of gear."""
    coordinator = entry.runtime_data
    wanted: list[IntervalsSensorEntityDescription] = []
    unwanted: list[str] = []
    for description in sensor_descriptions():
        if description.group is None or description.group in coordinator.groups:
            wanted.append(description)
        else:
            unwanted.append(f"{coordinator.athlete_id}_{description.key}")
    async_remove_entities_of(entry, SENSOR_DOMAIN, unwanted)
    async_add_entities(IntervalsSensor(coordinator, d) for d in wanted)
    async_add_gear_entities(
        entry,
        SENSOR_DOMAIN,
        lambda gear: [IntervalsGearSensor(coordinator, gear, d) for d in GEAR_SENSORS],
        async_add_entities,
    )


class _UnitSystemSensor(SensorEntity):
    """Shows its value in the unit its description picks for the unit system."""

    entity_description: _UnitsDescription

    @property
    @override
    def suggested_unit_of_measurement(self) -> str | None:
        """Kilometres or miles, by the unit system; else the description's."""
        if (suggested_unit_fn := self.entity_description.suggested_unit_fn) is not None:
            return suggested_unit_fn(self.hass.config.units)
        return super().suggested_unit_of_measurement


class IntervalsSensor(IntervalsEntity, _UnitSystemSensor):
    """A value of the athlete's snapshot."""

    entity_description: IntervalsSensorEntityDescription
    _unsub_change: CALLBACK_TYPE | None = None

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """The value of this sensor in the snapshot."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """What identifies the record the value comes from."""
        if (attrs_fn := self.entity_description.attrs_fn) is None:
            return None
        return attrs_fn(self.coordinator.data)

    @property
    @override
    def last_reset(self) -> datetime | None:
        """The start of a total's period, at the athlete's midnight."""
        if (last_reset_fn := self.entity_description.last_reset_fn) is None:
            return None
        return last_reset_fn(self.coordinator.data)

    @override
    async def async_added_to_hass(self) -> None:
        """Wake up when the value changes by itself (the next workout starts)."""
        await super().async_added_to_hass()
        self._schedule_change()
        self.async_on_remove(self._cancel_change)

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        self._schedule_change()
        super()._handle_coordinator_update()

    def _schedule_change(self) -> None:
        self._cancel_change()
        changes_at_fn = self.entity_description.changes_at_fn
        if changes_at_fn is None or self.coordinator.data is None:
            return
        if (when := changes_at_fn(self.coordinator.data)) is not None:
            self._unsub_change = async_track_point_in_utc_time(
                self.hass, self._async_changed, dt_util.as_utc(when)
            )

    @callback
    def _async_changed(self, _now: datetime) -> None:
        self._unsub_change = None
        self._schedule_change()
        self.async_write_ha_state()

    @callback
    def _cancel_change(self) -> None:
        if self._unsub_change is not None:
            self._unsub_change()
            self._unsub_change = None


class IntervalsGearSensor(IntervalsGearEntity, _UnitSystemSensor):
    """A total of one piece of gear."""

    entity_description: IntervalsGearSensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType:
        """The gear's total; unknown once the gear is gone."""
        gear = self.gear
        return None if gear is None else self.entity_description.value_fn(gear)
