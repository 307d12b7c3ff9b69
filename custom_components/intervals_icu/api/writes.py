"""What a write sends: request models that check every value before it is sent.

A model that cannot be sent is never built: its constructor raises
IntervalsInvalidValueError naming the API's field and the problem. Each
serializes itself with the API's names, and only the values it was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
import math
import re
from typing import Any

from .activities import ACTIVITY_TYPES
from .errors import IntervalsInvalidValueError
from .parse import DISTANCE, Bound, plausible_time

# The categories of the spec's EventEx enum.
EVENT_CATEGORIES: tuple[str, ...] = (
    "WORKOUT",
    "RACE_A",
    "RACE_B",
    "RACE_C",
    "NOTE",
    "PLAN",
    "HOLIDAY",
    "SICK",
    "INJURED",
    "SET_EFTP",
    "FITNESS_DAYS",
    "SEASON_START",
)
# Beyond these no one means it: two days of moving in one activity or plan,
# a load no effort of that length reaches, texts longer than a page.
MOVING_TIME = Bound(1, 48 * 3600)
LOAD = Bound(0, 5_000)
RPE = Bound(1, 10)
MAX_NAME = 255
MAX_DESCRIPTION = 20_000
# Event ids are the spec's int32, positive.
_EVENT_ID = re.compile(r"[1-9][0-9]{0,9}")
INT32_MAX = 2**31 - 1
# A key to upsert on: printable, no longer than a line.
_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?")


def event_path_id(event_id: str) -> str:
    """The event id to put in a path; IntervalsInvalidValueError for anything else."""
    if (
        not isinstance(event_id, str)
        or _EVENT_ID.fullmatch(event_id) is None
        or int(event_id) > INT32_MAX
    ):
        raise IntervalsInvalidValueError("id", "format")
    return event_id


def _local(field: str, value: date | datetime) -> str:
    """An athlete-local date (its midnight) or date-time, as the API writes it."""
    if not isinstance(value, date):
        raise IntervalsInvalidValueError(field, "type")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise IntervalsInvalidValueError(field, "zone")
        moment = value.replace(microsecond=0)
    else:
        moment = datetime.combine(value, time.min)
    if not plausible_time(moment):
        raise IntervalsInvalidValueError(field, "range")
    return moment.isoformat()


def _number(field: str, value: float | None, bound: Bound, *, whole: bool) -> None:
    if value is None:
        return
    # bool is an int; True seconds is not a duration.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IntervalsInvalidValueError(field, "type")
    if whole and not isinstance(value, int):
        raise IntervalsInvalidValueError(field, "type")
    if not (math.isfinite(value) and bound.admits(value)):
        raise IntervalsInvalidValueError(field, "range")


def _text(field: str, value: str | None, longest: int) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise IntervalsInvalidValueError(field, "type")
    if len(value) > longest:
        raise IntervalsInvalidValueError(field, "length")


def _choice(field: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise IntervalsInvalidValueError(field, "unknown")


def _key(field: str, value: str | None) -> None:
    if value is not None and (
        not isinstance(value, str) or _KEY.fullmatch(value) is None
    ):
        raise IntervalsInvalidValueError(field, "format")


def _as_moment(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time.min)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventWrite:
    """A calendar entry to create, or what to change of one (None: as it is).

    A date (not a date-time) starts or ends at that day's midnight, as the
    service keeps entries without a time of day; the end is exclusive.
    """

    category: str | None = None
    start_local: date | datetime | None = None
    end_local: date | datetime | None = None
    type: str | None = None
    name: str | None = None
    description: str | None = None
    """For a workout, Intervals.icu's workout text (`- 10m Z2` lines) or notes."""
    moving_time: int | None = None
    """Seconds."""
    distance: float | None = None
    """Metres."""
    training_load: int | None = None
    indoor: bool | None = None
    uid: str | None = None
    """The caller's key: creating with the same one again changes that entry."""

    def __post_init__(self) -> None:
        """Refuse what cannot be sent, naming the API's field."""
        _choice("category", self.category, EVENT_CATEGORIES)
        _choice("type", self.type, ACTIVITY_TYPES)
        for field, value in (
            ("start_date_local", self.start_local),
            ("end_date_local", self.end_local),
        ):
            if value is not None:
                _local(field, value)
        if (
            self.start_local is not None
            and self.end_local is not None
            and _as_moment(self.end_local) <= _as_moment(self.start_local)
        ):
            raise IntervalsInvalidValueError("end_date_local", "order")
        _text("name", self.name, MAX_NAME)
        _text("description", self.description, MAX_DESCRIPTION)
        _number("moving_time", self.moving_time, MOVING_TIME, whole=True)
        _number("distance", self.distance, DISTANCE, whole=False)
        _number("icu_training_load", self.training_load, LOAD, whole=True)
        if self.indoor is not None and not isinstance(self.indoor, bool):
            raise IntervalsInvalidValueError("indoor", "type")
        _key("uid", self.uid)

    def for_create(self) -> EventWrite:
        """Itself, if it says all a new entry needs: a category and a start."""
        if self.category is None:
            raise IntervalsInvalidValueError("category", "missing")
        if self.start_local is None:
            raise IntervalsInvalidValueError("start_date_local", "missing")
        return self

    def as_json(self) -> dict[str, Any]:
        """The request body: the API's names of the values given, and only those."""
        values: dict[str, Any] = {
            "category": self.category,
            "start_date_local": None
            if self.start_local is None
            else _local("start_date_local", self.start_local),
            "end_date_local": None
            if self.end_local is None
            else _local("end_date_local", self.end_local),
            "type": self.type,
            "name": self.name,
            "description": self.description,
            "moving_time": self.moving_time,
            "distance": self.distance,
            "icu_training_load": self.training_load,
            "indoor": self.indoor,
            "uid": self.uid,
        }
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True, slots=True, kw_only=True)
class ManualActivity:
    """An activity entered by hand: what was done, when, for how long."""

    type: str
    start_local: datetime
    """The athlete's wall time."""
    moving_time: int
    """Seconds."""
    elapsed_time: int | None = None
    """Seconds, at least the moving time."""
    distance: float | None = None
    """Metres."""
    training_load: int | None = None
    rpe: int | None = None
    """Perceived exertion, 1 (very easy) to 10 (maximal)."""
    name: str | None = None
    description: str | None = None
    external_id: str | None = None
    """The caller's key: sending it again replaces that activity (bulk upsert)."""

    def __post_init__(self) -> None:
        """Refuse what cannot be sent, naming the API's field."""
        if self.type not in ACTIVITY_TYPES:
            raise IntervalsInvalidValueError("type", "unknown")
        if not isinstance(self.start_local, datetime):
            raise IntervalsInvalidValueError("start_date_local", "type")
        _local("start_date_local", self.start_local)
        _number("moving_time", self.moving_time, MOVING_TIME, whole=True)
        _number("elapsed_time", self.elapsed_time, MOVING_TIME, whole=True)
        if self.elapsed_time is not None and self.elapsed_time < self.moving_time:
            raise IntervalsInvalidValueError("elapsed_time", "order")
        _number("distance", self.distance, DISTANCE, whole=False)
        _number("icu_training_load", self.training_load, LOAD, whole=True)
        _number("icu_rpe", self.rpe, RPE, whole=True)
        _text("name", self.name, MAX_NAME)
        _text("description", self.description, MAX_DESCRIPTION)
        _key("external_id", self.external_id)

    def as_json(self) -> dict[str, Any]:
        """The request body: the API's names of the values given, and only those."""
        values: dict[str, Any] = {
            "type": self.type,
            "start_date_local": _local("start_date_local", self.start_local),
            "moving_time": self.moving_time,
            "elapsed_time": self.elapsed_time
            if self.elapsed_time is not None
            else self.moving_time,
            "distance": self.distance,
            "icu_training_load": self.training_load,
            "icu_rpe": self.rpe,
            "name": self.name,
            "description": self.description,
            "external_id": self.external_id,
        }
        return {key: value for key, value in values.items() if value is not None}
