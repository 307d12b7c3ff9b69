"""Last year's sensors and the goal sensors, against the emulator's records."""

from datetime import UTC, date, datetime

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from emulator.state import EmulatorState
from homeassistant.components.number import (
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import ATHLETE_ID

RUN = {"Run", "VirtualRun", "TrailRun"}

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


def run_sum(athlete: Athlete, field: str, since: str, until: str) -> float:
    """Straight from the emulator's records: runs with since <= start < until."""
    return sum(
        a.get(field) or 0.0
        for a in athlete.activities
        if a["source"] != "STRAVA"
        and a["type"] in RUN
        and since <= a["start_date_local"] < until
    )


def value(hass: HomeAssistant, key: str, domain: str = "sensor") -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        domain, DOMAIN, f"{ATHLETE_ID}_{key}"
    )
    assert entity_id, key
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def test_last_year_sensors_match_the_emulator(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    # NOW is 15 June 2026: last year to date is 1 January to 15 June 2025.
    to_date = run_sum(athlete, "distance", "2025-01-01", "2025-06-16")
    assert to_date > 0
    assert float(value(hass, "run_distance_last_year_to_date")) == pytest.approx(
        to_date / 1000
    )
    assert float(value(hass, "run_distance_last_year")) == pytest.approx(
        run_sum(athlete, "distance", "2025-01-01", "2026-01-01") / 1000
    )
    assert float(value(hass, "run_moving_time_last_year_to_date")) == pytest.approx(
        run_sum(athlete, "moving_time", "2025-01-01", "2025-06-16") / 3600
    )


async def test_goal_sensors_follow_the_goal(
    hass: HomeAssistant, athlete: Athlete, setup_integration: MockConfigEntry
) -> None:
    # Unknown while no goal is set; the projection always has a value.
    assert value(hass, "run_goal_progress") == "unknown"
    assert value(hass, "run_goal_gap") == "unknown"
    this_year = run_sum(athlete, "distance", "2026-01-01", "2027-01-01")
    # 15 June is day 166: the distance per day so far, for 365 days.
    assert float(value(hass, "run_distance_projected")) == pytest.approx(
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
    assert float(value(hass, "run_goal_progress")) == pytest.approx(
        100 * this_year / 2_000_000
    )
    assert float(value(hass, "run_goal_gap")) == pytest.approx(
        (this_year - 2_000_000 * fraction) / 1000, rel=1e-4
    )


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
        assert float(value(hass, "run_distance_last_year")) == pytest.approx(
            run_sum(athlete, "distance", "2025-01-01", "2026-01-01") / 1000
        )
        assert float(value(hass, "run_distance_last_year_to_date")) == pytest.approx(
            run_sum(athlete, "distance", "2025-01-01", "2026-01-01") / 1000
        )
        # Past the athlete's midnight, before any hourly update.
        freezer.move_to(datetime(2027, 1, 1, 8, 1, tzinfo=UTC))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        whole_2026 = run_sum(athlete, "distance", "2026-01-01", "2027-01-01")
        assert float(value(hass, "run_distance_last_year")) == pytest.approx(
            whole_2026 / 1000
        )
        assert float(value(hass, "run_distance_last_year_to_date")) == pytest.approx(
            run_sum(athlete, "distance", "2026-01-01", "2026-01-02") / 1000
        )
        assert float(value(hass, "run_distance_ytd")) == 0.0
        assert await hass.config_entries.async_unload(entry.entry_id)
