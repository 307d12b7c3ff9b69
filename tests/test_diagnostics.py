"""Diagnostics say what a bug report needs and nothing personal."""

import json

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.diagnostics import (
    async_get_config_entry_diagnostics,
)
from emulator.model import Athlete
from homeassistant.core import HomeAssistant

from .conftest import API_KEY


async def test_diagnostics_redacted(
    hass: HomeAssistant,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    result = await async_get_config_entry_diagnostics(hass, setup_integration)
    text = json.dumps(result)
    assert API_KEY not in text
    assert athlete.name not in text
    assert athlete.profile.get("email") is None or athlete.profile["email"] not in text
    assert result["entry"]["data"]["api_key"] == "**REDACTED**"
    assert result["cache"]["activities"] == len(
        [a for a in athlete.activities if a["start_date_local"] >= "2026-01-01"]
    )
    assert result["requests"] == {
        "sent": 4,
        "failed": 0,
        "bytes_received": result["requests"]["bytes_received"],
    }
    assert result["requests"]["bytes_received"] > 0
    assert result["strava_stubs_ytd"] == len(
        [
            a
            for a in athlete.activities
            if a["source"] == "STRAVA" and a["start_date_local"] >= "2026-01-01"
        ]
    )
    assert result["last_update"] == {"success": True, "error": None}
