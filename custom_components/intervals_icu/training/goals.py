"""Pure maths of a yearly distance goal: progress, gap to an even pace, projection."""

from __future__ import annotations

from calendar import isleap
from dataclasses import dataclass
from datetime import datetime, timedelta

DAY = timedelta(days=1)


def year_fraction(now_local: datetime) -> float:
    """How much of the athlete's year has passed at this wall time (0 to 1).

    Wall time, not elapsed UTC time: on the day clocks change, the athlete's
    day is still one day of the year, and 12:00 is still half of it.
    """
    start = datetime(now_local.year, 1, 1)
    length = timedelta(days=366 if isleap(now_local.year) else 365)
    elapsed = now_local.replace(tzinfo=None) - start
    return min(1.0, max(0.0, elapsed / length))


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

    A goal of 0 or None means no goal. The gap compares with an even pace at
    this moment of the athlete's day. The projection is the distance per day
    so far, today counted as a whole day, times the days of the year: it
    changes only when the distance does (or the day turns), and a run on the
    morning of 1 January projects that day's distance every day instead of
    an absurd number.
    """
    days = 366 if isleap(now_local.year) else 365
    elapsed_days = now_local.timetuple().tm_yday
    projected = distance * days / elapsed_days
    if goal is None or goal <= 0:
        return GoalStatus(progress=None, gap=None, projected=projected)
    return GoalStatus(
        progress=100.0 * distance / goal,
        gap=distance - goal * year_fraction(now_local),
        projected=projected,
    )
