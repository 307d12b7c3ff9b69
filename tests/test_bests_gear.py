"""Bests of the year, the new-record event, gear devices and their reminders."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.intervals_icu.api import SportSettings
from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.intervals_icu.sync.curves_gear import curve_sports
from custom_components.intervals_icu.training.bests import (
    POWER_TARGETS,
    RUN_TARGETS,
    SWIM_TARGETS,
)
from custom_components.intervals_icu.training.thresholds import format_pace
from emulator.curves import curve_range, pace_curves, power_curves
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.entity_platform import async_get_platforms
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM

from .conftest import ATHLETE_ID, NOW
from .test_event import Fired, next_update

YEAR = "r.2026-01-01.2026-06-15"
CURVE_PATHS = r"curves|gear"


def entity_id(registry: er.EntityRegistry, domain: str, unique_id: str) -> str:
    found = registry.async_get_entity_id(domain, DOMAIN, unique_id)
    assert found, unique_id
    return found


def curve(kind: str, athlete: Athlete, sport: str) -> dict[str, Any]:
    make = power_curves if kind == "power" else pace_curves
    result: dict[str, Any] = make(athlete, sport, [curve_range(YEAR, NOW.date())])[
        "list"
    ][0]
    return result


def point(curve_: dict[str, Any], axis: str, at: float) -> tuple[Any, Any] | None:
    for i, x in enumerate(curve_[axis]):
        if x == at:
            return curve_["values"][i], curve_["activity_id"][i]
    return None


def improvable(athlete: Athlete) -> dict[str, float | None]:
    """Every best as the emulator's curves have it."""
    values: dict[str, float | None] = {}
    power = curve("power", athlete, "Ride")
    for target in POWER_TARGETS:
        found = point(power, "secs", target.at)
        values[target.key] = None if found is None else found[0]
    for sport, targets in (("Run", RUN_TARGETS), ("Swim", SWIM_TARGETS)):
        pace = curve("pace", athlete, sport)
        for target in targets:
            found = point(pace, "distance", target.at)
            values[target.key] = None if found is None else found[0]
    return values


def improved(
    before: dict[str, float | None], after: dict[str, float | None]
) -> set[str]:
    """The bests that got better (more watts, fewer seconds)."""
    better = set()
    for key, old in before.items():
        new = after[key]
        if old is None or new is None:
            continue
        if (new > old) if key.startswith("ride") else (new < old):
            better.add(key)
    return better


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


async def test_less_common_bests_are_disabled(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    disabled = {
        e.unique_id.removeprefix(f"{ATHLETE_ID}_")
        for e in er.async_entries_for_config_entry(
            entity_registry, setup_integration.entry_id
        )
        if e.disabled_by is not None and "_best_" in e.unique_id
    }
    # Since 2b8c032 only the bests most athletes follow are enabled.
    assert disabled == {
        "ride_best_power_5s",
        "ride_best_power_1min",
        "ride_best_power_60min",
        "run_best_time_1k",
        "run_best_time_half_marathon",
        "run_best_time_marathon",
        "swim_best_time_400m",
        "swim_best_time_1500m",
    }


def _record_entity(registry: er.EntityRegistry) -> str:
    return entity_id(registry, "event", f"{ATHLETE_ID}_new_record")


async def test_a_faster_5k_fires_one_new_record(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    event = _record_entity(entity_registry)
    state = hass.states.get(event)
    assert state is not None
    assert state.state == STATE_UNKNOWN, "the first load is not news"
    assert state.attributes["event_types"] == ["power", "pace"]
    fired = Fired(hass, event)
    before = improvable(athlete)
    old = before["run_best_time_5k"]
    assert old is not None
    # Exactly 5 km, a little faster: its shorter splits stay behind their bests.
    run = athlete.add_activity(
        start_local="2026-06-15T11:00:00",
        activity_type="Run",
        distance=5000.0,
        moving_time=old - 1,
    )
    for faster in range(1, 60):
        athlete.update_activity(run["id"], moving_time=old - faster)
        if improved(before, improvable(athlete)) == {"run_best_time_5k"}:
            break
    else:
        pytest.fail("no 5 km time beats only the 5 km best")
    await next_update(hass, frozen)
    [record] = fired.states()
    assert record.attributes["event_type"] == "pace"
    assert record.attributes["key"] == "run_best_time_5k"
    assert record.attributes["previous"] == old
    assert record.attributes["value"] == old - faster
    assert record.attributes["unit"] == "s"
    assert record.attributes["activity_id"] == run["id"]
    assert record.attributes["url"] == f"{emulator.url}/activities/{run['id']}"
    sensor = hass.states.get(
        entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_run_best_time_5k")
    )
    assert sensor is not None
    assert float(sensor.state) == pytest.approx((old - faster) / 60, abs=0.01)
    assert sensor.attributes["date"] == "2026-06-15"

    # Not twice: not on the next update, not after a restart.
    await next_update(hass, frozen)
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    await next_update(hass, frozen)
    assert len(fired.states()) == 1


async def test_a_stronger_ride_fires_power_records(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    fired = Fired(hass, _record_entity(entity_registry))
    old = point(curve("power", athlete, "Ride"), "secs", 300)
    assert old is not None
    athlete.add_activity(
        start_local="2026-06-15T11:00:00",
        activity_type="VirtualRide",
        moving_time=360,
        icu_average_watts=old[0] + 40,
    )
    await next_update(hass, frozen)
    keys = {s.attributes["key"] for s in fired.states()}
    assert "ride_best_power_5min" in keys
    assert {s.attributes["event_type"] for s in fired.states()} == {"power"}
    assert {s.attributes["unit"] for s in fired.states()} == {"W"}
    assert "ride_best_power_20min" not in keys, "a 6-minute ride sets no 20-min best"


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


async def test_new_year_starts_quietly(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    fired = Fired(hass, _record_entity(entity_registry))
    five_k = entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_run_best_time_5k")
    assert hass.states.get(five_k).state != STATE_UNKNOWN
    # Just after midnight on 1 January in Amsterdam.
    frozen.move_to(datetime(2026, 12, 31, 23, 1, tzinfo=UTC))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(five_k).state == STATE_UNKNOWN
    assert emulator.state.log.matching("pace-curves")[-1].query["curves"] == [
        "r.2027-01-01.2027-01-01"
    ]
    # The year's first 5 km sets a best, which is no record yet.
    athlete.add_activity(
        start_local="2027-01-01T00:30:00",
        activity_type="Run",
        distance=5000.0,
        moving_time=1500,
    )
    await next_update(hass, frozen)
    assert hass.states.get(five_k).state != STATE_UNKNOWN
    assert fired.states() == []


async def test_a_failed_curve_fetch_keeps_the_bests_and_retries(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    five_k = entity_id(entity_registry, "sensor", f"{ATHLETE_ID}_run_best_time_5k")
    before = hass.states.get(five_k).state
    fired = Fired(hass, _record_entity(entity_registry))
    emulator.state.add_fault(Fault.http_status(503, path="pace-curves", times=1))
    old = point(curve("pace", athlete, "Run"), "distance", 5000.0)
    assert old is not None
    athlete.add_activity(
        start_local="2026-06-15T11:00:00",
        activity_type="Run",
        distance=5000.0,
        moving_time=old[0] - 5,
    )
    await next_update(hass, frozen)
    # The update itself succeeded; the bests stay as they were.
    assert hass.states.get(five_k).state == before
    assert fired.states() == []
    await next_update(hass, frozen)
    assert float(hass.states.get(five_k).state) == pytest.approx(
        (old[0] - 5) / 60, abs=0.01
    )
    assert len(fired.states()) == 1


# Gear -------------------------------------------------------------------------


async def test_gear_devices_and_sensors(
    hass: HomeAssistant,
    athlete: Athlete,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
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

    def gear_state(gear_id: str, key: str, domain: str = "sensor") -> Any:
        state = hass.states.get(
            entity_id(entity_registry, domain, f"{ATHLETE_ID}_gear_{gear_id}_{key}")
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
    # Due: the chain (used up). Not: the trainers (used up but snoozed), the rest.
    due = {
        g: gear_state(g, "service_due", "binary_sensor").state
        for g in ("b1", "c1", "g1", "g2")
    }
    assert due == {"b1": STATE_OFF, "c1": STATE_ON, "g1": STATE_OFF, "g2": STATE_OFF}
    chain = gear_state("c1", "service_due", "binary_sensor")
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
    trainers = gear_state("g1", "service_due", "binary_sensor").attributes
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


async def test_reset_turns_service_due_off(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    chain = entity_id(
        entity_registry, "binary_sensor", f"{ATHLETE_ID}_gear_c1_service_due"
    )
    assert hass.states.get(chain).state == STATE_ON
    button = entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_c1_reminder_3_reset"
    )
    state = hass.states.get(button)
    assert state is not None
    assert state.attributes["friendly_name"] == "Chain Mark Replace chain done"
    emulator.state.log.clear()
    await hass.services.async_call(
        "button", "press", {"entity_id": button}, blocking=True
    )
    # Shown at once, as the reset returned it: no refresh, nothing to wait for.
    assert hass.states.get(chain).state == STATE_OFF
    [put] = emulator.state.log
    assert put.method == "PUT"
    assert put.path.endswith("/gear/c1/reminder/3")
    assert hass.states.get(chain).attributes["reminders"][0]["percent_used"] == 0.0
    # The service agrees, and the limit is still there.
    stored = next(
        g for g in emulator.state.athletes[ATHLETE_ID].gear if g["id"] == "c1"
    )
    assert stored["reminders"][0]["distance"] == 3_000_000.0


async def test_reset_errors_are_translated(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    button = entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_c1_reminder_3_reset"
    )
    emulator.state.add_fault(Fault.http_status(503, path="reminder", times=1))
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    assert err.value.translation_key == "request_server_error"
    # Deleted on the website meanwhile.
    athlete = emulator.state.athletes[ATHLETE_ID]
    next(g for g in athlete.gear if g["id"] == "c1")["reminders"].clear()
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    assert err.value.translation_key == "reminder_gone"


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


async def test_removing_the_entry_deletes_the_record_book(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    setup_integration: MockConfigEntry,
) -> None:
    key = f"{DOMAIN}.{setup_integration.entry_id}.records"
    # Written a moment after the first fetch.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await hass.async_block_till_done()
    assert hass_storage[key]["data"]["year"] == 2026
    assert await hass.config_entries.async_remove(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


def test_curve_sports_follow_the_sport_settings() -> None:
    settings = [
        SportSettings(types=("Ride", "VirtualRide", "GravelRide")),
        SportSettings(types=("Run", "TrailRun")),
    ]
    assert curve_sports(["VirtualRide"], settings) == {"Ride"}
    assert curve_sports(["TrailRun", "Walk", None], settings) == {"Run"}
    # Without a group of its own, a sport counts only its own type.
    assert curve_sports(["OpenWaterSwim"], settings) == set()
    assert curve_sports(["Swim"], settings) == {"Swim"}
    assert curve_sports([], settings) == set()


def test_dates_are_from_2026() -> None:
    assert NOW.date() == date(2026, 6, 15)
    assert NOW + timedelta(days=13, hours=12, minutes=30) > datetime(
        2026, 6, 28, 22, tzinfo=UTC
    )


# Edges ------------------------------------------------------------------------


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


async def test_a_refused_key_on_reset_starts_reauth(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    button = entity_id(
        entity_registry, "button", f"{ATHLETE_ID}_gear_c1_reminder_3_reset"
    )
    emulator.state.set_api_key(ATHLETE_ID, "another-key")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "button", "press", {"entity_id": button}, blocking=True
        )
    assert err.value.translation_key == "request_invalid_auth"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


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


@pytest.mark.parametrize(
    "stored",
    [
        # An older format: migrated to nothing.
        {"version": 0, "minor_version": 1, "key": "k", "data": {"year": 2026}},
        # A newer one this version cannot read.
        {"version": 99, "minor_version": 1, "key": "k", "data": {"year": 2026}},
        # Damaged.
        {"version": 1, "minor_version": 1, "key": "k", "data": {"year": "soon"}},
    ],
)
async def test_an_unusable_record_book_is_a_quiet_fresh_start(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    stored: dict[str, Any],
) -> None:
    key = f"{DOMAIN}.{config_entry.entry_id}.records"
    hass_storage[key] = {**stored, "key": key}
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    fired = Fired(hass, _record_entity(entity_registry))
    await next_update(hass, frozen)
    assert fired.states() == []
    assert hass_storage[key]["data"]["year"] == 2026
    assert hass_storage[key]["version"] == 1


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


async def test_diagnostics_without_bests_and_gear(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
) -> None:
    emulator.state.add_fault(Fault.http_status(503, path="gear", times=1))
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    result = await async_get_config_entry_diagnostics(hass, config_entry)
    assert result["bests_gear"] is None
    assert result["last_update"]["success"] is True


async def test_a_record_set_while_stopped_is_announced_once(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    entity_registry: er.EntityRegistry,
    setup_integration: MockConfigEntry,
) -> None:
    old = point(curve("pace", athlete, "Run"), "distance", 5000.0)
    assert old is not None
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    await hass.async_block_till_done()
    # Uploaded while Home Assistant was stopped, the next day.
    frozen.tick(timedelta(days=1))
    athlete.add_activity(
        start_local="2026-06-16T08:00:00",
        activity_type="Run",
        distance=5000.0,
        moving_time=old[0] - 60,
    )
    fired = Fired(hass, _record_entity(entity_registry))
    assert await hass.config_entries.async_setup(setup_integration.entry_id)
    await hass.async_block_till_done()
    records = [s for s in fired.states() if s.attributes["key"] == "run_best_time_5k"]
    assert len(records) == 1
    assert records[0].attributes["value"] == old[0] - 60
    await next_update(hass, frozen)
    assert hass.config_entries.async_get_entry(setup_integration.entry_id)
    assert len(fired.states()) == len(
        [s for s in fired.states() if s.attributes["activity_id"] is not None]
    )
    assert [s.attributes["key"] for s in fired.states()].count("run_best_time_5k") == 1


def test_gear_links_to_the_athlete_as_this_release_can() -> None:
    """By device id from Home Assistant 2026.8 on, by identifiers before."""
    from awesomeversion import AwesomeVersion  # noqa: PLC0415

    from custom_components.intervals_icu.compat import VIA_DEVICE_ID  # noqa: PLC0415
    from homeassistant.const import __version__  # noqa: PLC0415

    assert (AwesomeVersion(__version__) >= AwesomeVersion("2026.8.0")) == VIA_DEVICE_ID
