"""A day of wellness: fitness, fatigue, body; and what a write may change."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from .parse import (
    HEART_RATE,
    POWER,
    WORK,
    Bound,
    Dropped,
    _date,
    _list,
    _num,
    _obj,
    _str,
)


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
