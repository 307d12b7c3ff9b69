"""The activity cache: what is kept between updates and restarts, and how it merges.

Hourly updates ask only for the last few days and merge them by id; once a day
(and when the athlete's year changes) the whole window is fetched again, which
catches edits and deletions of older activities. That daily re-read asks only
for what the totals need (TOTALS_FIELDS); names, heart rate and power of older
activities stay as they were read in full while they were recent. The cache is
persisted in a Home Assistant `Store`, so a restart needs no download of the year.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
import glob
from itertools import batched
import json
import math
from pathlib import Path
from typing import Any, Protocol, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util.json import json_loads

from .api import ACTIVITY_FIELDS, TOTALS_FIELDS, Activity
from .api.models import (
    DISTANCE,
    DURATION,
    ELEVATION,
    HEART_RATE,
    LOAD,
    MAX_OFFSET,
    POWER,
    Bound,
    clean_text,
    plausible_time,
)
from .api.pacing import paced
from .const import DOMAIN, LOGGER

STORAGE_VERSION = 1
# 1.2 added the UTC start and what is still to be announced; 1.3 split the
# activities into strings of ROWS_PER_CHUNK. Older minor versions read as is.
STORAGE_MINOR_VERSION = 3
ROWS_PER_CHUNK = 500
SAVE_DELAY = 30
# Days before today that an hourly update asks for: late uploads and edits of
# the last days land here; older changes wait for the daily reconcile.
RECENT_DAYS = 3
# A reconcile asks for at most about this many activities per request: a
# response is decoded in one piece, holding the GIL (~10 ms for 2,000).
PAGE_SIZE = 2000
# With nothing cached, the last this many days show how many activities the
# rest of the window holds, so that it, too, is asked for in pages.
PROBE_DAYS = 30


class Fetch(Protocol):
    """Fetch the activities whose local start lies in [oldest, newest], these fields.

    With `limit`, only that many, the newest first (as the service lists them).
    """

    def __call__(
        self,
        oldest: datetime,
        newest: datetime,
        fields: Sequence[str],
        limit: int | None = None,
    ) -> Awaitable[list[Activity]]:
        """Ask the service."""
        ...


# Where the look back for the last activity before the window starts: older
# than any activity the service holds.
LOOKBACK_START = datetime(1970, 1, 1)

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
    "start_utc",
)
# The columns of a 1.1 cache: the same, without the UTC start.
_COLUMNS_1_1 = _COLUMNS[:-1]
_TEXTS = ("id", "type", "name", "source")
# What a cached number may be; anything else was stored by an older version
# that took the service's word for it, and is unknown now.
_NUMBERS: dict[str, Bound] = {
    "distance": DISTANCE,
    "moving_time": DURATION,
    "elapsed_time": DURATION,
    "elevation_gain": ELEVATION,
    "training_load": LOAD,
    "average_heartrate": HEART_RATE,
    "average_watts": POWER,
}


def _row(activity: Activity) -> list[Any]:
    row: list[Any] = [getattr(activity, column) for column in _COLUMNS]
    row[1] = activity.start_local.isoformat()
    row[-1] = None if activity.start_utc is None else activity.start_utc.isoformat()
    return row


def _activity(row: Any, columns: tuple[str, ...] = _COLUMNS) -> Activity | None:
    """One cached activity, cleaned like a fetched one; None if its date is absurd."""
    if not isinstance(row, list) or len(row) != len(columns):
        raise TypeError("cached activity has the wrong shape")
    values = dict(zip(columns, row, strict=True))
    start = datetime.fromisoformat(values["start_local"])
    if start.tzinfo is not None:
        # Local wall times carry no zone; one with a zone cannot be compared.
        raise ValueError("cached start has a time zone")
    if not plausible_time(start):
        return None
    values["start_local"] = start
    values["start_utc"] = _utc(values.get("start_utc"), start)
    for text in _TEXTS:
        values[text] = _text(values[text])
    for column, bound in _NUMBERS.items():
        values[column] = _number(values[column], bound)
    activity = Activity(**values)
    if not activity.id or not isinstance(activity.is_stub, bool):
        raise TypeError("cached activity has the wrong types")
    return activity


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("cached text is not a string")
    return clean_text(value)


def _number(value: Any, bound: Bound) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("cached number is not a number")
    return float(value) if math.isfinite(value) and bound.admits(value) else None


def _utc(value: Any, start: datetime) -> datetime | None:
    if value is None:
        return None
    utc = datetime.fromisoformat(value)
    if utc.tzinfo is None or abs(utc.replace(tzinfo=None) - start) > MAX_OFFSET:
        raise ValueError("cached UTC start is not one")
    return utc.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What an update changed in the cache."""

    added: tuple[Activity, ...] = ()
    changed: int = 0
    removed: int = 0


def _merged(
    old: Mapping[str, Activity],
    fetched: Iterable[Activity],
    covered: Callable[[Activity], bool],
    *,
    reduced: bool = False,
) -> tuple[dict[str, Activity], MergeResult]:
    """The cache after a fetch: what it lacks in what it covered was deleted.

    A `reduced` fetch (TOTALS_FIELDS) leaves cached activities what it does
    not carry: their name, heart rate, power and source.
    """
    incoming: dict[str, Activity] = {}
    for activity in paced(fetched):
        # A duplicated id in one response is one activity; the last wins.
        previous = old.get(activity.id)
        incoming[activity.id] = (
            previous.with_totals_of(activity)
            if reduced and previous is not None
            else activity
        )
    added: list[Activity] = []
    changed = 0
    for key, activity in incoming.items():
        previous = old.get(key)
        if previous is None:
            added.append(activity)
        elif previous != activity:
            changed += 1
    merged = {
        key: activity
        for key, activity in paced(old.items())
        if key in incoming or not covered(activity)
    }
    removed = len(old) - len(merged)
    merged.update(incoming)
    return merged, MergeResult(tuple(added), changed, removed)


def _reconcile_covers(start: date, since: date) -> Callable[[Activity], bool]:
    """What a reconcile read from `since` answers for in a window from `start`.

    What it read and lacks was deleted; what lies before `start` left the
    window (at New Year); last year before `since` stays as it was.
    """
    begin = datetime.combine(since, time.min)
    first = datetime.combine(start, time.min)
    return lambda a: a.start_local >= begin or a.start_local < first


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """What a save writes, taken in the event loop, serialized in a worker."""

    athlete_id: str
    window_start: date | None
    reconciled_on: date | None
    activities: tuple[Activity, ...]
    unannounced: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "athlete_id": self.athlete_id,
            "window_start": self.window_start.isoformat()
            if self.window_start
            else None,
            "reconciled_on": self.reconciled_on.isoformat()
            if self.reconciled_on
            else None,
            "columns": list(_COLUMNS),
            # Compact strings: Home Assistant indents stored JSON, which would
            # add a line and its indent per value of every activity. Several
            # of them: encoding (and decoding) one holds the GIL, and 20,000
            # activities at once would hold it, and the event loop, ~60 ms.
            "activities": [
                json.dumps(chunk, separators=(",", ":"))
                for chunk in batched(
                    (_row(a) for a in paced(self.activities)),
                    ROWS_PER_CHUNK,
                    strict=False,
                )
            ],
            "unannounced": list(self.unannounced),
        }


@dataclass(slots=True)
class ActivityCache:
    """The athlete's activities from `window_start` on, by id."""

    athlete_id: str
    window_start: date | None = None
    """First local day the cache holds; None before the first reconcile."""
    reconciled_on: date | None = None
    """Athlete-local day of the last reconcile."""
    activities: dict[str, Activity] = field(default_factory=dict)
    unannounced: list[str] = field(default_factory=list)
    """Ids of activities that newly appeared and were not announced yet."""
    revision: int = 0
    """Counts the changes, so that a save that would change nothing is skipped."""
    reread_all: bool = False
    """Read the whole window at the next reconcile, not only from `reread`."""

    def needs_reconcile(self, today: date, start: date) -> bool:
        """A full fetch is due once a day, and whenever the window moved back."""
        return (
            self.reconciled_on != today
            or self.window_start is None
            or self.window_start > start
            or self.reread_all
        )

    def reconcile_from(self, start: date, reread: date | None) -> date:
        """Where a due reconcile starts reading.

        The whole window the first time, when it moved back, or when asked;
        else from `reread` on: last year is over, and was read day by day
        while it was this year, so the daily re-read leaves it as it is.
        """
        if (
            reread is None
            or self.window_start is None
            or self.window_start > start
            or self.reread_all
        ):
            return start
        return max(start, reread)

    def reconcile_windows(
        self, start: date, today: date, expected: int | None = None
    ) -> list[tuple[datetime, datetime]]:
        """Split [start, end of today] into windows of about PAGE_SIZE activities.

        As many activities as the cache holds there are expected, unless told.
        """
        begin = datetime(start.year, start.month, start.day)
        end = datetime(today.year, today.month, today.day, 23, 59, 59)
        known = (
            sum(1 for a in self.activities.values() if a.start_local >= begin)
            if expected is None
            else expected
        )
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
        self,
        start: date,
        today: date,
        fetched: Iterable[Activity],
        *,
        since: date | None = None,
    ) -> MergeResult:
        """Replace the cache from `since` (default `start`) by a TOTALS_FIELDS fetch.

        Activities already cached keep what such a fetch does not carry; those
        before `start` (the window moved on at New Year) are dropped.
        """
        result = self._apply(
            *_merged(
                self.activities,
                fetched,
                _reconcile_covers(start, since or start),
                reduced=True,
            )
        )
        self._reconciled(start, today)
        return result

    def merge_recent(self, since: datetime, fetched: Iterable[Activity]) -> MergeResult:
        """Merge a fetch of [since, now]: what it lacks in that window was deleted."""
        return self._apply(
            *_merged(self.activities, fetched, _starts_within(since, None))
        )

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
        self, fetch: Fetch, today: date, start: date, reread: date | None = None
    ) -> tuple[Activity, ...]:
        """Bring the cache up to date; return the activities that newly appeared.

        A reconcile when one is due (from `reread` on, see `reconcile_from`),
        else only the last RECENT_DAYS days. New activities are reported only
        when they are recent and the cache was not empty: the first load and
        old finds of a reconcile are not news. They are also kept as to be
        announced (see `take_unannounced`).
        """
        first_load = self.window_start is None
        recent = datetime.combine(today - timedelta(days=RECENT_DAYS), time.min)
        end = datetime.combine(today, time(23, 59, 59))
        # Every pass over the whole cache (tens of thousands of activities)
        # runs in a worker thread; the event loop only swaps the result in.
        # The dict is replaced, never changed in place, so a worker may read it.
        added: list[str] = []
        reconciled = self.needs_reconcile(today, start)
        if reconciled:
            first = self.reconcile_from(start, reread)
            fetched: list[Activity] = []
            until, expected = today, None
            if not self.activities and (today - first).days >= PROBE_DAYS:
                # Nothing cached: the last days first, then the rest in pages.
                probe = today - timedelta(days=PROBE_DAYS - 1)
                fetched += await fetch(
                    datetime.combine(probe, time.min), end, TOTALS_FIELDS
                )
                until = probe - timedelta(days=1)
                rest = (until - first).days + 1
                expected = math.ceil(len(fetched) * rest / PROBE_DAYS)
            windows = await _off_loop(self.reconcile_windows, first, until, expected)
            for oldest, newest in windows:
                fetched += await fetch(oldest, newest, TOTALS_FIELDS)
            covers = _reconcile_covers(start, first)
            merged = await _off_loop(
                _merged, self.activities, fetched, covers, reduced=True
            )
            added += (a.id for a in self._apply(*merged).added)
            self._reconciled(start, today)
        since = await _off_loop(self.full_since, recent, end)
        fetched = await fetch(since, end, ACTIVITY_FIELDS)
        merged = await _off_loop(
            _merged, self.activities, fetched, _starts_within(since, None)
        )
        added += (a.id for a in self._apply(*merged).added)
        # The last activity was deleted: the one before it is the last now.
        while (earlier := await _off_loop(self.full_since, recent, end)) < since:
            fetched = await fetch(
                earlier, since - timedelta(seconds=1), ACTIVITY_FIELDS
            )
            merged = await _off_loop(
                _merged, self.activities, fetched, _starts_within(earlier, since)
            )
            added += (a.id for a in self._apply(*merged).added)
            since = earlier
        if reconciled and not any(
            not a.is_stub and a.start_local <= end for a in self.activities.values()
        ):
            # Nothing in the window: the last activity is older (before New
            # Year's week, after a break). The newest one before the window,
            # so that the last-activity sensors know it; once a day at most.
            before = datetime.combine(start, time.min) - timedelta(seconds=1)
            last = await fetch(LOOKBACK_START, before, ACTIVITY_FIELDS, limit=1)
            self._apply(*_merged(self.activities, last, lambda _: False))
        kept = [
            key
            for key in self.unannounced
            if key in self.activities and self.activities[key].start_local >= recent
        ]
        new: tuple[Activity, ...] = ()
        if not first_load:
            # As read in full: one that the reconcile found is news with its name.
            found = (self.activities.get(key) for key in dict.fromkeys(added))
            new = tuple(
                sorted(
                    (
                        a
                        for a in found
                        if a is not None and a.start_local >= recent and not a.is_stub
                    ),
                    key=lambda a: (a.start_local, a.id),
                )
            )
        kept += [a.id for a in new if a.id not in kept]
        if kept != self.unannounced:
            self.unannounced = kept
            self.revision += 1
        return new

    def take_unannounced(self) -> tuple[Activity, ...]:
        """The activities still to announce, oldest first; from now on, announced."""
        found = tuple(
            sorted(
                (
                    self.activities[key]
                    for key in self.unannounced
                    if key in self.activities
                ),
                key=lambda a: (a.start_local, a.id),
            )
        )
        if self.unannounced:
            self.unannounced = []
            self.revision += 1
        return found

    def _apply(self, merged: dict[str, Activity], result: MergeResult) -> MergeResult:
        if result.added or result.changed or result.removed:
            self.activities = merged
            self.revision += 1
        return result

    def _reconciled(self, start: date, today: date) -> None:
        self.reread_all = False
        if (self.window_start, self.reconciled_on) != (start, today):
            self.window_start = start
            self.reconciled_on = today
            self.revision += 1

    def snapshot(self) -> _Snapshot:
        """What a save writes, fixed now; cheap enough for the event loop."""
        return _Snapshot(
            self.athlete_id,
            self.window_start,
            self.reconciled_on,
            tuple(self.activities.values()),
            tuple(self.unannounced),
        )

    def as_json(self) -> dict[str, Any]:
        """The persisted form."""
        return self.snapshot().as_json()

    @classmethod
    def from_json(cls, data: Any) -> ActivityCache:
        """Rebuild the cache; raise TypeError/ValueError/KeyError on anything odd."""
        if not isinstance(data, dict):
            raise TypeError("cache has the wrong shape")
        columns: tuple[str, ...]
        if data.get("columns") == list(_COLUMNS):
            columns = _COLUMNS
        elif data.get("columns") == list(_COLUMNS_1_1):
            columns = _COLUMNS_1_1
        else:
            raise TypeError("cache has the wrong shape")
        athlete_id = data["athlete_id"]
        if not isinstance(athlete_id, str):
            raise TypeError("cache without athlete id")
        encoded = data["activities"]
        if isinstance(encoded, str):  # 1.1 and 1.2: all of them in one string
            encoded = [encoded]
        if not isinstance(encoded, list):
            raise TypeError("cache without activities")
        activities: dict[str, Activity] = {}
        for chunk in encoded:
            rows = json.loads(chunk) if isinstance(chunk, str) else None
            if not isinstance(rows, list):
                raise TypeError("cache without activities")
            activities.update(
                (a.id, a)
                for row in paced(rows)
                if (a := _activity(row, columns)) is not None
            )
        unannounced = data.get("unannounced", [])
        if not isinstance(unannounced, list) or not all(
            isinstance(key, str) for key in unannounced
        ):
            raise TypeError("cache with a wrong announcement list")
        return cls(
            athlete_id=athlete_id,
            window_start=_opt_date(data["window_start"]),
            reconciled_on=_opt_date(data["reconciled_on"]),
            activities=activities,
            unannounced=[clean_text(key) for key in unannounced],
        )


def _starts_within(
    oldest: datetime, before: datetime | None
) -> Callable[[Activity], bool]:
    if before is None:
        return lambda activity: oldest <= activity.start_local
    return lambda activity: oldest <= activity.start_local < before


async def _off_loop[**P, T](
    work: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run `work` in a worker thread, so the event loop stays free meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(
        None, partial(work, *args, **kwargs)
    )


def _opt_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


class _UnreadableError(Exception):
    """The cache file is damaged or of a format this version cannot read."""


class _VersionedStore(Store[dict[str, Any]]):
    """The cache's Store: reads its own file, so damage is a rebuild, not a repair.

    Home Assistant's Store treats a file it cannot decode as corrupt storage:
    a critical repair issue ("restore from backup"), two error lines and a
    `.corrupt.<time>` copy of the athlete's activities that nothing deletes.
    A cache is rebuilt from the service instead.
    """

    @override
    async def _async_load_data(self) -> dict[str, Any] | None:
        if self._data is not None:
            # A write still pending (or the tests' in-memory storage).
            pending: dict[str, Any] | None = await super()._async_load_data()  # type: ignore[no-untyped-call]
            return pending
        return await self.hass.async_add_executor_job(self._read)

    def _read(self) -> dict[str, Any] | None:
        """The stored data, decoded in a worker thread; None if there is none."""
        try:
            raw = Path(self.path).read_bytes()
        except FileNotFoundError:
            return None
        try:
            stored = json_loads(raw)
        except ValueError as err:
            raise _UnreadableError("not JSON") from err
        if (
            not isinstance(stored, dict)
            or stored.get("version") != self.version
            or not isinstance(data := stored.get("data"), dict)
        ):
            raise _UnreadableError("unknown format")
        return data

    @override
    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> dict[str, Any]:
        # Minor versions read as they are; another major one is rebuilt.
        return old_data if old_major_version == STORAGE_VERSION else {}


class CacheStore:
    """Loads and saves one entry's activity cache.

    Writes happen only when the cache changed, are serialized in a worker
    thread, and stop for good once the entry unloads: a refresh that ends
    after that cannot write a removed entry's file back, nor overwrite the
    file of the entry's next load.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Keep the cache in `.storage/intervals_icu.<entry_id>`."""
        self._hass = hass
        self._store = _VersionedStore(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
            private=True,
            atomic_writes=True,
            serialize_in_event_loop=False,
        )
        self._revision: int | None = None
        """The cache revision last written or handed to the Store."""
        self._pending: _Snapshot | None = None
        self._closed = False

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
            # Tens of thousands of activities: decoded in a worker thread.
            cache = await self._hass.async_add_executor_job(
                ActivityCache.from_json, data
            )
        # OverflowError: an integer beyond any float; RecursionError: nesting.
        except TypeError, ValueError, KeyError, OverflowError, RecursionError:
            LOGGER.warning("The activity cache is damaged; rebuilding it")
            return ActivityCache(athlete_id)
        if cache.athlete_id != athlete_id:
            LOGGER.warning(
                "The activity cache belongs to another athlete; rebuilding it"
            )
            return ActivityCache(athlete_id)
        self._revision = cache.revision
        return cache

    def async_schedule_save(self, cache: ActivityCache) -> None:
        """Write soon if the cache changed; a burst of changes becomes one write."""
        if self._closed or cache.revision == self._revision:
            return
        self._revision = cache.revision
        self._pending = snapshot = cache.snapshot()

        def payload() -> dict[str, Any]:
            # Called by the Store in a worker thread when it writes.
            self._pending = None
            return snapshot.as_json()

        self._store.async_delay_save(payload, SAVE_DELAY)

    async def async_close(self, cache: ActivityCache) -> None:
        """Write what changed now, then never again."""
        if self._closed:
            return
        if cache.revision != self._revision:
            self._pending = cache.snapshot()
        self._closed = True
        if (snapshot := self._pending) is None:
            return
        self._pending = None
        data = await self._hass.async_add_executor_job(snapshot.as_json)
        await self._store.async_save(data)

    async def async_remove(self) -> None:
        """Delete the cache file, and any copy of it left beside it."""
        self._closed = True
        self._pending = None
        await self._store.async_remove()
        await self._hass.async_add_executor_job(_remove_copies, self.path)


def _remove_copies(path: str) -> None:
    """Copies an older version let Home Assistant keep (`<path>.corrupt.<time>`)."""
    cache = Path(path)
    for copy in cache.parent.glob(f"{glob.escape(cache.name)}.corrupt.*"):
        copy.unlink(missing_ok=True)
