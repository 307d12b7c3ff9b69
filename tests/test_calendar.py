"""The training calendar, in the athlete's time zone."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.intervals_icu import calendar
from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DOMAIN
from emulator.faults import Fault
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from emulator.state import EmulatorState
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import (
    CONF_API_KEY,
    CONF_URL,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er

from .conftest import ATHLETE_ID, NOW, assert_platform_snapshot

NEW_YORK = ZoneInfo("America/New_York")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

KEY = "ny-key"


def ny_athlete() -> Athlete:
    """A New York athlete without generated events (the tests add their own)."""
    return generate_athlete(
        seed=5,
        athlete_id=ATHLETE_ID,
        name="New York Athlete",
        api_key=KEY,
        timezone="America/New_York",
        activities_per_year=0,
        start=date(2026, 6, 1),
        end=date(2026, 6, 15),
        now=NOW,
    )


def add_week(athlete: Athlete) -> dict[str, dict]:
    """A week of plan around NOW (06:00 on Monday 15 June in New York)."""
    events = {
        # All-day on the athlete's Sunday: Home Assistant's Sunday too, before
        # a range that starts on Monday in Amsterdam.
        "sunday_note": athlete.add_event(
            start_local=date(2026, 6, 14), category="NOTE", name="Rest"
        ),
        # 20:00 on Sunday in New York is 02:00 on Monday in Amsterdam.
        "evening_spin": athlete.add_event(
            start_local="2026-06-14T20:00:00",
            name="Evening spin",
            event_type="VirtualRide",
            moving_time=3600,
            end_local="2026-06-14T21:00:00",
        ),
        "long_run": athlete.add_event(
            start_local="2026-06-16T00:00:00",
            name="Long run",
            event_type="Run",
            moving_time=5400,
            distance=18000.0,
            icu_training_load=95,
            description="Easy, conversational.",
        ),
        "ride": athlete.add_event(
            start_local="2026-06-16T18:00:00",
            event_type="Ride",
            moving_time=3600,
            icu_training_load=60,
        ),
        "sick": athlete.add_event(
            start_local="2026-06-18T00:00:00",
            end_local="2026-06-18T12:00:00",
            category="SICK",
            name="Cold",
        ),
        "travel": athlete.add_event(
            start_local="2026-06-19T23:30:00", category="NOTE", name="Flight"
        ),
        "race": athlete.add_event(start_local=date(2026, 6, 20), category="RACE_A"),
        "holiday": athlete.add_event(
            start_local=date(2026, 6, 22),
            end_local=date(2026, 6, 25),
            category="HOLIDAY",
            name="Beach",
        ),
        "later": athlete.add_event(
            start_local="2026-07-10T07:00:00", name="Later", moving_time=3600
        ),
    }
    # The unnamed ones: the service sends no name for them.
    events["ride"]["name"] = None
    events["race"]["name"] = None
    return events


@asynccontextmanager
async def running(
    hass: HomeAssistant, athlete: Athlete
) -> AsyncIterator[EmulatorServer]:
    """The athlete's emulator and a loaded entry for it."""
    async with EmulatorServer(EmulatorState.with_athletes(athlete)) as server:
        entry = MockConfigEntry(
            domain=DOMAIN,
            title=athlete.name,
            unique_id=athlete.id,
            data={
                CONF_API_KEY: athlete.api_key,
                CONF_ATHLETE_ID: athlete.id,
                CONF_URL: server.url,
            },
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        yield server
        assert await hass.config_entries.async_unload(entry.entry_id)


def entity_id_of(entity_registry: er.EntityRegistry, platform: str, key: str) -> str:
    entity_id = entity_registry.async_get_entity_id(
        platform, DOMAIN, f"{ATHLETE_ID}_{key}"
    )
    assert entity_id, key
    return entity_id


async def get_events(
    hass: HomeAssistant, entity_id: str, start: datetime, end: datetime
) -> list[dict]:
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": entity_id, "start_date_time": start, "end_date_time": end},
        blocking=True,
        return_response=True,
    )
    return response[entity_id]["events"]


def when(value: str) -> date | datetime:
    """A date stays a date; a date-time is compared as an instant."""
    return (
        date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    )


@pytest.fixture
async def new_york(
    hass: HomeAssistant, frozen: FrozenDateTimeFactory, socket_enabled: None
) -> AsyncIterator[tuple[Athlete, EmulatorServer]]:
    """Home Assistant in Amsterdam, the athlete in New York, with a week of plan."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    athlete = ny_athlete()
    add_week(athlete)
    async with running(hass, athlete) as server:
        yield athlete, server


@pytest.fixture
def platforms() -> list[Platform]:
    """The calendar, and the next-workout sensor an empty plan leaves unknown."""
    return [Platform.CALENDAR, Platform.SENSOR]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    config_entry: MockConfigEntry,
) -> None:
    """Every calendar's registry entry and state, as a user would see them."""
    await assert_platform_snapshot(
        hass, entity_registry, snapshot, config_entry, Platform.CALENDAR
    )


async def test_week_in_athlete_zone(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    new_york: tuple[Athlete, EmulatorServer],
) -> None:
    """Home Assistant's week (Amsterdam) shows the athlete's plan on the athlete's days."""
    _, server = new_york
    entity_id = entity_id_of(entity_registry, "calendar", "calendar")
    start = datetime(2026, 6, 15, tzinfo=AMSTERDAM)
    events = await get_events(hass, entity_id, start, start + timedelta(days=8))

    shown = [(e["summary"], when(e["start"]), when(e["end"])) for e in events]
    assert shown == [
        # Sunday 20:00 in New York overlaps Monday in Amsterdam; Sunday's
        # all-day note does not.
        (
            "Evening spin",
            datetime(2026, 6, 14, 20, tzinfo=NEW_YORK),
            datetime(2026, 6, 14, 21, tzinfo=NEW_YORK),
        ),
        ("Long run", date(2026, 6, 16), date(2026, 6, 17)),
        # 18:00 in New York is midnight in Amsterdam: still the athlete's 16th.
        (
            "Ride workout",
            datetime(2026, 6, 16, 18, tzinfo=NEW_YORK),
            datetime(2026, 6, 16, 19, tzinfo=NEW_YORK),
        ),
        # Sick until noon is still a day off.
        ("Cold", date(2026, 6, 18), date(2026, 6, 19)),
        # A note with a time and no end lasts an hour.
        (
            "Flight",
            datetime(2026, 6, 19, 23, 30, tzinfo=NEW_YORK),
            datetime(2026, 6, 20, 0, 30, tzinfo=NEW_YORK),
        ),
        ("Race A", date(2026, 6, 20), date(2026, 6, 21)),
        ("Beach", date(2026, 6, 22), date(2026, 6, 25)),
    ]
    long_run = events[1]
    assert long_run["description"] == (
        "Easy, conversational.\n\nDuration: 1 h 30 min\nDistance: 18.0 km\nLoad: 95"
    )
    assert events[2]["description"] == "Duration: 1 h 00 min\nLoad: 60"
    assert "description" not in events[3]

    # One request, for the athlete's days the range touches, in the athlete's zone.
    [request] = server.state.log.matching("/events")[-1:]
    assert request.query["oldest"] == ["2026-06-14"]
    assert request.query["newest"] == ["2026-06-23"]


async def test_state_is_current_or_next(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    new_york: tuple[Athlete, EmulatorServer],
) -> None:
    entity_id = entity_id_of(entity_registry, "calendar", "calendar")
    state = hass.states.get(entity_id)
    # 06:00 on Monday in New York: the next item is Tuesday's long run.
    assert state.state == STATE_OFF
    assert state.attributes["message"] == "Long run"
    assert state.attributes["all_day"] is True
    assert state.attributes["start_time"] == "2026-06-16 00:00:00"

    # Tuesday 18:30 in New York: the ride is going on.
    freezer.move_to(datetime(2026, 6, 16, 18, 30, tzinfo=NEW_YORK))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    state = hass.states.get(entity_id)
    assert state.state == STATE_ON
    assert state.attributes["message"] == "Ride workout"
    # Shown in Home Assistant's zone: 18:00 in New York is midnight in Amsterdam.
    assert state.attributes["start_time"] == "2026-06-17 00:00:00"


async def test_ranges_are_cached_briefly(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    new_york: tuple[Athlete, EmulatorServer],
) -> None:
    athlete, server = new_york
    entity_id = entity_id_of(entity_registry, "calendar", "calendar")
    start = datetime(2026, 7, 6, tzinfo=AMSTERDAM)
    log = server.state.log

    before = log.count("/events")
    first = await get_events(hass, entity_id, start, start + timedelta(days=7))
    assert [e["summary"] for e in first] == ["Later"]
    # A calendar trigger asks for the same days again: no second request.
    athlete.add_event(start_local="2026-07-08T07:00:00", name="Added", moving_time=3600)
    again = await get_events(
        hass, entity_id, start + timedelta(hours=1), start + timedelta(days=7)
    )
    assert again == first
    assert log.count("/events") == before + 1

    freezer.tick(timedelta(minutes=6))
    fresh = await get_events(hass, entity_id, start, start + timedelta(days=7))
    assert [e["summary"] for e in fresh] == ["Added", "Later"]
    assert log.count("/events") == before + 2


async def test_range_error(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    new_york: tuple[Athlete, EmulatorServer],
) -> None:
    """A range that cannot be fetched is an error, not an empty calendar."""
    _, server = new_york
    server.state.add_fault(Fault.http_status(502, path="/events"))
    entity_id = entity_id_of(entity_registry, "calendar", "calendar")
    start = datetime(2026, 8, 3, tzinfo=AMSTERDAM)
    with pytest.raises(HomeAssistantError) as err:
        await get_events(hass, entity_id, start, start + timedelta(days=7))
    assert err.value.translation_key == "request_server_error"
    assert err.value.translation_placeholders == {"status": "502"}


async def test_near_days_hourly_all_days_daily(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    new_york: tuple[Athlete, EmulatorServer],
) -> None:
    """Each hour the days the entities show; the two weeks and the week once a day."""
    athlete, server = new_york
    log = server.state.log
    entity_id = entity_id_of(entity_registry, "calendar", "calendar")

    async def next_update() -> None:
        freezer.tick(timedelta(hours=1, seconds=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)

    log.clear()
    await next_update()
    # Monday: the next item and workout (Tuesday's long run) are tomorrow.
    [events] = log.matching("/events")
    assert (events.query["oldest"], events.query["newest"]) == (
        ["2026-06-15"],
        ["2026-06-16"],
    )
    [wellness] = log.matching("/wellness")
    assert (wellness.query["oldest"], wellness.query["newest"]) == (
        ["2026-06-14"],
        ["2026-06-15"],
    )

    # A change to what the calendar shows is seen within the hour.
    athlete.delete_event(
        next(e["id"] for e in athlete.events if e["name"] == "Long run")
    )
    await next_update()
    assert hass.states.get(entity_id).attributes["message"] == "Ride workout"

    # The first update of the athlete's day reads the two weeks and the week.
    log.clear()
    freezer.move_to(datetime(2026, 6, 16, 0, 1, tzinfo=NEW_YORK))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [r.query["newest"] for r in log.matching("/events")][:1] == [["2026-06-30"]]
    assert [r.query["oldest"] for r in log.matching("/wellness")][:1] == [
        ["2026-06-10"]
    ]


async def test_refused_key_starts_reauth_at_once(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    new_york: tuple[Athlete, EmulatorServer],
) -> None:
    """Scrolling the calendar with a regenerated key asks for the new key now."""
    athlete, server = new_york
    server.state.set_api_key(athlete.id, "regenerated-key")
    entity_id = entity_id_of(entity_registry, "calendar", "calendar")
    start = datetime(2026, 8, 3, tzinfo=AMSTERDAM)
    with pytest.raises(HomeAssistantError) as err:
        await get_events(hass, entity_id, start, start + timedelta(days=7))
    assert err.value.translation_key == "request_invalid_auth"
    await hass.async_block_till_done()
    [flow] = hass.config_entries.flow.async_progress()
    assert flow["context"]["source"] == SOURCE_REAUTH


async def test_demo_athlete_calendar(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
) -> None:
    """The generated plan: every event of the next days, none missing, none extra."""
    entity_id = entity_id_of(entity_registry, "calendar", "calendar")
    zone = ZoneInfo(athlete.timezone)
    # Both in Amsterdam: the days of the range are the athlete's days.
    await hass.config.async_set_time_zone(athlete.timezone)
    start = datetime(2026, 6, 15, tzinfo=zone)
    events = await get_events(hass, entity_id, start, start + timedelta(days=14))
    expected = athlete.events_between("2026-06-15T00:00:00", "2026-06-28T23:59:59")
    assert len(events) == len(expected) > 5
    for shown, record in zip(events, expected, strict=True):
        assert shown["summary"] == record["name"]
        start_local = datetime.fromisoformat(record["start_date_local"])
        if isinstance(when(shown["start"]), datetime):
            assert when(shown["start"]) == start_local.replace(tzinfo=zone)
        else:
            assert when(shown["start"]) == start_local.date()
            assert start_local.time() == datetime.min.time()


async def test_empty_plan(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    frozen: FrozenDateTimeFactory,
    socket_enabled: None,
) -> None:
    async with running(hass, ny_athlete()):
        state = hass.states.get(entity_id_of(entity_registry, "calendar", "calendar"))
        assert state.state == STATE_OFF
        assert "message" not in state.attributes
        sensor = hass.states.get(
            entity_id_of(entity_registry, "sensor", "next_workout")
        )
        assert sensor.state == "unknown"


async def test_cache_keeps_the_latest_ranges(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    monkeypatch: pytest.MonkeyPatch,
    new_york: tuple[Athlete, EmulatorServer],
) -> None:
    _, server = new_york
    monkeypatch.setattr(calendar, "CACHE_SIZE", 2)
    entity_id = entity_id_of(entity_registry, "calendar", "calendar")
    weeks = [
        datetime(2026, 9, 7, tzinfo=AMSTERDAM) + timedelta(weeks=n) for n in range(3)
    ]
    before = server.state.log.count("/events")
    for start in weeks:
        await get_events(hass, entity_id, start, start + timedelta(days=7))
    # The last two weeks are still cached; the first one had to make room.
    for start in weeks[1:]:
        await get_events(hass, entity_id, start, start + timedelta(days=7))
    assert server.state.log.count("/events") == before + 3
    await get_events(hass, entity_id, weeks[0], weeks[0] + timedelta(days=7))
    assert server.state.log.count("/events") == before + 4
