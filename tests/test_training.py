"""Training depth: wellness, thresholds and pace, power model, last activity, periods.

Expectations are computed here from the emulator's records, not with the
integration's code.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.training.thresholds import format_pace
from emulator.model import Athlete
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import NOW

RUN = {"Run", "VirtualRun", "TrailRun"}
RIDE = {"Ride", "VirtualRide", "GravelRide", "MountainBikeRide"}


@pytest.mark.parametrize(
    ("speed", "units", "expected"),
    [
        (3.4014, "MINS_KM", "4:54 /km"),
        (3.4024, "MINS_MILE", "7:53 /mi"),
        (1.0309, "SECS_100M", "1:37 /100m"),
        (0.86264, "SECS_100Y", "1:46 /100yd"),
        (4.4643, "SECS_500M", "1:52 /500m"),
        (3.4014, None, "4:54 /km"),
        (3.4014, "SOMETHING_NEW", "4:54 /km"),
        (0.0, "MINS_KM", None),
        (None, "MINS_KM", None),
    ],
)
def test_pace_strings(
    speed: float | None, units: str | None, expected: str | None
) -> None:
    assert format_pace(speed, units) == expected


def state(hass: HomeAssistant, registry: er.EntityRegistry, key: str):
    entity_id = registry.async_get_entity_id("sensor", DOMAIN, f"i123456_{key}")
    assert entity_id, key
    return hass.states.get(entity_id)


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
        sensor = state(hass, entity_registry, key)
        expected = newest(athlete, field)
        if expected is None:
            assert sensor.state == "unknown", key
            continue
        seen += 1
        assert float(sensor.state) == pytest.approx(expected[0]), key
        assert sensor.attributes["date"] == expected[1], key
    assert seen >= 10
    sleep = newest(athlete, "sleepSecs")
    sensor = state(hass, entity_registry, "sleep_duration")
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
    assert state(hass, entity_registry, "weight").state == "unknown"


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
            sensor = state(hass, entity_registry, f"{group}_{key}")
            if settings.get(field) is None:
                assert sensor.state == "unknown", (group, key)
            else:
                assert float(sensor.state) == settings[field], (group, key)
    # Pace as athletes read it, the speed beside it for graphs and automations.
    run_pace = state(hass, entity_registry, "run_threshold_pace")
    speed = by_group["run"]["threshold_pace"]
    seconds = round(1000 / speed)
    assert run_pace.state == f"{seconds // 60}:{seconds % 60:02d} /km"
    assert "unit_of_measurement" not in run_pace.attributes
    assert run_pace.attributes["speed_m_s"] == pytest.approx(speed)
    assert run_pace.attributes["seconds_per_unit"] == pytest.approx(
        1000 / speed, abs=0.05
    )
    run_speed = state(hass, entity_registry, "run_threshold_speed")
    assert run_speed.attributes["unit_of_measurement"] == "km/h"
    assert float(run_speed.state) == pytest.approx(speed * 3.6, abs=0.051)
    swim_pace = state(hass, entity_registry, "swim_threshold_pace")
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
    assert float(state(hass, entity_registry, "eftp").state) == pytest.approx(
        model["eftp"]
    )
    # W prime reads as sensor.…_w_prime, an energy store shown in kJ.
    w_prime = state(hass, entity_registry, "w_prime")
    assert w_prime.entity_id == "sensor.test_athlete_w_prime"
    assert w_prime.attributes["device_class"] == "energy_storage"
    assert w_prime.attributes["unit_of_measurement"] == "kJ"
    assert float(w_prime.state) == pytest.approx(model["wPrime"] / 1000)
    assert float(state(hass, entity_registry, "p_max").state) == pytest.approx(
        model["pMax"]
    )
    weight = newest(athlete, "weight")
    assert float(state(hass, entity_registry, "eftp_per_kg").state) == pytest.approx(
        model["eftp"] / weight[0], abs=0.006
    )


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
    sensor = state(hass, entity_registry, "last_activity")
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
        number = state(hass, entity_registry, key)
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
            km = float(state(hass, entity_registry, f"{group}_distance_{period}").state)
            assert km == pytest.approx(
                total(types, starts[period], "distance") / 1000
            ), (
                group,
                period,
            )
        sensor = state(hass, entity_registry, f"{group}_distance_week")
        assert sensor.attributes["last_reset"] == f"{monday.isoformat()}T00:00:00+02:00"
    assert float(
        state(hass, entity_registry, "all_distance_ytd").state
    ) == pytest.approx(total(None, starts["ytd"], "distance") / 1000)
    assert float(
        state(hass, entity_registry, "all_training_load_ytd").state
    ) == pytest.approx(total(None, starts["ytd"], "icu_training_load"), abs=0.051)
    assert float(
        state(hass, entity_registry, "ride_training_load_ytd").state
    ) == pytest.approx(total(RIDE, starts["ytd"], "icu_training_load"), abs=0.051)
    hours = float(state(hass, entity_registry, "all_moving_time_ytd").state)
    assert hours == pytest.approx(total(None, starts["ytd"], "moving_time") / 3600)
