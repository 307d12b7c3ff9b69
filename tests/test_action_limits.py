"""What one action may return is bounded, however active the athlete."""

from datetime import date

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.services import MAX_ACTIVITIES
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.core import HomeAssistant

from .conftest import API_KEY, ATHLETE_ID, NOW


@pytest.fixture
def athlete(frozen: FrozenDateTimeFactory) -> Athlete:
    """About 1,800 activities in the year asked for."""
    return generate_athlete(
        seed=3,
        athlete_id=ATHLETE_ID,
        name="Test Athlete",
        api_key=API_KEY,
        timezone="Europe/Amsterdam",
        activities_per_year=4000,
        start=date(2026, 1, 1),
        end=NOW.date(),
        now=NOW,
    )


@pytest.mark.parametrize(
    "types", [None, ["Run", "TrailRun", "Ride", "VirtualRide", "GravelRide"]]
)
async def test_get_activities_answers_at_most_the_newest_thousand(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: EmulatorServer,
    athlete: Athlete,
    types: list[str] | None,
) -> None:
    emulator.state.log.clear()
    data = {
        "config_entry_id": setup_integration.entry_id,
        "start_date": "2026-01-01",
        "end_date": "2026-06-15",
    }
    if types is not None:
        data["types"] = types
    response = await hass.services.async_call(
        DOMAIN, "get_activities", data, blocking=True, return_response=True
    )
    assert response is not None
    matching = sorted(
        (a["start_date_local"], a["id"])
        for a in athlete.activities
        if types is None or a.get("type") in types
    )
    assert len(matching) > MAX_ACTIVITIES
    got = [(a["start_local"], a["id"]) for a in response["activities"]]  # type: ignore[index,union-attr]
    # The newest thousand, oldest first; the rest is said to be left out.
    assert got == matching[-MAX_ACTIVITIES:]
    assert response["truncated"] is True
    [request] = emulator.state.log.matching("/activities$")
    assert request.query.get("limit") == (None if types else [str(MAX_ACTIVITIES + 1)])
