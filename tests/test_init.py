"""Setting up, unloading and removing an entry."""

import json
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.coordinator import IntervalsCoordinator
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .bests import YEAR
from .test_event import next_update


async def test_setup_and_unload(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    entry = setup_integration
    assert entry.state is ConfigEntryState.LOADED
    # The first update: the athlete, the rMSSD of the 60 days before the
    # week (the HRV status), the wellness week, the calendar's next two weeks,
    # the activities (what the totals need) of the last 30 days, then of the
    # rest of the window, and the recent days' in full, then the gear and the
    # year's curves.
    assert [r.path.rsplit("/", 1)[-1] for r in emulator.state.log] == [
        "i123456",
        "wellness.json",
        "wellness.json",
        "events.json",
        "activities",
        "activities",
        "activities",
        "gear.json",
        "power-curves.json",
        "pace-curves.json",
        "pace-curves.json",
    ]
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_runtime_data_is_the_coordinator(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: EmulatorServer,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The entry keeps its coordinator; the server's address is derived once."""
    config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        config_entry, data={**config_entry.data, CONF_URL: emulator.url + "/"}
    )
    await hass.config_entries.async_setup(config_entry.entry_id)
    coordinator = config_entry.runtime_data
    assert isinstance(coordinator, IntervalsCoordinator)
    assert coordinator.base_url == emulator.url
    assert coordinator.data.activity_url("i9") == f"{emulator.url}/activities/i9"
    # The athlete's device; the gear's devices hang under it.
    [device] = [
        d
        for d in dr.async_entries_for_config_entry(
            device_registry, config_entry.entry_id
        )
        if d.via_device_id is None
    ]
    assert device.configuration_url == emulator.url
    # Home Assistant's shared session, which verifies certificates (what the
    # client sends with each request: tests/api/test_requests.py).
    session = async_get_clientsession(hass)
    assert coordinator.client._session is session
    assert session.connector is not None
    assert session.connector._ssl is not False


async def test_setup_retries_when_unreachable(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: EmulatorServer
) -> None:
    emulator.state.add_fault(Fault.http_status(503))
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_starts_reauth_on_bad_key(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: EmulatorServer
) -> None:
    emulator.state.set_api_key(config_entry.unique_id, "another-key")
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


CURVE_PATHS = r"curves|gear"


async def test_hourly_update_without_news_costs_no_curve_request(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    log = emulator.state.log
    assert [r.path.rsplit("/", 1)[-1] for r in log.matching(CURVE_PATHS)] == [
        "gear.json",
        "power-curves.json",
        "pace-curves.json",
        "pace-curves.json",
    ]
    assert {r.query["curves"][0] for r in log.matching("curves")} == {YEAR}
    assert [r.query["type"][0] for r in log.matching("curves")] == [
        "Ride",
        "Run",
        "Swim",
    ]
    log.clear()
    await next_update(hass, frozen)
    assert len(log) > 0
    assert log.count(CURVE_PATHS) == 0
    # A walk can wear shoes but sets no ride, run or swim best: the gear only.
    athlete.add_activity(
        start_local="2026-06-15T12:30:00", activity_type="Walk", moving_time=1800
    )
    await next_update(hass, frozen)
    assert [r.path.rsplit("/", 1)[-1] for r in log.matching(CURVE_PATHS)] == [
        "gear.json"
    ]
    # A trail run: the gear and the run's pace curve (TrailRun is in its group).
    log.clear()
    athlete.add_activity(
        start_local="2026-06-15T12:45:00",
        activity_type="TrailRun",
        distance=8000.0,
        moving_time=3000,
    )
    await next_update(hass, frozen)
    assert [
        (r.path.rsplit("/", 1)[-1], r.query.get("type"))
        for r in log.matching(CURVE_PATHS)
    ] == [("gear.json", None), ("pace-curves.json", ["Run"])]


async def test_the_athletes_device_shows_what_most_athletes_look_at(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """About thirty entities enabled at first; the rest listed, not shown."""
    devices = dr.async_get(hass)
    [athlete] = [
        d
        for d in dr.async_entries_for_config_entry(devices, setup_integration.entry_id)
        if (DOMAIN, setup_integration.unique_id) in d.identifiers
    ]
    entities = er.async_entries_for_device(
        er.async_get(hass), athlete.id, include_disabled_entities=True
    )
    enabled = [e for e in entities if e.disabled_by is None]
    assert 30 <= len(enabled) <= 40 < len(entities)
    translations = json.loads(
        (
            Path(__file__).parent.parent
            / "custom_components/intervals_icu/translations/en.json"
        ).read_text()
    )
    # Every name fits the device page's rows, which cut off at about 28.
    names = [
        value["name"]
        for platform in translations["entity"].values()
        for value in platform.values()
        if "name" in value
    ]
    assert max(len(n) for n in names if "{" not in n) <= 32
