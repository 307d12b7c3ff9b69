"""The activity cache: what is kept between updates and restarts, and how it merges.

Hourly updates ask only for the last few days and merge them by id; once a day
(and when the athlete's year changes) the whole window is fetched again, which
catches edits and deletions of older activities. That daily re-read asks only
for what the totals need (TOTALS_FIELDS); names, heart rate and power of older
activities stay as they were read in full while they were recent. The cache is
persisted in a Home Assistant `Store`, so a restart needs no download of the year.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
import json
import math
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .api import ACTIVITY_FIELDS, TOTALS_FIELDS, Activity
from .const import DOMAIN, LOGGER

STORAGE_VERSION = 1
STORAGE_MINOR_VERSION = 1
SAVE_DELAY = 30
# Days before today that an hourly update asks for: late uploads and edits of
# the last days land here; older changes wait for the daily reconcile.
RECENT_DAYS = 3
# A reconcile asks for at most about this many activities per request.
PAGE_SIZE = 5000

type Fetch = Callable[[datetime, datetime, Sequence[str]], Awaitable[list[Activity]]]
"""Fetch the activities whose local start lies in [oldest, newest], these fields."""

# Order of the columns of a persisted activity; a list per activity instead of
# an object keeps 20,000 activities near 2 MB on disk.
_COLUMNS = (
    "id",
    "start_local",
    "type",
    "name",
    "distance",
    "moving_time",
    "elapsed_time",
    "elevation_gain",
    "training_load",
    "average_heartrate",
    "average_watts",
    "source",
    "is_stub",
)


def _row(activity: Activity) -> list[Any]:
    row: list[Any] = [getattr(activity, column) for column in _COLUMNS]
    row[1] = activity.start_local.isoformat()
    return row


def _activity(row: Any) -> Activity:
    if not isinstance(row, list) or len(row) != len(_COLUMNS):
        raise TypeError("cached activity has the wrong shape")
    values = dict(zip(_COLUMNS, row, strict=True))
    values["start_local"] = datetime.fromisoformat(values["start_local"])
    if values["start_local"].tzinfo is not None:
        # Local wall times carry no zone; one with a zone cannot be compared.
        raise ValueError("cached start has a time zone")
    activity = Activity(**values)
    if not isinstance(activity.id, str) or not isinstance(activity.is_stub, bool):
        raise TypeError("cached activity has the wrong types")
    for text in (activity.type, activity.name, activity.source):
        if text is not None and not isinstance(text, str):
            raise TypeError("cached text is not a string")
    for number in (
        activity.distance,
        activity.moving_time,
        activity.elapsed_time,
        activity.elevation_gain,
        activity.training_load,
        activity.average_heartrate,
        activity.average_watts,
    ):
        if number is not None and (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
        ):
            raise TypeError("cached number is not a number")
    return activity


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What an update changed in the cache."""

    added: tuple[Activity, ...] = ()
    changed: int = 0
    removed: int = 0


@dataclass(slots=True)
class ActivityCache:
    """The athlete's activities from `window_start` on, by id."""

    athlete_id: str
    window_start: date | None = None
    """First local day the last reconcile covered; None before the first one."""
    reconciled_on: date | None = None
    """Athlete-local day of the last full reconcile."""
    activities: dict[str, Activity] = field(default_factory=dict)

    def needs_reconcile(self, today: date, start: date) -> bool:
        """A full fetch is due once a day, and whenever the window moved back."""
        return (
            self.reconciled_on != today
            or self.window_start is None
            or self.window_start > start
        )

    def reconcile_windows(
        self, start: date, today: date
    ) -> list[tuple[datetime, datetime]]:
        """Split [start, end of today] into windows of about PAGE_SIZE activities."""
        begin = datetime(start.year, start.month, start.day)
        end = datetime(today.year, today.month, today.day, 23, 59, 59)
        known = sum(1 for a in self.activities.values() if a.start_local >= begin)
        pages = max(1, math.ceil(known / PAGE_SIZE))
        days = (today - start).days + 1
        step = max(1, math.ceil(days / pages))
        windows: list[tuple[datetime, datetime]] = []
        day = start
        while day <= today:
            last = min(today, day + timedelta(days=step - 1))
            windows.append(
                (
                    datetime(day.year, day.month, day.day),
                    min(end, datetime(last.year, last.month, last.day, 23, 59, 59)),
                )
            )
            day = last + timedelta(days=1)
        return windows

    def reconcile(
        self, start: date, today: date, fetched: Iterable[Activity]
    ) -> MergeResult:
        """Replace the cache by a TOTALS_FIELDS fetch of [start, today].

        Activities already cached keep what such a fetch does not carry.
        """
        result = self._merge(fetched, lambda _: True, reduced=True)
        self.window_start = start
        self.reconciled_on = today
        return result

    def merge_recent(self, since: datetime, fetched: Iterable[Activity]) -> MergeResult:
        """Merge a fetch of [since, now]: what it lacks in that window was deleted."""
        return self._merge(fetched, lambda a: a.start_local >= since)

    def full_since(self, recent: datetime, end: datetime) -> datetime:
        """Where the read of every field starts: the recent days, or further back.

        It reaches back to the newest activity, so the last activity's name,
        heart rate and power are as fresh as the totals even after a break;
        there is nothing between that activity and today to make it costly.
        """
        newest = max(
            (
                a.start_local
                for a in self.activities.values()
                if not a.is_stub and a.start_local <= end
            ),
            default=recent,
        )
        return min(recent, datetime.combine(newest.date(), time.min))

    async def async_sync(
        self, fetch: Fetch, today: date, start: date
    ) -> tuple[Activity, ...]:
        """Bring the cache up to date; return the activities that newly appeared.

        A reconcile when one is due, else only the last RECENT_DAYS days. New
        activities are reported only when they are recent and the cache was
        not empty: the first load and old finds of a reconcile are not news.
        """
        first_load = self.window_start is None
        recent = datetime.combine(today - timedelta(days=RECENT_DAYS), time.min)
        end = datetime.combine(today, time(23, 59, 59))
        added: list[str] = []
        if self.needs_reconcile(today, start):
            fetched: list[Activity] = []
            for oldest, newest in self.reconcile_windows(start, today):
                fetched += await fetch(oldest, newest, TOTALS_FIELDS)
            added += (a.id for a in self.reconcile(start, today, fetched).added)
        since = self.full_since(recent, end)
        result = self.merge_recent(since, await fetch(since, end, ACTIVITY_FIELDS))
        added += (a.id for a in result.added)
        # The last activity was deleted: the one before it is the last now.
        while (earlier := self.full_since(recent, end)) < since:
            fetched = await fetch(
                earlier, since - timedelta(seconds=1), ACTIVITY_FIELDS
            )
            result = self._merge(fetched, _starts_within(earlier, since))
            added += (a.id for a in result.added)
            since = earlier
        if first_load:
            return ()
        # As read in full: one that the reconcile found is news with its name.
        found = (self.activities.get(key) for key in dict.fromkeys(added))
        return tuple(
            sorted(
                (
                    a
                    for a in found
                    if a is not None and a.start_local >= recent and not a.is_stub
                ),
                key=lambda a: a.start_local,
            )
        )

    def _merge(
        self,
        fetched: Iterable[Activity],
        covered: Callable[[Activity], bool],
        *,
        reduced: bool = False,
    ) -> MergeResult:
        incoming: dict[str, Activity] = {}
        for activity in fetched:
            # A duplicated id in one response is one activity; the last wins.
            incoming[activity.id] = activity
        added: list[Activity] = []
        changed = 0
        for key, activity in incoming.items():
            old = self.activities.get(key)
            merged = (
                activity if old is None or not reduced else old.with_totals_of(activity)
            )
            if old is None:
                added.append(merged)
            elif old != merged:
                changed += 1
            self.activities[key] = merged
        gone = [
            key
            for key, activity in self.activities.items()
            if key not in incoming and covered(activity)
        ]
        for key in gone:
            del self.activities[key]
        return MergeResult(tuple(added), changed, len(gone))

    def as_json(self) -> dict[str, Any]:
        """The persisted form."""
        return {
            "athlete_id": self.athlete_id,
            "window_start": self.window_start.isoformat()
            if self.window_start
            else None,
            "reconciled_on": self.reconciled_on.isoformat()
            if self.reconciled_on
            else None,
            "columns": list(_COLUMNS),
            # One compact string: Home Assistant indents stored JSON, which
            # would add a line and its indent per value of every activity.
            "activities": json.dumps(
                [_row(a) for a in self.activities.values()], separators=(",", ":")
            ),
        }

    @classmethod
    def from_json(cls, data: Any) -> ActivityCache:
        """Rebuild the cache; raise TypeError/ValueError/KeyError on anything odd."""
        if not isinstance(data, dict) or data.get("columns") != list(_COLUMNS):
            raise TypeError("cache has the wrong shape")
        athlete_id = data["athlete_id"]
        if not isinstance(athlete_id, str):
            raise TypeError("cache without athlete id")
        encoded = data["activities"]
        if not isinstance(encoded, str):
            raise TypeError("cache without activities")
        rows = json.loads(encoded)
        if not isinstance(rows, list):
            raise TypeError("cache without activities")
        activities = (_activity(row) for row in rows)
        return cls(
            athlete_id=athlete_id,
            window_start=_opt_date(data["window_start"]),
            reconciled_on=_opt_date(data["reconciled_on"]),
            activities={a.id: a for a in activities},
        )


def _starts_within(oldest: datetime, before: datetime) -> Callable[[Activity], bool]:
    return lambda activity: oldest <= activity.start_local < before


def _opt_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


class _VersionedStore(Store[dict[str, Any]]):
    """The cache's Store; a future format migrates here instead of refetching."""

    @override
    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> dict[str, Any]:
        # Version 1 is the first format; an unknown one is dropped and rebuilt.
        return {}


class CacheStore:
    """Loads and saves one entry's activity cache."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Keep the cache in `.storage/intervals_icu.<entry_id>`."""
        self._store = _VersionedStore(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
            private=True,
        )

    @property
    def path(self) -> str:
        """Where the cache lives on disk."""
        return str(self._store.path)

    async def async_load(self, athlete_id: str) -> ActivityCache:
        """Return the saved cache, or an empty one if it is missing or unusable."""
        try:
            data = await self._store.async_load()
        except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never fatal
            LOGGER.warning("The activity cache could not be read; rebuilding it")
            return ActivityCache(athlete_id)
        if not data:
            return ActivityCache(athlete_id)
        try:
            cache = ActivityCache.from_json(data)
        # OverflowError: an integer beyond any float; RecursionError: nesting.
        except TypeError, ValueError, KeyError, OverflowError, RecursionError:
            LOGGER.warning("The activity cache is damaged; rebuilding it")
            return ActivityCache(athlete_id)
        if cache.athlete_id != athlete_id:
            LOGGER.warning(
                "The activity cache belongs to another athlete; rebuilding it"
            )
            return ActivityCache(athlete_id)
        return cache

    def async_schedule_save(self, cache: ActivityCache) -> None:
        """Write soon; a burst of changes becomes one write."""
        self._store.async_delay_save(cache.as_json, SAVE_DELAY)

    async def async_save(self, cache: ActivityCache) -> None:
        """Write now, replacing any pending delayed write."""
        await self._store.async_save(cache.as_json())

    async def async_remove(self) -> None:
        """Delete the cache file."""
        await self._store.async_remove()
