"""Long-term statistics that survive interruptions, a new database, removal, zones.

Each test breaks what an adversarial probe broke (a real Home Assistant,
the emulator made hostile) and checks the statistics end up exact.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.statistics import writer
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.state import EmulatorState
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    get_metadata,
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.recorder import get_instance

from ..conftest import ATHLETE_ID
from .test_history import (
    ENTRY,
    GROUP_TYPES,
    RECORD,
    SI,
    assert_matches,
    athlete,  # noqa: F401 - the light athlete of the statistics tests
    history_requests,
    per,
    settle,
    setup,
)

NEW_YORK = ZoneInfo("America/New_York")


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload and set up again, as a restart of Home Assistant does."""
    await hass.config_entries.async_unload(entry.entry_id)
    await settle(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass)


async def our_statistics(hass: HomeAssistant) -> list[str]:
    found = await hass.async_add_executor_job(list_statistic_ids, hass)
    return [s["statistic_id"] for s in found if s["source"] == DOMAIN]


async def test_an_import_cut_off_is_done_again_at_the_next_start(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,  # noqa: F811
    state: EmulatorState,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await setup(hass, config_entry)

    async def crash(*args: Any, **kwargs: Any) -> int:
        raise asyncio.CancelledError  # Home Assistant stopped mid-import

    # The statistics were cleared and the sums written; the means never were.
    monkeypatch.setattr(writer, "async_add_means", crash)
    with pytest.raises((HomeAssistantError, asyncio.CancelledError)):
        await hass.services.async_call(
            DOMAIN, "import_history", {"config_entry_id": ENTRY}, blocking=True
        )
    monkeypatch.undo()
    await settle(hass)
    state.log.clear()
    await restart(hass, config_entry)
    assert history_requests(state)
    await assert_matches(hass, athlete)
    # The means the crash never wrote are there now.
    assert await per(hass, "fitness", "month")


async def test_a_new_database_gets_the_history_again(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,  # noqa: F811
    state: EmulatorState,
) -> None:
    """A corrupt database moved away, or a backup restored without it."""
    await setup(hass, config_entry)
    ids = await our_statistics(hass)
    get_instance(hass).async_clear_statistics(ids)
    await settle(hass)
    assert await our_statistics(hass) == []
    state.log.clear()
    await restart(hass, config_entry)
    assert history_requests(state)
    await assert_matches(hass, athlete)
    # And the next start trusts it again: no second download.
    state.log.clear()
    await restart(hass, config_entry)
    assert history_requests(state) == []


async def until_held(fault: Fault) -> None:
    """Let the loop run until the import reaches the held request.

    Its pages are summed in worker threads first, which takes longer on a
    busy machine; the clock is frozen, so turns of the loop are counted.
    """
    for _ in range(200_000):
        if fault.hits:
            return
        await asyncio.sleep(0)
    raise AssertionError("the import never asked for the wellness history")


async def test_removing_the_entry_during_an_import_leaves_nothing(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    state: EmulatorState,
    hass_storage: dict[str, Any],
) -> None:
    await setup(hass, config_entry)
    gate = asyncio.Event()
    held = state.add_fault(
        Fault.hold(gate, path="/wellness.json$", params={"fields": "id,ctl,atl"})
    )
    call = hass.async_create_task(
        hass.services.async_call(
            DOMAIN, "import_history", {"config_entry_id": ENTRY}, blocking=True
        )
    )
    await until_held(held)
    assert await hass.config_entries.async_remove(config_entry.entry_id)
    gate.set()
    with pytest.raises(HomeAssistantError):
        await call
    await settle(hass)
    assert await our_statistics(hass) == []
    assert RECORD not in hass_storage


async def test_a_reload_during_an_import_runs_one_import_at_a_time(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,  # noqa: F811
    state: EmulatorState,
) -> None:
    await setup(hass, config_entry)
    gate = asyncio.Event()
    held = state.add_fault(
        Fault.hold(gate, path="/wellness.json$", params={"fields": "id,ctl,atl"})
    )
    call = hass.async_create_task(
        hass.services.async_call(
            DOMAIN, "import_history", {"config_entry_id": ENTRY}, blocking=True
        )
    )
    await until_held(held)
    # The options change: the entry reloads; the old import goes with it.
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    gate.set()
    with pytest.raises(HomeAssistantError):
        await call
    await settle(hass)
    await assert_matches(hass, athlete)


@pytest.mark.parametrize("whose", ["athlete", "home assistant"])
async def test_a_new_time_zone_rewrites_every_hour_and_day(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,  # noqa: F811
    state: EmulatorState,
    frozen: FrozenDateTimeFactory,
    monkeypatch: pytest.MonkeyPatch,
    whose: str,
) -> None:
    if whose == "home assistant":
        # The athlete has no zone: Home Assistant's counts.
        record = athlete.record
        monkeypatch.setattr(athlete, "record", lambda: {**record(), "timezone": None})
    await setup(hass, config_entry)
    state.log.clear()
    if whose == "athlete":
        athlete.timezone = "America/New_York"
    else:
        await hass.config.async_update(time_zone="America/New_York")
    # The athlete is read again with the first update of the next day.
    frozen.move_to(datetime(2026, 6, 16, 12, tzinfo=UTC))
    async_fire_time_changed(hass)
    await settle(hass)
    assert history_requests(state)
    # Every hour is New York's now: each row holds the sum up to its hour,
    # counting each run once.
    sid = f"{DOMAIN}:{ATHLETE_ID}_run_distance"
    rows = await hass.async_add_executor_job(
        lambda: statistics_during_period(
            hass, datetime(2000, 1, 1, tzinfo=UTC), None, {sid}, "hour", SI, {"sum"}
        )
    )
    runs = sorted(
        (
            datetime.fromisoformat(a["start_date_local"]).replace(tzinfo=NEW_YORK),
            a.get("distance") or 0.0,
        )
        for a in athlete.activities
        if a.get("source") != "STRAVA" and a.get("type") in GROUP_TYPES["run"]
    )
    for row in rows[sid]:
        end = datetime.fromtimestamp(row["start"], UTC) + timedelta(hours=1)
        want = sum(distance for start, distance in runs if start < end)
        assert row["sum"] == pytest.approx(want), row
    assert rows[sid][-1]["sum"] == pytest.approx(sum(d for _, d in runs))
    # One fitness row per day, at New York's midnight.
    fitness = f"{DOMAIN}:{ATHLETE_ID}_fitness"
    days = await hass.async_add_executor_job(
        lambda: statistics_during_period(
            hass,
            datetime(2000, 1, 1, tzinfo=UTC),
            None,
            {fitness},
            "hour",
            None,
            {"mean"},
        )
    )
    starts = [datetime.fromtimestamp(r["start"], NEW_YORK) for r in days[fitness]]
    assert all(s.hour == 0 for s in starts)
    assert len({s.date() for s in starts}) == len(starts)


async def test_the_sums_follow_the_unit_system_without_a_download(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    config_entry: MockConfigEntry,
    athlete: Athlete,  # noqa: F811
    state: EmulatorState,
) -> None:
    await setup(hass, config_entry)
    sid = f"{DOMAIN}:{ATHLETE_ID}_run_distance"
    climb = f"{DOMAIN}:{ATHLETE_ID}_run_elevation_gain"

    async def units() -> tuple[str, str]:
        await settle(hass)
        found = await hass.async_add_executor_job(lambda: get_metadata(hass))
        return (
            found[sid][1]["unit_of_measurement"],
            found[climb][1]["unit_of_measurement"],
        )

    assert await units() == ("km", "m")
    stored_km = await last_stored(hass, sid)
    state.log.clear()
    await hass.config.async_update(unit_system="us_customary")
    assert await units() == ("mi", "ft")
    # Converted, not downloaded again: the same sums, in miles.
    assert history_requests(state) == []
    assert await last_stored(hass, sid) == pytest.approx(stored_km / 1.609344)
    await assert_matches(hass, athlete)
    # And it stays so over a restart, and back.
    await restart(hass, config_entry)
    assert await units() == ("mi", "ft")
    await hass.config.async_update(unit_system="metric")
    assert await units() == ("km", "m")
    assert await last_stored(hass, sid) == pytest.approx(stored_km)
    await assert_matches(hass, athlete)
    assert history_requests(state) == []


async def last_stored(hass: HomeAssistant, sid: str) -> float:
    """The newest sum as stored, in the statistic's own unit."""
    found = await hass.async_add_executor_job(
        lambda: statistics_during_period(
            hass, datetime(2000, 1, 1, tzinfo=UTC), None, {sid}, "hour", None, {"sum"}
        )
    )
    return float(found[sid][-1]["sum"])
