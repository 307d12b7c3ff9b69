"""Sensors: the values the emulator's data implies, in the athlete's time zone."""

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
import json
import logging
from pathlib import Path
from unittest.mock import patch
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from custom_components.intervals_icu.sensor import GEAR_SENSORS, sensor_descriptions
from emulator.faults import Fault
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from emulator.state import EmulatorState
from homeassistant.components.sensor import async_update_suggested_units
from homeassistant.const import CONF_API_KEY, CONF_URL, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util.unit_system import (
    METRIC_SYSTEM,
    US_CUSTOMARY_SYSTEM,
    UnitSystem,
)

from .conftest import NOW

RUN = {"Run", "VirtualRun", "TrailRun"}
RIDE = {"Ride", "VirtualRide", "GravelRide", "MountainBikeRide"}
SWIM = {"Swim", "OpenWaterSwim"}


def expected_totals(
    athlete: Athlete, types: set[str], since: date, until: datetime
) -> dict:
    """Totals straight from the emulator's records, without the integration's code."""
    chosen = [
        a
        for a in athlete.activities
        if a["source"] != "STRAVA"
        and a["type"] in types
        and since.isoformat() <= a["start_date_local"] <= until.isoformat()
    ]
    return {
        "distance": sum(a["distance"] or 0 for a in chosen),
        "moving_time": sum(a["moving_time"] or 0 for a in chosen),
        "elevation_gain": sum(a["total_elevation_gain"] or 0 for a in chosen),
        "count": len(chosen),
    }


async def next_update(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let an hour (and the coordinator's sub-second offset) pass."""
    freezer.tick(timedelta(hours=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def state_of(hass: HomeAssistant, entity_registry: er.EntityRegistry, key: str) -> str:
    entity_id = entity_registry.async_get_entity_id("sensor", DOMAIN, f"i123456_{key}")
    assert entity_id, key
    state = hass.states.get(entity_id)
    assert state, key
    return state.state


@pytest.fixture
def sensors_only() -> Iterator[None]:
    """Set up only the sensor platform: a platform snapshot is of one platform."""
    with patch("custom_components.intervals_icu.PLATFORMS", [Platform.SENSOR]):
        yield


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    sensors_only: None,
    setup_integration: MockConfigEntry,
) -> None:
    """Every sensor's registry entry and state, as a user would see them."""
    # Links point at the emulator, whose port changes from run to run.
    await snapshot_platform(
        hass,
        entity_registry,
        snapshot.with_defaults(exclude=props("url")),
        setup_integration.entry_id,
    )


async def test_defaults_enabled(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    entries = er.async_entries_for_config_entry(
        entity_registry, setup_integration.entry_id
    )
    enabled = {
        e.unique_id.removeprefix("i123456_") for e in entries if not e.disabled_by
    }
    assert {
        "run_distance_ytd",
        "ride_distance_ytd",
        "fitness",
        "fatigue",
        "form",
    } <= enabled
    assert "run_count_ytd" not in enabled
    assert "ramp_rate" not in enabled


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_year_to_date_totals(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    local_now = NOW.astimezone(ZoneInfo(athlete.timezone)).replace(tzinfo=None)
    for group, types in (("run", RUN), ("ride", RIDE), ("swim", SWIM)):
        expected = expected_totals(athlete, types, date(2026, 1, 1), local_now)
        assert expected["count"] > 0, group
        km = float(state_of(hass, entity_registry, f"{group}_distance_ytd"))
        assert km == pytest.approx(expected["distance"] / 1000, abs=1e-6), group
        hours = float(state_of(hass, entity_registry, f"{group}_moving_time_ytd"))
        assert hours == pytest.approx(expected["moving_time"] / 3600, abs=1e-6), group
        gain = float(state_of(hass, entity_registry, f"{group}_elevation_gain_ytd"))
        assert gain == pytest.approx(expected["elevation_gain"], abs=1e-6), group
        assert (
            int(state_of(hass, entity_registry, f"{group}_count_ytd"))
            == expected["count"]
        )
    entity_id = entity_registry.async_get_entity_id(
        "sensor", DOMAIN, "i123456_run_distance_ytd"
    )
    state = hass.states.get(entity_id)
    assert state.attributes["state_class"] == "total"
    assert state.attributes["unit_of_measurement"] == "km"
    assert state.attributes["last_reset"] == "2026-01-01T00:00:00+01:00"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_fitness_from_today_or_latest_day(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    config_entry: MockConfigEntry,
) -> None:
    today = NOW.date().isoformat()
    # Today's record is not there yet (no sync this morning): yesterday's counts.
    athlete.wellness.pop(today, None)
    days = sorted(
        d for d, w in athlete.wellness.items() if d < today and w.get("ctl") is not None
    )
    record = athlete.wellness[days[-1]]
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert float(state_of(hass, entity_registry, "fitness")) == pytest.approx(
        record["ctl"], abs=0.051
    )
    assert float(state_of(hass, entity_registry, "fatigue")) == pytest.approx(
        record["atl"], abs=0.051
    )
    assert float(state_of(hass, entity_registry, "form")) == pytest.approx(
        record["ctl"] - record["atl"], abs=0.051
    )
    assert float(state_of(hass, entity_registry, "ramp_rate")) == pytest.approx(
        record["rampRate"], abs=0.051
    )
    entity_id = entity_registry.async_get_entity_id("sensor", DOMAIN, "i123456_fitness")
    assert hass.states.get(entity_id).attributes["date"] == days[-1]


@pytest.mark.parametrize(
    ("units", "long", "per_long", "short", "per_short", "mass", "per_mass"),
    [
        (METRIC_SYSTEM, "km", 1000.0, "m", 1.0, "kg", 1.0),
        (US_CUSTOMARY_SYSTEM, "mi", 1609.344, "ft", 0.3048, "lb", 0.45359237),
    ],
    ids=["metric", "us_customary"],
)
@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_units_follow_the_unit_system(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    units: UnitSystem,
    long: str,
    per_long: float,
    short: str,
    per_short: float,
    mass: str,
    per_mass: float,
) -> None:
    """Kilometres and metres for metric users, miles and feet for US ones."""
    hass.config.units = units
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    local_now = NOW.astimezone(ZoneInfo(athlete.timezone)).replace(tzinfo=None)
    expected = expected_totals(athlete, RUN, date(2026, 1, 1), local_now)

    def shown(key: str) -> tuple[str, str | None]:
        entity_id = entity_registry.async_get_entity_id(
            "sensor", DOMAIN, f"i123456_{key}"
        )
        state = hass.states.get(entity_id)
        return state.state, state.attributes.get("unit_of_measurement")

    value, unit = shown("run_distance_ytd")
    assert unit == long
    assert float(value) == pytest.approx(expected["distance"] / per_long)
    value, unit = shown("run_elevation_gain_ytd")
    assert unit == short
    assert float(value) == pytest.approx(expected["elevation_gain"] / per_short)
    for key in ("ride_distance_week", "all_distance_month", "last_activity_distance"):
        assert shown(key)[1] == long, key
    assert shown("next_workout_distance")[1] == long
    assert shown("last_activity_elevation_gain")[1] == short
    value, unit = shown("weight")
    assert unit == mass
    weight = next(
        w["weight"]
        for _, w in sorted(athlete.wellness.items(), reverse=True)
        if w.get("weight") is not None
    )
    assert float(value) == pytest.approx(weight / per_mass)


@pytest.mark.usefixtures("entity_registry_enabled_by_default", "setup_integration")
async def test_units_follow_a_change_of_unit_system(
    hass: HomeAssistant,
) -> None:
    """Switching Home Assistant to US customary turns km into mi, m into ft."""
    assert (
        hass.states.get("sensor.test_athlete_run_distance_this_year").attributes[
            "unit_of_measurement"
        ]
        == "km"
    )
    # What Settings → System → General does when asked to convert the units.
    await hass.config.async_update(unit_system="us_customary")
    async_update_suggested_units(hass)
    await hass.async_block_till_done()
    for entity_id, unit in (
        ("sensor.test_athlete_run_distance_this_year", "mi"),
        ("sensor.test_athlete_run_elevation_gain_this_year", "ft"),
        ("sensor.test_athlete_weight", "lb"),
    ):
        assert hass.states.get(entity_id).attributes["unit_of_measurement"] == unit


async def test_form_is_fitness_minus_fatigue(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    config_entry: MockConfigEntry,
) -> None:
    """States keep full precision; the display rounds (one decimal)."""
    today = NOW.date().isoformat()
    athlete.wellness[today].update(ctl=55.5, atl=61.25)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    fitness = float(state_of(hass, entity_registry, "fitness"))
    fatigue = float(state_of(hass, entity_registry, "fatigue"))
    form = float(state_of(hass, entity_registry, "form"))
    assert (fitness, fatigue, form) == (55.5, 61.25, -5.75)
    assert form == fitness - fatigue
    for key in ("fitness", "fatigue", "form"):
        entity_id = entity_registry.async_get_entity_id(
            "sensor", DOMAIN, f"i123456_{key}"
        )
        entry = entity_registry.async_get(entity_id)
        assert entry.options["sensor"]["suggested_display_precision"] == 1


@asynccontextmanager
async def los_angeles_runner(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    run_start: str,
) -> AsyncIterator[tuple[Athlete, str]]:
    """At 07:45 UTC on 1 January, an LA athlete with a 5 km run, set up in Amsterdam.

    07:45 UTC is 08:45 in Amsterdam but 23:45 on 31 December in Los Angeles.
    Yields the emulator's athlete and the run-distance-this-year entity id.
    """
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    freezer.move_to(datetime(2027, 1, 1, 7, 45, tzinfo=UTC))
    athlete = generate_athlete(
        seed=3,
        athlete_id="i123456",
        api_key="la-key",
        timezone="America/Los_Angeles",
        activities_per_year=0,
        start=date(2026, 12, 1),
        end=date(2027, 1, 1),
        now=datetime(2027, 1, 1, 7, 45, tzinfo=UTC),
    )
    athlete.add_activity(start_local=run_start, activity_type="Run", distance=5000.0)
    async with EmulatorServer(EmulatorState.with_athletes(athlete)) as server:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="LA",
            unique_id="i123456",
            data={
                CONF_API_KEY: "la-key",
                CONF_ATHLETE_ID: "i123456",
                CONF_URL: server.url,
            },
        )
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        entity_id = entity_registry.async_get_entity_id(
            "sensor", DOMAIN, "i123456_run_distance_ytd"
        )
        assert entity_id
        yield athlete, entity_id
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_year_boundary_in_athlete_zone(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    socket_enabled: None,
) -> None:
    """Los Angeles athlete, Amsterdam Home Assistant: New Year is the athlete's."""
    async with los_angeles_runner(
        hass, entity_registry, freezer, "2026-12-31T23:30:00"
    ) as (athlete, entity_id):
        sensor = hass.states.get(entity_id)
        assert float(sensor.state) == pytest.approx(5.0)
        assert sensor.attributes["last_reset"] == "2026-01-01T00:00:00-08:00"

        # 09:00 UTC is 01:00 on 1 January in LA: the athlete's new year began,
        # and a run at 00:30 LA time is the only one in it.
        athlete.add_activity(
            start_local="2027-01-01T00:30:00", activity_type="Run", distance=3000.0
        )
        freezer.move_to(datetime(2027, 1, 1, 9, 0, tzinfo=UTC))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        sensor = hass.states.get(entity_id)
        assert float(sensor.state) == pytest.approx(3.0)
        assert sensor.attributes["last_reset"] == "2027-01-01T00:00:00-08:00"


async def test_new_year_starts_at_the_athletes_midnight(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    socket_enabled: None,
) -> None:
    """The totals turn over at the athlete's midnight, not at the next hourly update."""
    # The hourly update after setup would come at 08:45 UTC, 45 minutes into
    # the athlete's year.
    async with los_angeles_runner(
        hass, entity_registry, freezer, "2026-12-31T20:00:00"
    ) as (_, entity_id):
        assert float(hass.states.get(entity_id).state) == pytest.approx(5.0)
        # One minute past the athlete's midnight (08:01 UTC), before any hourly update.
        freezer.move_to(datetime(2027, 1, 1, 8, 1, tzinfo=UTC))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        sensor = hass.states.get(entity_id)
        assert float(sensor.state) == 0.0
        assert sensor.attributes["last_reset"] == "2027-01-01T00:00:00-08:00"


async def test_unavailable_then_recovers(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    frozen: FrozenDateTimeFactory,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = state_of(hass, entity_registry, "run_distance_ytd")
    emulator.state.add_fault(Fault.http_status(502, path="/activities"))
    caplog.clear()
    for _ in range(2):
        await next_update(hass, frozen)
        assert state_of(hass, entity_registry, "run_distance_ytd") == STATE_UNAVAILABLE
    emulator.state.clear_faults()
    await next_update(hass, frozen)
    assert state_of(hass, entity_registry, "run_distance_ytd") == before
    ours = [
        r
        for r in caplog.records
        if r.name.startswith("custom_components.intervals_icu")
        and r.levelno >= logging.INFO
    ]
    assert [r.levelno for r in ours] == [logging.ERROR, logging.INFO]
    # Home Assistant adds the full error at DEBUG only; nothing louder has one.
    loud = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert not [r for r in loud if r.exc_info or "Traceback" in r.getMessage()]


async def test_restart_uses_cache(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
) -> None:
    """A reload starts from the saved cache: no download of the year."""
    before = state_of(hass, entity_registry, "ride_distance_ytd")
    emulator.state.log.clear()
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, entity_registry, "ride_distance_ytd") == before
    fetches = [r for r in emulator.state.log if r.path.endswith("/activities")]
    assert len(fetches) == 1
    assert fetches[0].query["oldest"][0] >= (NOW.date() - timedelta(days=3)).isoformat()


def test_every_sensor_has_a_name_and_an_icon_and_nothing_more() -> None:
    """en.json and icons.json describe exactly the sensors the code creates."""
    folder = Path(__file__).parent.parent / "custom_components" / DOMAIN
    used = {d.translation_key for d in (*sensor_descriptions(), *GEAR_SENSORS)}
    names = json.loads((folder / "translations" / "en.json").read_text())
    icons = json.loads((folder / "icons.json").read_text())
    assert set(names["entity"]["sensor"]) == used
    assert set(icons["entity"]["sensor"]) == used


def test_every_icon_exists() -> None:
    """Each icon in icons.json is one the frontend has (a wrong name shows nothing)."""
    frontend = pytest.importorskip("hass_frontend")
    listed = json.loads(
        (Path(frontend.where()) / "static" / "mdi" / "iconList.json").read_text()
    )
    known = {f"mdi:{icon['name']}" for icon in listed}
    folder = Path(__file__).parent.parent / "custom_components" / DOMAIN
    icons = json.loads((folder / "icons.json").read_text())

    def names(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            for value in node.values():
                yield from names(value)
        elif isinstance(node, str):
            yield node

    used = set(names(icons))
    assert len(used) > 20
    assert used - known == set()
