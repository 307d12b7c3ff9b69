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
from .parse import (
    DISTANCE,
    DURATION,
    POWER,
    Bound,
    Dropped,
    _list,
    _num,
    _obj,
    _str,
    clean_text,
    parse_local_datetime,
    plausible_time,
)

# Watts per kilogram no one can hold even for a second.
WATTS_PER_KG = Bound(0, 100)


def curve_id(oldest: date, newest: date) -> str:
    """The id of the curve over the local days oldest..newest, both included."""
    return f"r.{oldest.isoformat()}.{newest.isoformat()}"


def _array(raw: Mapping[str, Any], key: str) -> list[Any]:
    value = raw.get(key)
    return [] if value is None else _list(value, key)


def _points(
    raw: Mapping[str, Any],
    axis: tuple[str, Bound],
    values: Bound,
    optional: tuple[tuple[str, Bound | None], ...],
    dropped: Dropped | None,
) -> list[tuple[Any, ...]]:
    """The curve's points as rows: (x, value, *optional columns).

    A point whose x or value is beyond any human effort (a 10^308 W sprint,
    a negative distance) is one bad point, not a bad curve: it is left out
    and counted in `dropped`. Arrays of different lengths cannot be matched
    up, so such a curve is refused.
    """
    name, bound = axis
    xs = _array(raw, name)
    ys = _array(raw, "values")
    if len(ys) != len(xs):
        raise IntervalsResponseError("curve arrays differ in length")
    columns: list[tuple[str, list[Any], Bound | None]] = []
    for key, column_bound in optional:
        column = _array(raw, key)
        # Optional arrays may be missing; present ones must match.
        if column and len(column) != len(xs):
            raise IntervalsResponseError("curve arrays differ in length")
        columns.append((key, column or [None] * len(xs), column_bound))
    rows: list[tuple[Any, ...]] = []
    for i, (x_raw, y_raw) in enumerate(zip(xs, ys, strict=True)):
        x = _num({name: x_raw}, name, bound, dropped)
        y = _num({"values": y_raw}, "values", values, dropped)
        extra = tuple(
            _num({key: column[i]}, key, column_bound, dropped)
            if column_bound is not None
            # An empty id is no activity, not a link to one.
            else (_str({key: column[i]}, key) or None)
            for key, column, column_bound in columns
        )
        if x is None or y is None:
            if x_raw is None or y_raw is None:
                raise IntervalsResponseError("curve with a null point")
            continue
        rows.append((x, y, *extra))
    return rows


def _activity_starts(value: Any) -> dict[str, datetime]:
    """The local start of each activity the curves refer to, by id."""
    if value is None:
        return {}
    starts: dict[str, datetime] = {}
    for key, activity in _obj(value, "activities").items():
        start = _str(_obj(activity, "activity"), "start_date_local")
        if start is not None:
            parsed = parse_local_datetime(start)
            if plausible_time(parsed):
                starts[clean_text(str(key))] = parsed
    return starts


def _first_curve(value: Any) -> Mapping[str, Any] | None:
    curves = _array(_obj(value, "curves"), "list")
    return None if not curves else _obj(curves[0], "curve")


def _column[T](rows: list[tuple[Any, ...]], index: int) -> tuple[T, ...]:
    return tuple(row[index] for row in rows)


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
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> PowerCurve:
        """Parse the first curve of a `power-curves.json` answer; none is empty."""
        starts = _activity_starts(_obj(value, "curves").get("activities"))
        raw = _first_curve(value)
        if raw is None:
            return cls(activity_starts=starts)
        rows = _points(
            raw,
            ("secs", DURATION),
            POWER,
            (
                ("activity_id", None),
                ("watts_per_kg", WATTS_PER_KG),
                ("wkg_activity_id", None),
            ),
            dropped,
        )
        return cls(
            secs=_column(rows, 0),
            watts=_column(rows, 1),
            activity_id=_column(rows, 2),
            watts_per_kg=_column(rows, 3),
            wkg_activity_id=_column(rows, 4),
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
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> PaceCurve:
        """Parse the first curve of a `pace-curves.json` answer; none is empty."""
        starts = _activity_starts(_obj(value, "curves").get("activities"))
        raw = _first_curve(value)
        if raw is None:
            return cls(activity_starts=starts)
        rows = _points(
            raw, ("distance", DISTANCE), DURATION, (("activity_id", None),), dropped
        )
        return cls(
            distance=_column(rows, 0),
            seconds=_column(rows, 1),
            activity_id=_column(rows, 2),
            activity_starts=starts,
        )
