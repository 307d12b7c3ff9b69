"""The persisted activity cache: restarts, damage, another athlete's cache, removal."""

import logging
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import DOMAIN
from emulator.server import EmulatorServer
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

KEY = f"{DOMAIN}.01JINTERVALSICUTESTENTRY00"


def distance(hass: HomeAssistant, registry: er.EntityRegistry) -> str:
    entity_id = registry.async_get_entity_id(
        "sensor", DOMAIN, "i123456_run_distance_ytd"
    )
    return hass.states.get(entity_id).state


def activity_fetches(emulator: EmulatorServer) -> list[str]:
    """The `oldest` of every activities request, in order."""
    return [
        r.query["oldest"][0]
        for r in emulator.state.log
        if r.path.endswith("/activities")
    ]


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("damage", "warning"),
    [
        ({"athlete_id": "i123456", "columns": ["id"], "activities": "[]"}, "damaged"),
        ({"athlete_id": "i123456"}, "damaged"),
        ([1, 2, 3], "damaged"),
        ("not an object", "damaged"),
    ],
)
async def test_damaged_cache_is_rebuilt(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    damage: Any,
    warning: str,
) -> None:
    hass_storage[KEY] = {"version": 1, "minor_version": 1, "key": KEY, "data": damage}
    await setup(hass, config_entry)
    warnings = [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and "cache" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert warning in warnings[0].getMessage()
    # Rebuilt from the service: the year was fetched, from 1 January.
    assert activity_fetches(emulator) == ["2026-01-01T00:00:00"]
    assert float(distance(hass, entity_registry)) > 0


async def test_cache_of_another_athlete_is_ignored(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # First learn the right value and the real cache, then make it someone else's.
    await setup(hass, config_entry)
    right = distance(hass, entity_registry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    saved = hass_storage[KEY]["data"]
    hass_storage[KEY]["data"] = {**saved, "athlete_id": "i999"}
    emulator.state.log.clear()
    caplog.clear()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert "another athlete" in caplog.text
    assert activity_fetches(emulator) == ["2026-01-01T00:00:00"]
    assert distance(hass, entity_registry) == right


async def test_warm_start_fetches_no_past_activities(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
) -> None:
    await setup(hass, config_entry)
    right = distance(hass, entity_registry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert KEY in hass_storage
    emulator.state.log.clear()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert distance(hass, entity_registry) == right
    assert activity_fetches(emulator) == ["2026-06-12T00:00:00"]


async def test_cache_removed_with_entry(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    config_entry: MockConfigEntry,
) -> None:
    await setup(hass, config_entry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert KEY in hass_storage
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert KEY not in hass_storage
