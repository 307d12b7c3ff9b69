"""The activity cache: which activities are fetched when, and how they merge.

Hourly updates ask only for the last few days and merge them by id; once a day
(and when the athlete's year changes) the whole window is fetched again, which
catches edits and deletions of older activities. That daily re-read asks only
for what the totals need (TOTALS_FIELDS); names, heart rate and power of older
activities stay as they were read in full while they were recent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
import math
from typing import Protocol

from ..api import ACTIVITY_FIELDS, TOTALS_FIELDS, Activity
from .cache_format import CacheSnapshot

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


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What an update changed in the cache."""

    added: tuple[Activity, ...] = ()
    changed: int = 0
    removed: tuple[Activity, ...] = ()
    """What the fetch found deleted."""


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
    for activity in fetched:
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
        for key, activity in old.items()
        if key in incoming or not covered(activity)
    }
    removed = tuple(a for key, a in old.items() if key not in merged)
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
    removed: tuple[Activity, ...] = ()
    """What the last sync found deleted."""

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
        self.removed = ()
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

    def written(self, activity: Activity, today: date) -> None:
        """An activity written from here, as returned: kept, and news if it is new."""
        # Not one before the window: the statistics' sum before it lacks it.
        if self.window_start is None or activity.start_local.date() < self.window_start:
            return
        new = activity.id not in self.activities
        self.activities = {**self.activities, activity.id: activity}
        self.revision += 1
        recent = datetime.combine(today - timedelta(days=RECENT_DAYS), time.min)
        if new and not activity.is_stub and activity.start_local >= recent:
            self.unannounced.append(activity.id)

    def take_unannounced(self) -> tuple[Activity, ...]:
        """The activities still to announce, oldest first; from now on, announced."""
        found = [self.activities[k] for k in self.unannounced if k in self.activities]
        found.sort(key=lambda a: (a.start_local, a.id))
        if self.unannounced:
            self.unannounced = []
            self.revision += 1
        return tuple(found)

    def _apply(self, merged: dict[str, Activity], result: MergeResult) -> MergeResult:
        self.removed += result.removed
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

    def snapshot(self) -> CacheSnapshot:
        """What a save writes, fixed now; cheap enough for the event loop."""
        return CacheSnapshot(
            self.athlete_id,
            self.window_start,
            self.reconciled_on,
            tuple(self.activities.values()),
            tuple(self.unannounced),
        )

    @classmethod
    def from_snapshot(cls, snapshot: CacheSnapshot) -> ActivityCache:
        """The cache as it was saved."""
        return cls(
            athlete_id=snapshot.athlete_id,
            window_start=snapshot.window_start,
            reconciled_on=snapshot.reconciled_on,
            activities={a.id: a for a in snapshot.activities},
            unannounced=list(snapshot.unannounced),
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
