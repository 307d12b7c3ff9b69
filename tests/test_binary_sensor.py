"""Binary sensors: whether a piece of gear is due a service."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.intervals_icu.const import DOMAIN
from emulator.server import EmulatorServer
from homeassistant.const import (
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import async_get_platforms

from .bests import entity_id
from .conftest import ATHLETE_ID, NOW, assert_platform_snapshot


@pytest.fixture
def platforms() -> list[Platform]:
    """The gear's entities: its service-due sensor, reset buttons, distance."""
    return [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
) -> None:
    """Every binary sensor's registry entry and state, as a user would see them."""
    await assert_platform_snapshot(
        hass, entity_registry, snapshot, config_entry, Platform.BINARY_SENSOR
    )


async def test_service_due_and_reminders(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    """Due: the chain (used up). Not: the trainers (used up but snoozed), the rest."""

    def due(gear_id: str) -> State:
        state = hass.states.get(
            entity_id(
                entity_registry,
                "binary_sensor",
                f"{ATHLETE_ID}_gear_{gear_id}_service_due",
            )
        )
        assert state is not None
        return state

    states = {g: due(g).state for g in ("b1", "c1", "g1", "g2")}
    assert states == {"b1": STATE_OFF, "c1": STATE_ON, "g1": STATE_OFF, "g2": STATE_OFF}
    chain = due("c1")
    assert chain.attributes["device_class"] == "problem"
    assert chain.attributes["reminders"] == [
        {
            "id": "3",
            "name": "Replace chain",
            "percent_used": 104.0,
            "due": True,
            "limits_reached": ["distance"],
            "snoozed_until": None,
        }
    ]
    trainers = due("g1").attributes
    assert trainers["reminders"][0]["due"] is False
    assert trainers["reminders"][0]["snoozed_until"] == "2026-06-28T22:00:00+00:00"


async def test_snooze_ends_without_a_request(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    trainers = entity_id(
        entity_registry, "binary_sensor", f"{ATHLETE_ID}_gear_g1_service_due"
    )
    assert hass.states.get(trainers).state == STATE_OFF
    frozen.move_to(datetime(2026, 6, 28, 22, 30, tzinfo=UTC))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(trainers).state == STATE_ON


def test_dates_are_from_2026() -> None:
    assert NOW.date() == date(2026, 6, 15)
    assert NOW + timedelta(days=13, hours=12, minutes=30) > datetime(
        2026, 6, 28, 22, tzinfo=UTC
    )


def _entity(hass: HomeAssistant, entity_id_: str) -> Any:
    for platform in async_get_platforms(hass, DOMAIN):
        if entity_id_ in platform.entities:
            return platform.entities[entity_id_]
    raise AssertionError(entity_id_)


async def test_gear_gone_from_the_snapshot_reads_as_nothing(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    """Gear no longer in the data: its service-due sensor, its reset button and
    its distance read as nothing until the entities are removed."""
    due = _entity(
        hass,
        entity_id(
            entity_registry, "binary_sensor", f"{ATHLETE_ID}_gear_c1_service_due"
        ),
    )
    button = _entity(
        hass,
        entity_id(entity_registry, "button", f"{ATHLETE_ID}_gear_c1_reminder_3_reset"),
    )
    distance = _entity(
        hass, entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_gear_c1_distance")
    )
    coordinator = setup_integration.runtime_data
    data = coordinator.data
    assert data.bests_gear is not None
    coordinator.data = replace(
        data,
        bests_gear=replace(
            data.bests_gear, gear=tuple(g for g in data.bests_gear.gear if g.id != "c1")
        ),
    )
    assert not due.available
    assert due.is_on is None
    assert due.extra_state_attributes is None
    assert distance.native_value is None
    assert not button.available
    with pytest.raises(HomeAssistantError) as err:
        await button.async_press()
    assert err.value.translation_key == "reminder_gone"
    coordinator.data = data
