"""New records: which bests improved, and what is remembered to tell each once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import math
from typing import Any

from .bests import Best, RecordKind


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
