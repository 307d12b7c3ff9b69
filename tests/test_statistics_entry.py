"""Long-term statistics of a configured athlete: import, restart, updates, removal."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
import logging
import threading
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.intervals_icu import statistics
from custom_components.intervals_icu.const import DEFAULT_GROUPS, DOMAIN
from emulator.faults import Fault
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.state import EmulatorState
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from .conftest import API_KEY, ATHLETE_ID, NOW

ZONE = "Europe/Amsterdam"
AMS = ZoneInfo(ZONE)
RUN_TYPES = set(DEFAULT_GROUPS["run"])


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
def athlete(frozen: FrozenDateTimeFactory) -> Athlete:
    """Four years and a half of history, light enough for the recorder."""
    athlete = generate_athlete(
        seed=9,
        athlete_id=ATHLETE_ID,
        name="Test Athlete",
        api_key=API_KEY,
        timezone=ZONE,
        activities_per_year=30,
        start=date(2022, 1, 1),
        end=NOW.date(),
        now=NOW,
        strava_share=0.05,
        events_until=date(2026, 7, 15),
    )
    athlete.wellness = {
        day: record for day, record in athlete.wellness.items() if day.endswith("-01")
    }
    return athlete


async def _setup(
    hass: HomeAssistant, recorder: Recorder, entry: MockConfigEntry
) -> None:
    await hass.config.async_update(time_zone=ZONE)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)


async def _per(hass: HomeAssistant, key: str, period: str) -> dict[str, float]:
    await async_wait_recording_done(hass)
    sid = f"intervals_icu:{ATHLETE_ID}_{key}"
    rows = await hass.async_add_executor_job(
        statistics_during_period,
        hass,
        datetime(2000, 1, 1, tzinfo=UTC),
        None,
        {sid},
        period,
        None,
        {"change"},
    )
    size = 4 if period == "year" else 7
    totals: dict[str, float] = defaultdict(float)
    for row in rows.get(sid, []):
        label = datetime.fromtimestamp(row["start"], AMS).isoformat()[:size]
        totals[label] += row["change"] or 0.0
    return {k: v for k, v in totals.items() if v}


def _run_distance(athlete: Athlete, size: int) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for a in athlete.activities:
        if a.get("source") != "STRAVA" and a.get("type") in RUN_TYPES:
            totals[a["start_date_local"][:size]] += a.get("distance") or 0.0
    return {k: v for k, v in totals.items() if v}


def _history_requests(state: EmulatorState) -> list[Any]:
    """Requests only the history import makes."""
    return [
        r
        for r in state.log
        if (r.path.endswith("/activities") and r.query["oldest"][0] < "2000")
        or r.query.get("fields") == ["id,ctl,atl"]
    ]


def _assert_equal(got: dict[str, float], want: dict[str, float]) -> None:
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value), key


async def test_first_setup_imports_every_year(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,
    state: EmulatorState,
) -> None:
    await _setup(hass, recorder_mock, config_entry)
    years = await _per(hass, "run_distance", "year")
    assert set(years) == {"2022", "2023", "2024", "2025", "2026"}
    _assert_equal(years, _run_distance(athlete, 4))
    _assert_equal(await _per(hass, "run_distance", "month"), _run_distance(athlete, 7))
    requests = _history_requests(state)
    assert requests
    # The cache's two years are not fetched twice.
    assert all(
        r.query["newest"][0] < "2025-01-01"
        for r in requests
        if r.path.endswith("/activities")
    )


async def test_the_first_import_waits_for_the_entities_and_the_start(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    state: EmulatorState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Years of rows keep the recorder busy: not while setting up, not at boot."""
    seen: list[tuple[bool, CoreState]] = []
    import_all = statistics.async_import_all

    async def recorded(hass: HomeAssistant, **kwargs: Any) -> int:
        entity = hass.states.get("sensor.test_athlete_run_distance_this_year")
        seen.append((entity is not None, hass.state))
        return await import_all(hass, **kwargs)

    monkeypatch.setattr(statistics, "async_import_all", recorded)
    hass.set_state(CoreState.starting)
    await _setup(hass, recorder_mock, config_entry)
    # Set up while Home Assistant starts: the entities are there, the history not.
    assert hass.states.get("sensor.test_athlete_run_distance_this_year") is not None
    assert seen == []
    assert _history_requests(state) == []
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert seen == [(True, CoreState.running)]
    assert _history_requests(state)
    assert await _per(hass, "run_distance", "year")


async def test_the_import_hands_the_recorder_one_chunk_at_a_time(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each chunk is built in a worker and written before the next is queued."""
    monkeypatch.setattr(statistics, "ROWS_PER_CALL", 7)
    monkeypatch.setattr(statistics, "HANDOVER_PAUSE", 0.0)
    loop_thread = threading.get_ident()
    built: list[int] = []
    chunk = statistics._chunk

    def recorded(rows: Any, to_data: Any) -> Any:
        assert threading.get_ident() != loop_thread
        built.append(len(rows))
        return chunk(rows, to_data)

    queued: list[int] = []
    add = statistics.async_add_external_statistics

    def counted(hass: HomeAssistant, metadata: Any, rows: Any) -> None:
        # The recorder has written every earlier chunk by now.
        assert recorder_mock._queue.empty()
        queued.append(len(rows))
        add(hass, metadata, rows)

    monkeypatch.setattr(statistics, "_chunk", recorded)
    monkeypatch.setattr(statistics, "async_add_external_statistics", counted)
    await _setup(hass, recorder_mock, config_entry)
    assert max(queued) == 7
    assert built == queued
    # The chunks add up to the same statistics as one call would write.
    _assert_equal(await _per(hass, "run_distance", "month"), _run_distance(athlete, 7))


async def test_a_restart_downloads_no_history(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    state: EmulatorState,
) -> None:
    await _setup(hass, recorder_mock, config_entry)
    before = await _per(hass, "all_distance", "month")
    state.log.clear()
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(state.log) > 0
    assert _history_requests(state) == []
    assert await _per(hass, "all_distance", "month") == before


async def test_an_update_writes_a_new_activity_without_requests_of_its_own(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,
    state: EmulatorState,
    frozen: FrozenDateTimeFactory,
) -> None:
    await _setup(hass, recorder_mock, config_entry)
    # An hourly update as it is without anything new: its requests.
    frozen.tick(timedelta(hours=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    state.log.clear()
    athlete.add_activity(
        start_local=datetime(2026, 6, 15, 11, 5),
        activity_type="Run",
        distance=12_345.0,
    )
    frozen.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _history_requests(state) == []
    months = await _per(hass, "run_distance", "month")
    assert months == pytest.approx(_run_distance(athlete, 7))
    assert months["2026-06"] >= 12_345.0


async def test_removing_the_entry_clears_its_statistics(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
) -> None:
    await _setup(hass, recorder_mock, config_entry)
    ids = await hass.async_add_executor_job(list_statistic_ids, hass)
    assert any(i["statistic_id"].startswith("intervals_icu:") for i in ids)
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)
    ids = await hass.async_add_executor_job(list_statistic_ids, hass)
    assert not any(i["statistic_id"].startswith("intervals_icu:") for i in ids)


async def test_import_history_action_rewrites_an_edited_old_activity(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,
    state: EmulatorState,
) -> None:
    await _setup(hass, recorder_mock, config_entry)
    # An activity of 2022, long out of the cache, is edited on Intervals.icu.
    old_run = next(
        a
        for a in athlete.activities
        if a.get("type") == "Run" and a["start_date_local"].startswith("2022")
    )
    old_run["distance"] += 100_000.0
    # And one of last year, which the daily re-read (this year) leaves alone.
    last_year_run = next(
        a
        for a in athlete.activities
        if a.get("type") == "Run" and a["start_date_local"].startswith("2025-0")
    )
    last_year_run["distance"] += 70_000.0
    # Updates do not read it again; the statistics still say what they said.
    assert (await _per(hass, "run_distance", "year"))["2022"] != pytest.approx(
        _run_distance(athlete, 4)["2022"]
    )
    state.log.clear()
    await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"config_entry_id": config_entry.entry_id},
        blocking=True,
    )
    await async_wait_recording_done(hass)
    assert _history_requests(state)
    _assert_equal(await _per(hass, "run_distance", "year"), _run_distance(athlete, 4))
    # The cache read last year again: last year's sensors know the edit too.
    last_year = hass.states.get("sensor.test_athlete_run_distance_last_year")
    assert last_year is not None
    assert float(last_year.state) == pytest.approx(
        _run_distance(athlete, 4)["2025"] / 1000
    )


async def test_import_history_action_errors(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    state: EmulatorState,
) -> None:
    await _setup(hass, recorder_mock, config_entry)
    state.add_fault(Fault.http_status(502, path="/activities"))
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "import_history",
            {"config_entry_id": config_entry.entry_id},
            blocking=True,
        )
    assert raised.value.translation_key == "request_server_error"
    state.clear_faults()
    # Without the recorder there are no statistics to import into.
    hass.config.components.remove("recorder")
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN,
            "import_history",
            {"config_entry_id": config_entry.entry_id},
            blocking=True,
        )
    assert refused.value.translation_key == "no_recorder"
    hass.config.components.add("recorder")
