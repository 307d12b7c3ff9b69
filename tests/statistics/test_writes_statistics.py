"""A logged activity reaches the long-term statistics at once, without re-reading."""

from datetime import date

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import DOMAIN
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.state import EmulatorState
from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant

from ..conftest import API_KEY, ATHLETE_ID, NOW
from .test_history import (
    ZONE,
    assert_matches,
    history_requests,
    last_sum,
    settle,
    setup,
)


@pytest.fixture
def athlete(frozen: FrozenDateTimeFactory) -> Athlete:
    """A few years of history, light enough for the recorder."""
    return generate_athlete(
        seed=9,
        athlete_id=ATHLETE_ID,
        name="Test Athlete",
        api_key=API_KEY,
        timezone=ZONE,
        activities_per_year=30,
        start=date(2023, 1, 1),
        end=NOW.date(),
        now=NOW,
    )


async def test_a_logged_activity_is_in_the_statistics(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,
    state: EmulatorState,
) -> None:
    await setup(hass, config_entry)
    before = await last_sum(hass, "run_distance")
    imported = len(history_requests(state))
    state.log.clear()
    await hass.services.async_call(
        DOMAIN,
        "log_activity",
        {
            "config_entry_id": config_entry.entry_id,
            "type": "Run",
            "start": "2026-06-15T08:00:00+02:00",
            "moving_time": 1800,
            "distance": 5000,
        },
        blocking=True,
        return_response=True,
    )
    await settle(hass)
    assert await last_sum(hass, "run_distance") == pytest.approx((before or 0) + 5000)
    await assert_matches(hass, athlete)
    # The write and nothing else: no history read again, no update.
    assert [r.method for r in state.log] == ["POST"]
    assert len(history_requests(state)) == 0
    assert imported > 0
