"""When the long-term statistics are imported, and what is remembered about it.

The activity cache holds the recent years (from `cache_start`); everything
older is fetched once, at the first setup, and written to the recorder
together with the cache. After that, only what the regular updates already
fetch changes the statistics: a changed, new or deleted activity rewrites
the sums from its hour on, and new wellness days add their means. What was
imported is persisted, so a restart downloads no history.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from . import statistics
from .api import Activity, IntervalsClient, Wellness
from .const import DOMAIN, LOGGER
from .history import first_changed_hour

STORAGE_VERSION = 1


def statistics_available(hass: HomeAssistant) -> bool:
    """Whether Home Assistant records statistics (the recorder is set up)."""
    return "recorder" in hass.config.components


def _store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, Any]]:
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.history", private=True)


async def async_remove_history(
    hass: HomeAssistant, entry_id: str, athlete_id: str
) -> None:
    """Clear the athlete's statistics and forget what was imported."""
    if statistics_available(hass):
        await statistics.async_clear(hass, athlete_id)
    await _store(hass, entry_id).async_remove()


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one full import cost."""

    activities: int
    wellness_days: int
    rows: int
    requests: int
    bytes: int


def _groups_json(groups: Mapping[str, frozenset[str]]) -> dict[str, list[str]]:
    return {name: sorted(types) for name, types in sorted(groups.items())}


class HistoryImport:
    """One entry's long-term statistics: the one-off import and its upkeep."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        client: IntervalsClient,
        athlete_id: str,
    ) -> None:
        """Remember what was imported in `.storage/intervals_icu.<entry>.history`."""
        self._hass = hass
        self._client = client
        self._athlete_id = athlete_id
        self._entry_id = entry_id
        self._store = _store(hass, entry_id)
        self._lock = asyncio.Lock()
        # The fitness numbers last written per day: the week's wellness is
        # read every update, but only a day that changed is written again.
        self._written: dict[date, tuple[float | None, float | None]] = {}
        # The cached activities the sums were last written from; None after a
        # restart, when the cache as loaded is that.
        self._basis: list[Activity] | None = None
        self.imported_groups: dict[str, list[str]] | None = None
        """The groups of the last full import; None before the first one."""

    async def async_load(self) -> None:
        """Read what was imported; anything unreadable means: import again."""
        try:
            data = await self._store.async_load()
        except Exception:  # noqa: BLE001 - a damaged file only costs a re-import
            data = None
        if (
            isinstance(data, dict)
            and data.get("athlete_id") == self._athlete_id
            and isinstance(groups := data.get("groups"), dict)
        ):
            self.imported_groups = groups
        else:
            self.imported_groups = None

    def needs_import(self, groups: Mapping[str, frozenset[str]]) -> bool:
        """True before the first import, and after the sport groups changed."""
        return self.imported_groups != _groups_json(groups)

    async def async_import(
        self,
        *,
        athlete_name: str,
        zone: ZoneInfo,
        groups: Mapping[str, frozenset[str]],
        cache_start: date,
        cached: Collection[Activity],
        today: date,
    ) -> ImportResult:
        """Fetch everything before `cache_start` and rewrite every statistic.

        `cached` are the activities from `cache_start` on, which the cache
        already holds: they are not fetched again.
        """
        async with self._lock:
            stats_before = (
                self._client.stats.requests,
                self._client.stats.bytes_received,
            )
            older = await self._client.get_activity_history(
                self._athlete_id, datetime.combine(cache_start, time.min)
            )
            first = min(
                (a.start_local.date() for a in older),
                default=min((a.start_local.date() for a in cached), default=today),
            )
            wellness = await self._client.get_wellness_history(
                self._athlete_id, first, today
            )
            # Read last: an update while the history downloaded is included.
            recent = [a for a in cached if a.start_local.date() >= cache_start]
            activities = [*older, *recent]
            rows = await statistics.async_import_all(
                self._hass,
                athlete_id=self._athlete_id,
                athlete_name=athlete_name,
                groups=groups,
                zone=zone,
                activities=activities,
                wellness=wellness,
            )
            self.imported_groups = _groups_json(groups)
            self._written = {w.day: (w.ctl, w.atl) for w in wellness}
            self._basis = recent
            await self._store.async_save(
                {"athlete_id": self._athlete_id, "groups": self.imported_groups}
            )
            result = ImportResult(
                activities=len(activities),
                wellness_days=len(wellness),
                rows=rows,
                requests=self._client.stats.requests - stats_before[0],
                bytes=self._client.stats.bytes_received - stats_before[1],
            )
        LOGGER.debug("Imported the history: %s", result)
        return result

    async def async_update(
        self,
        *,
        athlete_name: str,
        zone: ZoneInfo,
        groups: Mapping[str, frozenset[str]],
        cache_start: date,
        old: Iterable[Activity],
        new: Iterable[Activity],
        wellness: Iterable[Wellness],
    ) -> int:
        """Bring the statistics in line with an update; rows written.

        `old` and `new` are the cached activities before and after the update:
        the sums are rewritten from the first hour they differ in, from
        `cache_start` on (what left the cache when its window moved on at New
        Year was not deleted). Nothing is written before the first full
        import, which will include all of it.
        """
        if self.imported_groups is None:
            return 0
        begin = datetime.combine(cache_start, time.min)
        new_activities = tuple(new)

        def compare(
            basis: Iterable[Activity],
        ) -> tuple[list[Activity], datetime | None]:
            """The new window's activities, and the first hour that changed."""
            after = [a for a in new_activities if a.start_local >= begin]
            before = [a for a in basis if a.start_local >= begin]
            return after, first_changed_hour(before, after, zone)

        async with self._lock:
            basis = self._basis if self._basis is not None else tuple(old)
            # A year of activities is compared in a worker, not in the loop.
            window, since = await self._hass.async_add_executor_job(compare, basis)
            rows = 0
            if since is not None:
                rows += await statistics.async_rewrite_from(
                    self._hass,
                    athlete_id=self._athlete_id,
                    athlete_name=athlete_name,
                    groups=groups,
                    zone=zone,
                    activities=window,
                    since=since,
                )
            changed = [
                w for w in wellness if self._written.get(w.day) != (w.ctl, w.atl)
            ]
            if changed:
                rows += await statistics.async_add_wellness(
                    self._hass,
                    athlete_id=self._athlete_id,
                    athlete_name=athlete_name,
                    zone=zone,
                    wellness=changed,
                )
                self._written.update((w.day, (w.ctl, w.atl)) for w in changed)
            self._basis = window
            return rows

    async def async_remove(self) -> None:
        """Clear the athlete's statistics and forget the import."""
        await async_remove_history(self._hass, self._entry_id, self._athlete_id)
        self.imported_groups = None
