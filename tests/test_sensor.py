"""Sensors: the values the emulator's data implies, in the athlete's time zone.

Expectations are computed here from the emulator's records, not with the
integration's code."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
import json
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from custom_components.intervals_icu.sensor import GEAR_SENSORS, sensor_descriptions
from custom_components.intervals_icu.training.bests import (
    POWER_TARGETS,
    RUN_TARGETS,
    SWIM_TARGETS,
)
from custom_components.intervals_icu.training.thresholds import format_pace
from emulator.faults import Fault
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from emulator.state import EmulatorState
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.components.sensor import async_update_suggested_units
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_API_KEY,
    CONF_URL,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.util.unit_system import (
    METRIC_SYSTEM,
    US_CUSTOMARY_SYSTEM,
    UnitSystem,
)

from .bests import curve, entity_id, point
from .conftest import ATHLETE_ID, NOW, assert_platform_snapshot
from .test_calendar import NEW_YORK, add_week, entity_id_of, ny_athlete, running

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
def platforms() -> list[Platform]:
    """Sensors, and the goals some of them follow."""
    return [Platform.SENSOR, Platform.NUMBER]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
) -> None:
    """Every sensor's registry entry and state, as a user would see them."""
    await assert_platform_snapshot(
        hass, entity_registry, snapshot, config_entry, Platform.SENSOR
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
    # The less common bests are there, disabled.
    disabled_bests = {
        e.unique_id.removeprefix(f"{ATHLETE_ID}_")
        for e in entries
        if e.disabled_by is not None and "_best_" in e.unique_id
    }
    assert disabled_bests == {
        "ride_best_power_5s",
        "ride_best_power_1min",
        "ride_best_power_60min",
        "run_best_time_1k",
        "run_best_time_half_marathon",
        "run_best_time_marathon",
        "swim_best_time_400m",
        "swim_best_time_1500m",
    }


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
    for sensor_id, unit in (
        ("sensor.test_athlete_run_distance_this_year", "mi"),
        ("sensor.test_athlete_run_elevation_gain_this_year", "ft"),
        ("sensor.test_athlete_weight", "lb"),
    ):
        assert hass.states.get(sensor_id).attributes["unit_of_measurement"] == unit


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


# Wellness, thresholds, the power model, the last activity, weeks and months ----


def sensor_state(hass: HomeAssistant, registry: er.EntityRegistry, key: str) -> State:
    entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"i123456_{key}")
    assert entity_id, key
    state = hass.states.get(entity_id)
    assert state is not None, key
    return state


def sensor_value(hass: HomeAssistant, key: str, domain: str = "sensor") -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        domain, DOMAIN, f"{ATHLETE_ID}_{key}"
    )
    assert entity_id, key
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


def newest(athlete: Athlete, field: str) -> tuple[float, str] | None:
    """The newest non-null value of a wellness field in the last 7 local days."""
    today = NOW.astimezone(ZoneInfo(athlete.timezone)).date()
    for back in range(7):
        day = (today - timedelta(days=back)).isoformat()
        value = athlete.wellness.get(day, {}).get(field)
        if value is not None:
            return value, day
    return None


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_wellness_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    fields = {
        "weight": "weight",
        "resting_hr": "restingHR",
        "hrv": "hrv",
        "hrv_sdnn": "hrvSDNN",
        "sleep_score": "sleepScore",
        "sleep_quality": "sleepQuality",
        "avg_sleeping_hr": "avgSleepingHR",
        "spo2": "spO2",
        "readiness": "readiness",
        "vo2max": "vo2max",
        "steps": "steps",
        "soreness": "soreness",
        "fatigue_subjective": "fatigue",
        "stress": "stress",
        "mood": "mood",
        "motivation": "motivation",
    }
    seen = 0
    for key, field in fields.items():
        sensor = sensor_state(hass, entity_registry, key)
        expected = newest(athlete, field)
        if expected is None:
            assert sensor.state == "unknown", key
            continue
        seen += 1
        assert float(sensor.state) == pytest.approx(expected[0]), key
        assert sensor.attributes["date"] == expected[1], key
    assert seen >= 10
    sleep = newest(athlete, "sleepSecs")
    sensor = sensor_state(hass, entity_registry, "sleep_duration")
    assert float(sensor.state) == pytest.approx(sleep[0] / 3600)
    assert sensor.attributes["unit_of_measurement"] == "h"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_wellness_older_than_a_week_is_unknown(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    config_entry: MockConfigEntry,
) -> None:
    today = NOW.date()
    for back in range(10):
        record = athlete.wellness.get((today - timedelta(days=back)).isoformat())
        if record and back < 7:
            record["weight"] = None
    athlete.wellness[(today - timedelta(days=8)).isoformat()]["weight"] = 70.0
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert sensor_state(hass, entity_registry, "weight").state == "unknown"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_thresholds_and_power_model(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    by_group = {
        "run": next(s for s in athlete.sport_settings if RUN & set(s["types"])),
        "ride": next(s for s in athlete.sport_settings if RIDE & set(s["types"])),
        "swim": next(s for s in athlete.sport_settings if "Swim" in s["types"]),
    }
    for group, settings in by_group.items():
        for key, field in (("ftp", "ftp"), ("lthr", "lthr"), ("max_hr", "max_hr")):
            sensor = sensor_state(hass, entity_registry, f"{group}_{key}")
            if settings.get(field) is None:
                assert sensor.state == "unknown", (group, key)
            else:
                assert float(sensor.state) == settings[field], (group, key)
    # Pace as athletes read it, the speed beside it for graphs and automations.
    run_pace = sensor_state(hass, entity_registry, "run_threshold_pace")
    speed = by_group["run"]["threshold_pace"]
    seconds = round(1000 / speed)
    assert run_pace.state == f"{seconds // 60}:{seconds % 60:02d} /km"
    assert "unit_of_measurement" not in run_pace.attributes
    assert run_pace.attributes["speed_m_s"] == pytest.approx(speed)
    assert run_pace.attributes["seconds_per_unit"] == pytest.approx(
        1000 / speed, abs=0.05
    )
    run_speed = sensor_state(hass, entity_registry, "run_threshold_speed")
    assert run_speed.attributes["unit_of_measurement"] == "km/h"
    assert float(run_speed.state) == pytest.approx(speed * 3.6, abs=0.051)
    swim_pace = sensor_state(hass, entity_registry, "swim_threshold_pace")
    seconds = round(100 / by_group["swim"]["threshold_pace"])
    assert swim_pace.state == f"{seconds // 60}:{seconds % 60:02d} /100m"

    today = NOW.date()
    model = None
    for back in range(7):
        record = athlete.wellness.get((today - timedelta(days=back)).isoformat(), {})
        rides = [i for i in record.get("sportInfo") or [] if i.get("type") == "Ride"]
        if rides and rides[0].get("eftp") is not None:
            model = rides[0]
            break
    assert model is not None
    assert float(sensor_state(hass, entity_registry, "eftp").state) == pytest.approx(
        model["eftp"]
    )
    # W prime reads as sensor.…_w_prime, an energy store shown in kJ.
    w_prime = sensor_state(hass, entity_registry, "w_prime")
    assert w_prime.entity_id == "sensor.test_athlete_w_prime"
    assert w_prime.attributes["device_class"] == "energy_storage"
    assert w_prime.attributes["unit_of_measurement"] == "kJ"
    assert float(w_prime.state) == pytest.approx(model["wPrime"] / 1000)
    assert float(sensor_state(hass, entity_registry, "p_max").state) == pytest.approx(
        model["pMax"]
    )
    weight = newest(athlete, "weight")
    assert float(
        sensor_state(hass, entity_registry, "eftp_per_kg").state
    ) == pytest.approx(model["eftp"] / weight[0], abs=0.006)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_last_activity_by_start_time(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    config_entry: MockConfigEntry,
) -> None:
    # An activity that starts earlier but was uploaded (listed) last must not win.
    athlete.add_activity(
        start_local="2026-06-15T07:05:00",
        activity_type="Ride",
        distance=42_000.0,
        name="Morning commute",
        icu_training_load=55,
        average_heartrate=141,
    )
    real = [a for a in athlete.activities if a["source"] != "STRAVA"]
    latest = max(real, key=lambda a: a["start_date_local"])
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    sensor = sensor_state(hass, entity_registry, "last_activity")
    start = datetime.fromisoformat(latest["start_date_local"]).replace(
        tzinfo=ZoneInfo(athlete.timezone)
    )
    assert datetime.fromisoformat(sensor.state) == start
    # The attributes identify the activity; its numbers are sensors with units.
    assert sensor.attributes["id"] == latest["id"]
    assert sensor.attributes["name"] == latest["name"]
    assert sensor.attributes["type"] == latest["type"]
    assert (
        sensor.attributes["url"]
        == f"{config_entry.data['url']}/activities/{latest['id']}"
    )
    assert set(sensor.attributes) - {"friendly_name", "icon", "device_class"} == {
        "id",
        "name",
        "type",
        "url",
    }
    numbers = {
        # key: (value as shown, unit as shown)
        "last_activity_distance": (latest["distance"] / 1000, "km"),
        "last_activity_moving_time": (latest["moving_time"] / 60, "min"),
        "last_activity_training_load": (latest["icu_training_load"], None),
        "last_activity_elevation_gain": (latest["total_elevation_gain"], "m"),
        "last_activity_average_heart_rate": (latest["average_heartrate"], "bpm"),
        "last_activity_average_power": (latest.get("icu_average_watts"), "W"),
    }
    for key, (value, unit) in numbers.items():
        number = sensor_state(hass, entity_registry, key)
        assert number.attributes.get("unit_of_measurement") == unit, key
        if value is None:
            assert number.state == "unknown", key
        else:
            assert float(number.state) == pytest.approx(value), key


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_week_month_and_all(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    local_now = NOW.astimezone(ZoneInfo(athlete.timezone)).replace(tzinfo=None)
    today = local_now.date()
    monday = today - timedelta(days=today.weekday())
    starts = {
        "week": monday,
        "month": today.replace(day=1),
        "ytd": date(today.year, 1, 1),
    }

    def total(types: set[str] | None, since: date, field: str) -> float:
        return sum(
            a.get(field) or 0
            for a in athlete.activities
            if a.get("source") != "STRAVA"
            and (types is None or a["type"] in types)
            and since.isoformat() <= a["start_date_local"] <= local_now.isoformat()
        )

    for group, types in (("run", RUN), ("ride", RIDE), ("all", None)):
        for period in ("week", "month"):
            km = float(
                sensor_state(hass, entity_registry, f"{group}_distance_{period}").state
            )
            assert km == pytest.approx(
                total(types, starts[period], "distance") / 1000
            ), (
                group,
                period,
            )
        sensor = sensor_state(hass, entity_registry, f"{group}_distance_week")
        assert sensor.attributes["last_reset"] == f"{monday.isoformat()}T00:00:00+02:00"
    assert float(
        sensor_state(hass, entity_registry, "all_distance_ytd").state
    ) == pytest.approx(total(None, starts["ytd"], "distance") / 1000)
    assert float(
        sensor_state(hass, entity_registry, "all_training_load_ytd").state
    ) == pytest.approx(total(None, starts["ytd"], "icu_training_load"), abs=0.051)
    assert float(
        sensor_state(hass, entity_registry, "ride_training_load_ytd").state
    ) == pytest.approx(total(RIDE, starts["ytd"], "icu_training_load"), abs=0.051)
    hours = float(sensor_state(hass, entity_registry, "all_moving_time_ytd").state)
    assert hours == pytest.approx(total(None, starts["ytd"], "moving_time") / 3600)


# Last year and the goals -------------------------------------------------------


def run_sum(athlete: Athlete, field: str, since: str, until: str) -> float:
    """Straight from the emulator's records: runs with since <= start < until."""
    return sum(
        a.get(field) or 0.0
        for a in athlete.activities
        if a["source"] != "STRAVA"
        and a["type"] in RUN
        and since <= a["start_date_local"] < until
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_last_year_sensors_match_the_emulator(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    # NOW is 15 June 2026: last year to date is 1 January to 15 June 2025.
    to_date = run_sum(athlete, "distance", "2025-01-01", "2025-06-16")
    assert to_date > 0
    assert float(sensor_value(hass, "run_distance_last_year_to_date")) == pytest.approx(
        to_date / 1000
    )
    assert float(sensor_value(hass, "run_distance_last_year")) == pytest.approx(
        run_sum(athlete, "distance", "2025-01-01", "2026-01-01") / 1000
    )
    assert float(
        sensor_value(hass, "run_moving_time_last_year_to_date")
    ) == pytest.approx(
        run_sum(athlete, "moving_time", "2025-01-01", "2025-06-16") / 3600
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_goal_sensors_follow_the_goal(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    # Unknown while no goal is set; the projection always has a value.
    assert sensor_value(hass, "run_goal_progress") == "unknown"
    assert sensor_value(hass, "run_goal_gap") == "unknown"
    this_year = run_sum(athlete, "distance", "2026-01-01", "2027-01-01")
    # 15 June is day 166: the distance per day so far, for 365 days.
    assert float(sensor_value(hass, "run_distance_projected")) == pytest.approx(
        this_year / 166 * 365 / 1000
    )
    # Noon on 15 June 2026 in Amsterdam: 165.5 days of 365 have passed.
    fraction = 165.5 / 365
    goal = er.async_get(hass).async_get_entity_id(
        NUMBER_DOMAIN, DOMAIN, f"{ATHLETE_ID}_run_distance_goal"
    )
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: goal, ATTR_VALUE: 2000},
        blocking=True,
    )
    # 2,000 km: progress is this year's distance over 2,000 km, at once.
    assert float(sensor_value(hass, "run_goal_progress")) == pytest.approx(
        100 * this_year / 2_000_000
    )
    assert float(sensor_value(hass, "run_goal_gap")) == pytest.approx(
        (this_year - 2_000_000 * fraction) / 1000, rel=1e-4
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_new_year_turns_this_year_into_last_year(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, socket_enabled: None
) -> None:
    """At the athlete's midnight (Los Angeles), last year becomes 2026."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    # 07:30 UTC on 1 January 2027 is 23:30 on 31 December in Los Angeles.
    freezer.move_to(datetime(2027, 1, 1, 7, 30, tzinfo=UTC))
    athlete = generate_athlete(
        seed=4,
        athlete_id=ATHLETE_ID,
        api_key="la-key",
        timezone="America/Los_Angeles",
        activities_per_year=150,
        start=date(2025, 1, 1),
        end=date(2026, 12, 31),
        now=datetime(2027, 1, 1, 7, 30, tzinfo=UTC),
    )
    async with EmulatorServer(EmulatorState.with_athletes(athlete)) as server:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title="LA",
            unique_id=ATHLETE_ID,
            data={
                CONF_API_KEY: "la-key",
                CONF_ATHLETE_ID: ATHLETE_ID,
                CONF_URL: server.url,
            },
        )
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        assert float(sensor_value(hass, "run_distance_last_year")) == pytest.approx(
            run_sum(athlete, "distance", "2025-01-01", "2026-01-01") / 1000
        )
        assert float(
            sensor_value(hass, "run_distance_last_year_to_date")
        ) == pytest.approx(
            run_sum(athlete, "distance", "2025-01-01", "2026-01-01") / 1000
        )
        # Past the athlete's midnight, before any hourly update.
        freezer.move_to(datetime(2027, 1, 1, 8, 1, tzinfo=UTC))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        whole_2026 = run_sum(athlete, "distance", "2026-01-01", "2027-01-01")
        assert float(sensor_value(hass, "run_distance_last_year")) == pytest.approx(
            whole_2026 / 1000
        )
        assert float(
            sensor_value(hass, "run_distance_last_year_to_date")
        ) == pytest.approx(
            run_sum(athlete, "distance", "2026-01-01", "2026-01-02") / 1000
        )
        assert float(sensor_value(hass, "run_distance_ytd")) == 0.0
        assert await hass.config_entries.async_unload(entry.entry_id)


# The year's bests and the gear ---------------------------------------------------


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_bests_equal_the_emulators_curves(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    power = curve("power", athlete, "Ride")
    for target in POWER_TARGETS:
        state = hass.states.get(
            entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_{target.key}")
        )
        assert state is not None
        expected = point(power, "secs", target.at)
        assert expected is not None, target
        watts, activity_id = expected
        assert float(state.state) == watts
        assert state.attributes["unit_of_measurement"] == "W"
        activity = athlete.get_activity(activity_id)
        assert state.attributes["activity_id"] == activity_id
        assert state.attributes["date"] == activity["start_date_local"][:10]
        assert state.attributes["url"] == f"{emulator.url}/activities/{activity_id}"
        index = power["secs"].index(target.at)
        if power["wkg_activity_id"][index] == activity_id:
            assert state.attributes["watts_per_kg"] == power["watts_per_kg"][index]
        else:
            assert state.attributes["watts_per_kg"] is None
    unknown = 0
    for sport, targets in (("Run", RUN_TARGETS), ("Swim", SWIM_TARGETS)):
        pace = curve("pace", athlete, sport)
        for target in targets:
            state = hass.states.get(
                entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_{target.key}")
            )
            assert state is not None
            expected = point(pace, "distance", target.at)
            if expected is None:
                # Nobody covered it this year: unknown, never zero.
                assert state.state == STATE_UNKNOWN
                unknown += 1
                continue
            seconds, activity_id = expected
            assert state.attributes["unit_of_measurement"] == "min"
            assert float(state.state) == pytest.approx(seconds / 60, abs=0.01)
            units = "SECS_100M" if sport == "Swim" else "MINS_KM"
            assert state.attributes["pace"] == format_pace(target.at / seconds, units)
            assert state.attributes["pace_units"] == units
            assert state.attributes["activity_id"] == activity_id
            assert (
                state.attributes["date"]
                == athlete.get_activity(activity_id)["start_date_local"][:10]
            )
    assert unknown >= 1, "the marathon at least was not run this year"


async def test_pace_without_pace_units_uses_the_sports_usual(
    hass: HomeAssistant,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    for settings in athlete.sport_settings:
        settings.pop("pace_units", None)
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    swim = hass.states.get(
        entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_swim_best_time_100m")
    )
    assert swim.attributes["pace_units"] == "SECS_100M"
    assert swim.attributes["pace"].endswith(" /100m")
    run = hass.states.get(
        entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_run_best_time_5k")
    )
    assert run.attributes["pace"].endswith(" /km")


async def test_gear_sensors(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    def gear_state(gear_id: str, key: str) -> State:
        state = hass.states.get(
            entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_gear_{gear_id}_{key}")
        )
        assert state is not None
        return state

    distance = gear_state("b1", "distance")
    assert distance.attributes["unit_of_measurement"] == "km"
    assert float(distance.state) == 12_345.0
    assert float(gear_state("c1", "distance").state) == 3_120.0
    assert float(gear_state("b1", "moving_time").state) == pytest.approx(
        1_543_000 / 3600
    )
    assert gear_state("g1", "activities").state == "71"


async def test_gear_distance_in_miles_for_us_users(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    hass.config.units = US_CUSTOMARY_SYSTEM
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    state = hass.states.get(
        entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_gear_b1_distance")
    )
    assert state.attributes["unit_of_measurement"] == "mi"
    assert float(state.state) == pytest.approx(12_345_000 / 1609.344)


# The next workout ------------------------------------------------------------


async def test_near_days_reach_the_next_workout(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    frozen: FrozenDateTimeFactory,
    socket_enabled: None,
) -> None:
    """The hourly read goes on to the next workout: days without a plan are cheap."""
    athlete = ny_athlete()
    athlete.add_event(start_local=date(2026, 6, 17), category="NOTE", name="Rest")
    tempo = athlete.add_event(
        start_local="2026-06-26T07:00:00", name="Tempo", moving_time=3600
    )
    async with running(hass, athlete) as server:
        log = server.state.log
        next_workout = entity_id_of(entity_registry, "sensor", "next_workout")
        assert hass.states.get(next_workout).attributes["name"] == "Tempo"
        # Moved on intervals.icu: seen within the hour, as is the next item.
        athlete.delete_event(tempo["id"])
        athlete.add_event(
            start_local="2026-06-25T09:00:00", name="Tempo, moved", moving_time=3600
        )
        log.clear()
        frozen.tick(timedelta(hours=1, seconds=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        [events] = log.matching("/events")
        assert events.query["newest"] == ["2026-06-26"]
        assert hass.states.get(next_workout).attributes["name"] == "Tempo, moved"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_next_workout(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    frozen: FrozenDateTimeFactory,
    socket_enabled: None,
) -> None:
    """Home Assistant in Amsterdam, the athlete in New York, with a week of plan."""
    freezer = frozen
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    athlete = ny_athlete()
    add_week(athlete)
    async with running(hass, athlete):
        entity_id = entity_id_of(entity_registry, "sensor", "next_workout")
        start_id = entity_id_of(entity_registry, "sensor", "next_workout_start")
        state = hass.states.get(entity_id)
        # Sunday's spin is over; Tuesday's long run (no time of day) is next: its
        # name is the state, its day an attribute, and it has no start to show.
        assert state.state == "Long run"
        assert "device_class" not in state.attributes
        assert state.attributes["id"] == next(
            str(e["id"]) for e in athlete.events if e["name"] == "Long run"
        )
        assert state.attributes["name"] == "Long run"
        assert state.attributes["type"] == "Run"
        assert state.attributes["date"] == "2026-06-16"
        assert state.attributes["all_day"] is True
        assert "start" not in state.attributes
        # Identifiers only: the planned numbers are sensors with units.
        assert set(state.attributes) - {"friendly_name", "icon"} == {
            "id",
            "name",
            "type",
            "date",
            "all_day",
        }
        assert hass.states.get(start_id).state == "unknown"
        assert _state(hass, entity_registry, "next_workout_duration") == (90.0, "min")
        assert _state(hass, entity_registry, "next_workout_distance") == (18.0, "km")
        assert _state(hass, entity_registry, "next_workout_training_load") == (
            95.0,
            None,
        )

        # On Tuesday morning the long run is still to do today.
        freezer.move_to(datetime(2026, 6, 16, 9, tzinfo=NEW_YORK))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        state = hass.states.get(entity_id)
        assert state.state == "Long run"
        assert state.attributes["date"] == "2026-06-16"
        assert hass.states.get(start_id).state == "unknown"

        # Deleted in Intervals.icu: the ride at 18:00 is next after the next update.
        athlete.delete_event(
            next(e["id"] for e in athlete.events if e["name"] == "Long run")
        )
        freezer.tick(timedelta(hours=1, seconds=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        state = hass.states.get(entity_id)
        assert state.state == "Ride workout"
        assert state.attributes["name"] is None
        assert state.attributes["type"] == "Ride"
        assert state.attributes["all_day"] is False
        assert state.attributes["start"] == "2026-06-16T18:00:00-04:00"
        assert (
            hass.states.get(start_id).state
            == datetime(2026, 6, 16, 22, tzinfo=UTC).isoformat()
        )
        assert hass.states.get(
            entity_id_of(entity_registry, "sensor", "next_workout_distance")
        ).state == ("unknown")

        # Once it has started, nothing in the next two weeks is a workout.
        freezer.move_to(datetime(2026, 6, 16, 18, 5, tzinfo=NEW_YORK))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        state = hass.states.get(entity_id)
        assert state.state == "unknown"
        assert "name" not in state.attributes
        assert hass.states.get(start_id).state == "unknown"


def _state(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, key: str
) -> tuple[float, str | None]:
    state = hass.states.get(entity_id_of(entity_registry, "sensor", key))
    return float(state.state), state.attributes.get("unit_of_measurement")


async def _at(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, when: datetime
) -> None:
    freezer.move_to(when)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_next_workout_moves_on_between_updates(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    socket_enabled: None,
) -> None:
    """Today's untimed workout stays until midnight; a timed one until it starts.

    Both moves happen at that moment, not at the next update.
    """
    # Monday 23:40 in New York; midnight there is 04:00 UTC.
    freezer.move_to(datetime(2026, 6, 15, 23, 40, tzinfo=NEW_YORK))
    athlete = ny_athlete()
    athlete.add_event(start_local=date(2026, 6, 15), name="Sweet spot 2x20")
    athlete.add_event(
        start_local="2026-06-16T18:00:00",
        name="Tempo run",
        event_type="Run",
        moving_time=3600,
        distance=12000.0,
        icu_training_load=70,
    )
    athlete.add_event(start_local=date(2026, 6, 17), name="Recovery ride")
    async with running(hass, athlete) as server:
        entity_id = entity_id_of(entity_registry, "sensor", "next_workout")
        start_id = entity_id_of(entity_registry, "sensor", "next_workout_start")
        state = hass.states.get(entity_id)
        assert state.state == "Sweet spot 2x20"
        assert state.attributes["date"] == "2026-06-15"
        assert hass.states.get(start_id).state == "unknown"

        # One second before the athlete's midnight it is still today's.
        await _at(hass, freezer, datetime(2026, 6, 15, 23, 59, 59, tzinfo=NEW_YORK))
        assert hass.states.get(entity_id).state == "Sweet spot 2x20"

        # At midnight (before the update 30 s later) Tuesday's run is next.
        fetched = server.state.log.count("/events")
        await _at(hass, freezer, datetime(2026, 6, 16, 0, 0, tzinfo=NEW_YORK))
        assert server.state.log.count("/events") == fetched
        state = hass.states.get(entity_id)
        assert state.state == "Tempo run"
        assert state.attributes["date"] == "2026-06-16"
        assert state.attributes["start"] == "2026-06-16T18:00:00-04:00"
        assert (
            hass.states.get(start_id).state
            == datetime(2026, 6, 16, 22, tzinfo=UTC).isoformat()
        )
        assert _state(hass, entity_registry, "next_workout_duration") == (60.0, "min")

        # A minute before the start (hourly updates have run meanwhile) ...
        await _at(hass, freezer, datetime(2026, 6, 16, 17, 59, tzinfo=NEW_YORK))
        assert hass.states.get(entity_id).state == "Tempo run"
        # ... and at the start, without an update, Wednesday's ride is next.
        fetched = server.state.log.count("/events")
        await _at(hass, freezer, datetime(2026, 6, 16, 18, 0, tzinfo=NEW_YORK))
        assert server.state.log.count("/events") == fetched
        state = hass.states.get(entity_id)
        assert state.state == "Recovery ride"
        assert state.attributes["date"] == "2026-06-17"
        assert hass.states.get(start_id).state == "unknown"
        assert (
            hass.states.get(
                entity_id_of(entity_registry, "sensor", "next_workout_duration")
            ).state
            == "unknown"
        )


async def test_next_workout_of_demo_athlete(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    """The first WORKOUT from now on in the emulator's plan, found without our code."""
    zone = ZoneInfo(athlete.timezone)
    now_local = NOW.astimezone(zone).replace(tzinfo=None).isoformat()
    today = now_local[:10]
    workouts = [
        e
        for e in athlete.events_between(f"{today}T00:00:00", "2026-06-29T23:59:59")
        if e["category"] == "WORKOUT"
        and (
            e["start_date_local"] > now_local
            or (
                e["start_date_local"].endswith("T00:00:00")
                and e["end_date_local"] is None
            )
        )
    ]
    first = workouts[0]
    state = hass.states.get(entity_id_of(entity_registry, "sensor", "next_workout"))
    assert state.state == first["name"]
    assert state.attributes["id"] == str(first["id"])
    assert state.attributes["date"] == first["start_date_local"][:10]
    start = hass.states.get(
        entity_id_of(entity_registry, "sensor", "next_workout_start")
    )
    if first["start_date_local"].endswith("T00:00:00"):
        assert start.state == "unknown"
    else:
        begins = datetime.fromisoformat(first["start_date_local"]).replace(tzinfo=zone)
        assert start.state == begins.astimezone(UTC).isoformat()
    duration = hass.states.get(
        entity_id_of(entity_registry, "sensor", "next_workout_duration")
    )
    assert float(duration.state) == pytest.approx(first["moving_time"] / 60)
