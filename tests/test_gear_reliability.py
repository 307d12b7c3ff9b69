"""Gear and bests under hostile data and failed writes (reliability, third pass)."""

import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.diagnostics import (
    async_get_config_entry_diagnostics,
)
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .bests import curve, entity_id, point
from .conftest import ATHLETE_ID
from .test_event import next_update


def gear_record(athlete: Athlete, gear_id: str) -> dict[str, Any]:
    return next(g for g in athlete.gear if g["id"] == gear_id)


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_a_reminder_far_over_its_limit_is_due(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Used 20,000 times over: more than any percentage bound, due all the same."""
    bike = gear_record(athlete, "b1")
    bike["reminders"] = [
        {"id": 9, "name": "Wax chain", "activities": 1, "starting_activities": -20_000}
    ]
    await setup(hass, config_entry)
    state = hass.states.get(
        entity_id(entity_registry, "binary_sensor", f"{ATHLETE_ID}_gear_b1_service_due")
    )
    assert state is not None
    assert state.state == STATE_ON
    [reminder] = state.attributes["reminders"]
    assert reminder["due"] is True
    assert reminder["limits_reached"] == ["activities"]
    assert reminder["percent_used"] >= 100


@pytest.mark.parametrize("odd", ["../evil", "r1", "²", "3/../4"])
async def test_a_reminder_with_an_odd_id_is_a_clear_error(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
    odd: str,
) -> None:
    gear_record(athlete, "c1")["reminders"][0]["id"] = odd
    await setup(hass, config_entry)
    button = entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_c1_reminder_{odd}_reset"
    )
    emulator.state.log.clear()
    caplog.clear()
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    assert raised.value.translation_key == "request_invalid_request"
    assert len(emulator.state.log) == 0  # nothing sent
    assert not [r for r in caplog.records if r.exc_info]


async def test_gear_listed_twice_keeps_the_first_and_says_so(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    athlete.gear.append({**gear_record(athlete, "b1"), "name": "Impostor"})
    await setup(hass, config_entry)
    [device] = [
        d
        for d in dr.async_entries_for_config_entry(
            device_registry, config_entry.entry_id
        )
        if (DOMAIN, f"{ATHLETE_ID}_gear_b1") in d.identifiers
    ]
    assert device.name == "Road bike"
    diagnostics = await async_get_config_entry_diagnostics(hass, config_entry)
    assert diagnostics["duplicate_gear"] == 1


async def test_a_reset_whose_answer_was_lost_is_read_again(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """The service applied the reset, but its answer was cut off."""
    await setup(hass, config_entry)
    chain = entity_id(
        entity_registry, "binary_sensor", f"{ATHLETE_ID}_gear_c1_service_due"
    )
    assert hass.states.get(chain).state == STATE_ON  # type: ignore[union-attr]
    emulator.state.add_fault(Fault.truncated_json(path="reminder", method="PUT"))
    button = entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_c1_reminder_3_reset"
    )
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    emulator.state.clear_faults()
    # The next hourly update, nothing new on the service: the gear is read again.
    await next_update(hass, frozen)
    assert hass.states.get(chain).state == STATE_OFF  # type: ignore[union-attr]


async def test_a_deleted_record_gives_its_best_back_at_the_next_update(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    await setup(hass, config_entry)
    best = entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_ride_best_power_5min")
    before = hass.states.get(best).state  # type: ignore[union-attr]
    old = point(curve("power", athlete, "Ride"), "secs", 300)
    assert old is not None
    record = athlete.add_activity(
        start_local="2026-06-15T11:00:00",
        activity_type="VirtualRide",
        moving_time=360,
        icu_average_watts=old[0] + 40,
    )
    await next_update(hass, frozen)
    assert float(hass.states.get(best).state) == old[0] + 40  # type: ignore[union-attr]
    # Deleted on the website (a wrong power meter): the best is the old one again.
    athlete.delete_activity(record["id"])
    await next_update(hass, frozen)
    assert hass.states.get(best).state == before  # type: ignore[union-attr]
