"""Writes to the athlete's calendar and activities: checked, sent once, shown at once.

The actions and the calendar share them. What cannot be sent is refused
before anything is (the API's request models check every value); an entry a
coach locked is refused as well. Each write runs under the coordinator's lock,
and what the service answers is merged into what the coordinator keeps and
published: the calendar, the next-workout sensors and the totals show it at
once, and a logged activity is announced like any new one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .api import (
    Activity,
    Event,
    EventWrite,
    IntervalsInvalidValueError,
    IntervalsNotAllowedError,
    IntervalsNotFoundError,
    ManualActivity,
)
from .const import DOMAIN
from .coordinator import IntervalsCoordinator
from .errors import handle_request_errors
from .training.plan import WORKOUT, summary

# What an IntervalsInvalidValueError's problem is called in the translations.
_PROBLEMS = {"missing", "unknown", "range", "length", "order", "days"}


@dataclass(frozen=True, slots=True)
class PlanChange:
    """An entry written from here, as the service returned it (None: deleted)."""

    event_id: str
    event: Event | None


def plan_signal(entry_id: str) -> str:
    """The dispatcher signal of an entry's calendar writes."""
    return f"{DOMAIN}_plan_written_{entry_id}"


@contextmanager
def checked(names: Mapping[str, str] | None = None) -> Iterator[None]:
    """A value the API cannot take as a validation error that names the field.

    `names` maps the API's field names to those the user gave.
    """
    try:
        yield
    except IntervalsInvalidValueError as err:
        problem = err.problem if err.problem in _PROBLEMS else "invalid"
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=f"field_{problem}",
            translation_placeholders={"field": (names or {}).get(err.field, err.field)},
        ) from err


@contextmanager
def _sending(
    coordinator: IntervalsCoordinator, event_id: str | None = None
) -> Iterator[None]:
    """Client errors translated; a refused key starts reauth (the actions' helper)."""
    with handle_request_errors(coordinator.hass, coordinator.config_entry):
        try:
            yield
        except IntervalsNotFoundError:
            if event_id is None:
                raise
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="event_not_found",
                translation_placeholders={"event_id": event_id},
            ) from None
        except IntervalsNotAllowedError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="write_not_allowed"
            ) from err


def _read_only(event: Event) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="event_read_only",
        translation_placeholders={"name": summary(event)},
    )


def activity_key(athlete_id: str, sport: str, start: datetime) -> str:
    """The key of an activity logged without one: the same activity, the same key."""
    return f"ha-{athlete_id}-{sport}-{start:%Y%m%dT%H%M%S}"


async def async_event(
    coordinator: IntervalsCoordinator, event_id: str, known: Event | None = None
) -> Event:
    """The entry as last read (the next days, the calendar's), else read now."""
    if known is not None:
        return known
    for event in coordinator.data.events:
        if event.id == event_id:
            return event
    with checked({"id": "event_id"}), _sending(coordinator, event_id):
        return await coordinator.client.get_event(coordinator.athlete_id, event_id)


@callback
def _plan_written(
    coordinator: IntervalsCoordinator, event_id: str, event: Event | None
) -> None:
    coordinator.sync.plan.written(event_id, event, coordinator.data.today)
    # Before the new snapshot goes out: the calendar's ranges follow first.
    async_dispatcher_send(
        coordinator.hass,
        plan_signal(coordinator.config_entry.entry_id),
        PlanChange(event_id, event),
    )


@callback
def _activity_written(coordinator: IntervalsCoordinator, activity: Activity) -> None:
    coordinator.sync.cache.written(activity, coordinator.data.today)


async def async_create_event(
    coordinator: IntervalsCoordinator, event: EventWrite
) -> Event:
    """Create a calendar entry; with a uid, the entry of that uid is replaced."""
    client, athlete_id = coordinator.client, coordinator.athlete_id
    with _sending(coordinator):
        return await coordinator.async_write(
            lambda: client.create_event(athlete_id, event),
            lambda created: _plan_written(coordinator, created.id, created),
        )


async def async_update_event(
    coordinator: IntervalsCoordinator,
    event_id: str,
    changes: EventWrite,
    known: Event | None = None,
) -> Event:
    """Change an entry the athlete may change; nothing to change sends nothing."""
    event = await async_event(coordinator, event_id, known)
    if event.read_only:
        raise _read_only(event)
    if changes == EventWrite():
        return event
    client, athlete_id = coordinator.client, coordinator.athlete_id
    with _sending(coordinator, event_id):
        return await coordinator.async_write(
            lambda: client.update_event(athlete_id, event_id, changes),
            lambda updated: _plan_written(coordinator, event_id, updated),
        )


async def async_delete_event(
    coordinator: IntervalsCoordinator, event_id: str, known: Event | None = None
) -> None:
    """Delete an entry the athlete may change."""
    event = await async_event(coordinator, event_id, known)
    if event.read_only:
        raise _read_only(event)
    client, athlete_id = coordinator.client, coordinator.athlete_id
    with _sending(coordinator, event_id):
        await coordinator.async_write(
            lambda: client.delete_event(athlete_id, event_id),
            lambda _: _plan_written(coordinator, event_id, None),
        )


async def async_mark_done(
    coordinator: IntervalsCoordinator, event_id: str
) -> tuple[Activity, bool]:
    """The activity that did a planned workout, created unless there is one.

    The service creates one for each request; asking which activity of the
    workout's day is paired with it first makes a repeated call harmless.
    True when it was created now.
    """
    event = await async_event(coordinator, event_id)
    if event.category != WORKOUT:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_workout",
            translation_placeholders={"name": summary(event)},
        )
    client, athlete_id = coordinator.client, coordinator.athlete_id

    async def send() -> tuple[Activity, bool]:
        day = event.start_local.date()
        if (
            done := await client.get_done_activity(athlete_id, event_id, day)
        ) is not None:
            return done, False
        return await client.mark_event_done(athlete_id, event_id), True

    with _sending(coordinator, event_id):
        return await coordinator.async_write(
            send, lambda answer: _activity_written(coordinator, answer[0])
        )


async def async_log_activity(
    coordinator: IntervalsCoordinator, activity: ManualActivity
) -> Activity:
    """Create an activity, or replace the one logged with the same key."""
    client, athlete_id = coordinator.client, coordinator.athlete_id
    with _sending(coordinator):
        [logged] = await coordinator.async_write(
            lambda: client.upsert_manual_activities(athlete_id, [activity]),
            lambda answer: _activity_written(coordinator, answer[0]),
        )
    return logged
