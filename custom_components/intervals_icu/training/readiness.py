"""How ready the athlete is: the zone of today's form, and the HRV trend's status.

Form zones are those of Intervals.icu's fitness chart (Joe Friel's bands of
training stress balance): high risk below -30, optimal -30 to -10, grey zone
-10 to +5, fresh +5 to +25, transition above +25. An athlete who reads form as
a percentage of fitness (`icu_form_as_percent`) gets the same bands applied to
that percentage, as the chart does. A value on a bound belongs to the zone
nearer zero (-30 is optimal, +25 fresh, -10 and +5 grey).

The HRV status follows the HRV-guided training literature (Plews, Kiviniemi):
the 7-day mean of ln(rMSSD) against the athlete's normal range, the mean of
the 60 days before those 7 ± half their standard deviation (the smallest
worthwhile change). Logarithms because rMSSD is skewed; the range is shown
back in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
import math
from statistics import fmean, stdev


class FormZone(StrEnum):
    """A zone of Intervals.icu's fitness chart, from the most tired up."""

    HIGH_RISK = "high_risk"
    OPTIMAL = "optimal"
    GREY_ZONE = "grey_zone"
    FRESH = "fresh"
    TRANSITION = "transition"


HIGH_RISK_BELOW = -30.0
OPTIMAL_BELOW = -10.0
GREY_UP_TO = 5.0
FRESH_UP_TO = 25.0


def form_value(form: float, fitness: float | None, *, as_percent: bool) -> float:
    """The number the zones are read from: form, or form as % of fitness.

    Without fitness there is nothing to be a percentage of: form as it is.
    """
    if as_percent and fitness is not None and fitness > 0:
        return 100.0 * form / fitness
    return form


def form_zone(value: float) -> FormZone:
    """The zone of a form value (see `form_value`)."""
    if value < HIGH_RISK_BELOW:
        return FormZone.HIGH_RISK
    if value < OPTIMAL_BELOW:
        return FormZone.OPTIMAL
    if value <= GREY_UP_TO:
        return FormZone.GREY_ZONE
    if value <= FRESH_UP_TO:
        return FormZone.FRESH
    return FormZone.TRANSITION


class HrvStatus(StrEnum):
    """The 7-day HRV mean against the athlete's normal range."""

    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"


HRV_WINDOW_DAYS = 7
HRV_BASELINE_DAYS = 60
HRV_DAYS = HRV_WINDOW_DAYS + HRV_BASELINE_DAYS
"""The days the status needs: the week and the 60 days before it."""
# At least half of each: a mean of 3 days swings with one bad night, and a
# range from a few weeks is no one's normal yet.
MIN_WINDOW_DAYS = 4
MIN_BASELINE_DAYS = 30
SMALLEST_WORTHWHILE_CHANGE = 0.5
"""Half a standard deviation either side of the baseline's mean."""


@dataclass(frozen=True, slots=True, kw_only=True)
class HrvTrend:
    """The HRV status of a day, with what it was worked out from."""

    status: HrvStatus | None
    """None until there are enough days."""
    window_days: int
    """Days with an rMSSD among the last 7."""
    baseline_days: int
    """Days with an rMSSD among the 60 before them."""
    mean_ms: float | None = None
    """The 7 days' mean, back in ms (the geometric mean of their rMSSD)."""
    low_ms: float | None = None
    """The normal range's lower end, in ms."""
    high_ms: float | None = None
    """The normal range's upper end, in ms."""


def _logs(rmssd: Mapping[date, float], first: date, last: date) -> list[float]:
    return [
        math.log(value)
        for day, value in rmssd.items()
        if first <= day <= last and value > 0
    ]


def hrv_trend(rmssd: Mapping[date, float], today: date) -> HrvTrend:
    """The status of `today` from each day's rMSSD in ms (days without one missing)."""
    window_start = today - timedelta(days=HRV_WINDOW_DAYS - 1)
    baseline_start = window_start - timedelta(days=HRV_BASELINE_DAYS)
    window = _logs(rmssd, window_start, today)
    baseline = _logs(rmssd, baseline_start, window_start - timedelta(days=1))
    if len(window) < MIN_WINDOW_DAYS or len(baseline) < MIN_BASELINE_DAYS:
        return HrvTrend(
            status=None, window_days=len(window), baseline_days=len(baseline)
        )
    mean = fmean(window)
    centre = fmean(baseline)
    half_range = SMALLEST_WORTHWHILE_CHANGE * stdev(baseline)
    low, high = centre - half_range, centre + half_range
    if mean < low:
        status = HrvStatus.BELOW
    elif mean > high:
        status = HrvStatus.ABOVE
    else:
        status = HrvStatus.WITHIN
    return HrvTrend(
        status=status,
        mean_ms=math.exp(mean),
        low_ms=math.exp(low),
        high_ms=math.exp(high),
        window_days=len(window),
        baseline_days=len(baseline),
    )
