"""The coordinator: one update per hour, a typed snapshot for the entities."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from types import MappingProxyType
from typing import override
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_URL
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from . import issues
from .aggregate import (
    LastYear,
    Period,
    Totals,
    aggregate,
    count_stubs,
    last_year,
    latest,
    period_starts,
    reread_start,
    window_start,
)
from .api import (
    Activity,
    Athlete,
    Event,
    IntervalsAccessDeniedError,
    IntervalsAuthenticationError,
    IntervalsClient,
    IntervalsError,
    IntervalsRateLimitError,
    Wellness,
)
from .bests_gear import (
    ALL_PARTS,
    GEAR,
    BestsGearData,
    BestsGearTracker,
    RecordStore,
    curve_sports,
)
from .const import (
    CONF_ATHLETE_ID,
    CONF_GROUPS,
    DEFAULT_GROUPS,
    DEFAULT_URL,
    DOMAIN,
    LOGGER,
    UPDATE_INTERVAL,
    WORKOUT,
)
from .errors import error_key
from .goals import GoalStatus, goal_status
from .history_import import HistoryImport, statistics_available
from .sync import ActivityCache, CacheStore

# Wellness days kept: today and the six days before it. The first update of
# the athlete's day reads them all; the others only NEAR_WELLNESS_DAYS.
WELLNESS_DAYS = 7
NEAR_WELLNESS_DAYS = 2
# Calendar days ahead kept, for the calendar's state and the next workout. The
# first update of the day reads them all; the others today and tomorrow, and
# on to the next planned item and workout: what the entities show stays
# fresh by the hour, the days behind them by the day.
EVENT_DAYS = 14
NEAR_EVENT_DAYS = 2
# The update at the athlete's midnight waits a little for the service's day to turn.
MIDNIGHT_DELAY = timedelta(seconds=30)
# A Retry-After of 0 would retry at once, again and again; one of a week
# would silence the integration for longer than any rate limit lasts.
RETRY_AFTER_MIN = 30.0
RETRY_AFTER_MAX = 24 * 3600.0


type IntervalsConfigEntry = ConfigEntry[IntervalsCoordinator]


@dataclass(frozen=True, kw_only=True)
class IntervalsData:
    """Everything the entities show, computed once per update."""

    athlete: Athlete
    zone: ZoneInfo
    today: date
    """The athlete's today, in the athlete's time zone."""
    starts: Mapping[Period, date]
    totals: Mapping[str, Mapping[Period, Totals]]
    wellness: tuple[Wellness, ...]
    """Newest first, the athlete's last WELLNESS_DAYS days."""
    last_activity: Activity | None
    activities_ytd: int
    """Activities this year, Strava stubs included."""
    strava_stubs_ytd: int
    now_local: datetime
    """The athlete's wall time when the update ran."""
    events: tuple[Event, ...] = field(default=())
    """Calendar events from today to EVENT_DAYS ahead, by start."""
    groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """The sport groups switched on, with their activity types."""
    base_url: str = DEFAULT_URL
    bests_gear: BestsGearData | None = None
    """Bests of the year and gear; None until they could first be fetched."""
    """The server's address without a trailing slash (`server_url`)."""
    last_year: Mapping[str, LastYear] = field(default_factory=dict)
    """Per group (and `all`): last year to this calendar day, and all of it."""
    goals: Mapping[str, float] = field(default_factory=dict)
    """This year's distance goal per group in metres (a live view: the
    numbers change it between updates); a missing or 0 goal is no goal."""

    def goal(self, group: str) -> GoalStatus:
        """Progress, gap and projection of the group's distance this year."""
        distance = self.totals[group][Period.YEAR].distance
        return goal_status(distance, self.goals.get(group), self.now_local)

    def activity_url(self, activity_id: str) -> str:
        """The activity's page on Intervals.icu (or the configured server)."""
        return f"{self.base_url}/activities/{activity_id}"

    def period_start(self, period: Period) -> datetime:
        """The instant the period began, in the athlete's zone."""
        day = self.starts[period]
        return datetime(day.year, day.month, day.day, tzinfo=self.zone)

    def latest_wellness(
        self, read: Callable[[Wellness], float | None]
    ) -> tuple[float, date] | None:
        """The most recent non-null value read from a wellness day, and its day."""
        for record in self.wellness:
            if (value := read(record)) is not None:
                return value, record.day
        return None


def server_url(entry: ConfigEntry) -> str:
    """The entry's server, without a trailing slash: pages and requests start here."""
    url: str = entry.data.get(CONF_URL) or DEFAULT_URL
    return url.rstrip("/")


def configured_groups(entry: ConfigEntry) -> dict[str, frozenset[str]]:
    """The sport groups switched on, with the activity types each counts."""
    groups = entry.options.get(CONF_GROUPS)
    if not isinstance(groups, dict):
        return {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}
    return {
        name: frozenset(types)
        for name, types in groups.items()
        if name in DEFAULT_GROUPS
    }


class WellnessAndPlan:
    """The week's wellness and the calendar's next days, as last read.

    The first update of the athlete's day reads all their days; the others
    only the days whose changes the entities show at once.
    """

    def __init__(self, client: IntervalsClient, athlete_id: str) -> None:
        """Nothing read yet."""
        self._client = client
        self._athlete_id = athlete_id
        self._wellness: dict[date, Wellness] = {}
        self._events: list[Event] = []
        self._read_all_on: date | None = None

    async def async_read(self, today: date) -> tuple[list[Wellness], list[Event]]:
        """Read what is due; return the week's wellness and the next EVENT_DAYS."""
        read_all = self._read_all_on != today
        wellness = await self._read_wellness(today, read_all=read_all)
        events = await self._read_events(today, read_all=read_all)
        self._read_all_on = today
        return wellness, events

    async def _read_wellness(self, today: date, *, read_all: bool) -> list[Wellness]:
        """The week's wellness: all of it, or its last days merged into the rest."""
        first = today - timedelta(days=WELLNESS_DAYS - 1)
        near = first if read_all else today - timedelta(days=NEAR_WELLNESS_DAYS - 1)
        fetched = await self._client.get_wellness(self._athlete_id, near, today)
        kept = {day: w for day, w in self._wellness.items() if first <= day < near}
        self._wellness = kept | {w.day: w for w in fetched if w.day >= first}
        return list(self._wellness.values())

    async def _read_events(self, today: date, *, read_all: bool) -> list[Event]:
        """The next EVENT_DAYS of the calendar: all, or the near days merged in."""
        last = today + timedelta(days=EVENT_DAYS)
        near = today + timedelta(days=NEAR_EVENT_DAYS - 1)
        if read_all:
            near = last
        else:
            # What the entities show is re-read: the next item and workout.
            upcoming = [e for e in self._events if e.start_local.date() >= today]
            for wanted in (upcoming, [e for e in upcoming if e.category == WORKOUT]):
                if wanted:
                    day = min(e.start_local.date() for e in wanted)
                    near = max(near, min(day, last))
        fetched = await self._client.get_events(self._athlete_id, today, near)
        ids = {e.id for e in fetched}
        self._events = [
            e for e in self._events if e.start_local.date() > near and e.id not in ids
        ] + fetched
        return self._events


class IntervalsCoordinator(DataUpdateCoordinator[IntervalsData]):
    """Fetches what changed, keeps the cache, and builds the snapshot."""

    config_entry: IntervalsConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: IntervalsConfigEntry,
        client: IntervalsClient,
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
        self.store = CacheStore(hass, entry.entry_id)
        self.cache = ActivityCache(self.athlete_id)
        self._athlete: Athlete | None = None
        self.plan = WellnessAndPlan(client, self.athlete_id)
        self._zone_warned = False
        self._dropped_logged: set[str] = set()
        self._unsub_midnight: CALLBACK_TYPE | None = None
        self._closed = False
        self.record_store = RecordStore(hass, entry.entry_id)
        self.bests_gear = BestsGearTracker(client, self.athlete_id, self.record_store)
        self.goals: dict[str, float] = {}
        """This year's distance goal per group in metres, set by the numbers."""
        self.history = HistoryImport(hass, entry.entry_id, client, self.athlete_id)
        self._import_task: asyncio.Task[None] | None = None
        self._import_allowed = False

    @override
    async def _async_setup(self) -> None:
        """Load the cache and the import's record: a restart downloads neither."""
        self.cache = await self.store.async_load(self.athlete_id)
        await self.bests_gear.async_load()
        await self.history.async_load()

    @override
    async def async_request_refresh(self) -> None:
        """Refresh soon, in a task of the entry: unloading it cancels the refresh.

        An action's refresh would otherwise run on in the action's task after
        the entry is removed, and write its cache and repair issues back.
        """
        task = self.config_entry.async_create_background_task(
            self.hass, super().async_request_refresh(), f"{DOMAIN} requested refresh"
        )
        await asyncio.wait([task])

    async def async_close(self) -> None:
        """The entry unloads: write the cache now, and nothing more, ever."""
        self._closed = True
        self._cancel_midnight()
        await self.store.async_close(self.cache)
        await self.record_store.async_close()

    def take_unannounced(self) -> tuple[Activity, ...]:
        """The new activities not announced yet; from now on, they are."""
        found = self.cache.take_unannounced()
        if found:
            self.store.async_schedule_save(self.cache)
        return found

    @override
    async def _async_update_data(self) -> IntervalsData:
        try:
            data = await self._update()
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
            if isinstance(err, IntervalsAccessDeniedError):
                # The key works (the client checked) but this athlete is gone.
                issues.async_access_withdrawn(self.hass, self.config_entry)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key=error_key(err),
            ) from err
        if self._closed:
            # Unloaded meanwhile: no issue, timer or write may outlive the entry.
            return data
        self._log_dropped()
        issues.async_update_succeeded(
            self.hass,
            self.config_entry,
            stubs=data.strava_stubs_ytd,
            activities=data.activities_ytd,
        )
        self._schedule_midnight(data)
        return data

    def _schedule_midnight(self, data: IntervalsData) -> None:
        """Update right after the athlete's midnight, when periods begin anew.

        Without it, on 1 January (or a Monday, or the 1st) the totals would
        show the old period until the next hourly update.
        """
        self._cancel_midnight()
        tomorrow = data.today + timedelta(days=1)
        midnight = datetime.combine(tomorrow, time.min, tzinfo=data.zone)
        self._unsub_midnight = async_track_point_in_utc_time(
            self.hass,
            self._async_midnight,
            dt_util.as_utc(midnight) + MIDNIGHT_DELAY,
        )

    @callback
    def _async_midnight(self, _now: datetime) -> None:
        self._unsub_midnight = None
        self.config_entry.async_create_background_task(
            self.hass, self.async_request_refresh(), f"{DOMAIN} midnight refresh"
        )

    def _cancel_midnight(self) -> None:
        if self._unsub_midnight is not None:
            self._unsub_midnight()
            self._unsub_midnight = None

    @override
    async def async_shutdown(self) -> None:
        """Also forget the midnight update."""
        self._closed = True
        self._cancel_midnight()
        await super().async_shutdown()

    def _log_dropped(self) -> None:
        """Say once per field that the service sent values beyond human effort."""
        fields = sorted(set(self.client.stats.dropped) - self._dropped_logged)
        if fields:
            self._dropped_logged.update(fields)
            LOGGER.warning(
                "Intervals.icu sent values no activity can have (%s); "
                "they are left out as unknown (diagnostics count them)",
                ", ".join(fields),
            )

    def _zone(self, athlete: Athlete) -> ZoneInfo:
        try:
            if athlete.timezone:
                return ZoneInfo(athlete.timezone)
        # A name too long for a file name raises OSError.
        except ZoneInfoNotFoundError, ValueError, OSError:
            pass
        if not self._zone_warned:
            self._zone_warned = True
            LOGGER.warning(
                "The athlete has no usable time zone; using Home Assistant's"
            )
        zone = dt_util.get_default_time_zone()
        return zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")

    async def _update(self) -> IntervalsData:
        fetched_athlete = self._athlete is None
        if self._athlete is None:
            self._athlete = await self.client.get_athlete(self.athlete_id)
        zone = self._zone(self._athlete)
        now = dt_util.utcnow().astimezone(zone).replace(tzinfo=None)
        today = now.date()
        start = window_start(today)
        reconcile = self.cache.needs_reconcile(today, start)
        if reconcile and not fetched_athlete:
            # Thresholds and the time zone change rarely: once a day is enough.
            self._athlete = await self.client.get_athlete(self.athlete_id)

        async def fetch(
            oldest: datetime,
            newest: datetime,
            fields: Sequence[str],
            limit: int | None = None,
        ) -> list[Activity]:
            return await self.client.get_activities(
                self.athlete_id, oldest, newest, fields=fields, limit=limit
            )

        wellness, events = await self.plan.async_read(today)
        before = tuple(self.cache.activities.values())
        # The cache changes last: if anything before failed, the activities
        # that appeared are still new on the next try, and their events fire.
        new = await self.cache.async_sync(fetch, today, start, reread_start(today))
        self.store.async_schedule_save(self.cache)
        # After the activities, so that a new one is in the curves; a failure
        # here keeps the last bests and gear and loses none of that news.
        if reconcile:
            due: set[str] = {*ALL_PARTS}
        elif new:
            # Gear counts every activity; a curve only its sport's.
            types = (a.type for a in new)
            due = {GEAR, *curve_sports(types, self._athlete.sport_settings)}
        else:
            due = set()
        bests_gear = await self.bests_gear.async_update(
            today=today, due=due, dates=self._activity_day
        )
        # Totals of tens of thousands of activities: in a worker thread, over
        # a copy taken here, so that the event loop never waits for them.
        data = await self.hass.async_add_executor_job(
            partial(
                self._snapshot,
                athlete=self._athlete,
                zone=zone,
                now=now,
                wellness=wellness,
                events=events,
                activities=tuple(self.cache.activities.values()),
                bests_gear=bests_gear,
            )
        )
        await self._async_statistics(data, before, wellness)
        return data

    async def _async_statistics(
        self,
        data: IntervalsData,
        before: tuple[Activity, ...],
        wellness: list[Wellness],
    ) -> None:
        """Keep the long-term statistics in line; never fails the update.

        The first time (and after the sport groups changed) the whole history
        is imported in the background; after that, what this update changed
        in the cache is written, with no request of its own.
        """
        if not statistics_available(self.hass):
            return
        if self.history.needs_import(self.groups):
            self._async_start_import(data)
            return
        # In the background: waiting for the recorder's commit must not hold
        # the entities back. The import's lock keeps the writes in order.
        self.config_entry.async_create_background_task(
            self.hass,
            self._async_write_statistics(
                data,
                before,
                tuple(self.cache.activities.values()),
                [w for w in wellness if w.day <= data.today],
            ),
            f"{DOMAIN} statistics",
        )

    async def _async_write_statistics(
        self,
        data: IntervalsData,
        before: tuple[Activity, ...],
        after: tuple[Activity, ...],
        wellness: list[Wellness],
    ) -> None:
        try:
            await self.history.async_update(
                athlete_name=self._athlete_name(data.athlete),
                zone=data.zone,
                groups=self.groups,
                cache_start=self.cache.window_start or window_start(data.today),
                old=before,
                new=after,
                wellness=wellness,
            )
        except HomeAssistantError as err:
            LOGGER.warning("The statistics could not be updated: %s", err)

    @callback
    def async_allow_import(self, _hass: HomeAssistant) -> None:
        """The entities are set up and Home Assistant has started: import now.

        The first import hands the recorder years of rows, which keep its
        thread busy for a while; begun during setup, that work would compete
        with Home Assistant's start and with adding the entities.
        """
        self._import_allowed = True
        if (
            self.data is not None
            and statistics_available(self.hass)
            and self.history.needs_import(self.groups)
        ):
            self._async_start_import(self.data)

    @callback
    def _async_start_import(self, data: IntervalsData) -> None:
        """Start the import, once allowed, unless it is running."""
        if not self._import_allowed or self._closed:
            return
        if self._import_task is None or self._import_task.done():
            self._import_task = self.config_entry.async_create_background_task(
                self.hass, self._async_import(data), f"{DOMAIN} history import"
            )

    async def _async_import(self, data: IntervalsData) -> None:
        """The one-off import; a failure waits for the next update to retry."""
        try:
            await self.async_import_history(data)
        except (IntervalsError, HomeAssistantError) as err:
            LOGGER.warning(
                "The training history could not be imported (%s); "
                "trying again at the next update",
                type(err).__name__,
            )

    async def async_reimport_history(self) -> None:
        """Read every cached day again, fetch the older history, rewrite everything.

        For edits to old activities: the daily re-read covers this year only,
        and the history is otherwise fetched once.
        """
        self.cache.reread_all = True
        await self.async_refresh()
        if not self.last_update_success and self.last_exception is not None:
            # The client's own error: the action reports it as a request's.
            cause = self.last_exception.__cause__
            raise cause if isinstance(cause, IntervalsError) else self.last_exception
        await self.async_import_history()

    async def async_import_history(self, data: IntervalsData | None = None) -> None:
        """Fetch the history before the cache and rewrite every statistic."""
        data = data or self.data
        await self.history.async_import(
            athlete_name=self._athlete_name(data.athlete),
            zone=data.zone,
            groups=self.groups,
            cache_start=self.cache.window_start or window_start(data.today),
            cached=self.cache.activities.values(),
            today=data.today,
        )

    def _athlete_name(self, athlete: Athlete) -> str:
        return athlete.name or self.config_entry.title

    def _activity_day(self, activity_id: str) -> date | None:
        activity = self.cache.activities.get(activity_id)
        return None if activity is None else activity.start_local.date()

    def _snapshot(
        self,
        *,
        athlete: Athlete,
        zone: ZoneInfo,
        now: datetime,
        wellness: list[Wellness],
        events: list[Event],
        activities: Sequence[Activity],
        bests_gear: BestsGearData | None,
    ) -> IntervalsData:
        today = now.date()
        starts = period_starts(today)
        year_start = datetime.combine(starts[Period.YEAR], datetime.min.time())
        end = datetime.combine(today, datetime.max.time())
        return IntervalsData(
            athlete=athlete,
            zone=zone,
            today=today,
            starts=starts,
            totals=aggregate(activities, self.groups, today),
            wellness=tuple(
                sorted(
                    (w for w in wellness if w.day <= today),
                    key=lambda w: w.day,
                    reverse=True,
                )
            ),
            last_activity=latest(a for a in activities if a.start_local <= end),
            activities_ytd=sum(
                1 for a in activities if year_start <= a.start_local <= end
            ),
            strava_stubs_ytd=count_stubs(activities, starts[Period.YEAR]),
            now_local=now,
            groups=self.groups,
            base_url=self.base_url,
            events=tuple(sorted(events, key=lambda e: (e.start_local, e.id))),
            bests_gear=bests_gear,
            last_year=last_year(activities, self.groups, today),
            goals=MappingProxyType(self.goals),
        )


def _retry_delay(retry_after: float | None) -> float | None:
    """Seconds until the next try: the service's wish, within sane bounds."""
    if retry_after is None:
        return None
    return min(max(retry_after, RETRY_AFTER_MIN), RETRY_AFTER_MAX)
