"""The shims of compat.py: each still needed on the oldest supported release.

When Home Assistant changes what a shim relies on, or the oldest supported
release (hacs.json) no longer needs it, a test here fails: remove the shim.
"""

import json
from pathlib import Path

from awesomeversion import AwesomeVersion
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu import compat
from emulator.faults import Fault
from emulator.server import EmulatorServer
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import __version__ as ha_version
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady, HomeAssistantError

ROOT = Path(__file__).resolve().parent.parent
FLOOR = AwesomeVersion(json.loads((ROOT / "hacs.json").read_text())["homeassistant"])
VIA_DEVICE_ID_SINCE = AwesomeVersion("2026.8.0")


def test_via_device_id_is_there_from_2026_8_on() -> None:
    assert compat.VIA_DEVICE_ID is (AwesomeVersion(ha_version) >= VIA_DEVICE_ID_SINCE)
    assert FLOOR < VIA_DEVICE_ID_SINCE, (
        "every supported release links devices by id: drop VIA_DEVICE_ID"
    )


async def test_a_failed_first_refresh_keeps_its_reason(
    hass: HomeAssistant, config_entry: MockConfigEntry, emulator: EmulatorServer
) -> None:
    """With the shim the entry says why it retries, on every release."""
    emulator.state.add_fault(Fault.http_status(503))
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    assert config_entry.state is ConfigEntryState.SETUP_RETRY
    assert config_entry.error_reason_translation_key == "server_error"


async def test_only_the_oldest_release_drops_the_reason_itself(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What `with_reason` makes up for: without it, the oldest release says nothing."""
    monkeypatch.setattr("custom_components.intervals_icu.with_reason", lambda e: e)
    emulator.state.add_fault(Fault.http_status(503))
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    dropped = config_entry.error_reason_translation_key is None
    if AwesomeVersion(ha_version) == FLOOR:
        assert dropped, "the oldest release keeps the reason itself: drop with_reason"
    else:
        assert not dropped


def test_with_reason_passes_the_coordinators_reason_on() -> None:
    """What the shim does, on every release (only the oldest needs it at setup)."""
    cause = HomeAssistantError(
        translation_domain="intervals_icu",
        translation_key="server_error",
        translation_placeholders={"status": "503"},
    )
    # What `raise ConfigEntryNotReady from err` makes in the integration.
    bare = ConfigEntryNotReady()
    bare.__cause__ = cause
    made = compat.with_reason(bare)
    assert made is not bare
    assert (
        made.translation_domain,
        made.translation_key,
        made.translation_placeholders,
    ) == ("intervals_icu", "server_error", {"status": "503"})
    # Where there is a reason already, or no translated cause, nothing changes.
    own = ConfigEntryNotReady(translation_domain="x", translation_key="y")
    own.__cause__ = cause
    assert compat.with_reason(own) is own
    plain = ConfigEntryNotReady()
    plain.__cause__ = HomeAssistantError("untranslated")
    assert compat.with_reason(plain) is plain
    alone = ConfigEntryNotReady()
    assert compat.with_reason(alone) is alone
