"""Writing the calendar: Home Assistant's dialog and calendar.create_event, both ways."""

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import (
    ClientSessionGenerator,
    WebSocketGenerator,
)

from emulator.model import Athlete
from emulator.server import EmulatorServer
from homeassistant.components.calendar import CalendarEntityFeature
from homeassistant.const import ATTR_SUPPORTED_FEATURES
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .conftest import ATHLETE_ID

CALENDAR = "calendar.test_athlete_training_plan"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A week with nothing planned: only what a test writes is there.
WEEK = datetime(2026, 7, 20, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
async def amsterdam(frozen: FrozenDateTimeFactory, hass: HomeAssistant) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")


@pytest.fixture
def athlete(athlete: Athlete) -> Athlete:
    """The seeded athlete, with nothing planned in the week of 20 July."""
    athlete.events = [
        e
        for e in athlete.events
        if not "2026-07-19" <= e["start_date_local"] < "2026-07-28"
    ]
    return athlete


type Week = Callable[[], Awaitable[list[dict[str, Any]]]]


@pytest.fixture
async def week(
    frozen: FrozenDateTimeFactory,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    setup_integration: MockConfigEntry,
) -> Week:
    """The week of 20 July as the frontend reads it (`/api/calendars`, with uids)."""
    client = await hass_client()

    async def read() -> list[dict[str, Any]]:
        response = await client.get(
            f"/api/calendars/{CALENDAR}",
            params={
                "start": WEEK.isoformat(),
                "end": (WEEK + timedelta(days=7)).isoformat(),
            },
        )
        assert response.status == 200, await response.text()
        return [
            {
                **e,
                "start": e["start"].get("date") or e["start"]["dateTime"],
                "end": e["end"].get("date") or e["end"]["dateTime"],
            }
            for e in await response.json()
        ]

    return read


def requests(emulator: EmulatorServer) -> list[tuple[str, str]]:
    return [
        (r.method, r.path.split(f"/{ATHLETE_ID}", 1)[1]) for r in emulator.state.log
    ]


def written(athlete: Athlete, name: str) -> dict[str, Any]:
    [event] = [e for e in athlete.events if e.get("name") == name]
    return event


class Dialog:
    """Home Assistant's calendar dialog: the websocket commands the frontend sends."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.id = 0

    async def send(self, command: str, **data: Any) -> dict[str, Any]:
        self.id += 1
        await self.client.send_json(
            {
                "id": self.id,
                "type": f"calendar/event/{command}",
                "entity_id": CALENDAR,
                **data,
            }
        )
        reply: dict[str, Any] = await self.client.receive_json()
        assert reply["id"] == self.id
        return reply


@pytest.fixture
async def dialog(
    frozen: FrozenDateTimeFactory,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
) -> Dialog:
    return Dialog(await hass_ws_client(hass))


async def test_the_calendar_can_be_written(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    state = hass.states.get(CALENDAR)
    assert state is not None
    assert state.attributes[ATTR_SUPPORTED_FEATURES] == (
        CalendarEntityFeature.CREATE_EVENT
        | CalendarEntityFeature.UPDATE_EVENT
        | CalendarEntityFeature.DELETE_EVENT
    )


async def test_create_event_makes_a_workout_of_a_sport(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    week: Week,
) -> None:
    assert await week() == []
    emulator.state.log.clear()
    await hass.services.async_call(
        "calendar",
        "create_event",
        {
            "entity_id": CALENDAR,
            "summary": "Ride: Sweet spot",
            "description": "- 15m Z2\n2x\n- 20m 90%\n- 5m 55%\n\n- 10m Z1",
            "start_date_time": "2026-07-21 18:00:00",
            "end_date_time": "2026-07-21 19:00:00",
        },
        blocking=True,
    )
    event = written(athlete, "Sweet spot")
    assert (event["category"], event["type"]) == ("WORKOUT", "Ride")
    assert event["start_date_local"] == "2026-07-21T18:00:00"
    assert event["moving_time"] == (15 + 50 + 10) * 60
    # One request, and the week shown before follows without another.
    assert requests(emulator) == [("POST", "/events")]
    [entry] = await week()
    assert requests(emulator) == [("POST", "/events")]
    assert entry["summary"] == "Sweet spot"
    assert entry["uid"] == str(event["id"])
    assert entry["start"] == "2026-07-21T18:00:00+02:00"
    assert entry["description"].startswith("- 15m Z2")


async def test_a_plain_entry_is_a_note_of_whole_days(
    hass: HomeAssistant,
    athlete: Athlete,
    setup_integration: MockConfigEntry,
    week: Week,
) -> None:
    await hass.services.async_call(
        "calendar",
        "create_event",
        {
            "entity_id": CALENDAR,
            "summary": "Training camp",
            "start_date": "2026-07-22",
            "end_date": "2026-07-25",
        },
        blocking=True,
    )
    event = written(athlete, "Training camp")
    assert event["category"] == "NOTE"
    assert event.get("type") is None
    assert (event["start_date_local"], event["end_date_local"]) == (
        "2026-07-22T00:00:00",
        "2026-07-25T00:00:00",
    )
    [entry] = await week()
    assert (entry["start"], entry["end"]) == ("2026-07-22", "2026-07-25")


async def test_dialog_add_move_edit_delete(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    dialog: Dialog,
    week: Week,
) -> None:
    await week()
    reply = await dialog.send(
        "create",
        event={
            "summary": "Run: Intervals",
            "dtstart": "2026-07-23",
            "dtend": "2026-07-24",
            "description": "- 10m Z2\n4x\n- 3m Z5\n- 2m Z1\n\n- 10m Z1",
        },
    )
    assert reply["success"], reply
    created = written(athlete, "Intervals")
    uid = str(created["id"])
    # A workout of a day: how long is its text's.
    assert created["end_date_local"] == "2026-07-24T00:00:00"
    assert created["moving_time"] == 40 * 60
    [entry] = await week()
    assert entry["description"] == (
        "- 10m Z2\n4x\n- 3m Z5\n- 2m Z1\n\n- 10m Z1\n\nDuration: 40 min\nLoad: "
        f"{created['icu_training_load']}"
    )

    # Moved to a time of day, renamed; the description comes back as shown.
    emulator.state.log.clear()
    reply = await dialog.send(
        "update",
        uid=uid,
        event={
            "summary": "Hill intervals",
            "dtstart": "2026-07-24T07:00:00+02:00",
            "dtend": "2026-07-24T07:40:00+02:00",
            "description": entry["description"],
        },
    )
    assert reply["success"], reply
    assert requests(emulator) == [("PUT", f"/events/{uid}")]
    changed = written(athlete, "Hill intervals")
    assert changed["start_date_local"] == "2026-07-24T07:00:00"
    assert changed["type"] == "Run"
    # The planned numbers shown are not written into the text.
    assert changed["description"] == created["description"]
    [entry] = await week()
    assert requests(emulator) == [("PUT", f"/events/{uid}")]
    assert (entry["summary"], entry["start"]) == (
        "Hill intervals",
        "2026-07-24T07:00:00+02:00",
    )

    reply = await dialog.send("delete", uid=uid)
    assert reply["success"], reply
    assert not [e for e in athlete.events if str(e["id"]) == uid]
    assert await week() == []
    assert requests(emulator)[-1] == ("DELETE", f"/events/{uid}")
    assert [m for m, _ in requests(emulator)].count("GET") == 0


async def test_a_note_becomes_a_workout_when_named_after_a_sport(
    hass: HomeAssistant,
    athlete: Athlete,
    dialog: Dialog,
    week: Week,
) -> None:
    note = athlete.add_event(start_local="2026-07-21", category="NOTE", name="Swim?")
    race = athlete.add_event(
        start_local="2026-07-26", category="RACE_A", name="City 10k"
    )
    entry, shown_race = await week()
    reply = await dialog.send(
        "update",
        uid=str(note["id"]),
        event={
            "summary": "open water swim: Lake",
            "dtstart": entry["start"],
            "dtend": entry["end"],
        },
    )
    assert reply["success"], reply
    assert (note["category"], note["type"], note["name"]) == (
        "WORKOUT",
        "OpenWaterSwim",
        "Lake",
    )
    # A race keeps its category whatever its new name.
    reply = await dialog.send(
        "update",
        uid=str(race["id"]),
        event={
            "summary": "City 10 km",
            "dtstart": shown_race["start"],
            "dtend": shown_race["end"],
        },
    )
    assert reply["success"], reply
    assert (race["category"], race["name"]) == ("RACE_A", "City 10 km")


async def test_a_coachs_entry_cannot_be_changed_here(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    dialog: Dialog,
    week: Week,
) -> None:
    locked = athlete.add_event(
        start_local="2026-07-22",
        name="Coach: threshold",
        event_type="Ride",
        created_by_id="i999",
        athlete_cannot_edit=True,
    )
    before = dict(locked)
    [entry] = await week()
    emulator.state.log.clear()
    for command, data in (
        (
            "update",
            {
                "event": {
                    "summary": "Easy spin",
                    "dtstart": entry["start"],
                    "dtend": entry["end"],
                }
            },
        ),
        ("delete", {}),
    ):
        reply = await dialog.send(command, uid=entry["uid"], **data)
        assert not reply["success"]
        assert "Coach: threshold" in reply["error"]["message"]
        assert "coach" in reply["error"]["message"]
    assert requests(emulator) == []
    assert locked == before


@pytest.mark.parametrize(
    ("event", "key"),
    [
        (
            {
                "summary": "Run: Camp",
                "dtstart": "2026-07-21",
                "dtend": "2026-07-24",
            },
            "field_days",
        ),
        (
            {
                "summary": "Gym",
                "dtstart": "2026-07-21",
                "dtend": "2026-07-22",
                "rrule": "FREQ=WEEKLY",
            },
            "no_recurring_entries",
        ),
        (
            {
                "summary": "x" * 300,
                "dtstart": "2026-07-21",
                "dtend": "2026-07-22",
            },
            "field_length",
        ),
    ],
)
async def test_what_cannot_be_written_is_refused_first(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    setup_integration: MockConfigEntry,
    event: dict[str, Any],
    key: str,
) -> None:
    emulator.state.log.clear()
    entity = hass.data["calendar"].get_entity(CALENDAR)
    with pytest.raises(ServiceValidationError) as err:
        await entity.async_create_event(
            **{
                **event,
                "dtstart": date.fromisoformat(event["dtstart"]),
                "dtend": date.fromisoformat(event["dtend"]),
            }
        )
    assert err.value.translation_key == key
    assert len(emulator.state.log) == 0


async def test_saved_unchanged_sends_nothing_and_unseen_entries_are_read(
    hass: HomeAssistant,
    athlete: Athlete,
    emulator: EmulatorServer,
    dialog: Dialog,
    week: Week,
) -> None:
    athlete.add_event(start_local="2026-07-21", category="NOTE", name="Rest")
    [entry] = await week()
    emulator.state.log.clear()
    reply = await dialog.send(
        "update",
        uid=entry["uid"],
        event={"summary": "Rest", "dtstart": entry["start"], "dtend": entry["end"]},
    )
    assert reply["success"], reply
    assert requests(emulator) == []
    # An entry the calendar has not shown (another view, an old id) is read first.
    far = athlete.add_event(start_local="2026-12-24", category="NOTE", name="Far")
    reply = await dialog.send("delete", uid=str(far["id"]))
    assert reply["success"], reply
    assert requests(emulator) == [
        ("GET", f"/events/{far['id']}"),
        ("DELETE", f"/events/{far['id']}"),
    ]
