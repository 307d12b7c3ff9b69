"""Long-term statistics in the recorder: what it holds after import and rewrite."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
import json
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.intervals_icu import statistics as stats
from custom_components.intervals_icu.api import Activity, Wellness
from custom_components.intervals_icu.const import DEFAULT_GROUPS
from custom_components.intervals_icu.history import METRICS
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.models import StatisticMetaData
from homeassistant.components.recorder.statistics import (
    get_metadata,
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM

GROUPS = {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}
AMS = ZoneInfo("Europe/Amsterdam")
ATHLETE = "i424242"
NAME = "Demo Athlete"
EN = json.loads(
    (
        Path(__file__).parents[1]
        / "custom_components/intervals_icu/translations/en.json"
    ).read_text()
)


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


def run(ident: str, start: datetime, distance: float, **values: Any) -> Activity:
    return Activity(
        id=ident, start_local=start, type="Run", distance=distance, **values
    )


async def _rows(
    hass: HomeAssistant,
    key: str,
    period: str = "hour",
    start: datetime = datetime(2000, 1, 1, tzinfo=UTC),
    units: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    await async_wait_recording_done(hass)
    sid = stats.statistic_id(key)
    result = await hass.async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        None,
        {sid},
        period,
        units,
        {"sum", "state", "mean", "change"},
    )
    return list(result.get(sid, []))


async def _import(
    hass: HomeAssistant,
    activities: list[Activity],
    wellness: list[Wellness] = (),  # type: ignore[assignment]
) -> int:
    written = await stats.async_import_all(
        hass,
        athlete_id=ATHLETE,
        athlete_name=NAME,
        groups=GROUPS,
        zone=AMS,
        activities=activities,
        wellness=wellness,
    )
    await async_wait_recording_done(hass)
    return written


HISTORY = [
    run("a", datetime(2022, 3, 5, 8, 10), 10_000, moving_time=3600),
    run("b", datetime(2023, 7, 1, 7, 0), 21_100, moving_time=6900),
    Activity(
        id="c", start_local=datetime(2023, 7, 1, 7, 30), type="Ride", distance=50_000
    ),
    Activity(id="s", start_local=datetime(2024, 1, 2, 9), type=None, is_stub=True),
    run("d", datetime(2025, 12, 31, 23, 30), 5_000, moving_time=1500),
]


async def test_import_holds_cumulative_hourly_rows_and_metadata(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    written = await _import(hass, HISTORY)
    rows = await _rows(hass, f"{ATHLETE}_run_distance")
    assert [(datetime.fromtimestamp(r["start"], UTC), r["sum"]) for r in rows] == [
        (datetime(2022, 3, 5, 7, tzinfo=UTC), 10_000.0),
        (datetime(2023, 7, 1, 5, tzinfo=UTC), 31_100.0),
        (datetime(2025, 12, 31, 22, tzinfo=UTC), 36_100.0),
    ]
    assert [r["state"] for r in rows] == [r["sum"] for r in rows]
    all_count = await _rows(hass, f"{ATHLETE}_all_count")
    # Ride and run share one hour; the stub is never counted.
    assert [r["sum"] for r in all_count] == [1.0, 3.0, 4.0]
    # Rows: run 3 x 5 metrics, ride 1 x 5, all 3 x 5; swim has none.
    assert written == (3 + 1 + 3) * len(METRICS)
    metadata = await hass.async_add_executor_job(partial(get_metadata, hass))
    meta = metadata[stats.statistic_id(f"{ATHLETE}_run_distance")][1]
    assert meta["name"] == "Demo Athlete run distance"
    assert meta["source"] == "intervals_icu"
    assert meta["has_sum"] is True
    assert meta["unit_of_measurement"] == "m"
    assert meta["unit_class"] == "distance"
    assert (
        metadata[stats.statistic_id(f"{ATHLETE}_run_moving_time")][1]["unit_class"]
        == "duration"
    )
    assert metadata[stats.statistic_id(f"{ATHLETE}_all_count")][1]["name"] == (
        "Demo Athlete activities"
    )


async def test_year_and_month_totals_convert_to_miles(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    await _import(hass, HISTORY)
    await hass.config.async_update(time_zone="Europe/Amsterdam")
    rows = await _rows(hass, f"{ATHLETE}_run_distance", "year")
    assert [r["change"] for r in rows] == [10_000.0, 21_100.0, 5_000.0]
    miles = await _rows(
        hass, f"{ATHLETE}_run_distance", "month", units={"distance": "mi"}
    )
    assert [round(r["change"], 3) for r in miles] == [
        round(10_000 / 1609.344, 3),
        round(21_100 / 1609.344, 3),
        round(5_000 / 1609.344, 3),
    ]
    assert hass.config.units is not US_CUSTOMARY_SYSTEM


async def test_reimport_is_idempotent(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    await _import(hass, HISTORY)
    first = await _rows(hass, f"{ATHLETE}_all_distance")
    await _import(hass, HISTORY)
    assert await _rows(hass, f"{ATHLETE}_all_distance") == first


async def test_reimport_drops_a_deleted_activity(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    await _import(hass, HISTORY)
    await _import(hass, [a for a in HISTORY if a.id != "b"])
    rows = await _rows(hass, f"{ATHLETE}_run_distance")
    assert [r["sum"] for r in rows] == [10_000.0, 15_000.0]


async def test_an_edited_activity_rewrites_later_sums(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    await _import(hass, HISTORY)
    edited = [
        run("b", datetime(2023, 7, 1, 7, 0), 42_200, moving_time=6900)
        if a.id == "b"
        else a
        for a in HISTORY
    ]
    since = datetime(2023, 7, 1, 5, tzinfo=UTC)
    written = await stats.async_rewrite_from(
        hass,
        athlete_id=ATHLETE,
        athlete_name=NAME,
        groups=GROUPS,
        zone=AMS,
        # Only what the cache holds: everything from the change on.
        activities=[a for a in edited if a.start_local.year >= 2023],
        since=since,
    )
    assert written > 0
    rows = await _rows(hass, f"{ATHLETE}_run_distance")
    assert [r["sum"] for r in rows] == [10_000.0, 52_200.0, 57_200.0]
    # Untouched statistics keep their numbers.
    assert [r["sum"] for r in await _rows(hass, f"{ATHLETE}_ride_distance")] == [
        50_000.0
    ]


async def test_a_rewrite_after_a_deletion_leaves_no_stale_row(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    await _import(hass, HISTORY)
    remaining = [a for a in HISTORY if a.id not in {"b", "c"}]
    await stats.async_rewrite_from(
        hass,
        athlete_id=ATHLETE,
        athlete_name=NAME,
        groups=GROUPS,
        zone=AMS,
        activities=remaining,
        since=datetime(2023, 7, 1, 5, tzinfo=UTC),
    )
    rows = await _rows(hass, f"{ATHLETE}_run_distance")
    assert [r["sum"] for r in rows] == [10_000.0, 10_000.0, 15_000.0]
    total = await _rows(hass, f"{ATHLETE}_all_distance", "year")
    assert sum(r["change"] for r in total) == 15_000.0


async def test_sums_before_an_hour(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    await _import(hass, HISTORY)
    key = f"{ATHLETE}_run_distance"
    swim = f"{ATHLETE}_swim_distance"
    before = await stats.async_sums_before(
        hass, [key, swim], datetime(2023, 7, 1, 5, tzinfo=UTC)
    )
    assert before == {key: 10_000.0, swim: 0.0}
    after = await stats.async_sums_before(
        hass, [key], datetime(2023, 7, 1, 6, tzinfo=UTC)
    )
    assert after == {key: 31_100.0}
    assert await stats.async_sums_before(
        hass, [key], datetime(2020, 1, 1, tzinfo=UTC)
    ) == {key: 0.0}


async def test_daily_means(recorder_mock: Recorder, hass: HomeAssistant) -> None:
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(40)]
    wellness = [Wellness(day=d, ctl=40.0 + i, atl=50.0) for i, d in enumerate(days)]
    written = await _import(hass, [], wellness)
    assert written == 3 * 40
    await hass.config.async_update(time_zone="Europe/Amsterdam")
    fitness = await _rows(hass, f"{ATHLETE}_fitness", "month")
    # January: 40 + 0..30, mean 55; February: 40 + 31..39, mean 75.
    assert [r["mean"] for r in fitness] == pytest.approx([55.0, 75.0])
    form = await _rows(hass, f"{ATHLETE}_form", "day")
    assert form[0]["mean"] == pytest.approx(-10.0)
    assert len(form) == 40
    metadata = await hass.async_add_executor_job(partial(get_metadata, hass))
    meta = metadata[stats.statistic_id(f"{ATHLETE}_fitness")][1]
    assert meta["mean_type"] == 1
    assert meta["has_sum"] is False
    assert meta["name"] == "Demo Athlete fitness"


async def test_clear_removes_every_statistic_of_the_athlete(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    await _import(hass, HISTORY, [Wellness(day=date(2024, 1, 1), ctl=1.0, atl=2.0)])
    other = await stats.async_import_all(
        hass,
        athlete_id="i1",
        athlete_name="Other",
        groups=GROUPS,
        zone=AMS,
        activities=HISTORY,
        wellness=[],
    )
    assert other > 0
    await stats.async_clear(hass, ATHLETE)
    await async_wait_recording_done(hass)
    ids = {
        s["statistic_id"]
        for s in await hass.async_add_executor_job(list_statistic_ids, hass)
    }
    assert not any(i.startswith(f"intervals_icu:{ATHLETE}_") for i in ids)
    assert "intervals_icu:i1_run_distance" in ids


def test_metadata_has_exactly_the_fields_of_the_installed_home_assistant() -> None:
    """A field Home Assistant adds or drops shows up here first."""
    wanted = StatisticMetaData.__required_keys__ | StatisticMetaData.__optional_keys__
    # `has_mean` is deprecated (only read when `mean_type` is missing).
    wanted -= {"has_mean"}
    assert set(stats.sum_metadata("x", "distance", "X")) == wanted
    assert set(stats.mean_metadata("x", "X")) == wanted


def test_every_statistic_has_an_english_name() -> None:
    common = EN["common"]
    for group in (*DEFAULT_GROUPS, "all"):
        for metric in METRICS:
            assert "{athlete}" in common[f"statistic_{group}_{metric}"]
    for name in ("fitness", "fatigue", "form"):
        assert common[f"statistic_{name}"] == "{athlete} " + name


async def test_new_wellness_days_are_added_and_overwritten(
    recorder_mock: Recorder, hass: HomeAssistant
) -> None:
    await _import(hass, [], [Wellness(day=date(2024, 1, 1), ctl=40.0, atl=45.0)])
    written = await stats.async_add_wellness(
        hass,
        athlete_id=ATHLETE,
        athlete_name=NAME,
        zone=AMS,
        wellness=[
            Wellness(day=date(2024, 1, 1), ctl=41.0, atl=45.0),
            Wellness(day=date(2024, 1, 2), ctl=42.0, atl=44.0),
        ],
    )
    assert written == 6
    fitness = await _rows(hass, f"{ATHLETE}_fitness")
    assert [r["mean"] for r in fitness] == [41.0, 42.0]
