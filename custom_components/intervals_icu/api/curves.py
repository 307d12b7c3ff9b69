"""The athlete's best-effort curves: power over durations, time over distances.

`power-curves.json` and `pace-curves.json` answer `{"list": [curve, ...],
"activities": {id: activity}}`; each curve holds parallel arrays, one entry
per point. Points whose arrays disagree in length cannot be matched up, so
such a curve is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .errors import IntervalsResponseError
from .models import _list, _num, _obj, _str, parse_local_datetime


def curve_id(oldest: date, newest: date) -> str:
    """The id of the curve over the local days oldest..newest, both included."""
    return f"r.{oldest.isoformat()}.{newest.isoformat()}"


def _array(raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw.get(key)
    return [] if value is None else _list(value, key)


def _numbers(raw: Mapping[str, Any], key: str) -> tuple[float, ...]:
    return tuple(_required(_num({key: item}, key), key) for item in _array(raw, key))


def _optional_numbers(raw: Mapping[str, Any], key: str) -> tuple[float | None, ...]:
    return tuple(_num({key: item}, key) for item in _array(raw, key))


def _ids(raw: Mapping[str, Any], key: str) -> tuple[str | None, ...]:
    # An empty id is no activity, not a link to one.
    return tuple(_str({key: item}, key) or None for item in _array(raw, key))


def _required(value: float | None, key: str) -> float:
    if value is None:
        raise IntervalsResponseError(f"field {key!r} has a null point")
    return value


def _same_length(what: str, first: int, *others: int) -> None:
    # Optional arrays may be missing (length 0); present ones must match.
    if any(other not in {0, first} for other in others):
        raise IntervalsResponseError(f"{what} arrays differ in length")


def _padded[T](values: tuple[T | None, ...], length: int) -> tuple[T | None, ...]:
    return values or (None,) * length


def _activity_starts(value: Any) -> dict[str, datetime]:
    """The local start of each activity the curves refer to, by id."""
    if value is None:
        return {}
    starts: dict[str, datetime] = {}
    for key, activity in _obj(value, "activities").items():
        start = _str(_obj(activity, "activity"), "start_date_local")
        if start is not None:
            starts[str(key)] = parse_local_datetime(start)
    return starts


def _first_curve(value: Any) -> Mapping[str, Any] | None:
    curves = _array(_obj(value, "curves"), "list")
    return None if not curves else _obj(curves[0], "curve")


@dataclass(frozen=True, slots=True, kw_only=True)
class PowerCurve:
    """Best average power for each duration, and which activity set it."""

    secs: tuple[float, ...] = ()
    watts: tuple[float, ...] = ()
    activity_id: tuple[str | None, ...] = ()
    watts_per_kg: tuple[float | None, ...] = ()
    """Best W/kg per duration; `wkg_activity_id` says which activity set it."""
    wkg_activity_id: tuple[str | None, ...] = ()
    activity_starts: Mapping[str, datetime] = field(default_factory=dict)
    """Local start of the activities the points refer to, when given."""

    @classmethod
    def from_json(cls, value: Any) -> PowerCurve:
        """Parse the first curve of a `power-curves.json` answer; none is empty."""
        starts = _activity_starts(_obj(value, "curves").get("activities"))
        raw = _first_curve(value)
        if raw is None:
            return cls(activity_starts=starts)
        secs = _numbers(raw, "secs")
        watts = _numbers(raw, "values")
        ids = _ids(raw, "activity_id")
        wkg = _optional_numbers(raw, "watts_per_kg")
        wkg_ids = _ids(raw, "wkg_activity_id")
        count = len(secs)
        if len(watts) != count:
            raise IntervalsResponseError("power curve arrays differ in length")
        _same_length("power curve", count, len(ids), len(wkg), len(wkg_ids))
        return cls(
            secs=secs,
            watts=watts,
            activity_id=_padded(ids, count),
            watts_per_kg=_padded(wkg, count),
            wkg_activity_id=_padded(wkg_ids, count),
            activity_starts=starts,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PaceCurve:
    """Shortest time to cover each distance, and which activity did it."""

    distance: tuple[float, ...] = ()
    """Metres."""
    seconds: tuple[float, ...] = ()
    activity_id: tuple[str | None, ...] = ()
    activity_starts: Mapping[str, datetime] = field(default_factory=dict)

    @classmethod
    def from_json(cls, value: Any) -> PaceCurve:
        """Parse the first curve of a `pace-curves.json` answer; none is empty."""
        starts = _activity_starts(_obj(value, "curves").get("activities"))
        raw = _first_curve(value)
        if raw is None:
            return cls(activity_starts=starts)
        distance = _numbers(raw, "distance")
        seconds = _numbers(raw, "values")
        ids = _ids(raw, "activity_id")
        count = len(distance)
        if len(seconds) != count:
            raise IntervalsResponseError("pace curve arrays differ in length")
        _same_length("pace curve", count, len(ids))
        return cls(
            distance=distance,
            seconds=seconds,
            activity_id=_padded(ids, count),
            activity_starts=starts,
        )
