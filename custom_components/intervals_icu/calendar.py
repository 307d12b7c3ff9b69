"""The training calendar: planned workouts, races, notes and days off."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, override
from zoneinfo import ZoneInfo

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.components.calendar.const import CalendarEntityFeature
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM, UnitSystem

from .api import Event, EventWrite
from .const import DOMAIN
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator
from .entity import IntervalsEntity
from .errors import handle_request_errors
from .training.calendar_entry import entry_write
from .training.plan import Span, description, event_span, overlaps, summary
from .writes import (
    PlanChange,
    async_create_event,
    async_delete_event,
    async_event,
    async_update_event,
    checked,
    plan_signal,
)

# The state reads the coordinator's snapshot; ranges are fetched on demand.
PARALLEL_UPDATES = 0

# Scrolling the calendar, or a calendar trigger polling every 15 minutes, asks
# for the same days again and again; a few minutes of staleness is harmless.
CACHE_TTL = timedelta(minutes=5)
CACHE_SIZE = 32

CALENDAR = CalendarEntityDescription(key="calendar", translation_key="calendar")
# The API's names of an entry's values -> the calendar dialog's.
ENTRY_FIELDS = {
    "start_date_local": "dtstart",
    "end_date_local": "dtend",
    "name": "summary",
}


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


def _changed(
    events: list[Event], change: PlanChange, days: tuple[date, date]
) -> list[Event]:
    """A range's events after a write, as the service would list them now."""
    kept = [e for e in events if e.id != change.event_id]
    if change.event is not None and overlaps(change.event, *days):
        kept.append(change.event)
        kept.sort(key=lambda e: (e.start_local, e.id))
    return kept


def _instant(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return dt_util.start_of_local_day(value)


class IntervalsCalendar(IntervalsEntity, CalendarEntity):
    """The athlete's Intervals.icu calendar, where entries are added and changed."""

    _attr_supported_features = (
        CalendarEntityFeature.CREATE_EVENT
        | CalendarEntityFeature.UPDATE_EVENT
        | CalendarEntityFeature.DELETE_EVENT
    )

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

    @override
    async def async_added_to_hass(self) -> None:
        """Follow this entry's writes in the ranges kept."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                plan_signal(self.coordinator.config_entry.entry_id),
                self._written,
            )
        )

    @callback
    def _written(self, change: PlanChange) -> None:
        """Keep each range as the service lists it now: no request to see a write."""
        self._cache = {
            days: (expires, _changed(events, change, days))
            for days, (expires, events) in self._cache.items()
        }

    def _known(self, uid: str) -> Event | None:
        """The entry as the calendar last showed it."""
        for _, events in self._cache.values():
            for event in events:
                if event.id == uid:
                    return event
        return None

    def _entry(self, values: Mapping[str, Any], existing: Event | None) -> EventWrite:
        if values.get("rrule"):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_recurring_entries"
            )
        with checked(ENTRY_FIELDS):
            return entry_write(
                summary_text=values["summary"],
                description_text=values.get("description"),
                start=values["dtstart"],
                end=values["dtend"],
                zone=self.coordinator.data.zone,
                existing=existing,
                miles=self.hass.config.units is US_CUSTOMARY_SYSTEM,
            )

    @override
    async def async_create_event(self, **kwargs: Any) -> None:
        """Add an entry: a note, or a workout when its title starts with a sport."""
        await async_create_event(self.coordinator, self._entry(kwargs, None))

    @override
    async def async_update_event(
        self,
        uid: str,
        event: dict[str, Any],
        recurrence_id: str | None = None,
        recurrence_range: str | None = None,
    ) -> None:
        """Change an entry the athlete may change; only what changed is sent."""
        existing = await async_event(self.coordinator, uid, self._known(uid))
        changes = EventWrite() if existing.read_only else self._entry(event, existing)
        await async_update_event(self.coordinator, uid, changes, existing)

    @override
    async def async_delete_event(
        self,
        uid: str,
        recurrence_id: str | None = None,
        recurrence_range: str | None = None,
    ) -> None:
        """Delete an entry the athlete may change."""
        await async_delete_event(self.coordinator, uid, self._known(uid))
