"""Events: a new activity, a new personal record; each announced once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import IntervalsConfigEntry, IntervalsCoordinator
from .entity import IntervalsEntity
from .training.bests import RecordKind

# Reads only the coordinator's snapshot.
PARALLEL_UPDATES = 0

type News = tuple[str, dict[str, Any]]
"""An event type and its attributes."""


@dataclass(frozen=True, kw_only=True)
class IntervalsEventEntityDescription(EventEntityDescription):
    """An event entity that announces what the coordinator has not announced yet."""

    take_fn: Callable[[IntervalsCoordinator], Iterable[News]]
    """The news, taken: from then on it counts as announced (on disk too)."""


def _new_activities(coordinator: IntervalsCoordinator) -> Iterable[News]:
    data = coordinator.data
    for activity in coordinator.take_new_activities():
        yield (
            NEW_ACTIVITY,
            {
                **activity.as_dict(),
                "start": activity.start(data.zone).isoformat(),
                "url": data.activity_url(activity.id),
            },
        )


def _new_records(coordinator: IntervalsCoordinator) -> Iterable[News]:
    data = coordinator.data
    for record in coordinator.take_new_records():
        yield (
            record.kind.value,
            {
                "key": record.key,
                "previous": record.previous,
                "value": record.value,
                # Watts for power, seconds for a time over a distance.
                "unit": "W" if record.kind is RecordKind.POWER else "s",
                "activity_id": record.activity_id,
                "url": None
                if record.activity_id is None
                else data.activity_url(record.activity_id),
            },
        )


NEW_ACTIVITY = "new_activity"
NEW_RECORD = "new_record"

EVENTS: tuple[IntervalsEventEntityDescription, ...] = (
    IntervalsEventEntityDescription(
        key=NEW_ACTIVITY,
        translation_key=NEW_ACTIVITY,
        event_types=[NEW_ACTIVITY],
        take_fn=_new_activities,
    ),
    IntervalsEventEntityDescription(
        key=NEW_RECORD,
        translation_key=NEW_RECORD,
        event_types=[kind.value for kind in RecordKind],
        take_fn=_new_records,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the new-activity and new-record events."""
    coordinator = entry.runtime_data
    async_add_entities(IntervalsNewsEvent(coordinator, d) for d in EVENTS)


class IntervalsNewsEvent(IntervalsEntity, EventEntity):
    """Fires once for each piece of news an update found.

    What is still to announce is kept on disk, so an update that finds news
    before this entity exists (at a reload or restart) loses none of it.
    """

    entity_description: IntervalsEventEntityDescription

    @override
    async def async_added_to_hass(self) -> None:
        """Announce what the update of the setup found."""
        await super().async_added_to_hass()
        self._announce()

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Announce what this update found."""
        self._announce()
        super()._handle_coordinator_update()

    @callback
    def _announce(self) -> None:
        for event_type, attributes in self.entity_description.take_fn(self.coordinator):
            self._trigger_event(event_type, attributes)
            self.async_write_ha_state()
