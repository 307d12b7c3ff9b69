"""The activity cache on disk: a column list per activity, in strings of 500.

A list per activity instead of an object keeps 20,000 activities near 2 MB on
disk. The rows are stored as compact JSON strings, several of them: Home
Assistant indents stored JSON (a line per value otherwise), and one string of
20,000 activities would take ~60 ms to encode or decode in one piece.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import batched
import json
import math
from typing import Any

from ..api import Activity
from ..api.parse import (
    DISTANCE,
    DURATION,
    ELEVATION,
    HEART_RATE,
    LOAD,
    MAX_OFFSET,
    POWER,
    Bound,
    clean_text,
    plausible_time,
)

STORAGE_VERSION = 1
# 1.2 added the UTC start and what is still to be announced; 1.3 split the
# activities into strings of ROWS_PER_CHUNK. Older minor versions read as is.
STORAGE_MINOR_VERSION = 3
ROWS_PER_CHUNK = 500

COLUMNS = (
    "id",
    "start_local",
    "type",
    "name",
    "distance",
    "moving_time",
    "elapsed_time",
    "elevation_gain",
    "training_load",
    "average_heartrate",
    "average_watts",
    "source",
    "is_stub",
    "start_utc",
)
# The columns of a 1.1 cache: the same, without the UTC start.
_COLUMNS_1_1 = COLUMNS[:-1]
_TEXTS = ("id", "type", "name", "source")
# What a cached number may be; anything else was stored by an older version
# that took the service's word for it, and is unknown now.
_NUMBERS: dict[str, Bound] = {
    "distance": DISTANCE,
    "moving_time": DURATION,
    "elapsed_time": DURATION,
    "elevation_gain": ELEVATION,
    "training_load": LOAD,
    "average_heartrate": HEART_RATE,
    "average_watts": POWER,
}


@dataclass(frozen=True, slots=True)
class CacheSnapshot:
    """What the cache holds, fixed at one moment: what a save writes."""

    athlete_id: str
    window_start: date | None
    reconciled_on: date | None
    activities: tuple[Activity, ...]
    unannounced: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The persisted form (built in a worker thread: it is large)."""
        return {
            "athlete_id": self.athlete_id,
            "window_start": _iso(self.window_start),
            "reconciled_on": _iso(self.reconciled_on),
            "columns": list(COLUMNS),
            "activities": [
                json.dumps(chunk, separators=(",", ":"))
                for chunk in batched(
                    (_row(a) for a in self.activities), ROWS_PER_CHUNK, strict=False
                )
            ],
            "unannounced": list(self.unannounced),
        }

    @classmethod
    def from_json(cls, data: Any) -> CacheSnapshot:
        """Read a persisted cache; TypeError, ValueError or KeyError if it is odd."""
        if not isinstance(data, dict):
            raise TypeError("cache has the wrong shape")
        columns: tuple[str, ...]
        if data.get("columns") == list(COLUMNS):
            columns = COLUMNS
        elif data.get("columns") == list(_COLUMNS_1_1):
            columns = _COLUMNS_1_1
        else:
            raise TypeError("cache has the wrong shape")
        athlete_id = data["athlete_id"]
        if not isinstance(athlete_id, str):
            raise TypeError("cache without athlete id")
        encoded = data["activities"]
        if isinstance(encoded, str):  # 1.1 and 1.2: all of them in one string
            encoded = [encoded]
        if not isinstance(encoded, list):
            raise TypeError("cache without activities")
        activities: dict[str, Activity] = {}
        for chunk in encoded:
            rows = json.loads(chunk) if isinstance(chunk, str) else None
            if not isinstance(rows, list):
                raise TypeError("cache without activities")
            activities.update(
                (a.id, a) for row in rows if (a := _activity(row, columns)) is not None
            )
        unannounced = data.get("unannounced", [])
        if not isinstance(unannounced, list) or not all(
            isinstance(key, str) for key in unannounced
        ):
            raise TypeError("cache with a wrong announcement list")
        return cls(
            athlete_id=athlete_id,
            window_start=_opt_date(data["window_start"]),
            reconciled_on=_opt_date(data["reconciled_on"]),
            activities=tuple(activities.values()),
            unannounced=tuple(clean_text(key) for key in unannounced),
        )


def _row(activity: Activity) -> list[Any]:
    row: list[Any] = [getattr(activity, column) for column in COLUMNS]
    row[1] = activity.start_local.isoformat()
    row[-1] = None if activity.start_utc is None else activity.start_utc.isoformat()
    return row


def _activity(row: Any, columns: tuple[str, ...]) -> Activity | None:
    """One cached activity, cleaned like a fetched one; None if its date is absurd."""
    if not isinstance(row, list) or len(row) != len(columns):
        raise TypeError("cached activity has the wrong shape")
    values = dict(zip(columns, row, strict=True))
    start = datetime.fromisoformat(values["start_local"])
    if start.tzinfo is not None:
        # Local wall times carry no zone; one with a zone cannot be compared.
        raise ValueError("cached start has a time zone")
    if not plausible_time(start):
        return None
    values["start_local"] = start
    values["start_utc"] = _utc(values.get("start_utc"), start)
    for text in _TEXTS:
        values[text] = _text(values[text])
    for column, bound in _NUMBERS.items():
        values[column] = _number(values[column], bound)
    activity = Activity(**values)
    if not activity.id or not isinstance(activity.is_stub, bool):
        raise TypeError("cached activity has the wrong types")
    return activity


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("cached text is not a string")
    return clean_text(value)


def _number(value: Any, bound: Bound) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("cached number is not a number")
    return float(value) if math.isfinite(value) and bound.admits(value) else None


def _utc(value: Any, start: datetime) -> datetime | None:
    if value is None:
        return None
    utc = datetime.fromisoformat(value)
    if utc.tzinfo is None or abs(utc.replace(tzinfo=None) - start) > MAX_OFFSET:
        raise ValueError("cached UTC start is not one")
    return utc.astimezone(UTC)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _opt_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)
