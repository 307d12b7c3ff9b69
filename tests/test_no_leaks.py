"""The API key, the athlete's name and e-mail never leave the integration.

For every path of the fault matrix, and for the happy path, they appear in no
diagnostics, no log record at any level (tracebacks included), no entity
state or attribute, no exception text, and no config-flow result.

The entry here is titled "My training": the config flow titles an entry with
the athlete's name, which Home Assistant itself shows and logs as the entry's
title (the user can rename it). What is checked is that the integration never
passes on the name it reads from the athlete record.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Iterator
import json
import logging
import traceback

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from custom_components.intervals_icu.diagnostics import (
    async_get_config_entry_diagnostics,
)
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er

from .conftest import API_KEY, NOW
from .test_faults import (
    SETUP_CASES,
    UPDATE_CASES,
    Row,
    Scenario,
    setup_phase,
    update_phase,
    with_recent_activities,
)

pytestmark = [
    pytest.mark.freeze_time(NOW, tick=True),
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
]

TITLE = "My training"


@pytest.fixture
def athlete(athlete: Athlete) -> Athlete:
    """The shared athlete, with recent activities and an e-mail address."""
    assert athlete.profile.get("email")
    return with_recent_activities(athlete)


@pytest.fixture
def config_entry(emulator: EmulatorServer, athlete: Athlete) -> MockConfigEntry:
    """The athlete's entry, renamed by the user."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id="01JINTERVALSICUTESTENTRY00",
        title=TITLE,
        unique_id=athlete.id,
        data={
            CONF_API_KEY: API_KEY,
            CONF_ATHLETE_ID: athlete.id,
            CONF_URL: emulator.url,
        },
    )


def secrets(athlete: Athlete) -> dict[str, str]:
    """What must not leak, including the key as it travels in the header."""
    basic = base64.b64encode(f"API_KEY:{API_KEY}".encode()).decode()
    return {
        "api key": API_KEY,
        "basic credentials": basic,
        "athlete name": athlete.name,
        "e-mail": athlete.profile["email"],
    }


def exception_texts(err: BaseException | None) -> Iterator[str]:
    """The text of an exception and of every exception in its chain."""
    seen: set[int] = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        yield str(err)
        yield repr(err)
        yield "".join(traceback.format_exception(err))
        yield repr(getattr(err, "args", ()))
        err = err.__cause__ or err.__context__


async def entry_texts(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Everything a user, a log or a bug report can see of the entry now."""
    texts = [str(entry.reason), repr(entry.error_reason_translation_placeholders)]
    if entry.state is ConfigEntryState.LOADED:
        diagnostics = await async_get_config_entry_diagnostics(hass, entry)
        texts.append(json.dumps(diagnostics, default=str))
        coordinator = entry.runtime_data
        texts.extend(exception_texts(coordinator.last_exception))
        texts.append(repr(entry.runtime_data.client))
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if state := hass.states.get(entity.entity_id):
            texts.append(state.state)
            texts.append(json.dumps(dict(state.attributes), default=str))
    return texts


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(record) for record in caplog.records]


def assert_no_secret(texts: list[str], athlete: Athlete) -> None:
    assert texts
    for what, secret in secrets(athlete).items():
        found = [text for text in texts if secret in text]
        assert not found, f"{what} leaked: {found[0][:500]}"


@pytest.fixture
def collect(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> tuple[list[str], Callable[[Scenario], Awaitable[None]]]:
    """A probe for the scenario's checkpoints, and what it collected."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="custom_components.intervals_icu")
    texts: list[str] = []

    async def probe(scenario: Scenario) -> None:
        texts.extend(await entry_texts(scenario.hass, scenario.entry))
        texts.extend(repr(result) for result in scenario.flow_results)

    return texts, probe


@pytest.fixture
def scenario(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: EmulatorServer,
    athlete: Athlete,
    frozen: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    collect: tuple[list[str], Callable[[Scenario], Awaitable[None]]],
) -> Scenario:
    return Scenario(
        hass, config_entry, emulator, athlete, frozen, caplog, monkeypatch, collect[1]
    )


@pytest.mark.parametrize("row", SETUP_CASES)
async def test_no_leak_when_failing_at_setup(
    scenario: Scenario,
    row: Row,
    athlete: Athlete,
    caplog: pytest.LogCaptureFixture,
    collect: tuple[list[str], Callable[[Scenario], Awaitable[None]]],
) -> None:
    await setup_phase(scenario, row)
    texts = collect[0]
    assert_no_secret(texts, athlete)
    assert_no_secret(log_texts(caplog), athlete)


@pytest.mark.parametrize("row", UPDATE_CASES)
async def test_no_leak_when_failing_in_update(
    scenario: Scenario,
    row: Row,
    athlete: Athlete,
    caplog: pytest.LogCaptureFixture,
    collect: tuple[list[str], Callable[[Scenario], Awaitable[None]]],
) -> None:
    await update_phase(scenario, row)
    assert_no_secret(collect[0], athlete)
    assert_no_secret(log_texts(caplog), athlete)


async def test_no_leak_on_the_happy_path(
    scenario: Scenario,
    athlete: Athlete,
    caplog: pytest.LogCaptureFixture,
    collect: tuple[list[str], Callable[[Scenario], Awaitable[None]]],
) -> None:
    await scenario.setup()
    await scenario.next_update()
    await scenario.tick(13 * 3600)  # and a daily reconcile
    assert scenario.entry.state is ConfigEntryState.LOADED
    await scenario.checkpoint()
    assert await scenario.hass.config_entries.async_reload(scenario.entry.entry_id)
    await scenario.hass.async_block_till_done()
    await scenario.checkpoint()
    texts = collect[0]
    # The probe saw the diagnostics and the sensors, so the check can fail.
    assert any('"requests"' in text for text in texts)
    assert any("unit_of_measurement" in text for text in texts)
    assert_no_secret(texts, athlete)
    logs = log_texts(caplog)
    assert any("custom_components.intervals_icu DEBUG" in text for text in logs)
    assert_no_secret(logs, athlete)


def test_the_check_can_fail(athlete: Athlete) -> None:
    """A text with the key, the name or the e-mail is caught."""
    for secret in secrets(athlete).values():
        with pytest.raises(AssertionError):
            assert_no_secret([f"… {secret} …"], athlete)


@pytest.mark.parametrize(
    ("api_key", "athlete_id", "closed", "error"),
    [
        ("wrong-key-for-sure", "", False, {CONF_API_KEY: "invalid_auth"}),
        (API_KEY, "i999", False, {CONF_ATHLETE_ID: "athlete_not_found"}),
        (API_KEY, "../i123456", False, {CONF_ATHLETE_ID: "invalid_athlete_id"}),
        (API_KEY, "", True, {"base": "cannot_connect"}),
    ],
)
async def test_no_leak_from_config_flow(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    athlete: Athlete,
    caplog: pytest.LogCaptureFixture,
    api_key: str,
    athlete_id: str,
    closed: bool,
    error: dict[str, str],
) -> None:
    """Config-flow errors name the field, never the key or the athlete."""
    caplog.set_level(logging.DEBUG)
    url = emulator.url
    if closed:
        await emulator.close()
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
NAMED = {"401", "429-retry-after-120", "503", "year-of-strava-stubs"}


@pytest.mark.parametrize(
    "row", [case for case in UPDATE_CASES if case.values[0].name in NAMED]
)
async def test_own_lines_never_name_the_athlete(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    athlete: Athlete,
    frozen: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    row: Row,
) -> None:
    """Titled with the athlete's name, as the config flow does: the integration's
    own lines (the coordinator's included) still do not carry it."""
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
    scenario = Scenario(hass, entry, emulator, athlete, frozen, caplog, monkeypatch)
    await update_phase(scenario, row)
    ours = [
        text
        for text in log_texts(caplog)
        if text.startswith("custom_components.intervals_icu ")
    ]
    assert ours
    assert_no_secret(ours, athlete)
