"""Pure functions from the whole history to rows of long-term statistics.

Home Assistant's recorder keeps hourly rows of external statistics: a `sum`
that only grows (the statistics graph card shows its change per day, month
or year) or a `mean`. Each activity lands in the hour it started; the hour is
taken in UTC, where the recorder wants it, which is the athlete's local hour
in every zone with whole-hour offsets and the right instant in the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from ..api import Activity, Wellness
from ..training.totals import ALL, Sums, group_sums

# Order matters: it is the order of the values summed per hour below.
METRICS: tuple[str, ...] = (
    "distance",
    "moving_time",
    "elevation_gain",
    "training_load",
    "count",
)
# The daily means: fitness (CTL), fatigue (ATL) and form (CTL - ATL).
MEANS: tuple[str, ...] = ("fitness", "fatigue", "form")


@dataclass(frozen=True, slots=True)
class SumRow:
    """One hour of a cumulative statistic."""

    start: datetime
    """Top of the UTC hour."""
    change: float
    sum: float
    """Everything up to the end of this hour."""


@dataclass(frozen=True, slots=True)
class MeanRow:
    """One athlete day of a mean statistic, at the first hour of that day."""

    start: datetime
    mean: float


def sum_key(athlete_id: str, group: str, metric: str) -> str:
    """The object id of a sum: `{athlete_id}_{group}_{metric}`."""
    return f"{athlete_id}_{group}_{metric}"


def mean_key(athlete_id: str, name: str) -> str:
    """The object id of a mean: `{athlete_id}_{name}`."""
    return f"{athlete_id}_{name}"


def sum_keys(athlete_id: str, groups: Iterable[str]) -> list[str]:
    """Every sum statistic of the groups switched on, and of `all`."""
    return [
        sum_key(athlete_id, group, metric)
        for group in (*groups, ALL)
        for metric in METRICS
    ]


def utc_hour(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC hour holding an athlete-local wall time."""
    instant = local.replace(tzinfo=zone).astimezone(UTC)
    return instant.replace(minute=0, second=0, microsecond=0)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The UTC hour in which the athlete's day begins."""
    return utc_hour(datetime.combine(day, time.min), zone)


type Buckets = dict[str, dict[datetime, Sums]]
"""Per group (and `all`): UTC hour -> [distance, time, elevation, load, count]."""


def hour_buckets(
    activities: Iterable[Activity],
    zone: ZoneInfo,
    groups: Mapping[str, Iterable[str]],
    into: Buckets | None = None,
) -> Buckets:
    """The activities' sums per group and UTC hour (added to `into`, if given)."""
    return group_sums(
        activities, groups, lambda a: (utc_hour(a.start_local, zone),), into
    )


def statistic_rows(
    by_hour: Mapping[datetime, Sums],
    index: int,
    *,
    base: float = 0.0,
    since: datetime | None = None,
    written: Iterable[datetime] = (),
) -> tuple[list[SumRow], list[datetime]]:
    """One statistic's hourly rows (metric `index` of the buckets), from `base`.

    With `since` (a UTC hour), only the rows from that hour on. `written` are
    hours that hold a row already: they get one again, with no change if
    nothing started then any more, so that a deleted or moved activity leaves
    no stale sum behind. Also returns those hours that hold no activity now.
    """
    extra = {h for h in written if since is None or h >= since}
    total = base
    rows: list[SumRow] = []
    for start in sorted(extra.union(by_hour)):
        bucket = by_hour.get(start)
        change = bucket[index] if bucket is not None else 0.0
        total += change
        if since is None or start >= since:
            rows.append(SumRow(start, change, total))
    return rows, sorted(extra.difference(by_hour))


@dataclass(frozen=True, slots=True)
class HourlySums:
    """Rows of every sum statistic, and the hours among them without an activity."""

    rows: dict[str, list[SumRow]]
    """By `sum_key`, oldest first."""
    empty: dict[str, list[datetime]]
    """By `sum_key`: hours written again with no activity in them any more."""


def hourly_sums(
    activities: Iterable[Activity],
    zone: ZoneInfo,
    groups: Mapping[str, Iterable[str]],
    athlete_id: str,
    *,
    base: Mapping[str, float] | None = None,
    since: datetime | None = None,
    written: Mapping[str, Iterable[datetime]] | None = None,
) -> HourlySums:
    """Hourly rows of every sum statistic, from `base` (see `statistic_rows`).

    `base` is each statistic's sum of everything before `activities` (missing
    means 0). Strava stubs are never counted.
    """
    buckets = hour_buckets(activities, zone, groups)
    base = base or {}
    written = written or {}
    rows: dict[str, list[SumRow]] = {}
    empty: dict[str, list[datetime]] = {}
    for name, by_hour in buckets.items():
        for index, metric in enumerate(METRICS):
            key = sum_key(athlete_id, name, metric)
            rows[key], empty[key] = statistic_rows(
                by_hour,
                index,
                base=base.get(key, 0.0),
                since=since,
                written=written.get(key, ()),
            )
    return HourlySums(rows, empty)


def bucket_sums(buckets: Buckets, athlete_id: str) -> dict[str, float]:
    """Each statistic's sum of everything in the buckets, by `sum_key`."""
    return {
        sum_key(athlete_id, name, metric): sum(b[index] for b in by_hour.values())
        for name, by_hour in buckets.items()
        for index, metric in enumerate(METRICS)
    }


def sums(
    activities: Iterable[Activity],
    groups: Mapping[str, Iterable[str]],
    athlete_id: str,
) -> dict[str, float]:
    """The sum of the activities in each sum statistic, by `sum_key`."""
    totals = group_sums(activities, groups, lambda _: (None,))
    return {
        sum_key(athlete_id, name, metric): (by_key[None][index] if by_key else 0.0)
        for name, by_key in totals.items()
        for index, metric in enumerate(METRICS)
    }


def daily_means(
    wellness: Iterable[Wellness], zone: ZoneInfo, athlete_id: str
) -> dict[str, list[MeanRow]]:
    """Fitness (CTL), fatigue (ATL) and form (CTL - ATL): one row per day.

    The recorder averages the hourly rows it finds in a day, month or year, so
    one row per day weighs every day alike, as 24 equal rows would, at a
    twenty-fourth of the storage. Days without a value get no row.
    """
    fitness: list[MeanRow] = []
    fatigue: list[MeanRow] = []
    form: list[MeanRow] = []
    for record in sorted(wellness, key=lambda w: w.day):
        start = day_start(record.day, zone)
        if record.ctl is not None:
            fitness.append(MeanRow(start, record.ctl))
        if record.atl is not None:
            fatigue.append(MeanRow(start, record.atl))
        if record.ctl is not None and record.atl is not None:
            form.append(MeanRow(start, record.ctl - record.atl))
    return {
        mean_key(athlete_id, "fitness"): fitness,
        mean_key(athlete_id, "fatigue"): fatigue,
        mean_key(athlete_id, "form"): form,
    }


def _counted(activity: Activity) -> tuple[object, ...]:
    """What of an activity the sums depend on (a new name changes none)."""
    return (
        activity.start_local,
        activity.type,
        activity.is_stub,
        activity.distance,
        activity.moving_time,
        activity.elevation_gain,
        activity.training_load,
    )


def first_changed_hour(
    old: Iterable[Activity], new: Iterable[Activity], zone: ZoneInfo
) -> datetime | None:
    """The earliest hour whose sums differ between two sets of activities.

    An activity that appeared, vanished or changed what the sums count (one
    that moved marks both its old and its new hour); None when nothing did.
    """
    before = {a.id: a for a in old}
    after = {a.id: a for a in new}
    earliest: datetime | None = None
    for key in before.keys() | after.keys():
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and _counted(a) == _counted(b):
            continue
        for activity in (a, b):
            if activity is None or activity.is_stub:
                continue
            hour = utc_hour(activity.start_local, zone)
            if earliest is None or hour < earliest:
                earliest = hour
    return earliest
