"""Personal bests of the year from the athlete's curves, and which are new records.

Pure functions: curves in, bests out; two snapshots in, improvements out.

A best is read at a point the curve lists, never estimated between points:
the service lists a point only where some activity lasted that long or
covered that distance, so a missing point means nobody did it this year and
the best is unknown. Interpolating would invent a time no activity set, and
taking the next longer distance would call a 5.2 km time a 5 km best; both
would also credit the wrong activity, and a later exact point would then show
as a record it is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
import math
from typing import Any

from .api import PaceCurve, PowerCurve

# Curves list distances as 32-bit floats: 1609.344 comes back as 1609.3440...
DISTANCE_TOLERANCE = 0.5


class RecordKind(StrEnum):
    """What a best measures; also the new-record event's type."""

    POWER = "power"
    """Watts held over a duration: more is better."""
    PACE = "pace"
    """Seconds to cover a distance: less is better."""


@dataclass(frozen=True, slots=True)
class Target:
    """One best to read off a curve."""

    key: str
    at: float
    """Seconds for power, metres for pace."""


POWER_TARGETS: tuple[Target, ...] = (
    Target("ride_best_power_5s", 5),
    Target("ride_best_power_1min", 60),
    Target("ride_best_power_5min", 300),
    Target("ride_best_power_20min", 1200),
    Target("ride_best_power_60min", 3600),
)
RUN_TARGETS: tuple[Target, ...] = (
    Target("run_best_time_1k", 1000),
    Target("run_best_time_5k", 5000),
    Target("run_best_time_10k", 10000),
    Target("run_best_time_half_marathon", 21097.5),
    Target("run_best_time_marathon", 42195),
)
SWIM_TARGETS: tuple[Target, ...] = (
    Target("swim_best_time_100m", 100),
    Target("swim_best_time_400m", 400),
    Target("swim_best_time_1500m", 1500),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Best:
    """A best of the year and the activity that set it."""

    key: str
    kind: RecordKind
    value: float
    """Watts (power) or seconds (pace)."""
    at: float
    """Seconds (power) or metres (pace) the best is over."""
    activity_id: str | None = None
    watts_per_kg: float | None = None

    @property
    def speed(self) -> float | None:
        """Average speed of a pace best in m/s."""
        if self.kind is not RecordKind.PACE or self.value <= 0:
            return None
        return self.at / self.value

    def beats(self, other: float) -> bool:
        """Whether this value is strictly better than `other`."""
        if self.kind is RecordKind.POWER:
            return self.value > other
        return self.value < other


def power_bests(curve: PowerCurve) -> dict[str, Best | None]:
    """The ride bests at 5 s, 1, 5, 20 and 60 min; None where the curve has none."""
    index = {secs: i for i, secs in enumerate(curve.secs)}
    bests: dict[str, Best | None] = {}
    for target in POWER_TARGETS:
        i = index.get(target.at)
        watts = None if i is None else curve.watts[i]
        if i is None or watts is None or watts <= 0:
            bests[target.key] = None
            continue
        activity_id = curve.activity_id[i]
        wkg_by = curve.wkg_activity_id[i]
        # The curve's W/kg may come from another activity (a lighter day);
        # shown beside these watts it must belong to the same one.
        wkg = curve.watts_per_kg[i] if wkg_by in {None, activity_id} else None
        bests[target.key] = Best(
            key=target.key,
            kind=RecordKind.POWER,
            value=watts,
            at=target.at,
            activity_id=activity_id,
            watts_per_kg=wkg or None,
        )
    return bests


def pace_bests(curve: PaceCurve, targets: Sequence[Target]) -> dict[str, Best | None]:
    """The times at the targets' distances; None where the curve has no point."""
    bests: dict[str, Best | None] = {}
    for target in targets:
        found: Best | None = None
        for i, metres in enumerate(curve.distance):
            seconds = curve.seconds[i]
            if abs(metres - target.at) <= DISTANCE_TOLERANCE and seconds > 0:
                found = Best(
                    key=target.key,
                    kind=RecordKind.PACE,
                    value=seconds,
                    at=target.at,
                    activity_id=curve.activity_id[i],
                )
                break
        bests[target.key] = found
    return bests


@dataclass(frozen=True, slots=True, kw_only=True)
class NewRecord:
    """A best that improved in an update: what the event tells."""

    key: str
    kind: RecordKind
    previous: float
    value: float
    activity_id: str | None

    def as_dict(self) -> dict[str, Any]:
        """The record as the event and the record book carry it."""
        return {
            "key": self.key,
            "kind": self.kind.value,
            "previous": self.previous,
            "value": self.value,
            "activity_id": self.activity_id,
        }

    @classmethod
    def from_dict(cls, data: Any) -> NewRecord | None:
        """A saved record; None if anything in it is off."""
        if not isinstance(data, dict):
            return None
        key, kind, activity_id = (data.get(k) for k in ("key", "kind", "activity_id"))
        previous, value = _number(data.get("previous")), _number(data.get("value"))
        if (
            not isinstance(key, str)
            or kind not in {k.value for k in RecordKind}
            or not (activity_id is None or isinstance(activity_id, str))
            or previous is None
            or value is None
        ):
            return None
        return cls(
            key=key,
            kind=RecordKind(kind),
            previous=previous,
            value=value,
            activity_id=activity_id,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordBook:
    """What new-record detection remembers across updates and restarts.

    `seen` is the last value of each best, `announced` the activities already
    announced per best (so a record re-analysed, or deleted and restored,
    is not news again). Both belong to one athlete-local year.
    """

    year: int
    seen: Mapping[str, float | None] = field(default_factory=dict)
    announced: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    pending: tuple[NewRecord, ...] = ()
    """Records found but not yet fired as events (kept across restarts)."""

    def as_dict(self) -> dict[str, Any]:
        """The persisted form."""
        return {
            "year": self.year,
            "seen": dict(self.seen),
            "announced": {key: list(ids) for key, ids in self.announced.items()},
            "pending": [record.as_dict() for record in self.pending],
        }

    @classmethod
    def from_dict(cls, data: Any) -> RecordBook | None:
        """Rebuild a saved book; anything unusable is None (a fresh start)."""
        if not isinstance(data, dict):
            return None
        year, seen, announced = (data.get(k) for k in ("year", "seen", "announced"))
        if (
            not isinstance(year, int)
            or isinstance(year, bool)
            or not isinstance(seen, dict)
            or not isinstance(announced, dict)
        ):
            return None
        clean_seen: dict[str, float | None] = {}
        for key, value in seen.items():
            if value is None:
                clean_seen[key] = None
            elif _finite(value):
                clean_seen[key] = float(value)
            else:
                return None
        clean_announced: dict[str, tuple[str, ...]] = {}
        for key, ids in announced.items():
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                return None
            clean_announced[key] = tuple(ids)
        pending = data.get("pending", [])
        records = (
            [NewRecord.from_dict(item) for item in pending]
            if isinstance(pending, list)
            else [None]
        )
        if None in records:
            return None
        return cls(
            year=year,
            seen=clean_seen,
            announced=clean_announced,
            pending=tuple(r for r in records if r is not None),
        )


def _finite(value: Any) -> bool:
    return _number(value) is not None


def _number(value: Any) -> float | None:
    """A finite JSON number as a float; anything else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _mark(best: Best) -> str:
    # An activity id names the record; without one the value has to.
    return best.activity_id or f"value:{best.value:g}"


def detect_records(
    book: RecordBook | None, year: int, current: Mapping[str, Best | None]
) -> tuple[list[NewRecord], RecordBook]:
    """The bests that improved since the last update, and the book to keep.

    Nothing is news without a book (first load, or a lost store), in a new
    year (the bests start again from nothing), for a best that was unknown
    before (the year's first 5 km is not a record), or for an activity
    already announced for that best.
    """
    seen = {key: None if best is None else best.value for key, best in current.items()}
    if book is None or book.year != year:
        announced = {
            key: (_mark(best),) for key, best in current.items() if best is not None
        }
        # Found last year, not yet announced: still news.
        pending = () if book is None else book.pending
        return [], RecordBook(
            year=year, seen=seen, announced=announced, pending=pending
        )
    records: list[NewRecord] = []
    marks = {key: tuple(ids) for key, ids in book.announced.items()}
    for key, best in current.items():
        previous = book.seen.get(key)
        if best is None or previous is None or not best.beats(previous):
            continue
        if _mark(best) in marks.get(key, ()):
            continue
        marks[key] = (*marks.get(key, ()), _mark(best))
        records.append(
            NewRecord(
                key=key,
                kind=best.kind,
                previous=previous,
                value=best.value,
                activity_id=best.activity_id,
            )
        )
    for key, best in current.items():
        # The record holder counts as announced even when it came in quietly
        # (with the first load), so it is never news later.
        if best is not None and _mark(best) not in marks.get(key, ()):
            marks[key] = (*marks.get(key, ()), _mark(best))
    return records, RecordBook(
        year=year,
        seen=seen,
        announced=marks,
        pending=(*book.pending, *records),
    )
