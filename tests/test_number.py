"""The yearly distance goals: set, shown in the user's units, kept across restarts."""

import math
from typing import Any

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.intervals_icu.const import CONF_GROUPS, DOMAIN
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_UNIT_OF_MEASUREMENT,
    Platform,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util.unit_system import (
    US_CUSTOMARY_SYSTEM,
)

from .conftest import ATHLETE_ID, assert_platform_snapshot

RUN_GOAL = "number.test_athlete_run_distance_goal_this_year"


async def _set(hass: HomeAssistant, entity_id: str, value: float) -> None:
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: entity_id, ATTR_VALUE: value},
        blocking=True,
    )


@pytest.fixture
def platforms() -> list[Platform]:
    """The goals, and the sensors that measure against them."""
    return [Platform.NUMBER, Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
) -> None:
    """Every number entity's registry entry and state, as a user would see them."""
    await assert_platform_snapshot(
        hass, entity_registry, snapshot, config_entry, Platform.NUMBER
    )


async def test_goal_entities_per_group_in_kilometres(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    registry = er.async_get(hass)
    goals = {
        e.unique_id
        for e in er.async_entries_for_config_entry(registry, setup_integration.entry_id)
        if e.domain == NUMBER_DOMAIN
    }
    assert goals == {
        f"{ATHLETE_ID}_{g}_distance_goal" for g in ("run", "ride", "swim", "all")
    }
    state = hass.states.get(RUN_GOAL)
    assert state is not None
    # No goal yet: 0.
    assert float(state.state) == 0.0
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "km"
    await _set(hass, RUN_GOAL, 2000)
    assert float(hass.states.get(RUN_GOAL).state) == 2000.0  # type: ignore[union-attr]
    coordinator = setup_integration.runtime_data
    assert coordinator.goals["run"].metres == pytest.approx(2_000_000.0)
    await _set(hass, RUN_GOAL, 0)
    assert coordinator.goals["run"].metres == 0.0


async def test_goal_in_miles_for_us_customary_units(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    hass.config.units = US_CUSTOMARY_SYSTEM
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(RUN_GOAL)
    assert state is not None
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "mi"
    await _set(hass, RUN_GOAL, 1000)
    goals = config_entry.runtime_data.goals
    assert goals["run"].metres == pytest.approx(1_609_344.0)


@pytest.mark.parametrize(
    ("stored", "metres"),
    [
        ({"native_value": 1500.0, "native_unit_of_measurement": "km"}, 1_500_000.0),
        ({"native_value": 500.0, "native_unit_of_measurement": "mi"}, 804_672.0),
        ({"native_value": None, "native_unit_of_measurement": "km"}, None),
        ({"native_value": 3.0, "native_unit_of_measurement": "parsecs"}, None),
    ],
)
async def test_goal_is_restored_after_a_restart(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    stored: dict[str, Any],
    metres: float | None,
) -> None:
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(RUN_GOAL, str(stored["native_value"])),
                {
                    "native_max_value": 100_000.0,
                    "native_min_value": 0.0,
                    "native_step": 1.0,
                    **stored,
                },
            )
        ],
    )
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    goal = config_entry.runtime_data.goal("run")
    assert (goal and goal.metres) == (pytest.approx(metres) if metres else None)
    state = hass.states.get(RUN_GOAL)
    assert state is not None
    # Shown in km: as typed, or a whole number when typed in another unit.
    shown = (metres or 0.0) / 1000
    if stored["native_unit_of_measurement"] != "km":
        shown = round(shown)
    assert float(state.state) == pytest.approx(shown)


async def test_a_group_switched_off_takes_its_goal_along(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """Like the group's sensors, its goal goes: not left behind as unavailable."""
    registry = er.async_get(hass)
    swim_goal = f"{ATHLETE_ID}_swim_distance_goal"
    assert registry.async_get_entity_id(NUMBER_DOMAIN, DOMAIN, swim_goal)
    hass.config_entries.async_update_entry(
        setup_integration,
        options={CONF_GROUPS: {"run": ["Run"], "ride": ["Ride"]}},
    )
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert registry.async_get_entity_id(NUMBER_DOMAIN, DOMAIN, swim_goal) is None
    run_goal = f"{ATHLETE_ID}_run_distance_goal"
    assert registry.async_get_entity_id(NUMBER_DOMAIN, DOMAIN, run_goal)


async def test_a_goal_follows_the_unit_system_at_once_in_whole_numbers(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    progress = "sensor.test_athlete_run_goal_progress"
    await _set(hass, RUN_GOAL, 1500)
    before = hass.states.get(progress).state  # type: ignore[union-attr]
    await hass.config.async_update(unit_system="us_customary")
    await hass.async_block_till_done()
    state = hass.states.get(RUN_GOAL)
    assert state is not None
    assert (state.state, state.attributes[ATTR_UNIT_OF_MEASUREMENT]) == ("932.0", "mi")
    # The goal itself is what was typed: the progress did not move.
    assert hass.states.get(progress).state == before  # type: ignore[union-attr]
    await hass.config.async_update(unit_system="metric")
    await hass.async_block_till_done()
    state = hass.states.get(RUN_GOAL)
    assert state is not None
    assert (state.state, state.attributes[ATTR_UNIT_OF_MEASUREMENT]) == ("1500.0", "km")
    # Typed in miles, it is whole in miles and rounded in kilometres.
    await hass.config.async_update(unit_system="us_customary")
    await _set(hass, RUN_GOAL, 1000)
    await hass.config.async_update(unit_system="metric")
    await hass.async_block_till_done()
    assert hass.states.get(RUN_GOAL).state == "1609.0"  # type: ignore[union-attr]


async def test_a_goal_is_kept_as_typed_across_a_restart(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    await _set(hass, RUN_GOAL, 1000)
    await hass.config.async_update(unit_system="us_customary")
    await hass.async_block_till_done()
    assert hass.states.get(RUN_GOAL).state == "621.0"  # type: ignore[union-attr]
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(RUN_GOAL).state == "621.0"  # type: ignore[union-attr]
    # Back in kilometres it is the 1000 typed, not 621 mi rounded twice.
    await hass.config.async_update(unit_system="metric")
    await hass.async_block_till_done()
    assert hass.states.get(RUN_GOAL).state == "1000.0"  # type: ignore[union-attr]


@pytest.mark.parametrize("value", [float("nan"), 1e-300, 1e-320, 0.5])
async def test_a_goal_no_one_could_mean_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry, value: float
) -> None:
    await _set(hass, RUN_GOAL, 800)
    with pytest.raises(ServiceValidationError) as refused:
        await _set(hass, RUN_GOAL, value)
    assert refused.value.translation_key == "goal_invalid"
    assert refused.value.translation_placeholders["unit"] == "km"
    assert hass.states.get(RUN_GOAL).state == "800.0"  # type: ignore[union-attr]
    progress = hass.states.get("sensor.test_athlete_run_goal_progress")
    assert progress is not None
    assert math.isfinite(float(progress.state))
