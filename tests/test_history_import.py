"""The one-off history import and its upkeep, against the emulator and the recorder."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
import logging
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.intervals_icu import statistics as stats
from custom_components.intervals_icu.api import Activity, IntervalsClient, Wellness
from custom_components.intervals_icu.const import DEFAULT_GROUPS
from custom_components.intervals_icu.history_import import HistoryImport
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from emulator.state import EmulatorState
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .conftest import API_KEY, ATHLETE_ID, NOW

GROUPS = {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}
ZONE = "Europe/Amsterdam"
AMS = ZoneInfo(ZONE)
CACHE_START = date(2025, 1, 1)
TODAY = NOW.date()
ENTRY = "01JHISTORYTESTENTRY0000000"


@pytest.fixture(autouse=True)
def mock_recorder_before_hass(async_setup_recorder_instance: Any) -> None:
    """The recorder's database is prepared before Home Assistant starts."""


@pytest.fixture(autouse=True)
def quiet_sql() -> Iterator[None]:
    """The test plugin logs every SQL statement; thousands of rows crawl then."""
    engine = logging.getLogger("sqlalchemy.engine")
    level = engine.level
    engine.setLevel(logging.WARNING)
    yield
    engine.setLevel(level)


@pytest.fixture
def athlete(frozen: object) -> Athlete:
    """An athlete in Amsterdam with history since 2022.

    The recorder writes a row in about a millisecond, so the test athlete is
    light: some 130 activities, and wellness on two days a month.
    """
    athlete = generate_athlete(
        seed=5,
        athlete_id=ATHLETE_ID,
        name="Demo Athlete",
        api_key=API_KEY,
        timezone=ZONE,
        activities_per_year=30,
        start=date(2022, 3, 1),
        end=TODAY,
        now=NOW,
        strava_share=0.05,
    )
    athlete.wellness = {
        day: record
        for day, record in athlete.wellness.items()
        if day.endswith(("-01", "-15"))
    }
    return athlete


@pytest.fixture
async def client(hass: HomeAssistant, emulator: EmulatorServer) -> IntervalsClient:
    await hass.config.async_update(time_zone=ZONE)
    return IntervalsClient(
        async_get_clientsession(hass), API_KEY, base_url=emulator.url
    )


async def _cached(client: IntervalsClient) -> list[Activity]:
    """What the activity cache holds: this year and last, all fields."""
    return await client.get_activities(
        ATHLETE_ID, datetime(2025, 1, 1), datetime(2026, 6, 15, 23, 59, 59)
    )


async def _import(
    hass: HomeAssistant, history: HistoryImport, client: IntervalsClient
) -> Any:
    result = await history.async_import(
        athlete_name="Demo Athlete",
        zone=AMS,
        groups=GROUPS,
        cache_start=CACHE_START,
        cached=await _cached(client),
        today=TODAY,
    )
    await async_wait_recording_done(hass)
    return result


async def _changes(
    hass: HomeAssistant, metric_key: str, period: str
) -> dict[str, float]:
    await async_wait_recording_done(hass)
    sid = stats.statistic_id(f"{ATHLETE_ID}_{metric_key}")
    result = await hass.async_add_executor_job(
        statistics_during_period,
        hass,
        datetime(2000, 1, 1, tzinfo=UTC),
        None,
        {sid},
        period,
        None,
        {"change", "mean"},
    )
    size = 4 if period == "year" else 7
    return {
        datetime.fromtimestamp(r["start"], AMS).isoformat()[:size]: r["change"]
        if r.get("change") is not None
        else r["mean"]
        for r in result.get(sid, [])
    }


def _oracle(athlete: Athlete, group: str, field: str, size: int) -> dict[str, float]:
    """Sums straight from the emulator's records, per local year or month."""
    types = GROUPS.get(group)
    totals: dict[str, float] = defaultdict(float)
    for a in athlete.activities:
        if a.get("source") == "STRAVA":
            continue
        if types is not None and a.get("type") not in types:
            continue
        value = 1.0 if field == "count" else float(a.get(field) or 0.0)
        totals[a["start_date_local"][:size]] += value
    return dict(totals)


def _close(got: dict[str, float], want: dict[str, float]) -> None:
    """Equal per period; a period with no row is a period with no change."""
    assert set(want) <= set(got)
    for key in got.keys() | want.keys():
        value = want.get(key, 0.0)
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-6), key


async def test_import_matches_the_emulator_per_year_and_month(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    client: IntervalsClient,
    athlete: Athlete,
    state: EmulatorState,
) -> None:
    history = HistoryImport(hass, ENTRY, client, ATHLETE_ID)
    await history.async_load()
    assert history.needs_import(GROUPS)
    result = await _import(hass, history, client)
    years = await _changes(hass, "run_distance", "year")
    assert set(years) == {"2022", "2023", "2024", "2025", "2026"}
    _close(years, _oracle(athlete, "run", "distance", 4))
    _close(
        await _changes(hass, "run_distance", "month"),
        _oracle(athlete, "run", "distance", 7),
    )
    _close(
        await _changes(hass, "all_count", "month"),
        _oracle(athlete, "all", "count", 7),
    )
    _close(
        await _changes(hass, "ride_moving_time", "year"),
        _oracle(athlete, "ride", "moving_time", 4),
    )
    # Fitness: the mean of the days of each month, from the first activity on.
    fitness = await _changes(hass, "fitness", "month")
    first = min(a["start_date_local"][:10] for a in athlete.activities)
    by_month: dict[str, list[float]] = defaultdict(list)
    for day, record in athlete.wellness.items():
        if day >= first:
            by_month[day[:7]].append(record["ctl"])
    _close(fitness, {m: sum(v) / len(v) for m, v in by_month.items()})
    # The cached years were not fetched again: only activities before 2025.
    activity_requests = state.log.matching("/activities$")
    history_requests = [
        r for r in activity_requests if r.query["oldest"][0].startswith("1970")
    ]
    assert history_requests
    assert all(r.query["newest"][0] < "2025-01-01" for r in history_requests)
    assert result.activities == len(athlete.activities)
    assert result.wellness_days == sum(n for n in map(len, by_month.values()))
    assert result.requests == len(history_requests) + len(
        state.log.matching("/wellness")
    )
    assert result.rows > 0


async def test_a_restart_downloads_no_history(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    client: IntervalsClient,
    state: EmulatorState,
) -> None:
    await _import(hass, HistoryImport(hass, ENTRY, client, ATHLETE_ID), client)
    state.log.clear()
    again = HistoryImport(hass, ENTRY, client, ATHLETE_ID)
    await again.async_load()
    assert not again.needs_import(GROUPS)
    assert len(state.log) == 0
    # Another sport grouping needs the sums rebuilt.
    other = {**GROUPS, "run": frozenset({"Run"})}
    assert again.needs_import(other)
    # Another athlete's record does not count.
    stranger = HistoryImport(hass, ENTRY, client, "i999")
    await stranger.async_load()
    assert stranger.needs_import(GROUPS)


async def test_reimport_is_idempotent(
    recorder_mock: Recorder, hass: HomeAssistant, client: IntervalsClient
) -> None:
    history = HistoryImport(hass, ENTRY, client, ATHLETE_ID)
    await _import(hass, history, client)
    first = await _changes(hass, "all_distance", "month")
    await _import(hass, history, client)
    assert await _changes(hass, "all_distance", "month") == first


async def test_an_edited_activity_rewrites_later_sums(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    client: IntervalsClient,
    athlete: Athlete,
) -> None:
    history = HistoryImport(hass, ENTRY, client, ATHLETE_ID)
    await _import(hass, history, client)
    old = await _cached(client)
    runs = [
        a
        for a in athlete.activities
        if a.get("type") == "Run" and a["start_date_local"] >= "2025"
    ]
    edited, deleted = runs[0], runs[len(runs) // 2]
    assert edited["start_date_local"][:7] < deleted["start_date_local"][:7]
    edited["distance"] += 50_000.0
    athlete.activities.remove(deleted)
    rows = await history.async_update(
        athlete_name="Demo Athlete",
        zone=AMS,
        groups=GROUPS,
        cache_start=CACHE_START,
        old=old,
        new=await _cached(client),
        wellness=[],
    )
    assert rows > 0
    _close(
        await _changes(hass, "run_distance", "month"),
        _oracle(athlete, "run", "distance", 7),
    )
    _close(
        await _changes(hass, "all_count", "year"),
        _oracle(athlete, "all", "count", 4),
    )


async def test_new_year_moves_the_cache_without_deleting_anything(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    client: IntervalsClient,
    athlete: Athlete,
) -> None:
    history = HistoryImport(hass, ENTRY, client, ATHLETE_ID)
    await _import(hass, history, client)
    before = await _changes(hass, "run_distance", "month")
    old = await _cached(client)
    # The next New Year: 2025 leaves the cache, which now starts in 2026.
    rows = await history.async_update(
        athlete_name="Demo Athlete",
        zone=AMS,
        groups=GROUPS,
        cache_start=date(2026, 1, 1),
        old=old,
        new=[a for a in old if a.start_local.year == 2026],
        wellness=[Wellness(day=TODAY, ctl=1.0, atl=2.0)],
    )
    assert rows == 3  # the day's fitness, fatigue and form; no sum rewritten
    assert await _changes(hass, "run_distance", "month") == before


async def test_nothing_is_written_before_the_first_import(
    recorder_mock: Recorder, hass: HomeAssistant, client: IntervalsClient
) -> None:
    history = HistoryImport(hass, ENTRY, client, ATHLETE_ID)
    await history.async_load()
    rows = await history.async_update(
        athlete_name="Demo Athlete",
        zone=AMS,
        groups=GROUPS,
        cache_start=CACHE_START,
        old=[],
        new=await _cached(client),
        wellness=[Wellness(day=TODAY, ctl=1.0, atl=2.0)],
    )
    assert rows == 0
    await async_wait_recording_done(hass)
    assert await hass.async_add_executor_job(list_statistic_ids, hass) == []


async def test_removal_clears_statistics_and_the_record(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    client: IntervalsClient,
    hass_storage: dict[str, Any],
) -> None:
    history = HistoryImport(hass, ENTRY, client, ATHLETE_ID)
    await _import(hass, history, client)
    assert f"intervals_icu.{ENTRY}.history" in hass_storage
    await history.async_remove()
    await async_wait_recording_done(hass)
    assert await hass.async_add_executor_job(list_statistic_ids, hass) == []
    assert f"intervals_icu.{ENTRY}.history" not in hass_storage
    assert history.needs_import(GROUPS)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        {"athlete_id": ATHLETE_ID, "groups": "run"},
        {"athlete_id": ATHLETE_ID},
        ["not", "a", "dict"],
    ],
)
async def test_a_damaged_record_means_import_again(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    client: IntervalsClient,
    hass_storage: dict[str, Any],
    stored: Any,
) -> None:
    hass_storage[f"intervals_icu.{ENTRY}.history"] = {
        "version": 1,
        "key": f"intervals_icu.{ENTRY}.history",
        "data": stored,
    }
    history = HistoryImport(hass, ENTRY, client, ATHLETE_ID)
    await history.async_load()
    assert history.needs_import(GROUPS)


async def test_an_unreadable_record_means_import_again(
    recorder_mock: Recorder, hass: HomeAssistant, client: IntervalsClient
) -> None:
    history = HistoryImport(hass, ENTRY, client, ATHLETE_ID)
    with patch(
        "homeassistant.helpers.storage.Store.async_load",
        side_effect=HomeAssistantError("bad JSON"),
    ):
        await history.async_load()
    assert history.needs_import(GROUPS)
