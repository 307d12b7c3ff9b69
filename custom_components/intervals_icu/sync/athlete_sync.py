"""One update of all an athlete's data: each part fetched only when it is due."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..api import Activity, Athlete, Event, IntervalsClient, Wellness
from ..const import LOGGER
from ..training.records import NewRecord, RecordBook
from ..training.totals import reread_start, window_start
from .activities import ActivityCache
from .curves_gear import ALL_PARTS, GEAR, BestsGearData, CurvesAndGear, curve_sports
from .wellness_plan import WellnessAndPlan


@dataclass(frozen=True, kw_only=True)
class Fetched:
    """What an update brought: all the snapshot and the statistics are made of."""

    athlete: Athlete
    zone: ZoneInfo
    now_local: datetime
    """The athlete's wall time when the update ran."""
    wellness: tuple[Wellness, ...]
    """The athlete's last days of wellness, in no particular order."""
    events: tuple[Event, ...]
    """The calendar's next days."""
    activities: tuple[Activity, ...]
    """The cached activities after the update."""
    before: tuple[Activity, ...]
    """The cached activities before it."""
    window_start: date
    """The first day the cache holds."""
    bests_gear: BestsGearData | None
    hrv: Mapping[date, float] = field(default_factory=dict)
    """Each day's rMSSD (ms) of the days the HRV status needs."""

    @property
    def today(self) -> date:
        """The athlete's today."""
        return self.now_local.date()


class AthleteSync:
    """Keeps an athlete's data: the activity cache, wellness and plan, curves, gear.

    Decides what each update fetches: the recent days every hour, the whole
    window, the athlete and the week once a day; curves and gear when an
    activity could have changed them.
    """

    def __init__(
        self,
        client: IntervalsClient,
        athlete_id: str,
        fallback_zone: Callable[[], ZoneInfo],
    ) -> None:
        """Nothing fetched yet; `fallback_zone` for an athlete without one."""
        self.client = client
        self.athlete_id = athlete_id
        self.cache = ActivityCache(athlete_id)
        self.plan = WellnessAndPlan(client, athlete_id)
        self.curves_gear = CurvesAndGear(client, athlete_id)
        self._athlete: Athlete | None = None
        self._fallback_zone = fallback_zone
        self._zone_warned = False
        self._dropped_logged: set[str] = set()

    def restore(self, cache: ActivityCache | None, book: RecordBook | None) -> None:
        """Start from what was kept on disk: a restart downloads neither again."""
        if cache is not None:
            self.cache = cache
        self.curves_gear.book = book

    async def async_update(self, now: datetime) -> Fetched:
        """Fetch what is due at `now` (aware) and merge it into what is kept."""
        if self._athlete is None:
            self._athlete = await self.client.get_athlete(self.athlete_id)
            zone = self._zone(self._athlete)
        else:
            zone = self._zone(self._athlete)
            day = now.astimezone(zone).date()
            if self.cache.needs_reconcile(day, window_start(day)):
                # Thresholds and the time zone change rarely: once a day is enough.
                self._athlete = await self.client.get_athlete(self.athlete_id)
                # A new zone moves "today" and everything counted from it.
                zone = self._zone(self._athlete)
        athlete = self._athlete
        now_local = now.astimezone(zone).replace(tzinfo=None)
        today = now_local.date()
        start = window_start(today)
        reconcile = self.cache.needs_reconcile(today, start)

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
        # After the activities, so that a new one is in the curves; a failure
        # here keeps the last bests and gear and loses none of that news.
        if reconcile:
            due: set[str] = {*ALL_PARTS}
        elif touched := (*new, *self.cache.removed):
            # Gear counts every activity; a curve only its sport's. A deleted
            # activity may have held a best, or added to the gear's total.
            types = (a.type for a in touched)
            due = {GEAR, *curve_sports(types, athlete.sport_settings)}
        else:
            due = set()
        bests_gear = await self.curves_gear.async_update(
            today=today, due=due, dates=self._activity_day
        )
        self._log_dropped()
        return Fetched(
            athlete=athlete,
            zone=zone,
            now_local=now_local,
            wellness=tuple(wellness),
            events=tuple(events),
            activities=tuple(self.cache.activities.values()),
            before=before,
            window_start=self.cache.window_start or start,
            bests_gear=bests_gear,
            hrv=self.plan.hrv,
        )

    def after_writes(self, fetched: Fetched) -> Fetched:
        """The last update's data, with what writes since changed in what is kept."""
        return replace(
            fetched,
            events=self.plan.events,
            activities=tuple(self.cache.activities.values()),
            before=fetched.activities,
        )

    def take_new_activities(self) -> tuple[Activity, ...]:
        """The new activities not announced yet; from now on, they are."""
        return self.cache.take_unannounced()

    def take_new_records(self) -> tuple[NewRecord, ...]:
        """The new records not announced yet; from now on, they are."""
        return self.curves_gear.take_unannounced()

    def _activity_day(self, activity_id: str) -> date | None:
        activity = self.cache.activities.get(activity_id)
        return None if activity is None else activity.start_local.date()

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
        return self._fallback_zone()

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
