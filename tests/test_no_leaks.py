"""The API key, the athlete's name and e-mail never leave the integration.

For every path of the fault matrix the checkpoints are looked at in
test_faults.py (and every error of the client in tests/api/test_errors.py);
here the happy path, the config flow's errors and the integration's own log
lines when the entry is titled with the athlete's name. What counts as a
leak, and where it is looked for: tests/leaks.py.
"""

from __future__ import annotations

import logging

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import API_KEY, NOW
from .leaks import TITLE, assert_no_secret, entry_texts, log_texts, secrets
from .test_faults import (
    UPDATE_CASES,
    Row,
    Scenario,
    update_round,
    with_recent_activities,
)

pytestmark = [
    pytest.mark.freeze_time(NOW, tick=True),
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
]


@pytest.fixture
def athlete(athlete: Athlete) -> Athlete:
    """The shared athlete, with recent activities and an e-mail address."""
    assert athlete.profile.get("email")
    return with_recent_activities(athlete)


@pytest.fixture
def entry_title() -> str:
    """The user renamed the entry (see tests/leaks.py)."""
    return TITLE


def test_the_check_can_fail(athlete: Athlete) -> None:
    """A text with the key, the name or the e-mail is caught."""
    for secret in secrets(athlete).values():
        with pytest.raises(AssertionError):
            assert_no_secret([f"… {secret} …"], athlete)


async def test_no_leak_on_the_happy_path(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: EmulatorServer,
    athlete: Athlete,
    frozen: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="custom_components.intervals_icu")
    texts: list[str] = []
    scenario = Scenario(hass, config_entry, emulator, athlete, frozen, caplog)
    await scenario.setup()
    await scenario.next_update()
    await scenario.tick(13 * 3600)  # and a daily reconcile
    assert config_entry.state is ConfigEntryState.LOADED
    texts += await entry_texts(hass, config_entry)
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    texts += await entry_texts(hass, config_entry)
    # The probe saw the diagnostics and the sensors, so the check can fail.
    assert any('"requests"' in text for text in texts)
    assert any("unit_of_measurement" in text for text in texts)
    assert_no_secret(texts, athlete)
    logs = log_texts(caplog)
    assert any("custom_components.intervals_icu DEBUG" in text for text in logs)
    assert_no_secret(logs, athlete)


# What a user can type wrong, and the field each error names.
FLOW_ERRORS = [
    ("wrong-key-for-sure", "", {CONF_API_KEY: "invalid_auth"}),
    (API_KEY, "i999", {CONF_ATHLETE_ID: "athlete_not_found"}),
    (API_KEY, "../i123456", {CONF_ATHLETE_ID: "invalid_athlete_id"}),
]


async def test_no_leak_from_config_flow(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    athlete: Athlete,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Config-flow errors name the field, never the key or the athlete.

    Each error in a flow of its own, and last the server gone away.
    """
    caplog.set_level(logging.DEBUG)
    url = emulator.url
    cases = [(*case, False) for case in FLOW_ERRORS]
    cases.append((API_KEY, "", {"base": "cannot_connect"}, True))
    for api_key, athlete_id, error, closed in cases:
        if closed:
            await emulator.close()
        caplog.clear()
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": SOURCE_USER}
        )
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_API_KEY: api_key, CONF_ATHLETE_ID: athlete_id, CONF_URL: url},
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == error
        texts = [repr(result), *log_texts(caplog)]
        assert_no_secret(texts, athlete)
        assert "wrong-key-for-sure" not in "".join(texts)


# One row per kind of outcome is enough: the lines differ by outcome only.
NAMED = {"401", "429-retry-after-120", "500", "year-of-strava-stubs"}


async def test_own_lines_never_name_the_athlete(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    athlete: Athlete,
    frozen: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Titled with the athlete's name, as the config flow does: the integration's
    own lines (the coordinator's included) still do not carry it.

    One entry goes through a trouble of each kind of outcome in turn.
    """
    caplog.set_level(logging.DEBUG)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=athlete.name,
        unique_id=athlete.id,
        data={
            CONF_API_KEY: API_KEY,
            CONF_ATHLETE_ID: athlete.id,
            CONF_URL: emulator.url,
        },
    )
    scenario = Scenario(hass, entry, emulator, athlete, frozen, caplog)
    await scenario.setup()
    rows: list[Row] = [case.values[0] for case in UPDATE_CASES]
    named = [row for row in rows if row.name in NAMED]
    assert len(named) == len(NAMED)
    for row in named:
        await update_round(scenario, row)
    ours = [
        text
        for text in log_texts(caplog)
        if text.startswith("custom_components.intervals_icu ")
    ]
    assert ours
    assert_no_secret(ours, athlete)
