"""Repair issues: Strava stubs hiding activities, a coach's access withdrawn."""

from datetime import date, timedelta
import json
import logging
from pathlib import Path
import re

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.intervals_icu import issues
from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from custom_components.intervals_icu.diagnostics import (
    async_get_config_entry_diagnostics,
)
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from emulator.state import EmulatorState
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from .conftest import NOW

COACH_ID = "i999999"
COACH_KEY = "coach-key-51c0e2"
TRANSLATIONS = json.loads(
    (
        Path(__file__).parent.parent
        / "custom_components/intervals_icu/translations/en.json"
    ).read_text()
)


async def next_update(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(timedelta(hours=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def issue(
    hass: HomeAssistant, entry: MockConfigEntry, kind: str
) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(
        DOMAIN, issues.issue_id(kind, entry.entry_id)
    )


def assert_translated(found: ir.IssueEntry) -> None:
    """The issue has a title and text, and every placeholder they use is given."""
    texts = TRANSLATIONS["issues"][found.translation_key]
    used = set(re.findall(r"{(\w+)}", texts["title"] + texts["description"]))
    assert used == set(found.translation_placeholders or {})


def sensor_states(hass: HomeAssistant, entry: MockConfigEntry) -> set[str]:
    registry = er.async_get(hass)
    return {
        hass.states.get(e.entity_id).state
        for e in er.async_entries_for_config_entry(registry, entry.entry_id)
        if e.domain == "sensor" and hass.states.get(e.entity_id)
    }


@pytest.mark.parametrize(
    ("stubs", "activities", "raised"),
    [
        (0, 0, False),
        (2, 2, False),  # a couple of stubs are noise, however large their share
        (3, 30, True),  # a tenth of the year
        (3, 31, False),
        (50, 400, True),
        (39, 400, False),
    ],
)
def test_stub_threshold(stubs: int, activities: int, raised: bool) -> None:
    assert issues.too_many_stubs(stubs, activities) is raised


# Strava stubs ------------------------------------------------------------------


@pytest.fixture
def athlete(frozen: FrozenDateTimeFactory) -> Athlete:
    """Ten runs this year, three of the last days' activities from Strava."""
    athlete = generate_athlete(
        seed=11,
        athlete_id="i123456",
        name="Test Athlete",
        api_key="test-api-key-7f3a9c",
        activities_per_year=0,
        start=date(2026, 1, 1),
        end=NOW.date(),
        now=NOW,
    )
    for day in range(1, 11):
        athlete.add_activity(
            start_local=f"2026-0{1 + day % 5}-{day:02d}T07:00:00",
            activity_type="Run",
            distance=10000.0,
        )
    for day in (12, 13, 14):
        athlete.add_activity(
            start_local=f"2026-06-{day}T07:00:00",
            activity_type="Ride",
            distance=40000.0,
            source="STRAVA",
        )
    return athlete


async def test_strava_stubs_raise_and_clear(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    found = issue(hass, setup_integration, issues.STRAVA_STUBS)
    assert found is not None
    assert found.active
    assert not found.is_fixable
    assert found.severity is ir.IssueSeverity.WARNING
    assert found.translation_key == "strava_stubs"
    assert found.translation_placeholders == {
        "name": setup_integration.title,
        "stubs": "3",
        "activities": "13",
    }
    assert_translated(found)

    # The athlete connects the device directly and imports the Strava archive:
    # the same activities, with their numbers, under another source.
    for record in athlete.activities:
        if record["source"] == "STRAVA":
            record["source"] = "UPLOAD"
    await next_update(hass, frozen)
    assert issue(hass, setup_integration, issues.STRAVA_STUBS) is None
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, "i123456_ride_distance_ytd"
    )
    assert float(hass.states.get(entity_id).state) == pytest.approx(120.0)


async def test_strava_stubs_follow_the_share(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    """More real activities dilute the stubs below a tenth: the issue goes."""
    assert issue(hass, setup_integration, issues.STRAVA_STUBS) is not None
    for hour in range(6, 10):
        for day in (12, 13, 14, 15):
            if day == 15 and hour > 9:
                continue
            athlete.add_activity(
                start_local=f"2026-06-{day}T{hour:02d}:30:00",
                activity_type="Run",
                distance=1000.0,
            )
    # 13 + 16 activities, 3 stubs: 3/29 is above a tenth; 14 more make 43.
    await next_update(hass, frozen)
    found = issue(hass, setup_integration, issues.STRAVA_STUBS)
    assert found is not None
    assert found.translation_placeholders["activities"] == "29"
    for minute in range(14):
        athlete.add_activity(
            start_local=f"2026-06-14T12:{minute:02d}:00",
            activity_type="Run",
            distance=1.0,
        )
    await next_update(hass, frozen)
    assert issue(hass, setup_integration, issues.STRAVA_STUBS) is None


async def test_no_issue_for_few_stubs(
    hass: HomeAssistant, athlete: Athlete, config_entry: MockConfigEntry
) -> None:
    athlete.activities[:] = [a for a in athlete.activities if a["source"] != "STRAVA"][
        :-1
    ] + [a for a in athlete.activities if a["source"] == "STRAVA"][:2]
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    assert issue(hass, config_entry, issues.STRAVA_STUBS) is None


# A coach's access -------------------------------------------------------------


@pytest.fixture
def state(athlete: Athlete) -> EmulatorState:
    """The athlete, and a coach whose key was granted access to them."""
    coach = generate_athlete(
        seed=5,
        athlete_id=COACH_ID,
        name="Coach Person",
        api_key=COACH_KEY,
        activities_per_year=0,
        start=date(2026, 6, 1),
        end=NOW.date(),
        now=NOW,
    )
    state = EmulatorState.with_athletes(athlete, coach)
    state.grant(COACH_KEY, athlete.id)
    return state


@pytest.fixture
def coach_entry(emulator: EmulatorServer, athlete: Athlete) -> MockConfigEntry:
    """The coach's entry for the athlete."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=athlete.name,
        unique_id=athlete.id,
        data={
            CONF_API_KEY: COACH_KEY,
            CONF_ATHLETE_ID: athlete.id,
            CONF_URL: emulator.url,
        },
    )


async def test_access_withdrawn_raises_and_clears(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    emulator: EmulatorServer,
    athlete: Athlete,
    coach_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coach_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(coach_entry.entry_id)
    await hass.async_block_till_done()
    assert coach_entry.state is ConfigEntryState.LOADED
    assert issue(hass, coach_entry, issues.ACCESS_WITHDRAWN) is None

    emulator.state.revoke(COACH_KEY, athlete.id)
    caplog.clear()
    await next_update(hass, frozen)
    found = issue(hass, coach_entry, issues.ACCESS_WITHDRAWN)
    assert found is not None
    assert not found.is_fixable
    assert found.severity is ir.IssueSeverity.ERROR
    assert found.translation_placeholders == {
        "name": athlete.name,
        "athlete_id": athlete.id,
    }
    assert_translated(found)
    assert sensor_states(hass, coach_entry) == {STATE_UNAVAILABLE}
    coordinator = coach_entry.runtime_data
    assert coordinator.last_exception.translation_key == "access_denied"
    # The key works: nothing asks the coach for a new one.
    assert not hass.config_entries.flow.async_progress()
    # The client told the two apart by asking for the key's own athlete.
    paths = [r.path for r in emulator.state.log][-2:]
    assert paths[-1] == "/api/v1/athlete/0"
    ours = [
        r
        for r in caplog.records
        if r.name.startswith("custom_components.intervals_icu")
    ]
    assert [r.levelno for r in ours if r.levelno >= logging.INFO] == [logging.ERROR]

    diagnostics = await async_get_config_entry_diagnostics(hass, coach_entry)
    # This athlete's stubs are a fifth of the year: that issue stays meanwhile.
    assert diagnostics["issues"] == ["access_withdrawn", "strava_stubs"]
    assert diagnostics["last_update"] == {"success": False, "error": "access_denied"}

    # Another failure does not clear it; only a good update does.
    await next_update(hass, frozen)
    assert issue(hass, coach_entry, issues.ACCESS_WITHDRAWN) is not None

    emulator.state.grant(COACH_KEY, athlete.id)
    await next_update(hass, frozen)
    assert issue(hass, coach_entry, issues.ACCESS_WITHDRAWN) is None
    assert STATE_UNAVAILABLE not in sensor_states(hass, coach_entry)
    diagnostics = await async_get_config_entry_diagnostics(hass, coach_entry)
    assert diagnostics["issues"] == ["strava_stubs"]
    assert diagnostics["last_update"] == {"success": True, "error": None}


async def test_access_withdrawn_at_setup(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    emulator: EmulatorServer,
    athlete: Athlete,
    coach_entry: MockConfigEntry,
) -> None:
    emulator.state.revoke(COACH_KEY, athlete.id)
    coach_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(coach_entry.entry_id)
    await hass.async_block_till_done()
    assert coach_entry.state is ConfigEntryState.SETUP_RETRY
    assert issue(hass, coach_entry, issues.ACCESS_WITHDRAWN) is not None

    emulator.state.grant(COACH_KEY, athlete.id)
    frozen.tick(timedelta(seconds=90))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert coach_entry.state is ConfigEntryState.LOADED
    assert issue(hass, coach_entry, issues.ACCESS_WITHDRAWN) is None


async def test_bad_coach_key_is_no_withdrawn_access(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    emulator: EmulatorServer,
    athlete: Athlete,
    coach_entry: MockConfigEntry,
) -> None:
    """A key that stopped working asks for a new key, not for the athlete."""
    coach_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(coach_entry.entry_id)
    await hass.async_block_till_done()
    emulator.state.set_api_key(COACH_ID, "regenerated-key")
    await next_update(hass, frozen)
    assert issue(hass, coach_entry, issues.ACCESS_WITHDRAWN) is None
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_delete_issues_of_an_entry(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """Removing the entry leaves none of its issues behind."""
    issues.async_access_withdrawn(hass, setup_integration)
    assert issue(hass, setup_integration, issues.STRAVA_STUBS) is not None
    assert issue(hass, setup_integration, issues.ACCESS_WITHDRAWN) is not None
    assert await hass.config_entries.async_remove(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert issue(hass, setup_integration, issues.STRAVA_STUBS) is None
    assert issue(hass, setup_integration, issues.ACCESS_WITHDRAWN) is None
