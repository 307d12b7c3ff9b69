"""Pure functions from activity records to totals per sport group and period."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from .api import Activity

ALL = "all"


class Period(StrEnum):
    """The periods totals are kept for; each starts on an athlete-local day."""

    WEEK = "week"
    MONTH = "month"
    YEAR = "ytd"


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over the activities of one group in one period."""

    distance: float = 0.0
    moving_time: float = 0.0
    elevation_gain: float = 0.0
    training_load: float = 0.0
    count: int = 0


def period_starts(today: date, week_start: int = 0) -> dict[Period, date]:
    """Return the first day of each period containing `today` (Monday = 0)."""
    return {
        Period.WEEK: today - timedelta(days=(today.weekday() - week_start) % 7),
        Period.MONTH: today.replace(day=1),
        Period.YEAR: today.replace(month=1, day=1),
    }


def window_start(today: date, week_start: int = 0) -> date:
    """The oldest day the cache keeps: 1 January last year.

    Last year's totals need all of last year; every period of this year (a
    week that began last year too) lies after it.
    """
    return min(date(today.year - 1, 1, 1), reread_start(today, week_start))


def reread_start(today: date, week_start: int = 0) -> date:
    """The oldest day any period of this year needs: the week may begin last year.

    The daily re-read starts here; last year before it is over.
    """
    return min(period_starts(today, week_start).values())


def aggregate(
    activities: Iterable[Activity],
    groups: Mapping[str, frozenset[str]],
    today: date,
    week_start: int = 0,
) -> dict[str, dict[Period, Totals]]:
    """Sum activities per group (and `all`) for the week, month and year of `today`.

    Strava stubs carry no numbers and are left out; count them with `count_stubs`.
    Activities after the end of `today` are ignored.
    """
    starts = {
        period: datetime(day.year, day.month, day.day)
        for period, day in period_starts(today, week_start).items()
    }
    end = datetime(today.year, today.month, today.day) + timedelta(days=1)
    group_names = [*groups, ALL]
    # [distance, moving time, elevation, load, count] per group and period;
    # plain lists keep the hot loop cheap (20,000 activities in a few ms).
    acc = {
        name: {period: [0.0, 0.0, 0.0, 0.0, 0] for period in Period}
        for name in group_names
    }
    member_of: dict[str | None, list[str]] = {}
    for name, types in groups.items():
        for activity_type in types:
            member_of.setdefault(activity_type, []).append(name)
    periods = list(starts.items())
    for activity in activities:
        start = activity.start_local
        if activity.is_stub or start >= end:
            continue
        targets = [ALL, *member_of.get(activity.type, ())]
        values = (
            activity.distance or 0.0,
            activity.moving_time or 0.0,
            activity.elevation_gain or 0.0,
            activity.training_load or 0.0,
        )
        for period, period_start in periods:
            if start < period_start:
                continue
            for name in targets:
                bucket = acc[name][period]
                bucket[0] += values[0]
                bucket[1] += values[1]
                bucket[2] += values[2]
                bucket[3] += values[3]
                bucket[4] += 1
    return {
        name: {
            period: Totals(b[0], b[1], b[2], b[3], int(b[4]))
            for period, b in by_period.items()
        }
        for name, by_period in acc.items()
    }


def count_stubs(activities: Iterable[Activity], since: date) -> int:
    """Count the Strava stubs that started on or after `since`."""
    start = datetime(since.year, since.month, since.day)
    return sum(1 for a in activities if a.is_stub and a.start_local >= start)


def latest(activities: Iterable[Activity]) -> Activity | None:
    """The activity that started last, whatever order the list is in."""
    real = (a for a in activities if not a.is_stub)
    return max(real, key=lambda a: (a.start_local, a.id), default=None)


@dataclass(frozen=True, slots=True)
class LastYear:
    """Last year's totals of one group: to this calendar day, and all of it."""

    to_date: Totals
    whole: Totals


def same_day_last_year(today: date) -> date:
    """Today's calendar day one year ago; 29 February becomes 28 February."""
    if today.month == 2 and today.day == 29:
        return date(today.year - 1, 2, 28)
    return today.replace(year=today.year - 1)


def last_year(
    activities: Iterable[Activity],
    groups: Mapping[str, frozenset[str]],
    today: date,
) -> dict[str, LastYear]:
    """Sum last year per group (and `all`): 1 January to the same day, and the year.

    Strava stubs carry no numbers and are left out, as in `aggregate`.
    """
    start = datetime(today.year - 1, 1, 1)
    same_day = same_day_last_year(today)
    cut = datetime(same_day.year, same_day.month, same_day.day) + timedelta(days=1)
    end = datetime(today.year, 1, 1)
    member_of: dict[str | None, list[str]] = {}
    for name, types in groups.items():
        for activity_type in types:
            member_of.setdefault(activity_type, []).append(name)
    # [distance, moving time, elevation, load, count] to date and whole year.
    acc = {name: ([0.0] * 5, [0.0] * 5) for name in (*groups, ALL)}
    for activity in activities:
        begin = activity.start_local
        if activity.is_stub or not start <= begin < end:
            continue
        values = (
            activity.distance or 0.0,
            activity.moving_time or 0.0,
            activity.elevation_gain or 0.0,
            activity.training_load or 0.0,
            1.0,
        )
        for name in (ALL, *member_of.get(activity.type, ())):
            to_date, whole = acc[name]
            for index, value in enumerate(values):
                whole[index] += value
                if begin < cut:
                    to_date[index] += value
    return {
        name: LastYear(to_date=_totals(to_date), whole=_totals(whole))
        for name, (to_date, whole) in acc.items()
    }


def _totals(values: list[float]) -> Totals:
    return Totals(values[0], values[1], values[2], values[3], int(values[4]))
