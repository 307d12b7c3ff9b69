"""An event entity that fires when a new activity appears in Intervals.icu."""

from __future__ import annotations

from typing import override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bests import RecordKind
from .coordinator import IntervalsConfigEntry
from .entity import IntervalsEntity

# Reads only the coordinator's snapshot.
PARALLEL_UPDATES = 0

NEW_ACTIVITY = "new_activity"

NEW_ACTIVITY_EVENT = EventEntityDescription(
    key=NEW_ACTIVITY,
    translation_key=NEW_ACTIVITY,
    event_types=[NEW_ACTIVITY],
)

NEW_RECORD = "new_record"

NEW_RECORD_EVENT = EventEntityDescription(
    key=NEW_RECORD,
    translation_key=NEW_RECORD,
    event_types=[kind.value for kind in RecordKind],
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the new-activity event entity."""
    coordinator = entry.runtime_data
    async_add_entities(
        [
            IntervalsNewActivityEvent(coordinator, NEW_ACTIVITY_EVENT),
            IntervalsNewRecordEvent(coordinator, NEW_RECORD_EVENT),
        ]
    )


class IntervalsNewActivityEvent(IntervalsEntity, EventEntity):
    """Fires `new_activity` once for each activity an update found new.

    What is still to announce is kept with the cache, on disk: the update of
    a setup (after a reload or restart) finds news before this entity exists,
    and an activity is news once, whatever reloads in between.
    """

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
        data = self.coordinator.data
        for activity in self.coordinator.take_unannounced():
            self._trigger_event(
                NEW_ACTIVITY,
                {
                    **activity.as_dict(),
                    "start": activity.start(data.zone).isoformat(),
                    "url": data.activity_url(activity.id),
                },
            )
            self.async_write_ha_state()


class IntervalsNewRecordEvent(IntervalsEntity, EventEntity):
    """Fires `power` or `pace` once for each best an update improved.

    What is still to announce is kept in the record book, on disk, as the
    new activities are with the cache: a record an update finds before this
    entity exists (at a reload or restart) is announced when it is added.
    """

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
        data = self.coordinator.data
        for record in self.coordinator.bests_gear.take_unannounced():
            self._trigger_event(
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
            self.async_write_ha_state()
