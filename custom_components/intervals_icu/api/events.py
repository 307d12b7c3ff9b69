"""A planned calendar item: workout, race, note, days off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .parse import (
    DISTANCE,
    DURATION,
    LOAD,
    Dropped,
    JsonScalar,
    _bool,
    _id,
    _local_dt,
    _num,
    _obj,
    _start,
    _str,
    plausible_time,
)


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
    read_only: bool = False
    """Put there by a coach who did not let the athlete change it."""

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
            read_only=_bool(raw, "athlete_cannot_edit") is True,
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
            "read_only": self.read_only,
        }
