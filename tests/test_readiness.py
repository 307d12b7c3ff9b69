"""Form zone, HRV status and the workout planned today, through Home Assistant."""

from datetime import UTC, date, datetime, timedelta
import math
from statistics import fmean, stdev

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.core import HomeAssistant

# The HRV status and the workout planned today are disabled by default.
pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")

TODAY = date(2026, 6, 15)  # NOW in Amsterdam
FORM_ZONE = "sensor.test_athlete_form_zone"
HRV_STATUS = "sensor.test_athlete_hrv_status"
WORKOUT_TODAY = "binary_sensor.test_athlete_workout_planned_today"
HRV_FIELDS = ["id,hrv"]


async def set_up(hass: HomeAssistant, config_entry: MockConfigEntry) -> None:
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()


def expected_zone(form: float) -> str:
    """The chart's bands as the issue states them, a bound in the zone nearer 0."""
    if form < -30:
        return "high_risk"
    if form < -10:
        return "optimal"
    if form <= 5:
        return "grey_zone"
    if form <= 25:
        return "fresh"
    return "transition"


async def test_form_zone_of_the_demo_athlete(
    hass: HomeAssistant, athlete: Athlete, config_entry: MockConfigEntry
) -> None:
    await set_up(hass, config_entry)
    newest = max(
        (w for day, w in athlete.wellness.items() if day <= TODAY.isoformat()),
        key=lambda w: w["id"],
    )
    form = newest["ctl"] - newest["atl"]
    state = hass.states.get(FORM_ZONE)
    assert state.state == expected_zone(form)
    assert state.attributes["date"] == newest["id"]
    assert state.attributes["form"] == pytest.approx(form)
    assert "form_percent" not in state.attributes
    assert state.attributes["options"] == [
        "high_risk",
        "optimal",
        "grey_zone",
        "fresh",
        "transition",
    ]


@pytest.mark.parametrize(
    ("form", "zone"),
    [
        (-30.5, "high_risk"),
        (-30.0, "optimal"),
        (-10.5, "optimal"),
        (-10.0, "grey_zone"),
        (5.0, "grey_zone"),
        (5.5, "fresh"),
        (25.0, "fresh"),
        (25.5, "transition"),
    ],
)
async def test_form_zone_at_each_boundary(
    hass: HomeAssistant,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    form: float,
    zone: str,
) -> None:
    athlete.wellness[TODAY.isoformat()].update(ctl=60.0, atl=60.0 - form)
    await set_up(hass, config_entry)
    assert hass.states.get(FORM_ZONE).state == zone
    assert hass.states.get(FORM_ZONE).attributes["form"] == form


async def test_form_zone_as_a_percentage_of_fitness(
    hass: HomeAssistant, athlete: Athlete, config_entry: MockConfigEntry
) -> None:
    """An athlete who reads form as % of fitness gets the zone of that number."""
    athlete.profile["icu_form_as_percent"] = True
    # Form -7 is the grey zone; -7 of a fitness of 20 is -35 %: high risk.
    athlete.wellness[TODAY.isoformat()].update(ctl=20.0, atl=27.0)
    await set_up(hass, config_entry)
    state = hass.states.get(FORM_ZONE)
    assert state.state == "high_risk"
    assert state.attributes["form"] == -7.0
    assert state.attributes["form_percent"] == pytest.approx(-35.0)


def hrv_by_day(athlete: Athlete) -> dict[date, float]:
    return {
        date.fromisoformat(day): w["hrv"]
        for day, w in athlete.wellness.items()
        if w.get("hrv") is not None
    }


def expected_hrv(rmssd: dict[date, float]) -> tuple[str, float, float, float]:
    """The status worked out here, from the emulator's own values."""
    week = [math.log(v) for d, v in rmssd.items() if TODAY - d < timedelta(days=7)]
    before = [
        math.log(v)
        for d, v in rmssd.items()
        if timedelta(days=7) <= TODAY - d < timedelta(days=67)
    ]
    mean = fmean(week)
    low = fmean(before) - stdev(before) / 2
    high = fmean(before) + stdev(before) / 2
    status = "below" if mean < low else "above" if mean > high else "within"
    return status, math.exp(mean), math.exp(low), math.exp(high)


async def test_hrv_status_of_the_demo_athlete(
    hass: HomeAssistant, athlete: Athlete, config_entry: MockConfigEntry
) -> None:
    await set_up(hass, config_entry)
    status, mean, low, high = expected_hrv(hrv_by_day(athlete))
    state = hass.states.get(HRV_STATUS)
    assert state.state == status
    assert state.attributes["mean_7_days_ms"] == round(mean, 1)
    assert state.attributes["normal_low_ms"] == round(low, 1)
    assert state.attributes["normal_high_ms"] == round(high, 1)
    rmssd = hrv_by_day(athlete)
    assert state.attributes["days_measured_7"] == sum(
        1 for d in rmssd if timedelta(0) <= TODAY - d < timedelta(days=7)
    )
    assert state.attributes["days_measured_60"] == sum(
        1 for d in rmssd if timedelta(days=7) <= TODAY - d < timedelta(days=67)
    )


@pytest.mark.parametrize(("week", "status"), [(25.0, "below"), (200.0, "above")])
async def test_hrv_status_leaves_the_normal_range(
    hass: HomeAssistant,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    week: float,
    status: str,
) -> None:
    for back in range(7):
        athlete.wellness[(TODAY - timedelta(days=back)).isoformat()]["hrv"] = week
    await set_up(hass, config_entry)
    assert hass.states.get(HRV_STATUS).state == status
    assert hass.states.get(HRV_STATUS).attributes["mean_7_days_ms"] == week


async def test_hrv_status_is_unknown_until_there_are_enough_days(
    hass: HomeAssistant, athlete: Athlete, config_entry: MockConfigEntry
) -> None:
    """Three of the last seven days are not enough (four are needed)."""
    for back in range(3, 7):
        athlete.wellness[(TODAY - timedelta(days=back)).isoformat()].pop("hrv", None)
    athlete.wellness[TODAY.isoformat()]["hrv"] = 60.0
    athlete.wellness[(TODAY - timedelta(days=1)).isoformat()]["hrv"] = 60.0
    athlete.wellness[(TODAY - timedelta(days=2)).isoformat()]["hrv"] = 60.0
    await set_up(hass, config_entry)
    state = hass.states.get(HRV_STATUS)
    assert state.state == "unknown"
    assert state.attributes["days_measured_7"] == 3
    assert state.attributes["mean_7_days_ms"] is None


async def test_the_days_hrv_needs_are_read_once(
    hass: HomeAssistant,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    emulator: EmulatorServer,
    frozen: FrozenDateTimeFactory,
) -> None:
    """60 days of rMSSD once at start; after that only the regular reads."""
    await set_up(hass, config_entry)
    history = emulator.state.log.matching("/wellness.json$")
    reads = [r for r in history if r.query.get("fields") == HRV_FIELDS]
    assert len(reads) == 1
    assert reads[0].query["oldest"] == [(TODAY - timedelta(days=66)).isoformat()]
    assert reads[0].query["newest"] == [(TODAY - timedelta(days=7)).isoformat()]
    assert reads[0].bytes < 5000

    # Tomorrow's reading makes the week's mean: no further 60 days are read.
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    athlete.wellness[tomorrow] = {**athlete.wellness[TODAY.isoformat()]}
    athlete.wellness[tomorrow].update(id=tomorrow, hrv=25.0)
    for _ in range(24):
        frozen.tick(timedelta(hours=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    history = emulator.state.log.matching("/wellness.json$")
    assert [r for r in history if r.query.get("fields") == HRV_FIELDS] == reads
    assert len(history) > 20
    rmssd = hrv_by_day(athlete)
    week = [
        rmssd[TODAY + timedelta(days=1) - timedelta(days=back)]
        for back in range(7)
        if TODAY + timedelta(days=1) - timedelta(days=back) in rmssd
    ]
    mean = math.exp(fmean(math.log(v) for v in week))
    assert hass.states.get(HRV_STATUS).attributes["mean_7_days_ms"] == round(mean, 1)
    assert hass.states.get(HRV_STATUS).attributes["days_measured_60"] > 30

    # A restart reads them again, once.
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    history = emulator.state.log.matching("/wellness.json$")
    assert len([r for r in history if r.query.get("fields") == HRV_FIELDS]) == 2


def todays_workouts(athlete: Athlete) -> list[dict]:
    return [
        e
        for e in athlete.events
        if e["category"] == "WORKOUT" and e["start_date_local"][:10] == str(TODAY)
    ]


async def test_workout_planned_today(
    hass: HomeAssistant, athlete: Athlete, config_entry: MockConfigEntry
) -> None:
    """On while today's workout waits; an activity of its sport does it."""
    [workout] = todays_workouts(athlete)
    assert not [
        a for a in athlete.activities if a["start_date_local"][:10] == str(TODAY)
    ]
    await set_up(hass, config_entry)
    state = hass.states.get(WORKOUT_TODAY)
    assert state.state == "on"
    assert state.attributes["workouts"] == [
        {
            "id": str(workout["id"]),
            "name": workout["name"],
            "type": workout["type"],
            "start": None,
            "done": False,
        }
    ]
    # A walk is not the workout; a run of the workout's group is.
    athlete.add_activity(start_local="2026-06-15T11:00:00", activity_type="Walk")
    await config_entry.runtime_data.async_refresh()
    assert hass.states.get(WORKOUT_TODAY).state == "on"
    athlete.add_activity(
        start_local="2026-06-15T11:30:00", activity_type="TrailRun", distance=9000.0
    )
    await config_entry.runtime_data.async_refresh()
    state = hass.states.get(WORKOUT_TODAY)
    assert state.state == "off"
    assert state.attributes["workouts"][0]["done"] is True


async def test_workout_today_turns_over_at_midnight(
    hass: HomeAssistant,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    emulator: EmulatorServer,
    frozen: FrozenDateTimeFactory,
) -> None:
    """At the athlete's midnight tomorrow's workout counts, before any update."""
    for workout in todays_workouts(athlete):
        athlete.events.remove(workout)
    tomorrow = TODAY + timedelta(days=1)
    assert [
        e
        for e in athlete.events
        if e["category"] == "WORKOUT" and e["start_date_local"][:10] == str(tomorrow)
    ]
    frozen.move_to(datetime(2026, 6, 15, 21, 50, tzinfo=UTC))
    await set_up(hass, config_entry)
    assert hass.states.get(WORKOUT_TODAY).state == "off"
    assert hass.states.get(WORKOUT_TODAY).attributes["workouts"] == []
    requests = len(emulator.state.log)
    # 00:00:01 in Amsterdam; the update of the new day runs at 00:00:30.
    midnight = datetime(2026, 6, 15, 22, 0, 1, tzinfo=UTC)
    frozen.move_to(midnight)
    async_fire_time_changed(hass, midnight)
    await hass.async_block_till_done()
    assert len(emulator.state.log) == requests
    state = hass.states.get(WORKOUT_TODAY)
    assert state.state == "on"
    assert [w["done"] for w in state.attributes["workouts"]] == [False]
