"""An entry's files in `.storage`: read once, written when changed, not after unload."""

from __future__ import annotations

from collections.abc import Callable
import glob
from pathlib import Path
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from ..const import DOMAIN, LOGGER
from ..training.records import RecordBook
from . import cache_format
from .activities import ActivityCache
from .athlete_sync import AthleteSync

type Data = dict[str, Any]

# Seconds a write waits for more changes. The cache changes with every update
# that found something; the record book after an announcement.
CACHE_SAVE_DELAY = 30
RECORDS_SAVE_DELAY = 5
RECORDS_VERSION = 1


class _Store(Store[Data]):
    """A store whose other major versions start afresh instead of failing."""

    @override
    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: Data
    ) -> Data:
        # Older minor versions are read as they are: every reader accepts them.
        return old_data if old_major_version == self.version else {}


class EntryStore:
    """A file of one config entry, such as its activity cache.

    Saves are delayed, so a burst of changes is one write, and skipped when the
    caller's revision shows nothing changed. Once the entry unloads nothing is
    written any more: a task still running then cannot write a removed entry's
    file back, nor overwrite what the entry's next load reads.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        key: str,
        *,
        version: int,
        minor_version: int = 1,
        save_delay: float,
        serialize_in_worker: bool = False,
    ) -> None:
        """Keep the file as `.storage/<key>`, written atomically."""
        self._hass = hass
        self._store = _Store(
            hass,
            version,
            key,
            minor_version=minor_version,
            private=True,
            atomic_writes=True,
            serialize_in_event_loop=not serialize_in_worker,
        )
        self._delay = save_delay
        self._worker = serialize_in_worker
        self._revision: object = None
        self._pending: Callable[[], Data] | None = None
        self._closed = False

    @property
    def path(self) -> str:
        """Where the file lives."""
        return str(self._store.path)

    async def async_load(self, what: str) -> Any:
        """The stored data, as stored; None (a fresh start) if there is none.

        A file that is not JSON at all is Home Assistant's storage corruption:
        it keeps a copy and raises a repair issue, and this returns None. The
        caller checks what it reads: a file may be of an older version.
        """
        try:
            data = await self._store.async_load()
        except Exception:  # noqa: BLE001 - a file that cannot be read is a fresh start
            LOGGER.warning("The %s could not be read; starting afresh", what)
            return None
        # Another major version reads as {}: nothing this version can use.
        return None if data == {} else data

    def loaded(self, revision: object) -> None:
        """What was loaded is saved already: no write until the revision changes."""
        self._revision = revision

    def changed(self, revision: object) -> bool:
        """Whether `revision` differs from what was written or handed over."""
        return not self._closed and revision != self._revision

    def async_delay_save(self, revision: object, data: Callable[[], Data]) -> None:
        """Write soon, unless `revision` was written (or handed over) already.

        `data` is called when the write happens: in a worker thread when the
        store serializes there, so it must only read what does not change.
        """
        if not self.changed(revision):
            return
        self._revision = revision
        self._pending = data

        def payload() -> Data:
            self._pending = None
            return data()

        self._store.async_delay_save(payload, self._delay)

    async def async_save(self, data: Data) -> None:
        """Write now (and forget a delayed write)."""
        if self._closed:
            return
        self._pending = None
        await self._store.async_save(data)

    async def async_close(self) -> None:
        """The entry unloads: write what is waiting now, then never again."""
        if self._closed:
            return
        self._closed = True
        if (pending := self._pending) is None:
            return
        self._pending = None
        data = (
            await self._hass.async_add_executor_job(pending)
            if self._worker
            else pending()
        )
        await self._store.async_save(data)

    async def async_remove(self) -> None:
        """Delete the file, and any copy Home Assistant kept of a corrupt one."""
        self._closed = True
        self._pending = None
        await self._store.async_remove()
        await self._hass.async_add_executor_job(_remove_copies, self.path)


def _remove_copies(path: str) -> None:
    """Copies of a corrupt file (`<path>.corrupt.<time>`)."""
    file = Path(path)
    for copy in file.parent.glob(f"{glob.escape(file.name)}.corrupt.*"):
        copy.unlink(missing_ok=True)


class SyncStorage:
    """An athlete's activity cache and record book on disk, beside each other."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """`.storage/intervals_icu.<entry_id>` and `….records`."""
        self._hass = hass
        self.cache = EntryStore(
            hass,
            f"{DOMAIN}.{entry_id}",
            version=cache_format.STORAGE_VERSION,
            minor_version=cache_format.STORAGE_MINOR_VERSION,
            save_delay=CACHE_SAVE_DELAY,
            # Tens of thousands of activities: encoded in a worker thread.
            serialize_in_worker=True,
        )
        self.records = EntryStore(
            hass,
            f"{DOMAIN}.{entry_id}.records",
            version=RECORDS_VERSION,
            save_delay=RECORDS_SAVE_DELAY,
        )

    async def async_load(self, sync: AthleteSync) -> None:
        """Give `sync` what was kept; anything unusable is rebuilt from the service."""
        cache = await self._async_load_cache(sync.athlete_id)
        book = RecordBook.from_dict(await self.records.async_load("record book"))
        sync.restore(cache, book)
        self.cache.loaded(sync.cache.revision)
        self.records.loaded(sync.curves_gear.book_revision)

    async def _async_load_cache(self, athlete_id: str) -> ActivityCache | None:
        data = await self.cache.async_load("activity cache")
        if data is None:
            return None
        try:
            # Tens of thousands of activities: decoded in a worker thread.
            snapshot = await self._hass.async_add_executor_job(
                cache_format.CacheSnapshot.from_json, data
            )
        # OverflowError: an integer beyond any float; RecursionError: nesting.
        except TypeError, ValueError, KeyError, OverflowError, RecursionError:
            LOGGER.warning("The activity cache is damaged; rebuilding it")
            return None
        if snapshot.athlete_id != athlete_id:
            LOGGER.warning(
                "The activity cache belongs to another athlete; rebuilding it"
            )
            return None
        return ActivityCache.from_snapshot(snapshot)

    def async_schedule_save(self, sync: AthleteSync) -> None:
        """Write soon what changed since the last write."""
        if self.cache.changed(sync.cache.revision):
            # Fixed now, in the event loop; encoded when written, in a worker.
            snapshot = sync.cache.snapshot()
            self.cache.async_delay_save(sync.cache.revision, snapshot.as_json)
        if (book := sync.curves_gear.book) is not None:
            self.records.async_delay_save(sync.curves_gear.book_revision, book.as_dict)

    async def async_close(self, sync: AthleteSync) -> None:
        """The entry unloads: write what changed now, then never again."""
        self.async_schedule_save(sync)
        await self.cache.async_close()
        await self.records.async_close()

    async def async_remove(self) -> None:
        """Delete both files."""
        await self.cache.async_remove()
        await self.records.async_remove()
