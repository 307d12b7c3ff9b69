"""The fault matrix: each class of trouble, at setup and in a later update.

Every way the service or the network can fail is one of the client's error
classes (tests/api/test_errors.py, without Home Assistant: 18 troubles). Here
each class is shown to be what the user sees, with one trouble standing for
it (a 500 for every status the client calls a server error, a refused
connection for timeouts and resets, an HTML page for every body that is not
the expected JSON); rate limits with each kind of Retry-After, since the next
try depends on it. Troubles of the data (nothing, duplicates, Strava stubs)
are rows of their own.

Each row names the trouble and the outcome the user should see, once when the
entry is set up and once in an hourly update of a working entry:

- setup: retried (SETUP_RETRY), or re-authentication asked for (SETUP_ERROR
  and a reauth flow), or loaded with values that are right;
- update: sensors unavailable, or unavailable with a reauth flow, or values
  that are right.

For every row the log says it once and calmly: Home Assistant's one line when
the service goes away (INFO "not ready yet" at setup, WARNING for a refused
key at setup, ERROR in an update), one INFO line when an update works again,
and never a traceback at INFO or above. Once the trouble is gone, the next
try recovers to the values the service's data implies.

And at every checkpoint of every row, nothing secret (tests/leaks.py) is in
the diagnostics, the states, the errors, the flow results or the log.

Time ticks (`tick=True`) so that connections and the emulator run in real
time, while hours still pass with `freezer.tick`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
import json
import logging
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.intervals_icu import issues
from custom_components.intervals_icu.const import DEFAULT_GROUPS, DOMAIN
from custom_components.intervals_icu.sync.activities import RECENT_DAYS
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir

from .conftest import API_KEY, NOW
from .leaks import TITLE, assert_no_secret, entry_texts, log_texts

pytestmark = [
    pytest.mark.freeze_time(NOW, tick=True),
    pytest.mark.usefixtures("entity_registry_enabled_by_default"),
]

LOGGER_NAME = "custom_components.intervals_icu"
TRANSLATIONS = json.loads(
    (
        Path(__file__).parent.parent
        / "custom_components/intervals_icu/translations/en.json"
    ).read_text()
)
# NOW is Monday 15 June 2026, noon in Amsterdam; an hourly update asks for
# the activities from this local day on.
RECENT_START = (NOW.date() - timedelta(days=RECENT_DAYS)).isoformat()
YEAR_START = f"{NOW.year}-01-01"
HOUR = 3600.0


class Phase(Enum):
    """When the trouble starts."""

    SETUP = "setup"
    UPDATE = "update"


class Outcome(Enum):
    """What the user sees."""

    RETRY = "setup retried"
    REAUTH = "re-authentication asked for"
    UNAVAILABLE = "sensors unavailable"
    RIGHT = "values right"


# Levels of the integration's log lines (INFO and above) when the trouble
# starts, per phase and outcome. At setup Home Assistant says "not ready yet;
# retrying" at INFO, by design, however long the outage; in an update its
# coordinator says ERROR once, however many updates fail.
AWAY_LINES = {
    (Phase.SETUP, Outcome.RETRY): [logging.INFO],
    (Phase.SETUP, Outcome.REAUTH): [logging.WARNING],
    (Phase.SETUP, Outcome.RIGHT): [],
    (Phase.UPDATE, Outcome.UNAVAILABLE): [logging.ERROR],
    (Phase.UPDATE, Outcome.REAUTH): [logging.ERROR],
    (Phase.UPDATE, Outcome.RIGHT): [],
}
# And when it is gone: one INFO line where a failing coordinator recovers;
# nothing where a new setup (retry, or reload after reauth) simply works.
BACK_LINES = {
    (Phase.SETUP, Outcome.RETRY): [],
    (Phase.SETUP, Outcome.REAUTH): [],
    (Phase.SETUP, Outcome.RIGHT): [],
    (Phase.UPDATE, Outcome.UNAVAILABLE): [logging.INFO],
    (Phase.UPDATE, Outcome.REAUTH): [],
    (Phase.UPDATE, Outcome.RIGHT): [],
}


@pytest.fixture
def athlete(athlete: Athlete) -> Athlete:
    """The shared athlete, sure to have activities an hourly update fetches."""
    assert athlete.profile.get("email")
    return with_recent_activities(athlete)


@pytest.fixture
def entry_title() -> str:
    """The user renamed the entry (see tests/leaks.py)."""
    return TITLE


def with_recent_activities(athlete: Athlete) -> Athlete:
    """Add a ride and a run in the window an hourly update asks for."""
    athlete.add_activity(
        start_local="2026-06-13T09:00:00", activity_type="Ride", distance=42000.0
    )
    athlete.add_activity(
        start_local="2026-06-14T08:00:00", activity_type="Run", distance=10000.0
    )
    return athlete


# Troubles --------------------------------------------------------------------


@dataclass
class Scenario:
    """Home Assistant, the entry and the emulator, with the steps of a row."""

    hass: HomeAssistant
    entry: MockConfigEntry
    emulator: EmulatorServer
    athlete: Athlete
    freezer: FrozenDateTimeFactory
    caplog: pytest.LogCaptureFixture
    probe: Callable[[Scenario], Awaitable[None]] | None = None
    """Called at each checkpoint (the leak check reads everything there)."""
    flow_results: list[Any] = field(default_factory=list)
    _saved: list[dict[str, Any]] | None = None
    _closed: bool = False

    # What the trouble does ---------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        self.emulator.state.add_fault(fault)

    async def close_server(self) -> None:
        """Nothing listens on the entry's port: connections are refused."""
        await self.emulator.close()
        self._closed = True

    def edit_activities(
        self, phase: Phase, edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
    ) -> None:
        """Change what the service says about the activities an update asks for.

        Setup asks for the whole year; an hourly update only for the last
        RECENT_DAYS days, so there only those change (older edits wait for the
        daily reconcile, by design).
        """
        self._saved = [dict(a) for a in self.athlete.activities]
        scope = [a for a in self.athlete.activities if in_scope(phase, a)]
        rest = [a for a in self.athlete.activities if not in_scope(phase, a)]
        self.athlete.activities[:] = rest + edit(scope)

    async def end_trouble(self) -> None:
        """Intervals.icu works again, with the data it had before."""
        self.emulator.state.clear_faults()
        if self._closed:
            await self.emulator.start()  # the same port: the entry's URL
            self._closed = False
        if self._saved is not None:
            self.athlete.activities[:] = self._saved
            self._saved = None

    # Home Assistant ------------------------------------------------------------

    async def setup(self) -> None:
        self.entry.add_to_hass(self.hass)
        await self.hass.config_entries.async_setup(self.entry.entry_id)
        await self.hass.async_block_till_done()

    async def tick(self, seconds: float) -> None:
        """Let time pass and run what became due."""
        self.freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(self.hass)
        await self.hass.async_block_till_done(wait_background_tasks=True)

    async def next_update(self) -> None:
        """An hour (and the coordinator's sub-second offset) passes."""
        await self.tick(HOUR + 1)

    def reauth_flows(self) -> list[dict[str, Any]]:
        return [
            flow
            for flow in self.hass.config_entries.flow.async_progress()
            if flow["context"]["source"] == "reauth"
            and flow["context"]["entry_id"] == self.entry.entry_id
        ]

    async def complete_reauth(self) -> None:
        """The user enters the key again; the entry reloads."""
        (flow,) = self.reauth_flows()
        result = await self.hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_API_KEY: API_KEY}
        )
        self.flow_results.append(result)
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reauth_successful"
        await self.hass.async_block_till_done(wait_background_tasks=True)

    def sensors(self) -> dict[str, str]:
        """Every sensor of the entry: unique id -> state."""
        registry = er.async_get(self.hass)
        states = {}
        for entity in er.async_entries_for_config_entry(registry, self.entry.entry_id):
            if entity.domain == "sensor" and (
                state := self.hass.states.get(entity.entity_id)
            ):
                states[entity.unique_id] = state.state
        return states

    # The log -----------------------------------------------------------------

    def mark(self) -> int:
        return len(self.caplog.records)

    def lines_since(self, mark: int) -> list[logging.LogRecord]:
        """The lines about the integration at INFO and above since `mark`.

        Its own logger (where the coordinator writes), and Home Assistant's
        config entry lines about it (setup retries, refused keys).
        """
        return [
            r
            for r in self.caplog.records[mark:]
            if r.levelno >= logging.INFO
            and (
                r.name == LOGGER_NAME
                or r.name.startswith(f"{LOGGER_NAME}.")
                or (
                    r.name == "homeassistant.config_entries"
                    and DOMAIN in r.getMessage()
                )
            )
        ]

    def assert_no_traceback(self) -> None:
        loud = [r for r in self.caplog.records if r.levelno >= logging.INFO]
        assert not [r for r in loud if r.exc_info or "Traceback" in r.getMessage()], (
            "a traceback at INFO or above"
        )

    async def checkpoint(self) -> None:
        if self.probe is not None:
            await self.probe(self)

    # What the service's data implies -----------------------------------------

    def assert_right(self) -> None:
        """The totals are those of the served data: each id once, no stub summed."""
        expected = oracle(self.athlete.activities)
        prefix = f"{self.athlete.id}_"
        sensors = {
            key.removeprefix(prefix): value for key, value in self.sensors().items()
        }
        # Every group's distance; counts where the integration has a sensor.
        assert {f"{g}_distance_ytd" for g in (*DEFAULT_GROUPS, "all")} <= set(sensors)
        assert {f"{g}_count_ytd" for g in DEFAULT_GROUPS} <= set(sensors)
        for key, value in expected.items():
            if key.endswith("_count_ytd") and key in sensors:
                assert int(sensors[key]) == value, key
            elif key.endswith("_distance_ytd"):
                assert float(sensors[key]) == pytest.approx(value, abs=1e-6), key
        data = self.entry.runtime_data.data
        assert data.strava_stubs_ytd == expected["stubs"]
        assert data.activities_ytd == expected["activities"]
        issue = ir.async_get(self.hass).async_get_issue(
            DOMAIN, issues.issue_id(issues.STRAVA_STUBS, self.entry.entry_id)
        )
        assert (issue is not None) is issues.too_many_stubs(
            expected["stubs"], expected["activities"]
        )


def in_scope(phase: Phase, activity: dict[str, Any]) -> bool:
    """Whether the activity is in what the phase's fetch asks for."""
    return phase is Phase.SETUP or activity["start_date_local"] >= RECENT_START


def oracle(records: list[dict[str, Any]]) -> dict[str, float]:
    """Year-to-date totals straight from the served records."""
    by_id = {a["id"]: a for a in records}  # one activity per id
    year = [a for a in by_id.values() if a["start_date_local"] >= YEAR_START]
    real = [a for a in year if a.get("source") != "STRAVA"]
    groups: dict[str, tuple[str, ...] | None] = {**DEFAULT_GROUPS, "all": None}
    expected: dict[str, float] = {
        "stubs": len(year) - len(real),
        "activities": len(year),
    }
    for group, types in groups.items():
        chosen = [a for a in real if types is None or a["type"] in types]
        expected[f"{group}_distance_ytd"] = (
            sum(a.get("distance") or 0 for a in chosen) / 1000
        )
        expected[f"{group}_count_ytd"] = len(chosen)
    return expected


type Start = Callable[[Scenario, Phase], Awaitable[None]]


def fault(make: Callable[[], Fault]) -> Start:
    """Trouble that is an emulator fault rule on every path."""

    async def start(scenario: Scenario, phase: Phase) -> None:
        scenario.add_fault(make())

    return start


async def refused(scenario: Scenario, phase: Phase) -> None:
    await scenario.close_server()


async def empty_list(scenario: Scenario, phase: Phase) -> None:
    scenario.edit_activities(phase, lambda scope: [])


async def duplicates(scenario: Scenario, phase: Phase) -> None:
    scenario.edit_activities(phase, lambda scope: scope + [dict(a) for a in scope[-5:]])


async def strava_stubs(scenario: Scenario, phase: Phase) -> None:
    def to_strava(scope: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**a, "source": "STRAVA"} for a in scope]

    scenario.edit_activities(phase, to_strava)


@dataclass(frozen=True)
class Row:
    """One trouble and what it should do to the user."""

    name: str
    start: Start
    setup: Outcome
    update: Outcome
    reason: str | None = None
    """The translation key of the message the user sees."""
    next_try: float = HOUR
    """Seconds from a failed update to the next try."""
    at_setup: bool = True
    """Whether the row is tried at setup too (else only in an update)."""


def _http(status: int, **kwargs: Any) -> Fault:
    return Fault.http_status(status, **kwargs)


# One trouble per error class of the client (tests/api/test_errors.py maps
# every other trouble to these classes), and the troubles of the data.
ROWS = [
    # Also a 403 for the key's own athlete.
    Row(
        "401", fault(lambda: _http(401)), Outcome.REAUTH, Outcome.REAUTH, "invalid_auth"
    ),
    Row(
        "404",
        fault(lambda: _http(404)),
        Outcome.RETRY,
        Outcome.UNAVAILABLE,
        "athlete_not_found",
    ),
    # The next try waits as long as Retry-After says, within bounds.
    Row(
        "429-retry-after-120",
        fault(lambda: Fault.rate_limited(retry_after=120)),
        Outcome.RETRY,
        Outcome.UNAVAILABLE,
        "rate_limited",
        next_try=120,
    ),
    Row(
        "429-no-retry-after",
        fault(lambda: Fault.rate_limited(retry_after=None)),
        Outcome.RETRY,
        Outcome.UNAVAILABLE,
        "rate_limited",
        next_try=HOUR,
        # At setup Home Assistant retries on its own schedule, whatever the
        # update would wait: the other two rate limits stand for it there.
        at_setup=False,
    ),
    Row(
        "429-retry-after-0",
        fault(lambda: Fault.rate_limited(retry_after=0)),
        Outcome.RETRY,
        Outcome.UNAVAILABLE,
        "rate_limited",
        next_try=30,  # never at once: the coordinator waits at least 30 s
    ),
    # Also a 422, 502 and 503.
    Row(
        "500",
        fault(lambda: _http(500)),
        Outcome.RETRY,
        Outcome.UNAVAILABLE,
        "server_error",
    ),
    # Also a timeout and a connection reset in the middle of the body.
    Row(
        "connection-refused",
        refused,
        Outcome.RETRY,
        Outcome.UNAVAILABLE,
        "cannot_connect",
    ),
    # Also truncated JSON, an object for a list, strings for numbers, nulls.
    Row(
        "html-200",
        fault(Fault.html),
        Outcome.RETRY,
        Outcome.UNAVAILABLE,
        "invalid_response",
    ),
    Row("empty-list", empty_list, Outcome.RIGHT, Outcome.RIGHT),
    Row("duplicate-ids", duplicates, Outcome.RIGHT, Outcome.RIGHT),
    Row("year-of-strava-stubs", strava_stubs, Outcome.RIGHT, Outcome.RIGHT),
]

SETUP_CASES = [
    pytest.param(row, id=f"{row.name}-{row.setup.name.lower()}")
    for row in ROWS
    if row.at_setup
]
UPDATE_CASES = [
    pytest.param(row, id=f"{row.name}-{row.update.name.lower()}") for row in ROWS
]


def assert_lines(
    lines: list[logging.LogRecord], levels: list[int], reason: str | None
) -> None:
    assert [r.levelno for r in lines] == levels, [r.getMessage() for r in lines]
    if reason is not None:
        # The one line says what happened, in the user's words.
        message = TRANSLATIONS["exceptions"][reason]["message"].rstrip(".")
        assert all(message in r.getMessage() for r in lines), message


# The two phases ----------------------------------------------------------------


async def setup_phase(scenario: Scenario, row: Row) -> None:
    """The trouble is there when the entry is set up; then it goes away."""
    entry = scenario.entry
    await row.start(scenario, Phase.SETUP)
    mark = scenario.mark()
    await scenario.setup()
    if row.setup is Outcome.RETRY:
        assert entry.state is ConfigEntryState.SETUP_RETRY
        assert entry.error_reason_translation_key == row.reason
    elif row.setup is Outcome.REAUTH:
        assert entry.state is ConfigEntryState.SETUP_ERROR
        assert len(scenario.reauth_flows()) == 1
    else:
        assert entry.state is ConfigEntryState.LOADED
        scenario.assert_right()
    away = scenario.lines_since(mark)
    assert_lines(away, AWAY_LINES[Phase.SETUP, row.setup], row.reason)
    await scenario.checkpoint()

    await scenario.end_trouble()
    mark = scenario.mark()
    if row.setup is Outcome.RETRY:
        await scenario.tick(90)  # the first retry comes after 5 s
    elif row.setup is Outcome.REAUTH:
        await scenario.complete_reauth()
    else:
        # What an hourly update does not ask for again, the daily reconcile
        # does: 01:00 the next day, in the athlete's zone.
        await scenario.tick(13 * HOUR)
    assert entry.state is ConfigEntryState.LOADED
    scenario.assert_right()
    assert_lines(scenario.lines_since(mark), BACK_LINES[Phase.SETUP, row.setup], None)
    scenario.assert_no_traceback()
    await scenario.checkpoint()


async def update_phase(scenario: Scenario, row: Row) -> None:
    """The entry works; the trouble starts before an hourly update, then ends."""
    await scenario.setup()
    await update_round(scenario, row)


async def update_round(scenario: Scenario, row: Row) -> None:
    """In a working entry, the trouble starts before an hourly update, then ends."""
    entry = scenario.entry
    assert entry.state is ConfigEntryState.LOADED
    scenario.assert_right()
    before = scenario.sensors()
    assert before
    assert STATE_UNAVAILABLE not in before.values()
    await scenario.checkpoint()

    mark = scenario.mark()
    await row.start(scenario, Phase.UPDATE)
    await scenario.next_update()
    coordinator = entry.runtime_data
    if row.update is Outcome.RIGHT:
        scenario.assert_right()
    else:
        assert set(scenario.sensors().values()) == {STATE_UNAVAILABLE}
        assert coordinator.last_exception is not None
        assert coordinator.last_exception.translation_key == row.reason
    if row.update is Outcome.REAUTH:
        assert len(scenario.reauth_flows()) == 1
    if row.update is Outcome.UNAVAILABLE:
        # The next try comes when Retry-After or the update interval says,
        # not before; while the trouble lasts, the log stays quiet.
        stats = entry.runtime_data.client.stats
        sent = stats.requests
        await scenario.tick(row.next_try - 5)
        assert stats.requests == sent
        await scenario.tick(10)
        assert stats.requests > sent
        assert set(scenario.sensors().values()) == {STATE_UNAVAILABLE}
    assert_lines(
        scenario.lines_since(mark), AWAY_LINES[Phase.UPDATE, row.update], row.reason
    )
    await scenario.checkpoint()

    await scenario.end_trouble()
    mark = scenario.mark()
    if row.update is Outcome.UNAVAILABLE:
        await scenario.tick(row.next_try + 1)
    elif row.update is Outcome.REAUTH:
        await scenario.complete_reauth()
    else:
        await scenario.next_update()
    assert entry.state is ConfigEntryState.LOADED
    assert scenario.sensors() == before
    scenario.assert_right()
    back = scenario.lines_since(mark)
    assert_lines(back, BACK_LINES[Phase.UPDATE, row.update], None)
    assert all("recovered" in r.getMessage() for r in back)
    scenario.assert_no_traceback()
    await scenario.checkpoint()


@dataclass
class Seen:
    """What the probe collected at the checkpoints of a row."""

    texts: list[str] = field(default_factory=list)

    async def probe(self, scenario: Scenario) -> None:
        self.texts.extend(await entry_texts(scenario.hass, scenario.entry))
        self.texts.extend(repr(result) for result in scenario.flow_results)


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
def scenario(
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    emulator: EmulatorServer,
    athlete: Athlete,
    frozen: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    seen: Seen,
) -> Scenario:
    # Every record, at every level, is looked at for secrets.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    return Scenario(hass, config_entry, emulator, athlete, frozen, caplog, seen.probe)


def assert_nothing_leaked(scenario: Scenario, seen: Seen) -> None:
    """The diagnostics, states, errors, flow results seen, and the log."""
    # The probe saw the sensors, so the check can fail.
    assert any("unit_of_measurement" in text for text in seen.texts)
    assert_no_secret(seen.texts, scenario.athlete)
    assert_no_secret(log_texts(scenario.caplog), scenario.athlete)


@pytest.mark.parametrize("row", SETUP_CASES)
async def test_fault_during_setup(scenario: Scenario, seen: Seen, row: Row) -> None:
    await setup_phase(scenario, row)
    assert_nothing_leaked(scenario, seen)


@pytest.mark.parametrize("row", UPDATE_CASES)
async def test_fault_during_update(scenario: Scenario, seen: Seen, row: Row) -> None:
    await update_phase(scenario, row)
    assert_nothing_leaked(scenario, seen)


async def test_unusable_time_zone_is_one_warning(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A time zone name that is no zone falls back, calmly.

    Every kind of name that is no zone (or no file name) is read in
    tests/unit/test_athlete_sync.py; here what the user sees of one.
    """
    # Only the athlete record says so; the emulator keeps its real zone.
    record = {**athlete.record(), "timezone": "Mars/Olympus_Mons"}
    emulator.state.add_fault(Fault.http_status(200, body=record, path=r"/i123456$"))
    config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert config_entry.state is ConfigEntryState.LOADED
    ours = [
        r for r in caplog.records if r.name == LOGGER_NAME and r.levelno >= logging.INFO
    ]
    assert [r.levelno for r in ours] == [logging.WARNING]
    assert not [r for r in caplog.records if r.exc_info and r.levelno >= logging.INFO]
