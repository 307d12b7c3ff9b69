"""Fixtures: Home Assistant with the integration, talking to the emulator on 127.0.0.1."""

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, date, datetime
import pickle
from typing import Any
from unittest.mock import PropertyMock, patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from pytest_homeassistant_custom_component.syrupy import (
    EntityRegistryEntrySnapshot,
    HomeAssistantSnapshotExtension,
    HomeAssistantSnapshotSerializer,
    StateSnapshot,
)
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from emulator.state import EmulatorState
from homeassistant.const import CONF_API_KEY, CONF_URL, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
from homeassistant.util.read_only_dict import ReadOnlyDict

# A fixed "now" keeps generated data and snapshots stable: 10:00 UTC on
# Monday 15 June 2026 is noon in Amsterdam.
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
ATHLETE_ID = "i123456"
API_KEY = "test-api-key-7f3a9c"


@pytest.fixture(autouse=True)
async def enable_event_loop_debug() -> None:
    """asyncio's debug mode, without a traceback of where each future was made.

    Home Assistant's test plugin turns debug mode on for every test: asyncio
    then checks that the loop is only called from its own thread, warns of
    callbacks that hold it too long, and records where each coroutine was
    made. It also keeps a traceback (with source lines) of where each
    future, task and callback was created, only to show it should one be
    left pending; that was half of the suite's time. Here every check stays
    on and those tracebacks are not taken: asyncio takes them only when the
    loop's get_debug() says so, while its checks read the loop's own flag.

    This also turns the checks on for Home Assistant 2026.4, whose plugin
    sets debug mode on a loop other than the test's.
    """
    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    loop.get_debug = lambda: False  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load the integration from custom_components/.

    Only where a test runs Home Assistant: tests of pure code start none.
    """
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")


class StableSnapshotSerializer(HomeAssistantSnapshotSerializer):
    """Home Assistant's serializer, the same on every supported release.

    Newer releases key state attributes and registry capabilities with enum
    members (`EntityStateAttribute.DEVICE_CLASS`) where 2026.4 uses plain
    strings; each member is its string, so the snapshot shows the string.
    """

    @classmethod
    def _serializable_entity_registry_entry(
        cls, data: er.RegistryEntry
    ) -> EntityRegistryEntrySnapshot:
        serialized = super()._serializable_entity_registry_entry(data)
        if serialized.get("capabilities"):
            serialized["capabilities"] = _plain_keys(serialized["capabilities"])
        return serialized

    @classmethod
    def _serializable_state(cls, data: State) -> StateSnapshot:
        serialized = super()._serializable_state(data)
        serialized["attributes"] = ReadOnlyDict(_plain_keys(serialized["attributes"]))
        return serialized


def _plain_keys(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping with string-enum keys as the plain strings they are."""
    return {str(key): value for key, value in mapping.items()}


class StableSnapshotExtension(HomeAssistantSnapshotExtension):
    """Home Assistant's snapshot extension with the serializer above."""

    serializer_class = StableSnapshotSerializer


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots of registry entries and states, alike on every supported release.

    The plugin defines this fixture too, but syrupy's own `snapshot` (a plugin
    loaded after it) wins: without this one, snapshots are plain Amber files in
    `__snapshots__/` (pytest --fixtures-per-test shows syrupy's).
    """
    return snapshot.use_extension(StableSnapshotExtension)


@pytest.fixture
def platforms() -> list[Platform] | None:
    """The platforms an entry sets up: all of them (None), unless a module of
    the tests of one platform says which it needs."""
    return None


@pytest.fixture(autouse=True)
def only_platforms(request: pytest.FixtureRequest) -> Iterator[None]:
    """Set up only the `platforms`, where a test module names them.

    The tests of one platform need not wait for the others; the calendar,
    for one, starts Home Assistant's HTTP server.
    """
    if "hass" not in request.fixturenames:
        yield
        return
    chosen: list[Platform] | None = request.getfixturevalue("platforms")
    if chosen is None:
        yield
        return
    with patch("custom_components.intervals_icu.PLATFORMS", chosen):
        yield


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create the sensors that are disabled by default enabled, to test them too."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def frozen(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """Freeze time at NOW."""
    freezer.move_to(NOW)
    return freezer


@pytest.fixture(scope="session")
def generated_athlete() -> Athlete:
    """The seeded athlete, generated once: tests get copies of it."""
    return generate_athlete(
        seed=7,
        athlete_id=ATHLETE_ID,
        name="Test Athlete",
        api_key=API_KEY,
        timezone="Europe/Amsterdam",
        activities_per_year=300,
        start=date(2025, 1, 1),
        end=NOW.date(),
        now=NOW,
        strava_share=0.05,
        events_until=date(2026, 7, 15),
    )


@pytest.fixture
def athlete(frozen: FrozenDateTimeFactory, generated_athlete: Athlete) -> Athlete:
    """A seeded athlete in Amsterdam with a year and a half of data.

    A deep copy (a quarter of the time generating takes): tests change it.
    """
    return pickle.loads(pickle.dumps(generated_athlete))  # noqa: S301 - our own data


@pytest.fixture
def state(athlete: Athlete) -> EmulatorState:
    """The emulator's data: the athlete and its key."""
    return EmulatorState.with_athletes(athlete)


@pytest.fixture
async def emulator(
    state: EmulatorState, socket_enabled: None
) -> AsyncIterator[EmulatorServer]:
    """The emulator listening on 127.0.0.1 (connections elsewhere stay blocked)."""
    async with EmulatorServer(state) as server:
        yield server


@pytest.fixture
def entry_title(athlete: Athlete) -> str:
    """The entry's title: the athlete's name, as the config flow gives it."""
    return athlete.name


@pytest.fixture
def config_entry(
    emulator: EmulatorServer, athlete: Athlete, entry_title: str
) -> MockConfigEntry:
    """A config entry for the athlete, pointing at the emulator."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id="01JINTERVALSICUTESTENTRY00",
        title=entry_title,
        unique_id=athlete.id,
        data={
            CONF_API_KEY: API_KEY,
            CONF_ATHLETE_ID: athlete.id,
            CONF_URL: emulator.url,
        },
    )


@pytest.fixture
async def setup_integration(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The config entry, set up."""
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    return config_entry


async def assert_platform_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    entry: MockConfigEntry,
    platform: Platform,
) -> None:
    """Every entity of one platform, registry entry and state, as snapshotted.

    Only that platform is set up (a snapshot is of one platform); the tests
    enable the entities disabled by default, to have them too. Links point at
    the emulator, whose port changes from run to run: `url` is left out.
    """
    with patch("custom_components.intervals_icu.PLATFORMS", [platform]):
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        await snapshot_platform(
            hass,
            entity_registry,
            snapshot.with_defaults(exclude=props("url")),
            entry.entry_id,
        )
        assert await hass.config_entries.async_unload(entry.entry_id)
