"""The week's wellness and the calendar's next days: all daily, the near days hourly."""

from __future__ import annotations

from datetime import date, timedelta

from ..api import Event, IntervalsClient, Wellness
from ..training.plan import WORKOUT, overlaps
from ..training.readiness import HRV_DAYS

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
# The HRV status needs more days than the week: only their rMSSD is read for
# them, once; the regular reads bring each new day.
HRV_FIELDS = ("id", "hrv")


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
        self._hrv: dict[date, float] = {}
        self._hrv_read_to: date | None = None

    @property
    def hrv(self) -> dict[date, float]:
        """Each day's rMSSD (ms) of the last HRV_DAYS, as read; days without none."""
        return dict(self._hrv)

    async def async_read(self, today: date) -> tuple[list[Wellness], list[Event]]:
        """Read what is due; return the week's wellness and the next EVENT_DAYS."""
        read_all = self._read_all_on != today
        await self._read_hrv_history(today)
        wellness = await self._read_wellness(today, read_all=read_all)
        events = await self._read_events(today, read_all=read_all)
        self._read_all_on = today
        return wellness, events

    async def _read_hrv_history(self, today: date) -> None:
        """The days before the week the HRV status needs, unless they were read.

        At start all of them; after that none, as each day was read while it
        was in the week, except after days without a successful read.
        """
        first = today - timedelta(days=HRV_DAYS - 1)
        last = today - timedelta(days=WELLNESS_DAYS)
        if self._hrv_read_to is not None:
            first = max(first, self._hrv_read_to + timedelta(days=1))
        if first <= last:
            fetched = await self._client.get_wellness(
                self._athlete_id, first, last, fields=HRV_FIELDS
            )
            self._merge_hrv(fetched, first, last)
        self._hrv = {
            day: value
            for day, value in self._hrv.items()
            if day >= today - timedelta(days=HRV_DAYS - 1)
        }

    def _merge_hrv(self, fetched: list[Wellness], first: date, last: date) -> None:
        """What a read of `first`..`last` says: a day without a value has none."""
        for day in [d for d in self._hrv if first <= d <= last]:
            del self._hrv[day]
        self._hrv.update(
            (w.day, w.hrv)
            for w in fetched
            if w.hrv is not None and first <= w.day <= last
        )
        if self._hrv_read_to is None or last > self._hrv_read_to:
            self._hrv_read_to = last

    async def _read_wellness(self, today: date, *, read_all: bool) -> list[Wellness]:
        """The week's wellness: all of it, or its last days merged into the rest."""
        first = today - timedelta(days=WELLNESS_DAYS - 1)
        near = first if read_all else today - timedelta(days=NEAR_WELLNESS_DAYS - 1)
        fetched = await self._client.get_wellness(self._athlete_id, near, today)
        kept = {day: w for day, w in self._wellness.items() if first <= day < near}
        self._wellness = kept | {w.day: w for w in fetched if w.day >= first}
        self._merge_hrv(fetched, near, today)
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

    def written(self, event_id: str, event: Event | None, today: date) -> None:
        """An entry written from here, as the service returned it (None: deleted).

        Kept like a read of its days would keep it, so what the calendar and
        the next workout show follows at once, without reading the days again.
        """
        last = today + timedelta(days=EVENT_DAYS)
        self._events = [e for e in self._events if e.id != event_id]
        if event is not None and overlaps(event, today, last):
            self._events.append(event)

    @property
    def events(self) -> tuple[Event, ...]:
        """The calendar's next days as kept."""
        return tuple(self._events)
