"""The athlete record, and the thresholds of their sport settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .parse import (
    HEART_RATE,
    POWER,
    SPEED,
    WORK,
    Dropped,
    _bool,
    _id,
    _list,
    _num,
    _obj,
    _str,
    _str_tuple,
)


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
    form_as_percent: bool = False
    """The athlete reads form as a percentage of fitness (and its zones so)."""

    @classmethod
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> Athlete:
        """Parse `GET /api/v1/athlete/{id}`; the API key it carries is dropped."""
        raw = _obj(value, "athlete")
        settings = raw.get("sportSettings")
        return cls(
            id=_id(raw),
            name=_str(raw, "name"),
            timezone=_str(raw, "timezone"),
            form_as_percent=_bool(raw, "icu_form_as_percent") is True,
            sport_settings=tuple(
                SportSettings.from_json(item, dropped)
                for item in (
                    [] if settings is None else _list(settings, "sportSettings")
                )
            ),
        )
