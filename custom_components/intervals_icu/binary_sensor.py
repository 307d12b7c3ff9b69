"""Binary sensors: a workout still to do today, and gear due a service."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, override

# From the package itself: Home Assistant 2026.4 has no `const` module there
# yet; later releases still re-export the class, without declaring it.
from homeassistant.components.binary_sensor import (  # type: ignore[attr-defined]
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .coordinator import IntervalsConfigEntry
from .entity import IntervalsEntity, IntervalsGearEntity, async_add_gear_entities
from .training.gear import reminder_attributes, service_due
from .training.plan import is_all_day, summary

# Reads only the coordinator's snapshot.
PARALLEL_UPDATES = 0

# For automations (heat the garage before an indoor ride): enabled by whoever
# writes one, so the device page keeps to what most athletes look at.
WORKOUT_TODAY = BinarySensorEntityDescription(
    key="workout_today",
    translation_key="workout_today",
    entity_registry_enabled_default=False,
)
SERVICE_DUE = BinarySensorEntityDescription(
    key="service_due",
    translation_key="gear_service_due",
    device_class=BinarySensorDeviceClass.PROBLEM,
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    entry: IntervalsConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the workout of today's sensor, and a service-due one to each gear in use."""
    coordinator = entry.runtime_data
    async_add_entities([IntervalsWorkoutTodaySensor(coordinator, WORKOUT_TODAY)])
    async_add_gear_entities(
        entry,
        Platform.BINARY_SENSOR,
        lambda gear: [IntervalsServiceDueSensor(coordinator, gear, SERVICE_DUE)],
        async_add_entities,
    )


class IntervalsServiceDueSensor(IntervalsGearEntity, BinarySensorEntity):
    """On while a reminder of the gear is used up and not snoozed."""

    def _now(self) -> datetime:
        return dt_util.utcnow()

    @property
    @override
    def is_on(self) -> bool | None:
        """Whether any reminder is due now."""
        if (gear := self.gear) is None:
            return None
        return service_due(gear, self._now(), self.coordinator.data.zone)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Each reminder: its name, how much is used, and what is due."""
        if (gear := self.gear) is None:
            return None
        now, zone = self._now(), self.coordinator.data.zone
        return {
            "reminders": [reminder_attributes(r, now, zone) for r in gear.reminders]
        }


class IntervalsWorkoutTodaySensor(IntervalsEntity, BinarySensorEntity):
    """On from the athlete's midnight while a workout of the day is not done yet.

    It turns over at midnight by itself: the day's plan is in the snapshot
    already (the calendar's next days), and no activity is of the new day yet.
    """

    _unsub_midnight: CALLBACK_TYPE | None = None

    def _today(self) -> date:
        return self.coordinator.data.today_now()

    @property
    @override
    def is_on(self) -> bool:
        """Whether a workout planned for today is still to do."""
        workouts = self.coordinator.data.workouts_of(self._today())
        return any(not planned.done for planned in workouts)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """Today's workouts: what, when, and whether done."""
        data = self.coordinator.data
        return {
            "workouts": [
                {
                    "id": planned.event.id,
                    "name": summary(planned.event),
                    "type": planned.event.type,
                    "start": None
                    if is_all_day(planned.event)
                    else planned.event.start_local.replace(
                        tzinfo=data.zone
                    ).isoformat(),
                    "done": planned.done,
                }
                for planned in data.workouts_of(self._today())
            ]
        }

    @override
    async def async_added_to_hass(self) -> None:
        """Wake up at the athlete's next midnight."""
        await super().async_added_to_hass()
        self._schedule_midnight()
        self.async_on_remove(self._cancel_midnight)

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        # The time zone may have changed with the athlete.
        self._schedule_midnight()
        super()._handle_coordinator_update()

    def _schedule_midnight(self) -> None:
        self._cancel_midnight()
        zone = self.coordinator.data.zone
        midnight = datetime.combine(self._today() + timedelta(days=1), time.min, zone)
        self._unsub_midnight = async_track_point_in_utc_time(
            self.hass, self._async_midnight, dt_util.as_utc(midnight)
        )

    @callback
    def _async_midnight(self, _now: datetime) -> None:
        self._unsub_midnight = None
        self._schedule_midnight()
        self.async_write_ha_state()

    @callback
    def _cancel_midnight(self) -> None:
        if self._unsub_midnight is not None:
            self._unsub_midnight()
            self._unsub_midnight = None
