"""Totals per sport group and period: activities in, sums out."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from ..api import Activity

ALL = "all"
"""The group every activity counts in, whatever its type."""


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

    @classmethod
    def of(cls, sums: Sums) -> Totals:
        """The totals of a `group_sums` bucket."""
        return cls(sums[0], sums[1], sums[2], sums[3], int(sums[4]))


class SportGroups(Mapping[str, frozenset[str]]):
    """The sport groups switched on, by name, with the activity types each counts.

    Also says which groups an activity type counts in, looked up once.
    """

    def __init__(self, groups: Mapping[str, Iterable[str]]) -> None:
        """Keep the groups in their order; `all` comes after them."""
        self._types = {name: frozenset(types) for name, types in groups.items()}
        self.names: tuple[str, ...] = (*self._types, ALL)
        member_of: dict[str | None, tuple[str, ...]] = {}
        for name, types in self._types.items():
            for activity_type in types:
                member_of[activity_type] = (*member_of.get(activity_type, (ALL,)), name)
        self._member_of = member_of

    def __getitem__(self, name: str) -> frozenset[str]:
        """The activity types of a group."""
        return self._types[name]

    def __iter__(self) -> Iterator[str]:
        """The groups' names, in order."""
        return iter(self._types)

    def __len__(self) -> int:
        """How many groups are switched on."""
        return len(self._types)

    def __repr__(self) -> str:
        """The groups and their types."""
        return f"SportGroups({self._types!r})"

    def of(self, activity_type: str | None) -> tuple[str, ...]:
        """The groups an activity of this type counts in, `all` first."""
        return self._member_of.get(activity_type, (ALL,))


def as_groups(groups: Mapping[str, Iterable[str]]) -> SportGroups:
    """The groups as `SportGroups`, looked up once."""
    return groups if isinstance(groups, SportGroups) else SportGroups(groups)


type Sums = array[float]
"""[distance, moving time, elevation, load, count] of some activities."""


def group_sums[K: Hashable](
    activities: Iterable[Activity],
    groups: Mapping[str, Iterable[str]],
    keys: Callable[[Activity], Iterable[K]],
    into: dict[str, dict[K, Sums]] | None = None,
) -> dict[str, dict[K, Sums]]:
    """Per group (and `all`): key -> [distance, moving time, elevation, load, count].

    `keys` says under which keys (periods, hours) an activity counts; none
    leaves it out. Strava stubs carry no numbers and are never counted. With
    `into`, the sums are added to those (a history read page by page).
    """
    groups = as_groups(groups)
    sums: dict[str, dict[K, Sums]] = {} if into is None else into
    for name in groups.names:
        sums.setdefault(name, {})
    for activity in activities:
        if activity.is_stub:
            continue
        wanted = keys(activity)
        if not wanted:
            continue
        distance = activity.distance or 0.0
        moving_time = activity.moving_time or 0.0
        elevation = activity.elevation_gain or 0.0
        load = activity.training_load or 0.0
        for name in groups.of(activity.type):
            by_key = sums[name]
            for key in wanted:
                bucket = by_key.get(key)
                if bucket is None:
                    # An array holds no objects: the garbage collector never
                    # walks it, nor the dict of them (years of hours, at import).
                    by_key[key] = array(
                        "d", (distance, moving_time, elevation, load, 1.0)
                    )
                else:
                    bucket[0] += distance
                    bucket[1] += moving_time
                    bucket[2] += elevation
                    bucket[3] += load
                    bucket[4] += 1.0
    return sums


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


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def aggregate(
    activities: Iterable[Activity],
    groups: Mapping[str, Iterable[str]],
    today: date,
    week_start: int = 0,
) -> dict[str, dict[Period, Totals]]:
    """Sum activities per group (and `all`) for the week, month and year of `today`.

    Activities after the end of `today` are ignored.
    """
    starts = [
        (period, _midnight(day))
        for period, day in period_starts(today, week_start).items()
    ]
    end = _midnight(today) + timedelta(days=1)

    def periods(activity: Activity) -> list[Period]:
        start = activity.start_local
        if start >= end:
            return []
        return [period for period, begin in starts if start >= begin]

    sums = group_sums(activities, groups, periods)
    return {
        name: {
            period: Totals.of(by_period[period]) if period in by_period else Totals()
            for period in Period
        }
        for name, by_period in sums.items()
    }


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
    activities: Iterable[Activity], groups: Mapping[str, Iterable[str]], today: date
) -> dict[str, LastYear]:
    """Sum last year per group (and `all`): 1 January to the same day, and the year."""
    start = datetime(today.year - 1, 1, 1)
    cut = _midnight(same_day_last_year(today)) + timedelta(days=1)
    end = datetime(today.year, 1, 1)

    def parts(activity: Activity) -> tuple[str, ...]:
        begin = activity.start_local
        if not start <= begin < end:
            return ()
        return ("whole", "to_date") if begin < cut else ("whole",)

    sums = group_sums(activities, groups, parts)
    return {
        name: LastYear(
            to_date=Totals.of(by_part["to_date"]) if "to_date" in by_part else Totals(),
            whole=Totals.of(by_part["whole"]) if "whole" in by_part else Totals(),
        )
        for name, by_part in sums.items()
    }


def count_stubs(activities: Iterable[Activity], since: date) -> int:
    """Count the Strava stubs that started on or after `since`."""
    start = _midnight(since)
    return sum(1 for a in activities if a.is_stub and a.start_local >= start)


def latest(activities: Iterable[Activity]) -> Activity | None:
    """The activity that started last, whatever order the list is in."""
    real = (a for a in activities if not a.is_stub)
    return max(real, key=lambda a: (a.start_local, a.id), default=None)
