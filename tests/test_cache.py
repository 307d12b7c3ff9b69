"""The persisted activity cache: restarts, damage, another athlete's cache, removal."""

from datetime import datetime, timedelta
import logging
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.intervals_icu.api import ACTIVITY_FIELDS, TOTALS_FIELDS
from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.sync.athlete_sync import AthleteSync
from custom_components.intervals_icu.sync.storage import SyncStorage
from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

KEY = f"{DOMAIN}.01JINTERVALSICUTESTENTRY00"


def distance(hass: HomeAssistant, registry: er.EntityRegistry) -> str:
    entity_id = registry.async_get_entity_id(
        "sensor", DOMAIN, "i123456_run_distance_ytd"
    )
    return hass.states.get(entity_id).state


# A first load: the last 30 days (how busy is the athlete?), the rest of the
# window from last New Year, then every field of the recent days.
FIRST_LOAD = ["2026-05-17T00:00:00", "2025-01-01T00:00:00", "2026-06-12T00:00:00"]


def activity_fetches(emulator: EmulatorServer) -> list[str]:
    """The `oldest` of every activities request, in order."""
    return [
        r.query["oldest"][0]
        for r in emulator.state.log
        if r.path.endswith("/activities")
    ]


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize(
    ("damage", "warning"),
    [
        ({"athlete_id": "i123456", "columns": ["id"], "activities": "[]"}, "damaged"),
        ({"athlete_id": "i123456"}, "damaged"),
        ([1, 2, 3], "damaged"),
        ("not an object", "damaged"),
    ],
)
async def test_damaged_cache_is_rebuilt(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    damage: Any,
    warning: str,
) -> None:
    hass_storage[KEY] = {"version": 1, "minor_version": 1, "key": KEY, "data": damage}
    await setup(hass, config_entry)
    # The integration's own lines (asyncio's slow-callback warnings, under
    # load, can name a task that loads the cache).
    warnings = [
        r
        for r in caplog.records
        if r.name.startswith("custom_components.intervals_icu")
        and r.levelno == logging.WARNING
        and "cache" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert warning in warnings[0].getMessage()
    # Rebuilt from the service: last year and this were fetched, from 1
    # January last year (the totals' fields), then the recent days in full.
    assert activity_fetches(emulator) == FIRST_LOAD
    assert float(distance(hass, entity_registry)) > 0


async def test_cache_of_another_athlete_is_ignored(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # First learn the right value and the real cache, then make it someone else's.
    await setup(hass, config_entry)
    right = distance(hass, entity_registry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    saved = hass_storage[KEY]["data"]
    hass_storage[KEY]["data"] = {**saved, "athlete_id": "i999"}
    emulator.state.log.clear()
    caplog.clear()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert "another athlete" in caplog.text
    assert activity_fetches(emulator) == FIRST_LOAD
    assert distance(hass, entity_registry) == right


async def test_warm_start_fetches_no_past_activities(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
) -> None:
    await setup(hass, config_entry)
    right = distance(hass, entity_registry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert KEY in hass_storage
    emulator.state.log.clear()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert distance(hass, entity_registry) == right
    assert activity_fetches(emulator) == ["2026-06-12T00:00:00"]


async def test_cache_removed_with_entry(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    config_entry: MockConfigEntry,
) -> None:
    await setup(hass, config_entry)
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    assert KEY in hass_storage
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done()
    assert KEY not in hass_storage


async def test_old_edits_and_deletions_show_after_the_daily_reread(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    athlete: Athlete,
    entity_registry: er.EntityRegistry,
    emulator: EmulatorServer,
    config_entry: MockConfigEntry,
) -> None:
    """The year is re-read daily with the totals' fields only, and that is enough."""
    await setup(hass, config_entry)
    last = entity_registry.async_get_entity_id(
        "sensor", DOMAIN, "i123456_last_activity"
    )
    named = hass.states.get(last).attributes["name"]
    assert named
    runs = [
        a
        for a in athlete.activities_between(
            "2026-02-01T00:00:00", "2026-03-31T23:59:59"
        )
        if a.get("type") == "Run" and a.get("source") != "STRAVA"
    ]
    edited, deleted = runs[0], runs[1]
    before = float(distance(hass, entity_registry))
    athlete.update_activity(edited["id"], distance=edited["distance"] + 5000.0)
    athlete.delete_activity(deleted["id"])
    expected = before + (5000.0 - deleted["distance"]) / 1000

    # An hourly update reads the recent days only: the old change waits.
    emulator.state.log.clear()
    frozen.tick(timedelta(hours=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert float(distance(hass, entity_registry)) == pytest.approx(before, abs=0.01)
    assert activity_fetches(emulator) == ["2026-06-12T00:00:00"]

    # The athlete's next day: the year again, with what the totals need.
    emulator.state.log.clear()
    frozen.move_to(datetime(2026, 6, 16, 0, 1, tzinfo=ZoneInfo("Europe/Amsterdam")))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert float(distance(hass, entity_registry)) == pytest.approx(expected, abs=0.01)
    year, recent = emulator.state.log.matching("/activities")
    assert year.query["oldest"] == ["2026-01-01T00:00:00"]
    assert year.query["fields"] == [",".join(TOTALS_FIELDS)]
    assert recent.query["oldest"] == ["2026-06-13T00:00:00"]
    assert recent.query["fields"] == [",".join(ACTIVITY_FIELDS)]
    # What the totals do not need is kept from the full read.
    assert hass.states.get(last).attributes["name"] == named


async def test_removing_the_entry_deletes_the_record_book(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    setup_integration: MockConfigEntry,
) -> None:
    key = f"{DOMAIN}.{setup_integration.entry_id}.records"
    # Written a moment after the first fetch.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await hass.async_block_till_done()
    assert hass_storage[key]["data"]["year"] == 2026
    assert await hass.config_entries.async_remove(setup_integration.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


# A record book as this version writes it.
BOOK = {"year": 2026, "seen": {"run_best_time_5k": 1500.0}, "announced": {}}


@pytest.mark.parametrize(
    "stored",
    [
        # An older format: migrated to nothing, however it reads.
        {"version": 0, "minor_version": 1, "data": BOOK},
        # A newer one this version cannot read.
        {"version": 99, "minor_version": 1, "data": BOOK},
        # Damaged.
        {"version": 1, "minor_version": 1, "data": {"year": "soon"}},
    ],
)
async def test_an_unusable_record_book_reads_as_none(
    hass: HomeAssistant, hass_storage: dict[str, Any], stored: dict[str, Any]
) -> None:
    """None is a fresh book (what the entity then does: tests/test_event.py)."""
    entry_id = "01JINTERVALSICUTESTENTRY00"
    key = f"{DOMAIN}.{entry_id}.records"
    sync = AthleteSync(None, "i123456", lambda: ZoneInfo("UTC"))  # type: ignore[arg-type]
    hass_storage[key] = {**stored, "key": key}
    await SyncStorage(hass, entry_id).async_load(sync)
    assert sync.curves_gear.book is None
    # A book this version wrote reads back.
    hass_storage[key] = {
        "version": 1,
        "minor_version": 1,
        "key": key,
        "data": BOOK,
    }
    await SyncStorage(hass, entry_id).async_load(sync)
    assert sync.curves_gear.book is not None
    assert sync.curves_gear.book.year == 2026
