"""Diagnostics say what a bug report needs and nothing personal."""

import json

from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.intervals_icu.diagnostics import (
    async_get_config_entry_diagnostics,
)
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.core import HomeAssistant

from .conftest import API_KEY


async def test_diagnostics(
    hass: HomeAssistant,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
    # After the clock is frozen, so that its token is not from the past.
    hass_client: ClientSessionGenerator,
    snapshot: SnapshotAssertion,
) -> None:
    """What the download holds, through Home Assistant's diagnostics endpoint."""
    result = await get_diagnostics_for_config_entry(
        hass, hass_client, setup_integration
    )
    text = json.dumps(result)
    assert API_KEY not in text
    assert athlete.name not in text
    assert athlete.id not in text
    # The emulator's port changes from run to run; the byte count with every
    # change of what is fetched (it is checked below).
    assert result == snapshot(exclude=props("url", "bytes_received"))
    assert result["requests"]["bytes_received"] > 0
    # Not copied from the output: what the emulator holds (the cache keeps
    # last year too, for last year's totals).
    assert result["cache"]["activities"] == len(
        [a for a in athlete.activities if a["start_date_local"] >= "2025-01-01"]
    )
    assert result["strava_stubs_ytd"] == len(
        [
            a
            for a in athlete.activities
            if a["source"] == "STRAVA" and a["start_date_local"] >= "2026-01-01"
        ]
    )


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
