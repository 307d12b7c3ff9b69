"""The automation blueprints: valid for Home Assistant, and each one runs."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
import shutil
from typing import Any
from urllib.parse import quote

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.intervals_icu.const import DOMAIN
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml

from .conftest import ATHLETE_ID, NOW

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "blueprints" / "automation" / DOMAIN
BLUEPRINTS = sorted(p.name for p in FOLDER.glob("*.yaml"))
GITHUB = "https://github.com/intervals-icu-ha/intervals_icu/blob/main"


def test_there_are_four() -> None:
    assert BLUEPRINTS == [
        "gear_service_due.yaml",
        "log_zone_visit.yaml",
        "new_record.yaml",
        "tomorrow_workout.yaml",
    ]


@pytest.mark.parametrize("name", BLUEPRINTS)
def test_valid_for_home_assistant(name: str) -> None:
    path = FOLDER / name
    data = load_yaml(path)
    blueprint = Blueprint(
        data,
        path=f"{DOMAIN}/{name}",
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    # min_version is one this release (and the oldest supported) satisfies.
    assert blueprint.validate() is None
    metadata = blueprint.metadata
    assert metadata["homeassistant"]["min_version"] == "2026.4.0"
    source = f"{GITHUB}/blueprints/automation/{DOMAIN}/{name}"
    assert metadata["source_url"] == source
    assert all(i.get("name") for i in metadata["input"].values())
    # The README's one-click import link opens this file.
    link = (
        "https://my.home-assistant.io/create-link/?redirect=blueprint_import"
        f"&blueprint_url={quote(source, safe='')}"
    )
    assert link in (REPO / "README.md").read_text(encoding="utf-8")


@pytest.fixture
def hass_config_dir(hass_tmp_config_dir: str) -> str:
    """A configuration folder of the test's own, holding the blueprints."""
    target = Path(hass_tmp_config_dir) / "blueprints" / "automation" / DOMAIN
    shutil.copytree(FOLDER, target)
    return hass_tmp_config_dir


@pytest.fixture
async def notified(hass: HomeAssistant) -> AsyncIterator[list[ServiceCall]]:
    """What the blueprints send: a notify action that only records its calls."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    yield async_mock_service(hass, "notify", "phone")
    # Their triggers end with them, not with Home Assistant after the test.
    if hass.services.has_service("automation", "turn_off"):
        await hass.services.async_call(
            "automation", "turn_off", {"entity_id": "all"}, blocking=True
        )


async def automate(hass: HomeAssistant, name: str, **inputs: Any) -> None:
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": name.removesuffix(".yaml"),
                "use_blueprint": {"path": f"{DOMAIN}/{name}", "input": inputs},
            }
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get(f"automation.{name.removesuffix('.yaml')}")
    assert state is not None
    assert state.state == "on", state


async def tick(
    hass: HomeAssistant, frozen: FrozenDateTimeFactory, to: datetime
) -> None:
    frozen.move_to(to)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_tomorrow_workout(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    notified: list[ServiceCall],
    config_entry: MockConfigEntry,
) -> None:
    athlete.events = [
        e for e in athlete.events if not e["start_date_local"].startswith("2026-06-16")
    ]
    athlete.add_event(
        start_local="2026-06-16T18:00:00",
        name="Blueprint tempo",
        event_type="Run",
        moving_time=3000,
        distance=10000.0,
        icu_training_load=62,
    )
    athlete.add_event(start_local="2026-06-16", category="NOTE", name="Not a workout")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await automate(
        hass,
        "tomorrow_workout.yaml",
        athlete=config_entry.entry_id,
        at="20:00:00",
        notify_action="notify.phone",
    )
    await tick(hass, frozen, datetime(2026, 6, 15, 17, 59, tzinfo=UTC))
    assert notified == []
    await tick(hass, frozen, datetime(2026, 6, 15, 18, 0, 1, tzinfo=UTC))
    [call] = notified
    assert call.data["title"] == "Tomorrow: Blueprint tempo"
    assert call.data["message"] == (
        "Blueprint tempo (Run, 18:00) · 50 min · 10.0 km · load 62"
    )


@pytest.mark.parametrize("rest_days", [False, True])
async def test_tomorrow_is_quiet_on_rest_days_unless_asked(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    notified: list[ServiceCall],
    config_entry: MockConfigEntry,
    rest_days: bool,
) -> None:
    athlete.events = [
        e for e in athlete.events if not e["start_date_local"].startswith("2026-06-16")
    ]
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await automate(
        hass,
        "tomorrow_workout.yaml",
        athlete=config_entry.entry_id,
        at="20:00:00",
        notify_action="notify.phone",
        rest_days=rest_days,
    )
    await tick(hass, frozen, datetime(2026, 6, 15, 18, 0, 1, tzinfo=UTC))
    if not rest_days:
        assert notified == []
        return
    [call] = notified
    assert call.data == {"title": "Tomorrow: nothing planned", "message": "A rest day."}


async def test_new_record(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    notified: list[ServiceCall],
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    record = entity_registry.async_get_entity_id(
        "event", DOMAIN, f"{ATHLETE_ID}_new_record"
    )
    assert record is not None
    await automate(
        hass, "new_record.yaml", record_event=record, notify_action="notify.phone"
    )
    athlete.add_activity(
        start_local="2026-06-15T11:00:00",
        activity_type="VirtualRide",
        moving_time=360,
        icu_average_watts=1500,
    )
    await tick(hass, frozen, NOW + timedelta(hours=1, seconds=1))
    titles = [c.data["title"] for c in notified]
    assert "New best: 5min power" in titles
    five = next(c for c in notified if c.data["title"] == "New best: 5min power")
    assert five.data["message"].startswith("1500 W (was ")
    assert five.data["message"].endswith(
        f"{emulator.url}/activities/{athlete.activities[-1]['id']}"
    )
    # Not again when the entry reloads: the event entity comes back, no news.
    count = len(notified)
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert len(notified) == count


async def test_gear_service_due(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    notified: list[ServiceCall],
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    trainers = entity_registry.async_get_entity_id(
        "binary_sensor", DOMAIN, f"{ATHLETE_ID}_gear_g1_service_due"
    )
    chain = entity_registry.async_get_entity_id(
        "binary_sensor", DOMAIN, f"{ATHLETE_ID}_gear_c1_service_due"
    )
    assert trainers is not None
    assert chain is not None
    assert hass.states.get(trainers).state == "off"
    await automate(
        hass,
        "gear_service_due.yaml",
        gear=[trainers, chain],
        notify_action="notify.phone",
    )
    # The trainers' snooze ends on 28 June: due from then on.
    await tick(hass, frozen, datetime(2026, 6, 28, 22, 30, tzinfo=UTC))
    assert hass.states.get(trainers).state == "on"
    [call] = notified
    assert call.data["title"] == "Trainers is due for service"
    reminders = hass.states.get(trainers).attributes["reminders"]
    due = [r for r in reminders if r["due"]]
    assert due
    assert call.data["message"].startswith(due[0]["name"])
    assert "% used)" in call.data["message"]


@pytest.mark.parametrize(("minutes", "logged"), [(45, True), (5, False)])
async def test_log_zone_visit(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    notified: list[ServiceCall],
    setup_integration: MockConfigEntry,
    minutes: int,
    logged: bool,
) -> None:
    assert await async_setup_component(
        hass,
        "zone",
        {"zone": [{"name": "Gym", "latitude": 52.36, "longitude": 4.9, "radius": 100}]},
    )
    inside = {"latitude": 52.36, "longitude": 4.9, "friendly_name": "Jane"}
    outside = {"latitude": 52.40, "longitude": 4.8, "friendly_name": "Jane"}
    hass.states.async_set("person.jane", "not_home", outside)
    await automate(
        hass,
        "log_zone_visit.yaml",
        athlete=setup_integration.entry_id,
        person="person.jane",
        zone="zone.gym",
        sport="WeightTraining",
        minimum_minutes=20,
        maximum_hours=4,
    )
    count = len(athlete.activities)
    # Arrives at 12:00 in Amsterdam, leaves `minutes` later.
    hass.states.async_set("person.jane", "Gym", inside)
    await hass.async_block_till_done()
    frozen.tick(timedelta(minutes=minutes))
    hass.states.async_set("person.jane", "not_home", outside)
    await hass.async_block_till_done(wait_background_tasks=True)
    if not logged:
        assert len(athlete.activities) == count
        return
    assert len(athlete.activities) == count + 1
    activity = athlete.activities[-1]
    assert activity["type"] == "WeightTraining"
    assert activity["name"] == "Gym"
    assert activity["start_date_local"] == "2026-06-15T12:00:00"
    assert activity["moving_time"] == minutes * 60
    assert activity["external_id"] == f"ha-{ATHLETE_ID}-WeightTraining-20260615T120000"
    # Shown at once, like any new activity.
    last_activity = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{ATHLETE_ID}_last_activity"
    )
    assert last_activity is not None
    assert hass.states.get(last_activity).attributes["name"] == "Gym"
