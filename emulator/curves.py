"""Best-effort curves: per activity from its own numbers, per athlete the max.

Each activity's best efforts are a pure function of the activity record, so
an activity added, changed or deleted by a test changes the athlete's curves
the way it would on the service: a 5 km run in 17:00 has a 5 km best of
1020 s, a ride averaging 400 W for ten minutes has a 5-minute best of at
least 400 W. Athlete curves are the best over the activities in the range.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
import random
import re
from typing import Any

from .model import Athlete, JSONObject, is_strava

# Durations (s) and distances (m) the curves list points at; a point exists
# only if some activity in the range lasted or covered that much.
POWER_SECS: tuple[int, ...] = (
    1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600,
    900, 1200, 1800, 2400, 3600, 5400, 7200, 10800, 14400, 18000, 21600,
)  # fmt: skip
RUN_DISTANCES: tuple[float, ...] = (
    100.0, 200.0, 400.0, 800.0, 1000.0, 1500.0, 1609.344, 2000.0, 3000.0,
    5000.0, 10000.0, 15000.0, 20000.0, 21097.5, 30000.0, 42195.0, 50000.0,
    100000.0,
)  # fmt: skip
SWIM_DISTANCES: tuple[float, ...] = (
    25.0, 50.0, 100.0, 200.0, 400.0, 500.0, 750.0, 800.0, 1000.0, 1500.0,
    1900.0, 2000.0, 3000.0, 3800.0, 5000.0, 10000.0,
)  # fmt: skip
SWIM_SPORTS = frozenset(("Swim", "OpenWaterSwim"))
# Compact activities the answer carries for the points' activities.
_ACTIVITY_SUMMARY = (
    "id", "start_date_local", "type", "name", "distance", "moving_time",
    "icu_average_watts", "icu_weight",
)  # fmt: skip
_CURVE_ID = re.compile(
    r"r\.(\d{4}-\d{2}-\d{2})\.(\d{4}-\d{2}-\d{2})|(\d+)([dy])|all|s0"
)


class CurveIdError(ValueError):
    """A curve id the service would not understand."""


@dataclass(frozen=True, slots=True)
class CurveRange:
    """The local days a curve covers, both included."""

    id: str
    first: date
    last: date


def curve_range(curve: str, today: date) -> CurveRange:
    """Resolve `r.A.B`, `Nd`, `Ny`, `s0` (this calendar year here) or `all`."""
    match = _CURVE_ID.fullmatch(curve)
    if match is None:
        raise CurveIdError(curve)
    if match.group(1):
        try:
            first = date.fromisoformat(match.group(1))
            last = date.fromisoformat(match.group(2))
        except ValueError:
            raise CurveIdError(curve) from None
        return CurveRange(curve, first, last)
    if match.group(3):
        count = int(match.group(3))
        days = count * 365 if match.group(4) == "y" else count
        return CurveRange(curve, today - timedelta(days=days - 1), today)
    if curve == "s0":
        return CurveRange(curve, date(today.year, 1, 1), today)
    return CurveRange(curve, date(1970, 1, 1), today)


def sport_types(athlete: Athlete, sport: str) -> frozenset[str]:
    """The activity types counted for `sport`: its sport-settings group."""
    for settings in athlete.sport_settings:
        types = settings.get("types") or ()
        if sport in types:
            return frozenset(types)
    return frozenset((sport,))


def _settings(athlete: Athlete, sport: str) -> Mapping[str, Any]:
    for settings in athlete.sport_settings:
        if sport in (settings.get("types") or ()):
            return settings
    return {}


def _noise(activity: Mapping[str, Any]) -> random.Random:
    # Seeded by the id so the same activity always has the same bests.
    return random.Random(f"best:{activity['id']}")


def activity_power(
    activity: Mapping[str, Any], defaults: Mapping[str, Any]
) -> list[tuple[int, int]]:
    """Best average watts per duration within one activity."""
    average = activity.get("icu_average_watts")
    moving = activity.get("moving_time")
    if not average or not moving or moving <= 0:
        return []
    ftp = activity.get("icu_ftp") or defaults.get("ftp") or average
    w_prime = activity.get("icu_w_prime") or defaults.get("w_prime") or 20_000
    p_max = max(activity.get("p_max") or defaults.get("p_max") or 3 * ftp, ftp + 1)
    weighted = activity.get("icu_weighted_avg_watts") or average
    rng = _noise(activity)
    # How hard the athlete went relative to what they could: races near 1.
    effort = min(1.0, max(0.5, weighted / ftp + rng.uniform(-0.05, 0.12)))
    if activity.get("race"):
        effort = max(effort, rng.uniform(0.92, 1.0))
    tau = w_prime / (p_max - ftp)
    points: list[tuple[int, int]] = []
    for secs in POWER_SECS:
        if secs > moving:
            break
        # Morton's 3-parameter model scaled by the effort, easing to the
        # activity's average over its whole length.
        model = ftp + w_prime / (secs + tau)
        peak = max(average, effort * model)
        points.append((secs, round(average + (peak - average) * (1 - secs / moving))))
    return _non_increasing(points)


def activity_pace(activity: Mapping[str, Any]) -> list[tuple[float, int]]:
    """Shortest time per distance within one activity."""
    distance = activity.get("distance")
    moving = activity.get("moving_time")
    if not distance or not moving or distance <= 0 or moving <= 0:
        return []
    grid = SWIM_DISTANCES if activity.get("type") in SWIM_SPORTS else RUN_DISTANCES
    # Shorter stretches go faster than the whole: up to `surge` quicker.
    surge = _noise(activity).uniform(0.02, 0.12)
    points: list[tuple[float, int]] = []
    for metres in grid:
        if metres > distance:
            break
        share = metres / distance
        points.append((metres, round(moving * share / (1 + surge * (1 - share) ** 2))))
    return points


def _non_increasing(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    # A longer effort never averages more than the best shorter one inside it.
    result: list[tuple[int, int]] = []
    ceiling = None
    for secs, watts in points:
        ceiling = watts if ceiling is None else min(ceiling, watts)
        result.append((secs, ceiling))
    return result


def _in_range(athlete: Athlete, sport: str, span: CurveRange) -> Iterable[JSONObject]:
    types = sport_types(athlete, sport)
    lower = datetime.combine(span.first, time()).isoformat()
    upper = datetime.combine(span.last, time(23, 59, 59)).isoformat()
    for activity in athlete.activities_between(lower, upper):
        if activity.get("type") in types and not is_strava(activity):
            yield activity


def _summary(activity: Mapping[str, Any]) -> JSONObject:
    return {
        key: activity[key] for key in _ACTIVITY_SUMMARY if activity.get(key) is not None
    }


def _curve_header(span: CurveRange, sport: str) -> JSONObject:
    return {
        "id": span.id,
        "label": span.id,
        "filter_label": sport,
        "start_date_local": datetime.combine(span.first, time()).isoformat(),
        "end_date_local": datetime.combine(
            span.last + timedelta(days=1), time()
        ).isoformat(),
        "days": (span.last - span.first).days + 1,
    }


def power_curves(
    athlete: Athlete, sport: str, spans: Iterable[CurveRange]
) -> JSONObject:
    """The `power-curves.json` answer for the given ranges."""
    defaults = _settings(athlete, sport)
    curves: list[JSONObject] = []
    used: dict[str, JSONObject] = {}
    for span in spans:
        watts: dict[int, tuple[int, str]] = {}
        per_kg: dict[int, tuple[float, str]] = {}
        moving_time = 0
        for activity in _in_range(athlete, sport, span):
            moving_time += activity.get("moving_time") or 0
            weight = activity.get("icu_weight")
            for secs, value in activity_power(activity, defaults):
                # The earlier activity keeps a tied record, as on the service.
                if secs not in watts or value > watts[secs][0]:
                    watts[secs] = (value, activity["id"])
                if weight and (secs not in per_kg or value / weight > per_kg[secs][0]):
                    per_kg[secs] = (round(value / weight, 2), activity["id"])
                used.setdefault(activity["id"], _summary(activity))
        secs_list = sorted(watts)
        curves.append(
            {
                **_curve_header(span, sport),
                "moving_time": moving_time,
                "secs": secs_list,
                "values": [watts[s][0] for s in secs_list],
                "activity_id": [watts[s][1] for s in secs_list],
                "watts_per_kg": [per_kg.get(s, (None, None))[0] for s in secs_list],
                "wkg_activity_id": [per_kg.get(s, (None, None))[1] for s in secs_list],
            }
        )
    return {"list": curves, "activities": _referenced(curves, used)}


def pace_curves(
    athlete: Athlete, sport: str, spans: Iterable[CurveRange]
) -> JSONObject:
    """The `pace-curves.json` answer for the given ranges."""
    curves: list[JSONObject] = []
    used: dict[str, JSONObject] = {}
    for span in spans:
        best: dict[float, tuple[int, str]] = {}
        moving_time = 0
        for activity in _in_range(athlete, sport, span):
            moving_time += activity.get("moving_time") or 0
            for metres, seconds in activity_pace(activity):
                if metres not in best or seconds < best[metres][0]:
                    best[metres] = (seconds, activity["id"])
                used.setdefault(activity["id"], _summary(activity))
        distances = sorted(best)
        curves.append(
            {
                **_curve_header(span, sport),
                "moving_time": moving_time,
                "type": "PACE",
                "distance": distances,
                "values": [best[d][0] for d in distances],
                "activity_id": [best[d][1] for d in distances],
            }
        )
    return {"list": curves, "activities": _referenced(curves, used)}


def _referenced(
    curves: Iterable[JSONObject], used: Mapping[str, JSONObject]
) -> dict[str, JSONObject]:
    ids = {
        activity_id
        for curve in curves
        for key in ("activity_id", "wkg_activity_id")
        for activity_id in curve.get(key, ())
        if activity_id
    }
    return {key: used[key] for key in sorted(ids)}
