"""Hostile data and races: what broke under an adversarial probe (issue 11).

Each test serves the trouble from the emulator on 127.0.0.1, as the real
service (or something in its place) could, and checks what the user sees.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
import json
import logging
import math
from pathlib import Path
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from custom_components.intervals_icu.sync.activities import ActivityCache
from custom_components.intervals_icu.sync.cache_format import CacheSnapshot
from custom_components.intervals_icu.sync.storage import _Store
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.json import json_dumps
from homeassistant.helpers.storage import Store

from .conftest import API_KEY, ATHLETE_ID
from .test_event import Fired

ENTRY_ID = "01JINTERVALSICUTESTENTRY00"
KEY = f"{DOMAIN}.{ENTRY_ID}"
LONE = "Morning run \ud83c"
# Home Assistant's Store as it is, before the tests' in-memory storage
# replaces it (collection imports this module before any fixture runs).
REAL_STORE = {
    name: getattr(Store, name)
    for name in ("_async_load", "_async_write_data", "async_remove")
}


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def state_of(hass: HomeAssistant, domain: str, key: str) -> Any:
    entity_id = er.async_get(hass).async_get_entity_id(
        domain, DOMAIN, f"{ATHLETE_ID}_{key}"
    )
    assert entity_id, key
    return hass.states.get(entity_id)


# 1. Text Home Assistant cannot encode -------------------------------------------


async def test_lone_surrogate_in_a_name_leaves_every_state_encodable(
    hass: HomeAssistant, athlete: Athlete, config_entry: MockConfigEntry
) -> None:
    run = athlete.add_activity(
        start_local="2026-06-15T08:00:00", activity_type="Run", name=LONE
    )
    athlete.events.clear()
    athlete.add_event(start_local="2026-06-16T18:00:00", name="Intervals \udfff")
    await setup(hass, config_entry)

    # What GET /api/states sends, entity by entity: every one encodes.
    for state in hass.states.async_all():
        assert state.as_dict_json
    last = state_of(hass, "sensor", "last_activity")
    assert last.attributes["url"].endswith(run["id"])
    assert last.attributes["name"] == "Morning run \ufffd"
    calendar = state_of(hass, "calendar", "calendar")
    assert calendar.attributes["message"] == "Intervals \ufffd"


async def test_lone_surrogate_in_the_athlete_name_makes_a_clean_title(
    hass: HomeAssistant, athlete: Athlete, emulator: EmulatorServer
) -> None:
    athlete.name = "Jane \udc00 Doe"
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: API_KEY, CONF_ATHLETE_ID: "", CONF_URL: emulator.url},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Jane \ufffd Doe"
    # What core.config_entries is saved as: it must encode, or every other
    # integration's changes are lost at the next restart.
    for entry in hass.config_entries.async_entries():
        json_dumps(entry.as_storage_fragment)


def test_lone_surrogates_are_cleaned_out_of_a_cache() -> None:
    columns = ["id", "start_local", "type", "name", "distance", "moving_time"]
    columns += ["elapsed_time", "elevation_gain", "training_load"]
    columns += ["average_heartrate", "average_watts", "source", "is_stub"]
    row = ["i1", "2026-06-01T08:00:00", "Run", LONE, 1.0, *[None] * 6, None, False]
    cache = ActivityCache.from_snapshot(
        CacheSnapshot.from_json(
            {
                "athlete_id": ATHLETE_ID,
                "window_start": "2026-01-01",
                "reconciled_on": "2026-06-15",
                "columns": columns,
                "activities": json.dumps([row]),
            }
        )
    )
    assert cache.activities["i1"].name == "Morning run \ufffd"


# 3. Absurd numbers and dates -----------------------------------------------------


@pytest.fixture
def absurd(athlete: Athlete) -> Athlete:
    """Two runs of 10^308 m, negative numbers, and one run that is fine."""
    for day in (10, 11):
        athlete.add_activity(
            start_local=f"2026-06-{day}T07:00:00",
            activity_type="Run",
            distance=1e308,
            moving_time=3600,
        )
    athlete.add_activity(
        start_local="2026-06-12T07:00:00",
        activity_type="Run",
        distance=-5000.0,
        moving_time=-60,
        icu_training_load=-40,
    )
    return athlete


def run_distance(athlete: Athlete) -> float:
    """This year's runs, each distance that a human can run counted."""
    return sum(
        a["distance"]
        for a in athlete.activities
        if a["start_date_local"] >= "2026-01-01"
        and a.get("source") != "STRAVA"
        and a["type"] in {"Run", "VirtualRun", "TrailRun"}
        and a.get("distance") is not None
        and 0 <= a["distance"] <= 10_000_000
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_absurd_numbers_are_unknown_and_totals_stay_right(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    absurd: Athlete,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await setup(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    distance = state_of(hass, "sensor", "run_distance_ytd")
    assert float(distance.state) == pytest.approx(run_distance(absurd) / 1000)
    for state in hass.states.async_all("sensor"):
        if state.state not in (STATE_UNAVAILABLE, "unknown"):
            try:
                number = float(state.state)
            except ValueError:
                continue
            assert math.isfinite(number), state.entity_id

    # In an update too, and the log says it once however often it is sent.
    absurd.add_activity(
        start_local="2026-06-15T08:00:00", activity_type="Run", distance=1e308
    )
    await tick(hass, frozen, 3601)
    coordinator = config_entry.runtime_data
    assert coordinator.last_update_success
    assert float(state_of(hass, "sensor", "run_distance_ytd").state) == (
        pytest.approx(run_distance(absurd) / 1000)
    )
    await tick(hass, frozen, 3601)
    said = [r for r in caplog.records if "no activity can have" in r.getMessage()]
    assert len(said) == 1
    assert said[0].levelno == logging.WARNING
    dropped = config_entry.runtime_data.client.stats.dropped
    assert dropped["distance"] >= 4
    assert dropped["moving_time"] >= 1
    assert dropped["icu_training_load"] >= 1


async def test_dates_no_clock_can_show_are_skipped(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
) -> None:
    """A run in year 1, a workout at 9999-12-31T23:00: left out, the rest loads."""
    athlete.events.clear()
    emulator.state.add_fault(
        Fault.append(
            [
                {
                    "id": "i1",
                    "start_date_local": "0001-01-01T00:00:00",
                    "type": "Run",
                    "distance": 5000,
                }
            ],
            path="/activities$",
        )
    )
    emulator.state.add_fault(
        Fault.append(
            [
                {
                    "id": 1,
                    "start_date_local": "9999-12-31T23:00:00",
                    "category": "WORKOUT",
                    "name": "Never",
                },
                {
                    "id": 2,
                    "start_date_local": "2026-06-15T18:00:00",
                    "end_date_local": "9999-12-31T23:59:59",
                    "category": "WORKOUT",
                    "name": "Evening ride",
                },
            ],
            path="/events.json$",
        )
    )
    await setup(hass, config_entry)
    assert config_entry.state is ConfigEntryState.LOADED
    for key in ("last_activity", "next_workout"):
        assert state_of(hass, "sensor", key).state not in (STATE_UNAVAILABLE, None)
    last = state_of(hass, "sensor", "last_activity")
    assert not last.attributes["url"].endswith("/i1")
    assert state_of(hass, "sensor", "next_workout").attributes["name"] == (
        "Evening ride"
    )
    assert state_of(hass, "calendar", "calendar").state != STATE_UNAVAILABLE
    dropped = config_entry.runtime_data.client.stats.dropped
    assert dropped["record"] >= 2
    assert dropped["end_date_local"] >= 1


# 2. Removal during an action's refresh -------------------------------------------


@pytest.fixture
def many_stubs(athlete: Athlete) -> Athlete:
    """A third of the year from Strava: the repair issue is up."""
    for activity in athlete.activities[::3]:
        activity["source"] = "STRAVA"
    return athlete


async def test_removal_during_an_actions_refresh_leaves_nothing(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    frozen: FrozenDateTimeFactory,
    many_stubs: Athlete,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
) -> None:
    await setup(hass, config_entry)
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"strava_stubs_{ENTRY_ID}")
    await tick(hass, frozen, 31)
    gate = asyncio.Event()
    held = emulator.state.add_fault(Fault.hold(gate, path="/activities$"))
    call = hass.async_create_task(
        hass.services.async_call(
            DOMAIN,
            "set_wellness",
            {"config_entry_id": ENTRY_ID, "weight": 70},
            blocking=True,
        )
    )
    for _ in range(1000):
        if held.hits:
            break
        await asyncio.sleep(0)
    assert held.hits == 1, "the action's refresh never asked for activities"

    assert await hass.config_entries.async_remove(ENTRY_ID)
    gate.set()
    await call
    await tick(hass, frozen, 3600 * 24)

    assert KEY not in hass_storage
    assert [i for (d, _), i in ir.async_get(hass).issues.items() if d == DOMAIN] == []
    # Setup (the HRV history and the week) and the action's refresh asked;
    # nothing after the removal did.
    assert emulator.state.log.count("/wellness.json$") == 3


async def test_reload_the_old_store_cannot_overwrite_the_new(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    config_entry: MockConfigEntry,
) -> None:
    await setup(hass, config_entry)
    old = config_entry.runtime_data
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    new = config_entry.runtime_data
    assert new is not old
    # The old coordinator's cache changes: its store must not write it.
    old.sync.cache.activities.clear()
    old.sync.cache.revision += 1
    old.storage.async_schedule_save(old.sync)
    await tick(hass, frozen, 60)
    saved = CacheSnapshot.from_json(hass_storage[KEY]["data"])
    assert len(saved.activities) == len(new.sync.cache.activities) > 0


# 4. New activities around a reload or restart ------------------------------------


async def test_activity_uploaded_before_a_reload_is_announced_once(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    entity_id = state_of(hass, "event", "new_activity").entity_id
    fired = Fired(hass, entity_id)
    run = athlete.add_activity(
        start_local="2026-06-15T11:30:00", activity_type="Run", distance=10_000.0
    )
    # Uploaded after the last update, then the entry reloads (options, reauth…).
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert [s.attributes["id"] for s in fired.states()] == [run["id"]]

    # Another reload and a restart (unload, load): not news any more.
    await tick(hass, frozen, 60)
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    await hass.async_block_till_done()
    await tick(hass, frozen, 60)
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    assert await hass.config_entries.async_setup(setup_integration.entry_id)
    await hass.async_block_till_done()
    await tick(hass, frozen, 3601)
    assert [s.attributes["id"] for s in fired.states()] == [run["id"]]


async def test_activity_uploaded_while_stopped_is_announced_once(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    entity_id = state_of(hass, "event", "new_activity").entity_id
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    run = athlete.add_activity(
        start_local="2026-06-15T11:30:00", activity_type="Run", distance=10_000.0
    )
    await tick(hass, frozen, 60)
    fired = Fired(hass, entity_id)
    assert await hass.config_entries.async_setup(setup_integration.entry_id)
    await hass.async_block_till_done()
    await tick(hass, frozen, 3601)
    assert [s.attributes["id"] for s in fired.states()] == [run["id"]]


# 9. Travel: the UTC start ---------------------------------------------------------


async def test_activity_recorded_abroad_has_its_real_start(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    """A run at 05:00 in New York by an athlete whose profile says Amsterdam."""
    entity_id = state_of(hass, "event", "new_activity").entity_id
    fired = Fired(hass, entity_id)
    athlete.add_activity(
        start_local="2026-06-15T05:00:00",
        activity_type="Run",
        distance=8000.0,
        timezone="America/New_York",
    )
    await tick(hass, frozen, 3601)
    [event] = fired.states()
    assert event.attributes["start"] == "2026-06-15T05:00:00-04:00"
    last = state_of(hass, "sensor", "last_activity")
    assert datetime.fromisoformat(last.state) == datetime(2026, 6, 15, 9, tzinfo=UTC)


# 6. Nothing written that did not change --------------------------------------------


async def test_an_update_that_changed_nothing_writes_nothing(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    await tick(hass, frozen, 31)
    written = hass_storage[KEY]
    await tick(hass, frozen, 3601)
    await tick(hass, frozen, 31)
    assert hass_storage[KEY] is written

    athlete.add_activity(start_local="2026-06-15T12:30:00", activity_type="Run")
    await tick(hass, frozen, 3601)
    await tick(hass, frozen, 31)
    assert hass_storage[KEY] is not written


# 5. A damaged cache file, on a real disk ------------------------------------------


@pytest.fixture
def on_disk(hass: HomeAssistant, tmp_path: Path) -> Any:
    """The cache in real files under tmp_path, not the tests' in-memory storage."""
    hass.config.config_dir = str(tmp_path)
    folder = tmp_path / ".storage"
    folder.mkdir()
    with patch.multiple(_Store, **REAL_STORE):
        yield folder


async def test_truncated_cache_file_is_home_assistants_repair_and_a_rebuild(
    hass: HomeAssistant,
    on_disk: Path,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A cache as an older version left it, cut off by a power loss, and the
    # copy Home Assistant kept of an earlier damaged one.
    (on_disk / KEY).write_text('{"version": 1, "minor_version": 1, "key": "x", "da')
    (on_disk / f"{KEY}.corrupt.2026-05-01T10:00:00+00:00").write_text("{")
    await setup(hass, config_entry)

    assert config_entry.state is ConfigEntryState.LOADED
    # Writes are atomic: only the disk can cut a file off. Home Assistant's
    # own handling of that says so (one error line, a copy, a repair issue).
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 2
    assert errors[0].startswith("Could not parse JSON content")
    assert "Unrecoverable error decoding storage intervals_icu." in errors[1]
    assert [key for _, key in ir.async_get(hass).issues] == [
        next(key for _, key in ir.async_get(hass).issues)
    ]
    assert next(iter(ir.async_get(hass).issues))[1].startswith(
        f"storage_corruption_{KEY}_"
    )
    assert float(state_of(hass, "sensor", "run_distance_ytd").state) > 0
    await tick(hass, frozen, 31)
    assert (on_disk / KEY).exists()

    assert await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    left = await hass.async_add_executor_job(
        lambda: [p.name for p in on_disk.iterdir() if p.name.startswith(KEY)]
    )
    assert left == []


async def test_a_cache_on_disk_survives_a_restart(
    hass: HomeAssistant,
    on_disk: Path,
    athlete: Athlete,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
) -> None:
    await setup(hass, config_entry)
    right = state_of(hass, "sensor", "run_distance_ytd").state
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    emulator.state.log.clear()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert state_of(hass, "sensor", "run_distance_ytd").state == right
    fetched = [r.query["oldest"][0] for r in emulator.state.log.matching("activities")]
    assert fetched == ["2026-06-12T00:00:00"]
