"""Threshold pace as athletes read it, in their settings' or their unit system's units."""

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from emulator.model import Athlete
from homeassistant.core import HomeAssistant

RUN_PACE = "sensor.test_athlete_run_threshold_pace"
SWIM_PACE = "sensor.test_athlete_swim_threshold_pace"


def pace(seconds: float, unit: str) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d} {unit}"


@pytest.fixture
def no_pace_units(athlete: Athlete) -> Athlete:
    """The athlete never chose how to read pace on Intervals.icu."""
    for settings in athlete.sport_settings:
        settings["pace_units"] = None
    return athlete


async def test_without_a_choice_pace_follows_the_unit_system_at_once(
    hass: HomeAssistant, no_pace_units: Athlete, config_entry: MockConfigEntry
) -> None:
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    run = next(s for s in no_pace_units.sport_settings if "Run" in s["types"])
    swim = next(s for s in no_pace_units.sport_settings if "Swim" in s["types"])
    assert hass.states.get(RUN_PACE).state == pace(  # type: ignore[union-attr]
        1000 / run["threshold_pace"], "/km"
    )
    assert hass.states.get(SWIM_PACE).state == pace(  # type: ignore[union-attr]
        100 / swim["threshold_pace"], "/100m"
    )
    await hass.config.async_update(unit_system="us_customary")
    await hass.async_block_till_done()
    assert hass.states.get(RUN_PACE).state == pace(  # type: ignore[union-attr]
        1609.344 / run["threshold_pace"], "/mi"
    )
    assert hass.states.get(SWIM_PACE).state == pace(  # type: ignore[union-attr]
        91.44 / swim["threshold_pace"], "/100yd"
    )


async def test_the_athletes_own_choice_wins(
    hass: HomeAssistant, athlete: Athlete, config_entry: MockConfigEntry
) -> None:
    run = next(s for s in athlete.sport_settings if "Run" in s["types"])
    run["pace_units"] = "MINS_MILE"
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    # Miles on a metric installation, because the athlete reads miles.
    assert hass.states.get(RUN_PACE).state == pace(  # type: ignore[union-attr]
        1609.344 / run["threshold_pace"], "/mi"
    )
