"""Buttons: mark a gear reminder's service done (reset it) from Home Assistant."""

from __future__ import annotations

from typing import override

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import DOMAIN as BUTTON_DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api import Gear, IntervalsNotFoundError, Reminder
from .const import DOMAIN
from .coordinator import IntervalsConfigEntry, IntervalsCoordinator
from .entity import IntervalsGearEntity, async_add_gear_entities
from .errors import handle_request_errors

# One reset at a time: each is a write followed by a refresh.
PARALLEL_UPDATES = 1

RESET_REMINDER = ButtonEntityDescription(
    key="reset_reminder",
    translation_key="reset_reminder",
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a reset button for each reminder of the gear in use."""
    coordinator = entry.runtime_data
    async_add_gear_entities(
        entry,
        BUTTON_DOMAIN,
        lambda gear: [
            IntervalsResetReminderButton(coordinator, gear, reminder)
            for reminder in gear.reminders
        ],
        async_add_entities,
    )


class IntervalsResetReminderButton(IntervalsGearEntity, ButtonEntity):
    """Resets one reminder, as "Mark as done" does on the website."""

    def __init__(
        self, coordinator: IntervalsCoordinator, gear: Gear, reminder: Reminder
    ) -> None:
        """One button per reminder, named after it."""
        super().__init__(
            coordinator,
            gear,
            RESET_REMINDER,
            key=f"reminder_{reminder.id}_reset",
        )
        self.reminder_id = reminder.id
        self._attr_translation_placeholders = {"reminder": reminder.name or reminder.id}

    @property
    def reminder(self) -> Reminder | None:
        """The reminder as the last snapshot has it."""
        gear = self.gear
        if gear is None:
            return None
        return next((r for r in gear.reminders if r.id == self.reminder_id), None)

    @property
    @override
    def available(self) -> bool:
        """Available while the reminder exists."""
        return super().available and self.reminder is not None

    @override
    async def async_press(self) -> None:
        """Send the reset; the gear shows at once as the service returned it."""
        reminder = self.reminder
        if reminder is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="reminder_gone"
            )
        with handle_request_errors(self.hass, self.coordinator.config_entry):
            try:
                await self.coordinator.async_reset_reminder(self.gear_id, reminder)
            except IntervalsNotFoundError as err:
                # Deleted on the website since the last update.
                raise HomeAssistantError(
                    translation_domain=DOMAIN, translation_key="reminder_gone"
                ) from err
