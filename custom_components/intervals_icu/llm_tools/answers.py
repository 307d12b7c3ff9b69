"""What the read tools answer: the snapshot, in the user's units, units named.

Every number that has a unit comes as `{"value": …, "unit": …}` in Home
Assistant's unit system (km or mi, m or ft, kg or lb); durations as "h:mm"
and efforts as "m:ss", so that a model reads them out as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from homeassistant.const import UnitOfLength, UnitOfMass
from homeassistant.util.unit_conversion import DistanceConverter, MassConverter

from ..api import Activity, Event, Wellness
from ..data import IntervalsData
from ..sync.wellness_plan import EVENT_DAYS
from ..training.bests import RecordKind
from ..training.plan import is_all_day, summary
from ..training.readiness import MIN_BASELINE_DAYS, MIN_WINDOW_DAYS, FormZone
from ..training.thresholds import format_pace
from ..training.totals import ALL, Period, Totals, same_day_last_year

type Json = dict[str, Any]

ZONE_MEANINGS: dict[FormZone, str] = {
    FormZone.HIGH_RISK: "deep fatigue: overtraining risk if it lasts, plan rest",
    FormZone.OPTIMAL: "productive training: fitness is being built",
    FormZone.GREY_ZONE: "maintaining: neither building fitness much nor fresh",
    FormZone.FRESH: "rested: ready for a race or a big day",
    FormZone.TRANSITION: "very rested: fitness is being lost (a break)",
}
PERIODS = (
    "this_week",
    "this_month",
    "this_year",
    "last_year_to_date",
    "last_year",
)
# The longest description of a planned entry an answer carries.
MAX_DESCRIPTION = 500


@dataclass(frozen=True, slots=True)
class Units:
    """Home Assistant's unit system, for what a tool answers."""

    us_customary: bool

    def distance(self, metres: float | None) -> Json | None:
        """Kilometres or miles."""
        if metres is None:
            return None
        unit = UnitOfLength.MILES if self.us_customary else UnitOfLength.KILOMETERS
        value = DistanceConverter.convert(metres, UnitOfLength.METERS, unit)
        return {"value": round(value, 2), "unit": str(unit)}

    def elevation(self, metres: float | None) -> Json | None:
        """Metres or feet."""
        if metres is None:
            return None
        unit = UnitOfLength.FEET if self.us_customary else UnitOfLength.METERS
        value = DistanceConverter.convert(metres, UnitOfLength.METERS, unit)
        return {"value": round(value), "unit": str(unit)}

    def weight(self, kilograms: float) -> Json:
        """Kilograms or pounds."""
        unit = UnitOfMass.POUNDS if self.us_customary else UnitOfMass.KILOGRAMS
        value = MassConverter.convert(kilograms, UnitOfMass.KILOGRAMS, unit)
        return {"value": round(value, 1), "unit": str(unit)}


def hours_minutes(seconds: float | None) -> Json | None:
    """A duration as "h:mm"."""
    if seconds is None:
        return None
    hours, minutes = divmod(round(seconds / 60), 60)
    return {"value": f"{hours}:{minutes:02d}", "unit": "h:mm"}


def clock(seconds: float) -> str:
    """An effort's time: "m:ss", or "h:mm:ss" from an hour on."""
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


def _value(value: float, unit: str, digits: int = 0) -> Json:
    return {"value": round(value, digits) if digits else round(value), "unit": unit}


# Status: fitness, form and its zone, HRV, the latest wellness -------------------------


def _wellness_values(data: IntervalsData, units: Units) -> list[Json]:
    """The newest value of each wellness field the athlete has, with its day."""
    rows: list[tuple[str, Callable[[Wellness], float | None], Callable[[float], Json]]]
    scale = "1-4, 1 is best"
    rows = [
        ("weight", lambda w: w.weight, units.weight),
        ("resting_heart_rate", lambda w: w.resting_hr, lambda v: _value(v, "bpm")),
        ("hrv_rmssd", lambda w: w.hrv, lambda v: _value(v, "ms")),
        ("hrv_sdnn", lambda w: w.hrv_sdnn, lambda v: _value(v, "ms")),
        ("sleep", lambda w: w.sleep_secs, lambda v: _value(v / 3600, "h", 1)),
        ("sleep_score", lambda w: w.sleep_score, lambda v: _value(v, "0-100")),
        ("sleep_quality", lambda w: w.sleep_quality, lambda v: _value(v, scale)),
        ("average_sleeping_heart_rate", lambda w: w.avg_sleeping_hr, _bpm),
        ("spo2", lambda w: w.spo2, lambda v: _value(v, "%")),
        ("readiness", lambda w: w.readiness, lambda v: _value(v, "0-100")),
        ("vo2max", lambda w: w.vo2max, lambda v: _value(v, "mL/kg/min", 1)),
        ("steps", lambda w: w.steps, lambda v: _value(v, "steps")),
        ("soreness", lambda w: w.soreness, lambda v: _value(v, scale)),
        ("fatigue_felt", lambda w: w.fatigue, lambda v: _value(v, scale)),
        ("stress", lambda w: w.stress, lambda v: _value(v, scale)),
        ("mood", lambda w: w.mood, lambda v: _value(v, scale)),
        ("motivation", lambda w: w.motivation, lambda v: _value(v, scale)),
    ]
    values: list[Json] = []
    for name, read, shown in rows:
        if (found := data.latest_wellness(read)) is not None:
            value, day = found
            values.append({"name": name, **shown(value), "date": day.isoformat()})
    return values


def _bpm(value: float) -> Json:
    return _value(value, "bpm")


def _hrv_status(data: IntervalsData) -> Json:
    trend = data.hrv
    if trend is None or trend.status is None:
        days = (0, 0) if trend is None else (trend.window_days, trend.baseline_days)
        return {
            "status": "unknown",
            "why": (
                f"needs an HRV reading on at least {MIN_WINDOW_DAYS} of the last 7"
                f" days and {MIN_BASELINE_DAYS} of the 60 days before; there are"
                f" {days[0]} and {days[1]}"
            ),
        }
    assert trend.mean_ms is not None
    assert trend.low_ms is not None
    assert trend.high_ms is not None
    return {
        "status": f"{trend.status.value}_normal",
        "seven_day_mean": _value(trend.mean_ms, "ms", 1),
        "normal_range": {
            "low": round(trend.low_ms, 1),
            "high": round(trend.high_ms, 1),
            "unit": "ms",
        },
        "how": (
            "7-day mean of ln(rMSSD) against the mean of the 60 days before"
            " ± half their standard deviation"
        ),
        "days_measured": {
            "last_7": trend.window_days,
            "60_before": trend.baseline_days,
        },
    }


def status(data: IntervalsData, units: Units) -> Json:
    """Fitness, fatigue, form and its zone, ramp rate, HRV status, wellness."""
    answer: Json = {"today": data.today.isoformat()}
    if (form := data.form()) is not None:
        day = next(w for w in data.wellness if w.day == form.day)
        load: Json = {
            "date": form.day.isoformat(),
            "fitness": _round(day.ctl),
            "fatigue": _round(day.atl),
            "form": _round(form.value),
            "form_zone": form.zone.value,
            "form_zone_meaning": ZONE_MEANINGS[form.zone],
            "ramp_rate": _round(day.ramp_rate),
        }
        if form.as_percent:
            load["form_percent_of_fitness"] = _round(form.compared)
        answer["fitness_and_form"] = load
    else:
        answer["fitness_and_form"] = None
    answer["hrv_status"] = _hrv_status(data)
    answer["wellness"] = _wellness_values(data, units)
    return answer


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# Totals of a period -------------------------------------------------------------------


def _period_totals(data: IntervalsData, group: str, period: str) -> Totals:
    if period == "last_year_to_date":
        return data.last_year[group].to_date
    if period == "last_year":
        return data.last_year[group].whole
    return data.totals[group][_PERIODS[period]]


_PERIODS = {
    "this_week": Period.WEEK,
    "this_month": Period.MONTH,
    "this_year": Period.YEAR,
}


def _span(data: IntervalsData, period: str) -> tuple[date, date]:
    today = data.today
    if period in _PERIODS:
        return data.starts[_PERIODS[period]], today
    first = date(today.year - 1, 1, 1)
    if period == "last_year":
        return first, date(today.year - 1, 12, 31)
    return first, same_day_last_year(today)


def totals(data: IntervalsData, units: Units, period: str, sport: str | None) -> Json:
    """Distance, time, elevation, load and count of a period per sport group."""
    first, last = _span(data, period)
    groups = [sport] if sport is not None else [*data.groups, ALL]
    rows: list[Json] = []
    for group in groups:
        total = _period_totals(data, group, period)
        row: Json = {
            "sport": group,
            "activity_types": "every type"
            if group == ALL
            else sorted(data.groups[group]),
            "distance": units.distance(total.distance),
            "moving_time": hours_minutes(total.moving_time),
            "elevation_gain": units.elevation(total.elevation_gain),
            "training_load": round(total.training_load),
            "activities": total.count,
        }
        if period == "this_year" and data.goals.get(group):
            row["goal"] = _goal(data, units, group)
        rows.append(row)
    answer: Json = {
        "period": period,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "totals": rows,
    }
    if data.strava_stubs_ytd and period != "last_year":
        answer["note"] = (
            f"{data.strava_stubs_ytd} activities this year came from Strava,"
            " which gives no details through the API: they are not counted"
        )
    return answer


def _goal(data: IntervalsData, units: Units, group: str) -> Json:
    status = data.goal(group)
    return {
        "distance_goal": units.distance(data.goals[group]),
        "progress_percent": _round(status.progress),
        "ahead_of_even_pace": units.distance(status.gap),
        "projected_for_the_year": units.distance(status.projected),
    }


# The plan and the last activities -----------------------------------------------------


def known_until(data: IntervalsData) -> date:
    """The last day of the calendar the snapshot holds."""
    return data.today + timedelta(days=EVENT_DAYS)


def _entry(units: Units, event: Event, done: bool | None) -> Json:
    text = (event.description or "").strip()
    entry: Json = {
        "date": event.start_local.date().isoformat(),
        "time": None if is_all_day(event) else event.start_local.strftime("%H:%M"),
        "name": summary(event),
        "category": event.category,
        "type": event.type,
        "planned_duration": hours_minutes(event.moving_time),
        "planned_distance": units.distance(event.distance),
        "planned_load": None
        if event.training_load is None
        else round(event.training_load),
        "description": text[:MAX_DESCRIPTION] or None,
    }
    if done is not None:
        entry["done"] = done
    return entry


def plan(
    data: IntervalsData,
    units: Units,
    *,
    today: date,
    count: int,
    first: date,
    last: date,
    workouts_only: bool,
) -> Json:
    """The planned entries from `first` to `last`, at most `count`."""
    done = {p.event.id: p.done for p in data.workouts_of(today)}
    chosen = [
        event
        for event in data.events
        if first <= event.start_local.date() <= last
        and (not workouts_only or event.category == "WORKOUT")
    ]
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "known_until": known_until(data).isoformat(),
        "entries": [_entry(units, e, done.get(e.id)) for e in chosen[:count]],
        "more": max(0, len(chosen) - count),
    }


def activity(data: IntervalsData, units: Units, item: Activity) -> Json:
    """One activity as the recent-activities tool tells it."""
    start = item.start_local
    answer: Json = {"date": start.date().isoformat(), "start": start.strftime("%H:%M")}
    if item.is_stub:
        return answer | {
            "source": "STRAVA",
            "note": "synced from Strava: the API gives no details of it",
        }
    return answer | {
        "name": item.name,
        "type": item.type,
        "distance": units.distance(item.distance),
        "moving_time": hours_minutes(item.moving_time),
        "elevation_gain": units.elevation(item.elevation_gain),
        "training_load": None
        if item.training_load is None
        else round(item.training_load),
        "average_heart_rate": None
        if item.average_heartrate is None
        else _bpm(item.average_heartrate),
        "average_power": None
        if item.average_watts is None
        else _value(item.average_watts, "W"),
        "url": data.activity_url(item.id),
    }


# Bests of the season ------------------------------------------------------------------

_DISTANCES = {21097.5: "half marathon", 42195.0: "marathon"}


def _effort(kind: RecordKind, at: float) -> str:
    if kind is RecordKind.POWER:
        return f"{at:g} s" if at < 60 else f"{at / 60:g} min"
    if at in _DISTANCES:
        return _DISTANCES[at]
    return f"{at / 1000:g} km" if at >= 1000 else f"{at:g} m"


def bests(data: IntervalsData, sport: str | None) -> Json:
    """The bests of this year off Intervals.icu's curves, with their activities."""
    found: list[Json] = []
    year = data.today.year
    held = {} if data.bests_gear is None else data.bests_gear.bests
    for key, best in held.items():
        group = key.split("_", 1)[0]
        if best is None or (sport is not None and group != sport):
            continue
        day = (
            None
            if data.bests_gear is None or best.activity_id is None
            else data.bests_gear.activity_dates.get(best.activity_id)
        )
        row: Json = {"sport": group, "effort": _effort(best.kind, best.at)}
        if best.kind is RecordKind.POWER:
            row["power"] = _value(best.value, "W")
            row["watts_per_kg"] = _round(best.watts_per_kg)
        else:
            row["time"] = clock(best.value)
            row["pace"] = format_pace(best.speed, data.pace_units(group))
        row["date"] = None if day is None else day.isoformat()
        if best.activity_id is not None:
            row["url"] = data.activity_url(best.activity_id)
        found.append(row)
    return {
        "season": f"{year}, from 1 January to today",
        "bests": found,
        "note": None if found else "no best known for this season yet",
    }
