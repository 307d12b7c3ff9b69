"""An event entity that fires when a new activity appears in Intervals.icu."""

from __future__ import annotations

from typing import override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import IntervalsConfigEntry, IntervalsCoordinator, IntervalsData
from .entity import IntervalsEntity

# Reads only the coordinator's snapshot.
PARALLEL_UPDATES = 0

NEW_ACTIVITY = "new_activity"

NEW_ACTIVITY_EVENT = EventEntityDescription(
    key=NEW_ACTIVITY,
    translation_key=NEW_ACTIVITY,
    event_types=[NEW_ACTIVITY],
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the new-activity event entity."""
    async_add_entities(
        [IntervalsNewActivityEvent(entry.runtime_data, NEW_ACTIVITY_EVENT)]
    )


class IntervalsNewActivityEvent(IntervalsEntity, EventEntity):
    """Fires `new_activity` once for each activity an update found new."""

    def __init__(
        self,
        coordinator: IntervalsCoordinator,
        entity_description: EventEntityDescription,
    ) -> None:
        """Remember the snapshot already seen: the first load is not news."""
        super().__init__(coordinator, entity_description)
        self._seen: IntervalsData | None = coordinator.data

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Fire for the new activities of a snapshot not seen before."""
        data = self.coordinator.data
        # Listeners are also called after a failed update, with the old
        # snapshot: its activities were news once, not twice.
        if data is not self._seen:
            self._seen = data
            for activity in data.new_activities:
                self._trigger_event(
                    NEW_ACTIVITY,
                    {
                        **activity.as_dict(),
                        "start": activity.start_local.replace(
                            tzinfo=data.zone
                        ).isoformat(),
                        "url": data.activity_url(activity.id),
                    },
                )
                self.async_write_ha_state()
        super()._handle_coordinator_update()
