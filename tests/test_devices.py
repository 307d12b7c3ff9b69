"""Devices: the athlete's, and one per piece of gear in use, which come and go."""

from types import SimpleNamespace

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
)

from custom_components.intervals_icu import devices
from custom_components.intervals_icu.api import Gear
from custom_components.intervals_icu.const import DOMAIN
from emulator.model import Athlete
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .bests import entity_id
from .conftest import ATHLETE_ID
from .test_event import next_update


async def test_gear_devices(
    hass: HomeAssistant,
    device_registry: dr.DeviceRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    """The athlete's device, and one per piece of gear in use, under it."""
    # Found by identifiers on every release (async_get_device is deprecated
    # in 2026.10, async_get_device_by_identifier missing in 2026.4).
    athlete_device = next(
        d
        for d in dr.async_entries_for_config_entry(
            device_registry, setup_integration.entry_id
        )
        if (DOMAIN, ATHLETE_ID) in d.identifiers
    )
    assert athlete_device is not None
    devices = {
        d.name: d
        for d in dr.async_entries_for_config_entry(
            device_registry, setup_integration.entry_id
        )
        if d.id != athlete_device.id
    }
    # The retired commuter has no device.
    assert set(devices) == {"Road bike", "Chain", "Trainers", "Race flats"}
    assert devices["Road bike"].model == "Bike"
    assert devices["Chain"].model == "Chain"
    assert all(d.via_device_id == athlete_device.id for d in devices.values())


async def test_retired_and_deleted_gear_go_away(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    flats = entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_gear_g2_distance")
    lube = entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_b1_reminder_2_reset"
    )
    next(g for g in athlete.gear if g["id"] == "g2")["retired"] = "2026-06-14"
    athlete.gear = [g for g in athlete.gear if g["id"] != "c1"]
    bike = next(g for g in athlete.gear if g["id"] == "b1")
    bike["reminders"] = bike["reminders"][:1]
    bike["component_ids"] = []
    # A new activity makes the next update fetch the gear.
    athlete.add_activity(
        start_local="2026-06-15T12:00:00", activity_type="Walk", moving_time=600
    )
    await next_update(hass, frozen)
    names = {
        d.name
        for d in dr.async_entries_for_config_entry(
            device_registry, setup_integration.entry_id
        )
    }
    assert names == {"Test Athlete", "Road bike", "Trainers"}
    assert entity_registry.async_get(flats) is None
    assert hass.states.get(flats) is None
    assert entity_registry.async_get(lube) is None
    assert entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_b1_reminder_1_reset"
    )
    # Un-retired, the flats come back.
    next(g for g in athlete.gear if g["id"] == "g2")["retired"] = None
    athlete.add_activity(
        start_local="2026-06-15T12:30:00", activity_type="Walk", moving_time=600
    )
    await next_update(hass, frozen)
    assert (
        hass.states.get(
            entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_gear_g2_distance")
        ).state
        == "84.0"
    )


@pytest.mark.parametrize("by_device_id", [True, False])
@pytest.mark.parametrize("athlete_device_id", ["athlete-device", None])
def test_gear_hangs_under_the_athlete_as_each_release_can(
    monkeypatch: pytest.MonkeyPatch, by_device_id: bool, athlete_device_id: str | None
) -> None:
    """By device id from Home Assistant 2026.8 on, by identifiers before (the
    releases tested run one of the two; here each, whatever the release)."""
    monkeypatch.setattr(devices, "VIA_DEVICE_ID", by_device_id)
    coordinator = SimpleNamespace(
        athlete_id=ATHLETE_ID, athlete_device_id=athlete_device_id
    )
    entry = SimpleNamespace(runtime_data=coordinator)
    info = devices.gear_device_info(entry, Gear(id="b1", type="Bike"))  # type: ignore[arg-type]
    assert info["identifiers"] == {(DOMAIN, f"{ATHLETE_ID}_gear_b1")}
    assert (info["name"], info["model"]) == ("Bike", "Bike")
    if not by_device_id:
        assert info["via_device"] == (DOMAIN, ATHLETE_ID)  # type: ignore[typeddict-item]
        assert "via_device_id" not in info
    elif athlete_device_id is None:
        # The athlete's device is registered first; without it, no parent.
        assert "via_device_id" not in info
        assert "via_device" not in info
    else:
        assert info["via_device_id"] == athlete_device_id  # type: ignore[typeddict-item]
        assert "via_device" not in info
