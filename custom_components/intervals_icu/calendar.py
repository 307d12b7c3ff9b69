"""The training calendar: planned workouts, races, notes and days off."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import override
from zoneinfo import ZoneInfo

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM, UnitSystem

from .api import Event
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator
from .entity import IntervalsEntity
from .errors import handle_request_errors
from .training.plan import Span, description, event_span, summary

# The state reads the coordinator's snapshot; ranges are fetched on demand.
PARALLEL_UPDATES = 0

# Scrolling the calendar, or a calendar trigger polling every 15 minutes, asks
# for the same days again and again; a few minutes of staleness is harmless.
CACHE_TTL = timedelta(minutes=5)
CACHE_SIZE = 32

CALENDAR = CalendarEntityDescription(key="calendar", translation_key="calendar")


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the athlete's calendar."""
    async_add_entities([IntervalsCalendar(entry.runtime_data, CALENDAR)])


def calendar_event(event: Event, zone: ZoneInfo, units: UnitSystem) -> CalendarEvent:
    """The Home Assistant view of one planned event."""
    span = event_span(event, zone)
    return CalendarEvent(
        start=span.start,
        end=span.end,
        summary=summary(event),
        description=description(event, miles=units is US_CUSTOMARY_SYSTEM),
        uid=event.id,
    )


def instants(span: Span) -> tuple[datetime, datetime]:
    """Start and end as aware instants; whole days as Home Assistant reads them.

    Home Assistant shows a date on that date of its own zone, so that is the
    interval a date covers when asked what overlaps a time range.
    """
    return _instant(span.start), _instant(span.end)


def _instant(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return dt_util.start_of_local_day(value)


class IntervalsCalendar(IntervalsEntity, CalendarEntity):
    """The athlete's Intervals.icu calendar."""

    def __init__(
        self,
        coordinator: IntervalsCoordinator,
        entity_description: CalendarEntityDescription,
    ) -> None:
        """Start with an empty range cache."""
        super().__init__(coordinator, entity_description)
        self._cache: dict[tuple[date, date], tuple[datetime, list[Event]]] = {}

    @property
    @override
    def event(self) -> CalendarEvent | None:
        """The event going on now, else the next one (from the hourly update)."""
        data = self.coordinator.data
        now = dt_util.utcnow()
        for event in data.events:
            span = event_span(event, data.zone)
            if instants(span)[1] > now:
                return calendar_event(event, data.zone, self.hass.config.units)
        return None

    @override
    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """The events that overlap [start_date, end_date), fetched for those days."""
        zone = self.coordinator.data.zone
        # The athlete's days of the range, widened by Home Assistant's days of it:
        # a whole-day event is shown on its date in Home Assistant's zone.
        oldest = min(
            start_date.astimezone(zone).date(), dt_util.as_local(start_date).date()
        )
        newest = max(
            end_date.astimezone(zone).date(), dt_util.as_local(end_date).date()
        )
        found: list[CalendarEvent] = []
        for event in await self._events(oldest, newest):
            span = event_span(event, zone)
            first, last = instants(span)
            if first < end_date and last > start_date:
                found.append(calendar_event(event, zone, hass.config.units))
        return found

    async def _events(self, oldest: date, newest: date) -> list[Event]:
        now = dt_util.utcnow()
        self._cache = {
            key: value for key, value in self._cache.items() if value[0] > now
        }
        if (cached := self._cache.get((oldest, newest))) is not None:
            return cached[1]
        coordinator = self.coordinator
        with handle_request_errors(self.hass, coordinator.config_entry):
            events = await coordinator.client.get_events(
                coordinator.athlete_id, oldest, newest
            )
        events.sort(key=lambda e: (e.start_local, e.id))
        if len(self._cache) >= CACHE_SIZE:
            del self._cache[min(self._cache, key=lambda k: self._cache[k][0])]
        self._cache[oldest, newest] = (now + CACHE_TTL, events)
        return events
