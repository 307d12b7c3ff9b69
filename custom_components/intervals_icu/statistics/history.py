"""The athlete's history in long-term statistics: imported once, then kept in line.

The activity cache holds the recent years (from its window start); everything
older is fetched once, at the first setup, and written with the cache. After
that each sum is a function of two things the integration holds itself: the
sum of everything before the window (`base`, kept on disk) and the cached
activities. An update that changed the cache rewrites the sums from the first
hour it changed, computed from those two, never read back from the recorder
(what was just handed to it may not be written yet). See docs/ARCHITECTURE.md.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import partial

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from ..api import Activity, IntervalsClient, IntervalsError, Wellness
from ..const import DOMAIN, LOGGER
from ..sync.storage import EntryStore
from ..training.totals import ALL
from . import notice, writer
from .plan import HistoryInput, Record, groups_json, plan_rewrite
from .rows import Buckets, bucket_sums, daily_means, hour_buckets, sum_key

STORAGE_VERSION = 1
# 1.2 keeps the zone, the sums before the window and whether the import
# finished; a 1.1 record (groups only) means: import again, once.
STORAGE_MINOR_VERSION = 2
# A sum compared with the recorder's may differ by rounding, never by this.
TOLERANCE = 0.5


def _stopped() -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key="import_stopped"
    )


def _store(hass: HomeAssistant, entry_id: str) -> EntryStore:
    return EntryStore(
        hass,
        f"{DOMAIN}.{entry_id}.history",
        version=STORAGE_VERSION,
        minor_version=STORAGE_MINOR_VERSION,
        save_delay=0,
    )


async def async_remove_history(
    hass: HomeAssistant, entry_id: str, athlete_id: str
) -> None:
    """Clear the athlete's statistics and forget what was imported."""
    if writer.statistics_available(hass):
        writer.clear(hass, athlete_id)
    notice.async_dismiss(hass, entry_id)
    await _store(hass, entry_id).async_remove()


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one full import read and wrote."""

    activities: int
    wellness_days: int
    rows: int
    requests: int
    bytes: int
    # The day of the first activity; None without any.
    first_day: date | None = None


class HistoryStatistics:
    """One entry's long-term statistics: the one-off import and its upkeep.

    Every write runs in a task of the entry, one at a time: unloading the
    entry cancels what is running, and nothing is written after that.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: IntervalsClient,
        athlete_id: str,
    ) -> None:
        """Nothing loaded yet."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._athlete_id = athlete_id
        self._store = _store(hass, entry.entry_id)
        self._lock = asyncio.Lock()
        self.record: Record | None = None
        self._basis: tuple[Activity, ...] | None = None
        """The cached activities the sums were last written from."""
        self._means: dict[date, tuple[float | None, float | None]] = {}
        """Fitness and fatigue last written per day."""
        self._latest: HistoryInput | None = None
        self._started = False
        self._closed = False
        self._import: asyncio.Task[ImportResult] | None = None

    async def async_load(self) -> None:
        """Read what was written before; without a record everything is imported."""
        data = await self._store.async_load("statistics record")
        self.record = Record.from_dict(data, self._athlete_id)

    def needs_import(self, history: HistoryInput) -> bool:
        """Before the first import, after one was cut off, or when its basis changed."""
        record = self.record
        return (
            record is None
            or not record.complete
            or record.groups != groups_json(history.groups)
            or record.zone != history.zone.key
            or history.window_start < record.window_start
        )

    @callback
    def async_start(self) -> None:
        """The entities are set up and Home Assistant has started: write from now on.

        The first import hands the recorder years of rows, which keep its
        thread busy for a while; begun during setup, that work would compete
        with Home Assistant's start and with adding the entities.
        """
        self._started = True
        if self._latest is not None:
            self._schedule(self._latest)

    @callback
    def async_update(self, history: HistoryInput) -> None:
        """After an update: bring the statistics in line, in the background."""
        self._latest = history
        if self._started:
            self._schedule(history)

    async def async_import(self, history: HistoryInput) -> ImportResult:
        """Fetch the whole history again and rewrite everything (the action).

        The import runs in a task of the entry, not of the caller: unloading
        the entry stops it, and one already running is joined, not doubled.
        """
        if self._closed:
            raise _stopped()
        self._latest = history
        if self._import is None or self._import.done():
            self._import = self._entry.async_create_background_task(
                self._hass, self._async_import_locked(), f"{DOMAIN} history import"
            )
        task = self._import
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.cancelled():
                raise _stopped() from None
            raise

    async def async_close(self) -> None:
        """The entry unloads: nothing is started or written any more."""
        self._closed = True
        await self._store.async_close()

    @callback
    def _schedule(self, history: HistoryInput) -> None:
        if not self._closed:
            self._entry.async_create_background_task(
                self._hass, self._async_keep(history), f"{DOMAIN} statistics"
            )

    async def _async_keep(self, history: HistoryInput) -> None:
        """Import or rewrite what the update changed; never fails the update."""
        if not writer.statistics_available(self._hass):
            return
        try:
            async with self._lock:
                if history is not self._latest and self._basis is not None:
                    # A newer update is queued: it writes this one's changes too.
                    return
                if self._basis is None and not self.needs_import(history):
                    # The first write since the start: does the recorder hold
                    # what the record says was written? Not if its database
                    # was replaced, or the last writes never reached it.
                    self._basis = history.before
                    if not await self._async_recorder_holds_basis():
                        self._basis = None
                if self._basis is None or self.needs_import(history):
                    result = await self._async_full_import(history)
                    await notice.async_notify_imported(
                        self._hass,
                        self._entry.entry_id,
                        history.athlete_name,
                        activities=result.activities,
                        first_day=result.first_day,
                        rows=result.rows,
                    )
                else:
                    await self._async_follow_units(history)
                    await self._async_rewrite(history)
        except IntervalsError as err:
            LOGGER.warning(
                "The training history could not be imported (%s); "
                "trying again at the next update",
                type(err).__name__,
            )
            await notice.async_notify_failed(
                self._hass, self._entry.entry_id, history.athlete_name, err
            )

    async def _async_follow_units(self, history: HistoryInput) -> None:
        """Store the sums in the unit system's units, if it changed since."""
        assert self.record is not None
        units = writer.units_of(self._hass)
        if self.record.units == units:
            return
        names = await writer.async_names(self._hass, history.athlete_name)
        await writer.async_convert(
            self._hass,
            self._athlete_id,
            history.groups,
            names,
            old=self.record.units,
            new=units,
        )
        await self._save(replace(self.record, units=units))

    @callback
    def async_units_changed(self) -> None:
        """Home Assistant's unit system changed: store the sums in its units now."""
        if self._latest is not None and not self._hass.is_stopping:
            self._schedule(self._latest)

    async def _async_import_locked(self) -> ImportResult:
        async with self._lock:
            assert self._latest is not None
            return await self._async_full_import(self._latest)

    async def _async_recorder_holds_basis(self) -> bool:
        """Whether the recorder's count of activities is the one we wrote."""
        assert self.record is not None
        assert self._basis is not None
        key = sum_key(self._athlete_id, ALL, "count")
        begin = datetime.combine(self.record.window_start, time.min)
        expected = self.record.base.get(key, 0.0) + sum(
            1 for a in self._basis if not a.is_stub and a.start_local >= begin
        )
        found = await writer.async_last_sum(self._hass, key)
        return abs((found or 0.0) - expected) < TOLERANCE

    async def _async_full_import(self, history: HistoryInput) -> ImportResult:
        """Fetch everything before the cache window and rewrite every statistic.

        The history is summed per hour page by page as it arrives, so that
        years of activities are never held at once (nor their garbage).
        """
        stats = self._client.stats
        before = stats.requests, stats.bytes_received
        begin = datetime.combine(history.window_start, time.min)
        zone, groups = history.zone, history.groups
        units = writer.units_of(self._hass)
        record = Record(
            groups=groups_json(groups),
            zone=zone.key,
            complete=False,
            window_start=history.window_start,
            units=units,
        )
        # On disk before anything is cleared: an import cut off is redone.
        await self._save(record)
        buckets: Buckets = {}
        older = 0
        first = history.today
        async for page in self._client.iter_activity_history(self._athlete_id, begin):
            older += len(page)
            first = min([first, *(a.start_local.date() for a in page)])
            await self._hass.async_add_executor_job(
                hour_buckets, page, zone, groups, buckets
            )
        # The newest cache: an update while the history downloaded is included.
        latest = self._latest or history
        recent = tuple(a for a in latest.after if a.start_local >= begin)
        first = min([first, *(a.start_local.date() for a in recent)])
        wellness = await self._client.get_wellness_history(
            self._athlete_id, first, history.today
        )
        base = await self._hass.async_add_executor_job(
            bucket_sums, buckets, self._athlete_id
        )
        await self._hass.async_add_executor_job(
            hour_buckets, recent, zone, groups, buckets
        )
        writer.clear(self._hass, self._athlete_id)
        names = await writer.async_names(self._hass, latest.athlete_name)
        written = await writer.async_add_buckets(
            self._hass, self._athlete_id, groups, buckets, names, units=units
        )
        written += await self._async_write_means(latest, wellness, names)
        await self._save(replace(record, complete=True, base=base))
        self._basis = recent
        result = ImportResult(
            first_day=first if older or recent else None,
            activities=older + len(recent),
            wellness_days=len(wellness),
            rows=written,
            requests=stats.requests - before[0],
            bytes=stats.bytes_received - before[1],
        )
        LOGGER.debug("Imported the history: %s", result)
        return result

    async def _async_rewrite(self, history: HistoryInput) -> None:
        """Write what changed since the sums were last written."""
        record = self.record
        assert record is not None
        assert self._basis is not None
        plan = await self._hass.async_add_executor_job(
            partial(
                plan_rewrite,
                record,
                self._basis,
                history,
                self._athlete_id,
            )
        )
        names: dict[str, str] | None = None
        if plan.sums is not None:
            names = await writer.async_names(self._hass, history.athlete_name)
            await writer.async_add_sums(
                self._hass,
                self._athlete_id,
                history.groups,
                plan.sums.rows,
                names,
                units=record.units,
            )
        self._basis = plan.basis
        changed = [
            w
            for w in history.wellness
            if w.day <= history.today and self._means.get(w.day) != (w.ctl, w.atl)
        ]
        if changed:
            names = names or await writer.async_names(self._hass, history.athlete_name)
            await self._async_write_means(history, changed, names)
        if plan.record != record:
            await self._save(plan.record)

    async def _async_write_means(
        self,
        history: HistoryInput,
        wellness: Iterable[Wellness],
        names: Mapping[str, str],
    ) -> int:
        days = tuple(wellness)
        means = daily_means(days, history.zone, self._athlete_id)
        rows = await writer.async_add_means(self._hass, self._athlete_id, means, names)
        self._means.update((w.day, (w.ctl, w.atl)) for w in days)
        return rows

    async def _save(self, record: Record) -> None:
        self.record = record
        await self._store.async_save(record.as_dict(self._athlete_id))
