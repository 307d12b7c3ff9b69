"""Long-term statistics of a configured athlete: import, upkeep, restarts, removal.

Each test runs the integration in Home Assistant with a real recorder and
checks what the recorder holds against sums straight from the emulator's
records. The recorder checks every row it imports (a few seconds for these
years), so a test follows one entry through several steps of its life
instead of importing again for each. What is written when is planned by
pure code, tested in tests/unit/test_statistics_*.py.
"""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
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

from custom_components.intervals_icu.const import DEFAULT_GROUPS, DOMAIN
from custom_components.intervals_icu.statistics import writer
from emulator.faults import Fault
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.state import EmulatorState
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    get_metadata,
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er

from ..conftest import API_KEY, ATHLETE_ID, NOW

ZONE = "Europe/Amsterdam"
AMS = ZoneInfo(ZONE)
GROUP_TYPES = {**{g: set(t) for g, t in DEFAULT_GROUPS.items()}, "all": None}
ENTRY = "01JINTERVALSICUTESTENTRY00"
RECORD = f"{DOMAIN}.{ENTRY}.history"
# Read back in SI, whatever the unit the statistics are stored in.
SI = {"distance": "m", "duration": "s"}


@pytest.fixture
def athlete(frozen: FrozenDateTimeFactory) -> Athlete:
    """Four years and a half of history, light enough for the recorder.

    The recorder checks each row it imports; an activity makes ten (its
    group's five sums and those of all activities).
    """
    athlete = generate_athlete(
        seed=9,
        athlete_id=ATHLETE_ID,
        name="Test Athlete",
        api_key=API_KEY,
        timezone=ZONE,
        activities_per_year=20,
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


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await hass.config.async_update(time_zone=ZONE)
    if hass.config_entries.async_get_entry(entry.entry_id) is None:
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)


async def settle(hass: HomeAssistant) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)


async def per(hass: HomeAssistant, key: str, period: str) -> dict[str, float]:
    """The change of a statistic per local year ("2024") or month ("2024-05")."""
    await async_wait_recording_done(hass)
    sid = f"{DOMAIN}:{ATHLETE_ID}_{key}"
    rows = await hass.async_add_executor_job(
        statistics_during_period,
        hass,
        datetime(2000, 1, 1, tzinfo=UTC),
        None,
        {sid},
        period,
        SI,
        {"change", "mean"},
    )
    size = 4 if period == "year" else 7
    totals: dict[str, float] = defaultdict(float)
    for row in rows.get(sid, []):
        label = datetime.fromtimestamp(row["start"], AMS).isoformat()[:size]
        value = row["change"] if row.get("change") is not None else row.get("mean")
        totals[label] += value or 0.0
    return {k: v for k, v in totals.items() if v}


async def last_sum(hass: HomeAssistant, key: str) -> float | None:
    sid = f"{DOMAIN}:{ATHLETE_ID}_{key}"
    found = await hass.async_add_executor_job(
        lambda: statistics_during_period(
            hass, datetime(2000, 1, 1, tzinfo=UTC), None, {sid}, "hour", SI, {"sum"}
        )
    )
    return found[sid][-1]["sum"] if found else None


def oracle(athlete: Athlete, group: str, field: str, size: int) -> dict[str, float]:
    """Sums straight from the emulator's records, per local year or month."""
    types = GROUP_TYPES[group]
    totals: dict[str, float] = defaultdict(float)
    for a in athlete.activities:
        if a.get("source") == "STRAVA":
            continue
        if types is not None and a.get("type") not in types:
            continue
        value = 1.0 if field == "count" else float(a.get(field) or 0.0)
        totals[a["start_date_local"][:size]] += value
    return {k: v for k, v in totals.items() if v}


def assert_equal(got: dict[str, float], want: dict[str, float]) -> None:
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-6), key


async def assert_matches(hass: HomeAssistant, athlete: Athlete) -> None:
    """Every period and the final sums are the emulator's."""
    assert_equal(
        await per(hass, "run_distance", "month"), oracle(athlete, "run", "distance", 7)
    )
    assert_equal(
        await per(hass, "all_count", "year"), oracle(athlete, "all", "count", 4)
    )
    assert_equal(
        await per(hass, "ride_moving_time", "year"),
        oracle(athlete, "ride", "moving_time", 4),
    )
    total = sum(oracle(athlete, "run", "distance", 4).values())
    assert await last_sum(hass, "run_distance") == pytest.approx(total)
    # Every hourly row holds the sum of everything up to its hour: a row
    # left behind by a deleted or moved activity would not.
    sid = f"{DOMAIN}:{ATHLETE_ID}_run_distance"
    rows = await hass.async_add_executor_job(
        lambda: statistics_during_period(
            hass, datetime(2000, 1, 1, tzinfo=UTC), None, {sid}, "hour", SI, {"sum"}
        )
    )
    runs = sorted(
        (
            datetime.fromisoformat(a["start_date_local"]).replace(tzinfo=AMS),
            a.get("distance") or 0.0,
        )
        for a in athlete.activities
        if a.get("source") != "STRAVA" and a.get("type") in GROUP_TYPES["run"]
    )
    for row in rows[sid]:
        end = datetime.fromtimestamp(row["start"], UTC) + timedelta(hours=1)
        want = sum(distance for start, distance in runs if start < end)
        assert row["sum"] == pytest.approx(want), row


def history_requests(state: EmulatorState) -> list[Any]:
    """Requests only the history import makes."""
    return [
        r
        for r in state.log
        if (r.path.endswith("/activities") and r.query["oldest"][0] < "2000")
        or r.query.get("fields") == ["id,ctl,atl"]
    ]


async def next_hour(hass: HomeAssistant, frozen: FrozenDateTimeFactory) -> None:
    frozen.tick(timedelta(hours=1, seconds=1))
    async_fire_time_changed(hass)
    await settle(hass)


async def test_first_setup_imports_every_year(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,
    state: EmulatorState,
    hass_storage: dict[str, Any],
) -> None:
    # Years of rows keep the recorder busy: not while setting up, not at boot.
    hass.set_state(CoreState.starting)
    await setup(hass, config_entry)
    assert hass.states.get("sensor.test_athlete_run_distance_this_year") is not None
    assert history_requests(state) == []
    assert await per(hass, "run_distance", "year") == {}
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await settle(hass)

    years = await per(hass, "run_distance", "year")
    assert set(years) == {"2022", "2023", "2024", "2025", "2026"}
    await assert_matches(hass, athlete)
    # Fitness: the mean of the days of each month, from the first activity on.
    first = min(a["start_date_local"][:10] for a in athlete.activities)
    by_month: dict[str, list[float]] = defaultdict(list)
    for day, record in athlete.wellness.items():
        if first <= day <= NOW.date().isoformat():
            by_month[day[:7]].append(record["ctl"])
    fitness = await per(hass, "fitness", "month")
    assert_equal(fitness, {m: sum(v) / len(v) for m, v in by_month.items()})
    # The cache's two years are not fetched twice.
    requests = history_requests(state)
    assert requests
    assert all(
        r.query["newest"][0] < "2025-01-01"
        for r in requests
        if r.path.endswith("/activities")
    )
    record = hass_storage[RECORD]["data"]
    assert record["complete"] is True
    assert record["zone"] == ZONE
    assert record["window_start"] == "2025-01-01"
    # What lies before the window is the record's base.
    assert record["base"][f"{ATHLETE_ID}_run_distance"] == pytest.approx(
        sum(v for y, v in oracle(athlete, "run", "distance", 4).items() if y < "2025")
    )

    # The names and units the statistics graph card shows.
    metadata = await hass.async_add_executor_job(lambda: get_metadata(hass))
    run = metadata[f"{DOMAIN}:{ATHLETE_ID}_run_distance"][1]
    assert run["name"] == "Test Athlete run distance"
    assert (run["source"], run["has_sum"]) == (DOMAIN, True)
    # Stored as the cards show them: km, h and m on a metric installation.
    assert (run["unit_of_measurement"], run["unit_class"]) == ("km", "distance")
    moving = metadata[f"{DOMAIN}:{ATHLETE_ID}_run_moving_time"][1]
    assert (moving["unit_of_measurement"], moving["unit_class"]) == ("h", "duration")
    climb = metadata[f"{DOMAIN}:{ATHLETE_ID}_run_elevation_gain"][1]
    assert climb["unit_of_measurement"] == "m"
    assert metadata[f"{DOMAIN}:{ATHLETE_ID}_all_count"][1]["name"] == (
        "Test Athlete activities"
    )
    fitness_meta = metadata[f"{DOMAIN}:{ATHLETE_ID}_fitness"][1]
    assert (fitness_meta["has_sum"], fitness_meta["mean_type"]) == (False, 1)
    # The unit class lets the recorder convert: miles on request.
    sid = f"{DOMAIN}:{ATHLETE_ID}_run_distance"
    miles = await hass.async_add_executor_job(
        lambda: statistics_during_period(
            hass,
            datetime(2000, 1, 1, tzinfo=UTC),
            None,
            {sid},
            "year",
            {"distance": "mi"},
            {"change"},
        )
    )
    assert sum(r["change"] for r in miles[sid]) == pytest.approx(
        sum(years.values()) / 1609.344
    )


async def test_restarts_upgrades_and_removal(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,
    state: EmulatorState,
    hass_storage: dict[str, Any],
) -> None:
    await setup(hass, config_entry)
    before = await per(hass, "all_distance", "month")
    state.log.clear()
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await settle(hass)
    assert len(state.log) > 0
    assert history_requests(state) == []
    assert await per(hass, "all_distance", "month") == before
    await assert_matches(hass, athlete)

    # The record of an older version (which groups, nothing else) beside its
    # statistics: everything is imported again. Damaged records read as none
    # too (tests/unit/test_statistics_plan.py).
    assert await hass.config_entries.async_unload(config_entry.entry_id)
    await settle(hass)
    hass_storage[RECORD] = {
        "version": 1,
        "minor_version": 1,
        "key": RECORD,
        "data": {"athlete_id": ATHLETE_ID, "groups": {"run": ["Run"]}},
    }
    state.log.clear()
    athlete.add_activity(
        start_local=datetime(2024, 5, 4, 9, 0), activity_type="Run", distance=7_000.0
    )
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await settle(hass)
    assert history_requests(state)
    await assert_matches(hass, athlete)
    assert hass_storage[RECORD]["data"]["complete"] is True

    # Removing the entry takes its statistics and its record along.
    ids = await hass.async_add_executor_job(list_statistic_ids, hass)
    assert any(i["statistic_id"].startswith(f"{DOMAIN}:") for i in ids)
    assert RECORD in hass_storage
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    await settle(hass)
    ids = await hass.async_add_executor_job(list_statistic_ids, hass)
    assert not any(i["statistic_id"].startswith(f"{DOMAIN}:") for i in ids)
    assert RECORD not in hass_storage


async def test_updates_write_new_edited_and_deleted_activities(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,
    state: EmulatorState,
    frozen: FrozenDateTimeFactory,
) -> None:
    # Runs of this year, in the cache: one to edit, one to delete, and one
    # before both.
    for day in ("2026-02-03", "2026-03-10", "2026-04-21"):
        athlete.add_activity(
            start_local=f"{day}T07:30:00", activity_type="Run", distance=9_000.0
        )
    await setup(hass, config_entry)
    await next_hour(hass, frozen)
    state.log.clear()
    # A new run: written by the next update, which asks for nothing more.
    athlete.add_activity(
        start_local=datetime(2026, 6, 15, 11, 5), activity_type="Run", distance=12_345.0
    )
    await next_hour(hass, frozen)
    assert history_requests(state) == []
    await assert_matches(hass, athlete)
    # The daily re-read finds an edit and a deletion in the cached years.
    runs = sorted(
        (
            a
            for a in athlete.activities
            if a.get("type") == "Run" and "2026-01" <= a["start_date_local"] < "2026-06"
        ),
        key=lambda a: a["start_date_local"],
    )
    earlier, deleted, edited = runs[0], runs[len(runs) // 2], runs[-1]
    assert len({earlier["id"], deleted["id"], edited["id"]}) == 3
    edited["distance"] += 5_000.0
    athlete.delete_activity(deleted["id"])
    frozen.move_to(datetime(2026, 6, 16, 0, 1, tzinfo=AMS))
    async_fire_time_changed(hass)
    await settle(hass)
    await assert_matches(hass, athlete)
    # Later an earlier activity changes: the hour the deleted run left empty
    # holds the new sum too.
    earlier["distance"] += 1_000.0
    frozen.move_to(datetime(2026, 6, 17, 0, 1, tzinfo=AMS))
    async_fire_time_changed(hass)
    await settle(hass)
    await assert_matches(hass, athlete)
    assert history_requests(state) == []


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_import_history_action_rewrites_an_edited_old_activity(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,
    state: EmulatorState,
) -> None:
    await setup(hass, config_entry)
    # A failed request is the user's error to see; nothing changes.
    state.add_fault(Fault.http_status(502, path="/activities"))
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN, "import_history", {"config_entry_id": ENTRY}, blocking=True
        )
    assert raised.value.translation_key == "request_server_error"
    state.clear_faults()
    await settle(hass)
    await assert_matches(hass, athlete)
    # Without the recorder there are no statistics to import into.
    hass.config.components.remove("recorder")
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN, "import_history", {"config_entry_id": ENTRY}, blocking=True
        )
    assert refused.value.translation_key == "no_recorder"
    hass.config.components.add("recorder")

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
    assert (await per(hass, "run_distance", "year"))["2022"] != pytest.approx(
        oracle(athlete, "run", "distance", 4)["2022"]
    )
    state.log.clear()
    await hass.services.async_call(
        DOMAIN, "import_history", {"config_entry_id": ENTRY}, blocking=True
    )
    await settle(hass)
    assert history_requests(state)
    await assert_matches(hass, athlete)
    # The cache read last year again: last year's sensors know the edit too.
    last_year_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{ATHLETE_ID}_run_distance_last_year"
    )
    assert last_year_id is not None
    last_year = hass.states.get(last_year_id)
    assert last_year is not None
    assert float(last_year.state) == pytest.approx(
        oracle(athlete, "run", "distance", 4)["2025"] / 1000
    )


def test_metadata_has_exactly_the_fields_of_the_installed_home_assistant() -> None:
    """A field Home Assistant adds or drops shows up here first."""
    from homeassistant.components.recorder.models import StatisticMetaData  # noqa: PLC0415

    wanted = StatisticMetaData.__required_keys__ | StatisticMetaData.__optional_keys__
    # `has_mean` is deprecated (only read when `mean_type` is missing).
    wanted -= {"has_mean"}
    assert set(writer.sum_metadata("x", "distance", "X")) == wanted
    assert set(writer.mean_metadata("x", "X")) == wanted
