"""Pure maths of a yearly distance goal: progress, gap to an even pace, projection."""

from __future__ import annotations

from calendar import isleap
from dataclasses import dataclass
from datetime import datetime, timedelta

DAY = timedelta(days=1)
# A goal below a metre is no goal (its progress would be astronomical).
MIN_GOAL = 1.0


def year_fraction(now_local: datetime) -> float:
    """How much of the athlete's year has passed at this wall time (0 to 1).

    Wall time, not elapsed UTC time: on the day clocks change, the athlete's
    day is still one day of the year, and 12:00 is still half of it.
    """
    start = datetime(now_local.year, 1, 1)
    length = timedelta(days=366 if isleap(now_local.year) else 365)
    elapsed = now_local.replace(tzinfo=None) - start
    return min(1.0, max(0.0, elapsed / length))


# Metres per unit a distance goal can be typed in.
METRES_PER: dict[str, float] = {
    "m": 1.0,
    "km": 1000.0,
    "mi": 1609.344,
    "yd": 0.9144,
    "ft": 0.3048,
    "in": 0.0254,
    "cm": 0.01,
    "mm": 0.001,
    "nmi": 1852.0,
}


@dataclass(frozen=True, slots=True)
class Goal:
    """A distance goal as the athlete typed it: 1500 km, 900 mi."""

    value: float
    unit: str
    """A unit of METRES_PER."""

    @property
    def metres(self) -> float:
        """The goal in metres."""
        return self.value * METRES_PER[self.unit]

    def shown_in(self, unit: str) -> float:
        """The goal in `unit`: as typed in its own, else a whole number of it.

        1500 km reads 932 mi, and 1500 km again back in km: the goal itself
        never drifts by rounding.
        """
        if unit == self.unit:
            return self.value
        return float(round(self.metres / METRES_PER[unit]))


@dataclass(frozen=True, slots=True)
class GoalStatus:
    """Where the athlete stands against the year's goal."""

    progress: float | None
    """Percent of the goal reached; None without a goal."""
    gap: float | None
    """Metres ahead of (+) or behind (-) an even pace; None without a goal."""
    projected: float
    """This year's distance on 31 December at the pace so far (per day)."""


def goal_status(distance: float, goal: float | None, now_local: datetime) -> GoalStatus:
    """Progress, gap and projection of `distance` so far this year (metres).

    A goal of 0 or None (or below a metre) means no goal. The gap compares
    with an even pace at this moment of the athlete's day. The projection is
    the distance per day
    so far, today counted as a whole day, times the days of the year: it
    changes only when the distance does (or the day turns), and a run on the
    morning of 1 January projects that day's distance every day instead of
    an absurd number.
    """
    days = 366 if isleap(now_local.year) else 365
    elapsed_days = now_local.timetuple().tm_yday
    projected = distance * days / elapsed_days
    if goal is None or not goal >= MIN_GOAL:  # NaN is no goal either
        return GoalStatus(progress=None, gap=None, projected=projected)
    return GoalStatus(
        progress=100.0 * distance / goal,
        gap=distance - goal * year_fraction(now_local),
        projected=projected,
    )
