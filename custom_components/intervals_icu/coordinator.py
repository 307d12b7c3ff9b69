"""The coordinator: one update per hour, a typed snapshot for the entities."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any, override
from zoneinfo import ZoneInfo

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_URL, EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM

from . import issues
from .api import (
    Activity,
    IntervalsAccessDeniedError,
    IntervalsAuthenticationError,
    IntervalsClient,
    IntervalsError,
    IntervalsRateLimitError,
    Reminder,
)
from .const import (
    CONF_ATHLETE_ID,
    CONF_GROUPS,
    DEFAULT_GROUPS,
    DEFAULT_URL,
    DOMAIN,
    LOGGER,
    UPDATE_INTERVAL,
)
from .data import IntervalsData, build_snapshot
from .errors import error_key
from .statistics.history import HistoryStatistics, ImportResult
from .statistics.plan import HistoryInput
from .sync.athlete_sync import AthleteSync, Fetched
from .sync.curves_gear import GEAR
from .sync.storage import SyncStorage
from .training.goals import Goal
from .training.records import NewRecord
from .training.totals import SportGroups

# The update at the athlete's midnight waits a little for the service's day to turn.
MIDNIGHT_DELAY = timedelta(seconds=30)
# A Retry-After of 0 would retry at once, again and again; one of a week
# would silence the integration for longer than any rate limit lasts.
RETRY_AFTER_MIN = 30.0
RETRY_AFTER_MAX = 24 * 3600.0

type IntervalsConfigEntry = ConfigEntry[IntervalsCoordinator]


def server_url(entry: ConfigEntry) -> str:
    """The entry's server, without a trailing slash: pages and requests start here."""
    url: str = entry.data.get(CONF_URL) or DEFAULT_URL
    return url.rstrip("/")


def configured_groups(entry: ConfigEntry) -> SportGroups:
    """The sport groups switched on, with the activity types each counts."""
    groups = entry.options.get(CONF_GROUPS)
    if not isinstance(groups, dict):
        return SportGroups(DEFAULT_GROUPS)
    return SportGroups(
        {name: types for name, types in groups.items() if name in DEFAULT_GROUPS}
    )


def _home_zone() -> ZoneInfo:
    zone = dt_util.get_default_time_zone()
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")


class IntervalsCoordinator(DataUpdateCoordinator[IntervalsData]):
    """Runs the updates, maps their errors, and publishes each snapshot."""

    config_entry: IntervalsConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: IntervalsConfigEntry, client: IntervalsClient
    ) -> None:
        """Set up for one athlete."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            # The title is the athlete's name, which stays out of the log.
            name=f"{DOMAIN} {entry.data[CONF_ATHLETE_ID]}",
            update_interval=UPDATE_INTERVAL,
        )
        self.client = client
        self.base_url = server_url(entry)
        self.athlete_id: str = entry.data[CONF_ATHLETE_ID]
        self.groups = configured_groups(entry)
        self.goals: dict[str, Goal] = {}
        """This year's distance goal per group, as typed in the numbers."""
        self.athlete_device_id: str | None = None
        """The athlete's device, once setup registered it; gear hangs under it."""
        self.sync = AthleteSync(client, self.athlete_id, _home_zone)
        self.storage = SyncStorage(hass, entry.entry_id)
        self.statistics = HistoryStatistics(hass, entry, client, self.athlete_id)
        self._fetched: Fetched | None = None
        self._closed = False
        self.last_success: datetime | None = None
        """When an update last succeeded."""
        # An update and a write never interleave: each sees what the other kept.
        self._lock = asyncio.Lock()

    @override
    async def _async_setup(self) -> None:
        """Load what was kept: a restart downloads neither the year nor the history."""
        await self.storage.async_load(self.sync)
        await self.statistics.async_load()
        self.config_entry.async_on_unload(
            self.hass.bus.async_listen(
                EVENT_CORE_CONFIG_UPDATE,
                self._async_units_changed,
                event_filter=callback(lambda data: "unit_system" in data),
            )
        )

    def _us_customary(self) -> bool:
        return self.hass.config.units is US_CUSTOMARY_SYSTEM

    @callback
    def _async_units_changed(self, _event: Event[Any]) -> None:
        """The unit system changed: everything shows in its units at once."""
        if self.data is not None and not self._closed:
            us_customary = self._us_customary()
            self.async_set_updated_data(replace(self.data, us_customary=us_customary))
            self.statistics.async_units_changed()

    @override
    async def _async_update_data(self) -> IntervalsData:
        async with self._lock:
            return await self._async_update()

    async def _async_update(self) -> IntervalsData:
        try:
            fetched = await self.sync.async_update(dt_util.utcnow())
        except IntervalsAuthenticationError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except IntervalsRateLimitError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                retry_after=_retry_delay(err.retry_after),
            ) from err
        except IntervalsError as err:
            if isinstance(err, IntervalsAccessDeniedError) and not self._closed:
                # The key works (the client checked) but this athlete is gone.
                issues.async_access_withdrawn(self.hass, self.config_entry)
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key=error_key(err)
            ) from err
        data = await self._async_keep(fetched)
        self.last_success = dt_util.utcnow()
        return data

    async def _async_keep(self, fetched: Fetched) -> IntervalsData:
        """The snapshot of what was fetched or written; kept, saved, counted."""
        data = await self.hass.async_add_executor_job(
            partial(
                build_snapshot,
                fetched,
                self.groups,
                self._goal_metres(),
                self.base_url,
                us_customary=self._us_customary(),
            )
        )
        if not self._closed:
            # Unloaded meanwhile: no file, issue or timer may outlive the entry.
            self._fetched = fetched
            self.storage.async_schedule_save(self.sync)
            issues.async_update_succeeded(
                self.hass,
                self.config_entry,
                stubs=data.strava_stubs_ytd,
                activities=data.activities_ytd,
            )
            self.update_interval = _next_update(data)
            self.statistics.async_update(self._history_input(fetched))
        return data

    async def async_write[T](
        self, send: Callable[[], Awaitable[T]], merge: Callable[[T], object]
    ) -> T:
        """Send a write; `merge` puts the service's answer into what is kept.

        It shows at once, as an update would show it, without one: in the
        snapshot, the file, the statistics and the new-activity event.
        """
        async with self._lock:
            answer = await send()
            merge(answer)
            if self._fetched is not None and not self._closed:
                data = await self._async_keep(self.sync.after_writes(self._fetched))
                self.async_set_updated_data(data)
        return answer

    def _history_input(self, fetched: Fetched) -> HistoryInput:
        return HistoryInput(
            athlete_name=fetched.athlete.name or self.config_entry.title,
            zone=fetched.zone,
            groups=self.groups,
            window_start=fetched.window_start,
            before=fetched.before,
            after=fetched.activities,
            wellness=fetched.wellness,
            today=fetched.today,
        )

    async def async_close(self) -> None:
        """The entry unloads: write what changed now, and nothing more, ever."""
        self._closed = True
        await self.storage.async_close(self.sync)
        await self.statistics.async_close()

    def take_new_activities(self) -> tuple[Activity, ...]:
        """The new activities not announced yet; from now on, they are."""
        return self._taken(self.sync.take_new_activities())

    def take_new_records(self) -> tuple[NewRecord, ...]:
        """The new records not announced yet; from now on, they are."""
        return self._taken(self.sync.take_new_records())

    def _taken[T](self, items: tuple[T, ...]) -> tuple[T, ...]:
        if items and not self._closed:
            self.storage.async_schedule_save(self.sync)
        return items

    def goal(self, group: str) -> Goal | None:
        """A group's distance goal, as typed; None without one."""
        return self.goals.get(group)

    @callback
    def async_set_goal(self, group: str, goal: Goal) -> None:
        """Set a group's distance goal; the goal sensors show it at once."""
        self.goals[group] = goal
        if self.data is not None:
            self.async_set_updated_data(replace(self.data, goals=self._goal_metres()))

    def _goal_metres(self) -> dict[str, float]:
        return {group: goal.metres for group, goal in self.goals.items()}

    async def async_reset_reminder(self, gear_id: str, reminder: Reminder) -> None:
        """Mark a reminder's service done; the gear shows at once as returned."""
        try:
            gear = await self.client.reset_reminder(self.athlete_id, gear_id, reminder)
        except IntervalsError:
            # It may have been applied all the same: read the gear again.
            self.sync.curves_gear.mark_stale([GEAR])
            raise
        bests_gear = self.sync.curves_gear.apply_gear(gear)
        self.async_set_updated_data(replace(self.data, bests_gear=bests_gear))

    async def async_reimport_history(self) -> ImportResult:
        """Read every cached day again, fetch the older history, rewrite everything."""
        self.sync.cache.reread_all = True
        await self.async_refresh()
        if not self.last_update_success and self.last_exception is not None:
            # The client's own error: the action reports it as a request's.
            cause = self.last_exception.__cause__
            raise cause if isinstance(cause, IntervalsError) else self.last_exception
        assert self._fetched is not None
        return await self.statistics.async_import(self._history_input(self._fetched))


def _next_update(data: IntervalsData) -> timedelta:
    """An hour from now, or just after the athlete's midnight if that is sooner.

    Periods begin anew at midnight: on 1 January (or a Monday, or the 1st)
    the totals turn over then, not up to an hour later.
    """
    tomorrow = datetime.combine(data.today + timedelta(days=1), time.min)
    midnight = dt_util.as_utc(tomorrow.replace(tzinfo=data.zone)) + MIDNIGHT_DELAY
    return min(UPDATE_INTERVAL, midnight - dt_util.utcnow())


def _retry_delay(retry_after: float | None) -> float | None:
    """Seconds until the next try: the service's wish, within sane bounds."""
    if retry_after is None:
        return None
    return min(max(retry_after, RETRY_AFTER_MIN), RETRY_AFTER_MAX)
