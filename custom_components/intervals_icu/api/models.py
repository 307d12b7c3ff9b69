"""Typed, immutable views of what Intervals.icu returns, parsed defensively.

Missing and null fields are normal and become None. A value of the wrong type
(a string where a number belongs, a list where an object belongs) means the
response cannot be trusted, so it raises IntervalsResponseError: a sensor is
better unavailable than silently wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
import math
from typing import Any

from .errors import IntervalsResponseError

STRAVA = "STRAVA"


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise IntervalsResponseError(f"{what} is not a JSON object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise IntervalsResponseError(f"{what} is not a JSON list")
    return value


def _num(raw: Mapping[str, Any], key: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    # bool is an int subclass; a true/false distance is not a number.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IntervalsResponseError(f"field {key!r} is not a number")
    try:
        number = float(value)
    except OverflowError as err:
        # JSON integers have no size limit; floats do.
        raise IntervalsResponseError(f"field {key!r} is out of range") from err
    if not math.isfinite(number):
        raise IntervalsResponseError(f"field {key!r} is not finite")
    return number


def _str(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise IntervalsResponseError(f"field {key!r} is not a string")
    return value


def _bool(raw: Mapping[str, Any], key: str) -> bool | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise IntervalsResponseError(f"field {key!r} is not a boolean")
    return value


def _id(raw: Mapping[str, Any], key: str = "id") -> str:
    value = raw.get(key)
    # Activity ids are strings, event and settings ids integers; both identify.
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise IntervalsResponseError(f"record without a usable {key!r}")


def parse_local_datetime(value: str) -> datetime:
    """Parse an athlete-local `YYYY-MM-DDTHH:MM:SS` into a naive datetime."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise IntervalsResponseError("malformed local date-time") from err
    # Local times carry no zone; if one is given anyway, the wall time stands.
    return parsed.replace(tzinfo=None)


def _local_dt(raw: Mapping[str, Any], key: str) -> datetime | None:
    value = _str(raw, key)
    return None if value is None else parse_local_datetime(value)


def _date(raw: Mapping[str, Any], key: str) -> date:
    value = _str(raw, key)
    if value is None:
        raise IntervalsResponseError(f"record without {key!r}")
    try:
        return date.fromisoformat(value[:10])
    except ValueError as err:
        raise IntervalsResponseError(f"malformed date in {key!r}") from err


def _str_tuple(raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    items = _list(value, key)
    if not all(isinstance(item, str) for item in items):
        raise IntervalsResponseError(f"field {key!r} is not a list of strings")
    return tuple(items)


@dataclass(frozen=True, slots=True, kw_only=True)
class SportSettings:
    """Thresholds of one group of activity types."""

    types: tuple[str, ...]
    ftp: float | None = None
    indoor_ftp: float | None = None
    lthr: float | None = None
    max_hr: float | None = None
    threshold_pace: float | None = None
    """A speed in m/s, whatever `pace_units` says."""
    pace_units: str | None = None
    w_prime: float | None = None
    p_max: float | None = None

    @classmethod
    def from_json(cls, value: Any) -> SportSettings:
        """Parse one entry of `sportSettings`."""
        raw = _obj(value, "sport settings")
        return cls(
            types=_str_tuple(raw, "types"),
            ftp=_num(raw, "ftp"),
            indoor_ftp=_num(raw, "indoor_ftp"),
            lthr=_num(raw, "lthr"),
            max_hr=_num(raw, "max_hr"),
            threshold_pace=_num(raw, "threshold_pace"),
            pace_units=_str(raw, "pace_units"),
            w_prime=_num(raw, "w_prime"),
            p_max=_num(raw, "p_max"),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Athlete:
    """The athlete record, without anything the integration has no use for."""

    id: str
    name: str | None
    timezone: str | None
    sport_settings: tuple[SportSettings, ...] = ()

    @classmethod
    def from_json(cls, value: Any) -> Athlete:
        """Parse `GET /api/v1/athlete/{id}`; the API key it carries is dropped."""
        raw = _obj(value, "athlete")
        settings = raw.get("sportSettings")
        return cls(
            id=_id(raw),
            name=_str(raw, "name"),
            timezone=_str(raw, "timezone"),
            sport_settings=tuple(
                SportSettings.from_json(item)
                for item in (
                    [] if settings is None else _list(settings, "sportSettings")
                )
            ),
        )


type JsonScalar = str | float | bool | None
"""A value of a model's `as_dict()`: what JSON, an event or an action response holds."""


# Activity attribute -> the API's field, in the order the attributes are declared.
# The list the client asks for with `fields=` is made from it, so that an
# activity costs about a hundred bytes instead of a few kilobytes.
ACTIVITY_API_FIELDS: dict[str, str] = {
    "id": "id",
    "start_local": "start_date_local",
    "type": "type",
    "name": "name",
    "distance": "distance",
    "moving_time": "moving_time",
    "elapsed_time": "elapsed_time",
    "elevation_gain": "total_elevation_gain",
    "training_load": "icu_training_load",
    "average_heartrate": "average_heartrate",
    "average_watts": "icu_average_watts",
    "source": "source",
}
ACTIVITY_FIELDS: tuple[str, ...] = tuple(ACTIVITY_API_FIELDS.values())
"""Every field of an activity the integration reads."""
TOTALS_ATTRIBUTES: tuple[str, ...] = (
    "id",
    "start_local",
    "type",
    "distance",
    "moving_time",
    "elevation_gain",
    "training_load",
)
"""What a total needs of an activity: the daily re-read of the year asks only these."""
TOTALS_FIELDS: tuple[str, ...] = tuple(
    ACTIVITY_API_FIELDS[attr] for attr in TOTALS_ATTRIBUTES
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """One activity, in SI units, its start in the athlete's local time."""

    id: str
    start_local: datetime
    type: str | None = None
    name: str | None = None
    distance: float | None = None
    moving_time: float | None = None
    elapsed_time: float | None = None
    elevation_gain: float | None = None
    training_load: float | None = None
    average_heartrate: float | None = None
    average_watts: float | None = None
    source: str | None = None
    is_stub: bool = False
    """A Strava-synced activity the API will not hand out: count it, never sum it."""

    @classmethod
    def from_json(cls, value: Any) -> Activity:
        """Parse one element of the activities list."""
        raw = _obj(value, "activity")
        start = _local_dt(raw, "start_date_local")
        if start is None:
            raise IntervalsResponseError("activity without start_date_local")
        source = _str(raw, "source")
        activity_type = _str(raw, "type")
        return cls(
            id=_id(raw),
            start_local=start,
            type=activity_type,
            name=_str(raw, "name"),
            distance=_num(raw, "distance"),
            moving_time=_num(raw, "moving_time"),
            elapsed_time=_num(raw, "elapsed_time"),
            elevation_gain=_num(raw, "total_elevation_gain"),
            training_load=_num(raw, "icu_training_load"),
            average_heartrate=_num(raw, "average_heartrate"),
            average_watts=_num(raw, "icu_average_watts"),
            source=source,
            is_stub="_note" in raw or (source == STRAVA and activity_type is None),
        )

    def with_totals_of(self, reduced: Activity) -> Activity:
        """The activity with what a TOTALS_FIELDS read of it says now.

        The name, heart rate, power and source stay as they were read in full.
        """
        return replace(
            self,
            start_local=reduced.start_local,
            type=reduced.type,
            distance=reduced.distance,
            moving_time=reduced.moving_time,
            elevation_gain=reduced.elevation_gain,
            training_load=reduced.training_load,
            is_stub=reduced.is_stub or (self.source == STRAVA and reduced.type is None),
        )

    def as_dict(self) -> dict[str, JsonScalar]:
        """The activity in SI units, each number's unit in its name."""
        return {
            "id": self.id,
            "start_local": self.start_local.isoformat(),
            "type": self.type,
            "name": self.name,
            "distance_m": self.distance,
            "moving_time_s": self.moving_time,
            "elapsed_time_s": self.elapsed_time,
            "elevation_gain_m": self.elevation_gain,
            "training_load": self.training_load,
            "average_heartrate_bpm": self.average_heartrate,
            "average_watts_w": self.average_watts,
            "source": self.source,
            "strava_stub": self.is_stub,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class SportInfo:
    """The power model Intervals.icu fits for one sport."""

    type: str | None
    eftp: float | None
    w_prime: float | None
    p_max: float | None

    @classmethod
    def from_json(cls, value: Any) -> SportInfo:
        """Parse one element of `sportInfo`."""
        raw = _obj(value, "sportInfo")
        return cls(
            type=_str(raw, "type"),
            eftp=_num(raw, "eftp"),
            w_prime=_num(raw, "wPrime"),
            p_max=_num(raw, "pMax"),
        )


# Wellness attribute name -> JSON field name.
WELLNESS_FIELDS: dict[str, str] = {
    "ctl": "ctl",
    "atl": "atl",
    "ramp_rate": "rampRate",
    "weight": "weight",
    "resting_hr": "restingHR",
    "hrv": "hrv",
    "hrv_sdnn": "hrvSDNN",
    "sleep_secs": "sleepSecs",
    "sleep_score": "sleepScore",
    "sleep_quality": "sleepQuality",
    "avg_sleeping_hr": "avgSleepingHR",
    "spo2": "spO2",
    "readiness": "readiness",
    "vo2max": "vo2max",
    "steps": "steps",
    "soreness": "soreness",
    "fatigue": "fatigue",
    "stress": "stress",
    "mood": "mood",
    "motivation": "motivation",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Wellness:
    """One athlete-local day of wellness and fitness numbers."""

    day: date
    ctl: float | None = None
    atl: float | None = None
    ramp_rate: float | None = None
    weight: float | None = None
    resting_hr: float | None = None
    hrv: float | None = None
    hrv_sdnn: float | None = None
    sleep_secs: float | None = None
    sleep_score: float | None = None
    sleep_quality: float | None = None
    avg_sleeping_hr: float | None = None
    spo2: float | None = None
    readiness: float | None = None
    vo2max: float | None = None
    steps: float | None = None
    soreness: float | None = None
    fatigue: float | None = None
    stress: float | None = None
    mood: float | None = None
    motivation: float | None = None
    sport_info: tuple[SportInfo, ...] = ()

    @classmethod
    def from_json(cls, value: Any) -> Wellness:
        """Parse one wellness record; its `id` is the date."""
        raw = _obj(value, "wellness")
        sport_info = raw.get("sportInfo")
        return cls(
            day=_date(raw, "id"),
            sport_info=tuple(
                SportInfo.from_json(item)
                for item in (
                    [] if sport_info is None else _list(sport_info, "sportInfo")
                )
            ),
            **{attr: _num(raw, field) for attr, field in WELLNESS_FIELDS.items()},
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class WellnessUpdate:
    """Values to write to one day's wellness; None leaves a value as it is."""

    weight: float | None = None
    resting_hr: int | None = None
    hrv: float | None = None
    sleep_secs: int | None = None
    sleep_score: float | None = None
    readiness: float | None = None
    soreness: int | None = None
    fatigue: int | None = None
    stress: int | None = None
    mood: int | None = None
    motivation: int | None = None
    comments: str | None = None

    def as_json(self) -> dict[str, float | str]:
        """The request body: the API's names of the values given, and only those."""
        body: dict[str, float | str] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value is not None:
                body[WELLNESS_FIELDS.get(field.name, field.name)] = value
        return body


def parse_list[T](value: Any, parse: Callable[[Any], T], what: str) -> list[T]:
    """Parse a JSON list with `parse` applied to each element."""
    return [parse(item) for item in _list(value, what)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A planned workout, race, note or other calendar item, in local time."""

    id: str
    start_local: datetime
    end_local: datetime | None = None
    category: str | None = None
    type: str | None = None
    name: str | None = None
    description: str | None = None
    moving_time: float | None = None
    distance: float | None = None
    training_load: float | None = None
    indoor: bool | None = None

    @classmethod
    def from_json(cls, value: Any) -> Event:
        """Parse one element of the events list."""
        raw = _obj(value, "event")
        start = _local_dt(raw, "start_date_local")
        if start is None:
            raise IntervalsResponseError("event without start_date_local")
        return cls(
            id=_id(raw),
            start_local=start,
            end_local=_local_dt(raw, "end_date_local"),
            category=_str(raw, "category"),
            type=_str(raw, "type"),
            name=_str(raw, "name"),
            description=_str(raw, "description"),
            moving_time=_num(raw, "moving_time"),
            distance=_num(raw, "distance"),
            training_load=_num(raw, "icu_training_load"),
            indoor=_bool(raw, "indoor"),
        )

    def as_dict(self) -> dict[str, JsonScalar]:
        """The event in SI units, each number's unit in its name."""
        return {
            "id": self.id,
            "start_local": self.start_local.isoformat(),
            "end_local": None if self.end_local is None else self.end_local.isoformat(),
            "category": self.category,
            "type": self.type,
            "name": self.name,
            "description": self.description,
            "moving_time_s": self.moving_time,
            "distance_m": self.distance,
            "training_load": self.training_load,
            "indoor": self.indoor,
        }
