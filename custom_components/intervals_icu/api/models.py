"""Typed, immutable views of what Intervals.icu returns, parsed defensively.

Missing and null fields are normal and become None. A value of the wrong type
(a string where a number belongs, a list where an object belongs) means the
response cannot be trusted, so it raises IntervalsResponseError: a sensor is
better unavailable than silently wrong. A number of the right type but beyond
any human effort (negative, infinite, a 10^308 m run) is one bad value, not a
bad response: that field becomes None and is counted in `dropped`; a record
dated where no clock can follow (year 1, 9999-12-31T23:00) is left out and
counted the same way. Text is made valid Unicode (a lone surrogate becomes
U+FFFD), so that whatever Home Assistant stores or shows can be encoded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
import math
import re
from typing import Any

from .errors import IntervalsResponseError
from .pacing import paced

STRAVA = "STRAVA"

type Dropped = Counter[str]
"""Values left out as implausible, by JSON field (`record` for whole records)."""

_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """The text with what UTF-8 cannot encode (lone surrogates) as U+FFFD."""
    # JSON's "\ud83c" without its pair decodes to a lone surrogate, which
    # Home Assistant's JSON encoder refuses: one such name broke /api/states.
    if value.isascii():
        return value
    return _SURROGATES.sub("\ufffd", value)


@dataclass(frozen=True, slots=True)
class Bound:
    """The values a field can physically take, both ends included."""

    low: float
    high: float

    def admits(self, value: float) -> bool:
        """Whether the value is possible (NaN never is)."""
        return self.low <= value <= self.high


ANY = Bound(-math.inf, math.inf)
# Beyond any human effort in one activity (or planned one): a 10,000 km
# ride, a month of moving, 1,000 km of climbing; loads and effort likewise.
DISTANCE = Bound(0, 10_000_000)
DURATION = Bound(0, 31 * 86_400)
ELEVATION = Bound(0, 1_000_000)
LOAD = Bound(0, 100_000)
HEART_RATE = Bound(0, 300)
POWER = Bound(0, 5_000)
SPEED = Bound(0, 100)
WORK = Bound(0, 1_000_000)
# Activities and plans outside these years are no one's: and every time zone
# and a month's duration either side stays within what datetime can hold.
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(2200, 1, 1)
# The largest difference between a local and a UTC clock, with margin.
MAX_OFFSET = timedelta(hours=18)


class _OutOfRangeError(IntervalsResponseError):
    """A record dated where no clock can follow: a list leaves it out."""


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise IntervalsResponseError(f"{what} is not a JSON object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise IntervalsResponseError(f"{what} is not a JSON list")
    return value


def _num(
    raw: Mapping[str, Any],
    key: str,
    bound: Bound = ANY,
    dropped: Dropped | None = None,
) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    # bool is an int subclass; a true/false distance is not a number.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IntervalsResponseError(f"field {key!r} is not a number")
    try:
        number = float(value)
    except OverflowError:
        # JSON integers have no size limit; floats do.
        number = math.inf
    if not (math.isfinite(number) and bound.admits(number)):
        if dropped is not None:
            dropped[key] += 1
        return None
    return number


def _str(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise IntervalsResponseError(f"field {key!r} is not a string")
    return clean_text(value)


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
        return clean_text(value)
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


def plausible_time(value: datetime) -> bool:
    """Whether a local start lies where every clock and duration can follow it."""
    return EARLIEST <= value < LATEST


def _local_dt(raw: Mapping[str, Any], key: str) -> datetime | None:
    value = _str(raw, key)
    return None if value is None else parse_local_datetime(value)


def _start(raw: Mapping[str, Any], what: str) -> datetime:
    """The record's local start; _OutOfRangeError where no clock can follow it."""
    start = _local_dt(raw, "start_date_local")
    if start is None:
        raise IntervalsResponseError(f"{what} without start_date_local")
    if not plausible_time(start):
        raise _OutOfRangeError(what)
    return start


def _utc_start(raw: Mapping[str, Any], local: datetime) -> datetime | None:
    """The UTC start beside a local one, when the two make a real offset."""
    value = raw.get("start_date")
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    # Naive: the field is UTC by definition. An offset beyond any zone's is
    # a broken field, and the local start with the profile's zone stands.
    if abs(local - parsed) > MAX_OFFSET:
        return None
    return parsed.replace(tzinfo=UTC)


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
    return tuple(clean_text(item) for item in items)


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
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> SportSettings:
        """Parse one entry of `sportSettings`."""
        raw = _obj(value, "sport settings")
        return cls(
            types=_str_tuple(raw, "types"),
            ftp=_num(raw, "ftp", POWER, dropped),
            indoor_ftp=_num(raw, "indoor_ftp", POWER, dropped),
            lthr=_num(raw, "lthr", HEART_RATE, dropped),
            max_hr=_num(raw, "max_hr", HEART_RATE, dropped),
            threshold_pace=_num(raw, "threshold_pace", SPEED, dropped),
            pace_units=_str(raw, "pace_units"),
            w_prime=_num(raw, "w_prime", WORK, dropped),
            p_max=_num(raw, "p_max", POWER, dropped),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Athlete:
    """The athlete record, without anything the integration has no use for."""

    id: str
    name: str | None
    timezone: str | None
    sport_settings: tuple[SportSettings, ...] = ()

    @classmethod
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> Athlete:
        """Parse `GET /api/v1/athlete/{id}`; the API key it carries is dropped."""
        raw = _obj(value, "athlete")
        settings = raw.get("sportSettings")
        return cls(
            id=_id(raw),
            name=_str(raw, "name"),
            timezone=_str(raw, "timezone"),
            sport_settings=tuple(
                SportSettings.from_json(item, dropped)
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
    "start_utc": "start_date",
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
    "start_utc",
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
    start_utc: datetime | None = None
    """The same start in UTC, when the service gives it (right while travelling)."""

    @classmethod
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> Activity:
        """Parse one element of the activities list."""
        raw = _obj(value, "activity")
        start = _start(raw, "activity")
        source = _str(raw, "source")
        activity_type = _str(raw, "type")
        return cls(
            id=_id(raw),
            start_local=start,
            type=activity_type,
            name=_str(raw, "name"),
            distance=_num(raw, "distance", DISTANCE, dropped),
            moving_time=_num(raw, "moving_time", DURATION, dropped),
            elapsed_time=_num(raw, "elapsed_time", DURATION, dropped),
            elevation_gain=_num(raw, "total_elevation_gain", ELEVATION, dropped),
            training_load=_num(raw, "icu_training_load", LOAD, dropped),
            average_heartrate=_num(raw, "average_heartrate", HEART_RATE, dropped),
            average_watts=_num(raw, "icu_average_watts", POWER, dropped),
            source=source,
            is_stub="_note" in raw or (source == STRAVA and activity_type is None),
            start_utc=_utc_start(raw, start),
        )

    def with_totals_of(self, reduced: Activity) -> Activity:
        """The activity with what a TOTALS_FIELDS read of it says now.

        The name, heart rate, power and source stay as they were read in full.
        """
        return replace(
            self,
            start_local=reduced.start_local,
            start_utc=reduced.start_utc,
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

    def start(self, zone: tzinfo) -> datetime:
        """When it started, as an aware time in the activity's own offset.

        With the UTC start, the offset is the one where it was recorded (a run
        in New York at 07:00 is 07:00-04:00, whatever the profile's zone);
        without it, the local start is read in `zone`.
        """
        if self.start_utc is None:
            return self.start_local.replace(tzinfo=zone)
        offset = self.start_local - self.start_utc.replace(tzinfo=None)
        return self.start_utc.astimezone(timezone(offset))


@dataclass(frozen=True, slots=True, kw_only=True)
class SportInfo:
    """The power model Intervals.icu fits for one sport."""

    type: str | None
    eftp: float | None
    w_prime: float | None
    p_max: float | None

    @classmethod
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> SportInfo:
        """Parse one element of `sportInfo`."""
        raw = _obj(value, "sportInfo")
        return cls(
            type=_str(raw, "type"),
            eftp=_num(raw, "eftp", POWER, dropped),
            w_prime=_num(raw, "wPrime", WORK, dropped),
            p_max=_num(raw, "pMax", POWER, dropped),
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

_SCALE = Bound(0, 100)  # scores and percentages
# What a body can measure; fitness and fatigue are loads per day.
WELLNESS_BOUNDS: dict[str, Bound] = {
    "ctl": Bound(0, 1_000),
    "atl": Bound(0, 5_000),
    "ramp_rate": Bound(-1_000, 1_000),
    "weight": Bound(0, 700),
    "resting_hr": HEART_RATE,
    "hrv": Bound(0, 1_000),
    "hrv_sdnn": Bound(0, 1_000),
    "sleep_secs": Bound(0, 86_400),
    "sleep_score": _SCALE,
    "sleep_quality": _SCALE,
    "avg_sleeping_hr": HEART_RATE,
    "spo2": _SCALE,
    "readiness": _SCALE,
    "vo2max": Bound(0, 150),
    "steps": Bound(0, 1_000_000),
    "soreness": _SCALE,
    "fatigue": _SCALE,
    "stress": _SCALE,
    "mood": _SCALE,
    "motivation": _SCALE,
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
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> Wellness:
        """Parse one wellness record; its `id` is the date."""
        raw = _obj(value, "wellness")
        sport_info = raw.get("sportInfo")
        return cls(
            day=_date(raw, "id"),
            sport_info=tuple(
                SportInfo.from_json(item, dropped)
                for item in (
                    [] if sport_info is None else _list(sport_info, "sportInfo")
                )
            ),
            **{
                attr: _num(raw, field, WELLNESS_BOUNDS[attr], dropped)
                for attr, field in WELLNESS_FIELDS.items()
            },
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


def parse_list[T](
    value: Any,
    parse: Callable[[Any, Dropped | None], T],
    what: str,
    dropped: Dropped | None = None,
) -> list[T]:
    """Parse a JSON list with `parse` applied to each element.

    A record dated where no clock can follow is left out (counted as `record`).
    """
    parsed: list[T] = []
    for item in paced(_list(value, what)):
        try:
            parsed.append(parse(item, dropped))
        except _OutOfRangeError:
            if dropped is not None:
                dropped["record"] += 1
    return parsed


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
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> Event:
        """Parse one element of the events list."""
        raw = _obj(value, "event")
        start = _start(raw, "event")
        end = _local_dt(raw, "end_date_local")
        if end is not None and not plausible_time(end):
            # Until the end of time: an end no clock can show is no end.
            if dropped is not None:
                dropped["end_date_local"] += 1
            end = None
        return cls(
            id=_id(raw),
            start_local=start,
            end_local=end,
            category=_str(raw, "category"),
            type=_str(raw, "type"),
            name=_str(raw, "name"),
            description=_str(raw, "description"),
            moving_time=_num(raw, "moving_time", DURATION, dropped),
            distance=_num(raw, "distance", DISTANCE, dropped),
            training_load=_num(raw, "icu_training_load", LOAD, dropped),
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
