"""What to write: every row of an import, or the rows an update changed (pure).

The sums are a function of what the integration holds: the sum of everything
before the cache's window (the record's `base`) and the cached activities.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ..api import Activity, Wellness
from ..training.totals import SportGroups, group_sums
from .rows import (
    METRICS,
    HourlySums,
    first_changed_hour,
    hourly_sums,
    sum_key,
    sums,
    utc_hour,
)


def groups_json(groups: Mapping[str, frozenset[str]]) -> dict[str, list[str]]:
    """The sport groups as the record keeps them."""
    return {name: sorted(types) for name, types in sorted(groups.items())}


@dataclass(frozen=True, kw_only=True)
class Record:
    """What the statistics were written from, kept on disk."""

    groups: dict[str, list[str]]
    zone: str
    complete: bool
    """False from the moment an import clears the statistics until it is done."""
    window_start: date
    """The first day of the cache the sums were last written from."""
    units: str = "metric"
    """The unit system the sums are stored in (`metric`, `us_customary`)."""
    base: dict[str, float] = field(default_factory=dict)
    """Each sum of everything before `window_start`, by `sum_key`."""
    empty: dict[str, list[datetime]] = field(default_factory=dict)
    """Hours in the window that hold a row of a sum but no activity any more."""

    def as_dict(self, athlete_id: str) -> dict[str, Any]:
        """The persisted form."""
        return {
            "athlete_id": athlete_id,
            "groups": self.groups,
            "zone": self.zone,
            "complete": self.complete,
            "window_start": self.window_start.isoformat(),
            "units": self.units,
            "base": self.base,
            "empty": {
                key: [hour.isoformat() for hour in hours]
                for key, hours in self.empty.items()
                if hours
            },
        }

    @classmethod
    def from_dict(cls, data: Any, athlete_id: str) -> Record | None:
        """The saved record; None if it is another athlete's, older or damaged."""
        try:
            if data["athlete_id"] != athlete_id:
                return None
            return cls(
                groups={str(k): list(v) for k, v in data["groups"].items()},
                zone=str(data["zone"]),
                complete=data["complete"] is True,
                window_start=date.fromisoformat(data["window_start"]),
                units=str(data["units"]),
                base={str(k): float(v) for k, v in data["base"].items()},
                empty={
                    str(k): [datetime.fromisoformat(h) for h in v]
                    for k, v in data["empty"].items()
                },
            )
        except TypeError, ValueError, KeyError, AttributeError:
            return None


@dataclass(frozen=True, kw_only=True)
class HistoryInput:
    """What an update hands the statistics: the cache before and after it."""

    athlete_name: str
    zone: ZoneInfo
    groups: SportGroups
    window_start: date
    before: tuple[Activity, ...]
    after: tuple[Activity, ...]
    wellness: tuple[Wellness, ...]
    today: date


@dataclass(frozen=True, slots=True)
class Rewrite:
    """What an update changes in the statistics: rows, the record, the basis."""

    sums: HourlySums | None
    record: Record
    basis: tuple[Activity, ...]


def plan_rewrite(
    record: Record,
    basis: tuple[Activity, ...],
    history: HistoryInput,
    athlete_id: str,
) -> Rewrite:
    """What to write after an update: the sums from the first changed hour on.

    At New Year the window moves on: what leaves it joins the base, and its
    rows stay as they are.
    """
    zone, groups = history.zone, history.groups
    begin = datetime.combine(history.window_start, time.min)
    base, empty = record.base, record.empty
    if history.window_start > record.window_start:
        old_begin = datetime.combine(record.window_start, time.min)
        leaving = [a for a in basis if old_begin <= a.start_local < begin]
        moved = sums(leaving, groups, athlete_id)
        base = {key: base.get(key, 0.0) + value for key, value in moved.items()}
        first = utc_hour(begin, zone)
        empty = {key: [h for h in hours if h >= first] for key, hours in empty.items()}
    old = [a for a in basis if a.start_local >= begin]
    new = tuple(a for a in history.after if a.start_local >= begin)
    since = first_changed_hour(old, new, zone)
    updated = replace(record, window_start=history.window_start, base=base)
    if since is None:
        return Rewrite(None, replace(updated, empty=empty), new)
    # Hours that hold a row: those of the activities it was written from, and
    # those written empty before.
    written: dict[str, set[datetime]] = {
        key: set(hours) for key, hours in empty.items()
    }
    held = group_sums(old, groups, lambda a: (utc_hour(a.start_local, zone),))
    for name, by_hour in held.items():
        for key in _keys(athlete_id, name):
            written.setdefault(key, set()).update(by_hour)
    result = hourly_sums(
        new, zone, groups, athlete_id, base=base, since=since, written=written
    )
    kept: dict[str, list[datetime]] = {}
    for key in {*empty, *result.empty}:
        earlier = [hour for hour in empty.get(key, ()) if hour < since]
        if hours := earlier + result.empty.get(key, []):
            kept[key] = hours
    return Rewrite(result, replace(updated, empty=kept), new)


def _keys(athlete_id: str, group: str) -> list[str]:
    return [sum_key(athlete_id, group, metric) for metric in METRICS]
