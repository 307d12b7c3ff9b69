"""The emulator's write endpoints: calendar entries, mark-done, manual activities."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import aiohttp
import pytest

from emulator import Athlete, EmulatorState, generate_athlete, running_emulator
from emulator.workouts import DEFAULT_INTENSITY, plan

from .test_emulator import API, NOW, Api, assert_valid, basic

pytestmark = pytest.mark.usefixtures("socket_enabled")

COACH_ID = "i777"
COACH_KEY = "coach-key"
EVENTS = f"{API}/0/events"


@pytest.fixture
def athlete() -> Athlete:
    """An athlete without generated events, with a month of activities."""
    return generate_athlete(
        seed=3,
        start=date(2025, 12, 1),
        end=date(2025, 12, 31),
        now=NOW,
    )


@pytest.fixture
async def api(athlete: Athlete) -> AsyncIterator[Api]:
    coach = generate_athlete(
        seed=4,
        athlete_id=COACH_ID,
        api_key=COACH_KEY,
        start=date(2025, 12, 1),
        end=date(2025, 12, 2),
        activities_per_year=0,
        now=NOW,
    )
    state = EmulatorState.with_athletes(athlete, coach)
    state.grant(COACH_KEY, athlete.id)
    state.clock = lambda: NOW
    async with running_emulator(state) as url, aiohttp.ClientSession(url) as session:
        yield Api(session, athlete.api_key, state, url)


async def create(api: Api, body: dict[str, Any], upsert: str = "false") -> Any:
    reply = await api.call("POST", EVENTS, {"upsertOnUid": upsert}, body=body)
    assert reply.status == 200, reply.body
    event = reply.json()
    assert_valid(event, "Event")
    return event


def coach_event(athlete: Athlete) -> dict[str, Any]:
    return athlete.add_event(
        start_local="2026-01-05T00:00:00",
        name="Coach's intervals",
        event_type="Ride",
        created_by_id=COACH_ID,
        athlete_cannot_edit=True,
    )


# Workout text ------------------------------------------------------------------


def test_workout_text_adds_up() -> None:
    text = "Warm up\n- 10m Z2\n\nMain set 3x\n- 5m 95%\n- 3m 50%\n\n- 10m 60-70%"
    planned = plan(text, threshold_speed=4.0)
    assert planned is not None
    assert planned.moving_time == (10 + 3 * 8 + 10) * 60
    expected = (
        10 / 60 * 0.65**2 + 3 * (5 / 60 * 0.95**2 + 3 / 60 * 0.5**2) + 10 / 60 * 0.65**2
    ) * 100
    assert planned.training_load == round(expected)
    assert planned.distance is None
    # Distances take the time that share of threshold speed needs.
    run = plan("- 2km 100%\n- 400mtr 80%\n- 1mi", threshold_speed=4.0)
    assert run is not None
    assert run.distance == round(2000 + 400 + 1609.344, 1)
    assert run.moving_time == round(
        2000 / 4 + 400 / (4 * 0.8) + 1609.344 / (4 * DEFAULT_INTENSITY)
    )
    assert plan("Just ride easy, no structure.", threshold_speed=4.0) is None
    hours = plan("- 1h30m Z1\n- 90s Z7", 4.0)
    assert hours is not None
    assert hours.moving_time == 5400 + 90


# Calendar entries ---------------------------------------------------------------


async def test_create_workout_computes_its_plan(api: Api, athlete: Athlete) -> None:
    event = await create(
        api,
        {
            "category": "WORKOUT",
            "start_date_local": "2026-01-06T00:00:00",
            "type": "Ride",
            "name": "Sweet spot",
            "description": "- 10m Z2\n3x\n- 10m 90%\n- 5m 55%\n\n- 10m Z1",
        },
    )
    assert event["id"] >= athlete.next_event_id - 1
    assert event["moving_time"] == (10 + 45 + 10) * 60
    assert event["icu_training_load"] > 0
    assert event["created_by_id"] == athlete.id
    # Stored and listed like any other entry.
    listed = (await api.get(f"{API}/0/events.json", {"oldest": "2026-01-06"})).json()
    assert [e["id"] for e in listed] == [event["id"]]
    assert (await api.get(f"{EVENTS}/{event['id']}")).json() == event


@pytest.mark.parametrize(
    ("body", "query", "message"),
    [
        ({"category": "TRAINING", "start_date_local": "2026-01-06"}, {}, "category"),
        ({"start_date_local": "2026-01-06"}, {}, "category is required"),
        ({"category": "NOTE"}, {}, "start_date_local is required"),
        ({"category": "NOTE", "start_date_local": "06/01/2026"}, {}, "start_date"),
        (
            {"category": "NOTE", "start_date_local": "2026-01-06T10:00:00Z"},
            {},
            "start_date",
        ),
        (
            {"category": "WORKOUT", "start_date_local": "2026-01-06", "type": "Bike"},
            {},
            "activity type",
        ),
        (
            {
                "category": "NOTE",
                "start_date_local": "2026-01-06T10:00:00",
                "end_date_local": "2026-01-06T09:00:00",
            },
            {},
            "end_date_local must be after",
        ),
        (
            {
                "category": "WORKOUT",
                "start_date_local": "2026-01-06",
                "moving_time": -5,
            },
            {},
            "moving_time",
        ),
        (
            {
                "category": "WORKOUT",
                "start_date_local": "2026-01-06",
                "distance": "far",
            },
            {},
            "distance",
        ),
        (
            {"category": "NOTE", "start_date_local": "2026-01-06", "indoor": 1},
            {},
            "indoor",
        ),
        ({"category": "NOTE", "start_date_local": "2026-01-06", "name": 5}, {}, "name"),
        ({"category": "NOTE", "start_date_local": "2026-01-06"}, None, "upsertOnUid"),
        ([], {}, "JSON object"),
    ],
)
async def test_bad_entries_are_refused(
    api: Api, athlete: Athlete, body: Any, query: dict[str, str] | None, message: str
) -> None:
    before = list(athlete.events)
    params = {"upsertOnUid": "false"} if query is not None else None
    reply = await api.call("POST", EVENTS, params, body=body)
    assert reply.status == 422
    assert reply.json()["status"] == 422
    assert message in reply.json()["error"]
    assert athlete.events == before


async def test_not_json_is_refused(api: Api) -> None:
    reply = await api.call(
        "POST",
        EVENTS,
        {"upsertOnUid": "false"},
        headers={**basic(api.key), "Content-Type": "application/json"},
        data=b"{",
    )
    assert reply.status == 422


async def test_upsert_on_uid_replaces(api: Api, athlete: Athlete) -> None:
    body = {
        "category": "WORKOUT",
        "start_date_local": "2026-01-07T00:00:00",
        "type": "Run",
        "name": "Easy",
        "description": "- 40m Z2",
        "uid": "ha-plan-1",
    }
    first = await create(api, body, upsert="true")
    again = await create(
        api, {**body, "name": "Easy run", "description": "- 50m Z2"}, upsert="true"
    )
    assert again["id"] == first["id"]
    assert again["name"] == "Easy run"
    assert again["moving_time"] == 50 * 60
    assert sum(e.get("uid") == "ha-plan-1" for e in athlete.events) == 1
    # Without the flag the same uid is a second entry.
    other = await create(api, body)
    assert other["id"] != first["id"]


async def test_update_changes_what_is_given(api: Api, athlete: Athlete) -> None:
    note = await create(
        api,
        {
            "category": "NOTE",
            "start_date_local": "2026-01-08T00:00:00",
            "end_date_local": "2026-01-10T00:00:00",
            "name": "Camp",
            "description": "Altitude",
        },
    )
    path = f"{EVENTS}/{note['id']}"
    reply = await api.call("PUT", path, body={"start_date_local": "2026-01-09"})
    moved = reply.json()
    assert reply.status == 200
    assert_valid(moved, "Event")
    # The end moved along; what was not given stayed.
    assert moved["start_date_local"] == "2026-01-09T00:00:00"
    assert moved["end_date_local"] == "2026-01-11T00:00:00"
    assert moved["description"] == "Altitude"
    reply = await api.call("PUT", path, body={"end_date_local": "2026-01-09T00:00:00"})
    assert reply.status == 422
    reply = await api.call("PUT", f"{EVENTS}/99", body={"name": "x"})
    assert reply.status == 404
    # A workout's numbers follow its text.
    reply = await api.call(
        "PUT",
        path,
        body={"category": "WORKOUT", "type": "Run", "description": "- 30m Z2"},
    )
    assert reply.json()["moving_time"] == 1800


async def test_delete(api: Api, athlete: Athlete) -> None:
    note = await create(api, {"category": "NOTE", "start_date_local": "2026-01-08"})
    reply = await api.call("DELETE", f"{EVENTS}/{note['id']}")
    assert reply.status == 200
    assert reply.json() == {}
    assert athlete.events == []
    assert (await api.call("DELETE", f"{EVENTS}/{note['id']}")).status == 404
    assert (await api.get(f"{EVENTS}/{note['id']}")).status == 404


async def test_coach_entries_are_read_only_for_the_athlete(
    api: Api, athlete: Athlete
) -> None:
    event = coach_event(athlete)
    before = dict(event)
    path = f"{EVENTS}/{event['id']}"
    for method, body in (("PUT", {"name": "Mine now"}), ("DELETE", None)):
        reply = await api.call(method, path, body=body)
        assert reply.status == 403
        assert reply.json() == {"status": 403, "error": "Access denied"}
    assert athlete.events == [before]
    # A uid upsert cannot take it over either.
    event["uid"] = "coach-1"
    reply = await api.call(
        "POST",
        EVENTS,
        {"upsertOnUid": "true"},
        body={"category": "NOTE", "start_date_local": "2026-01-05", "uid": "coach-1"},
    )
    assert reply.status == 403
    # The coach's own key may.
    coach = {"headers": basic(COACH_KEY)}
    path = f"{API}/{athlete.id}/events/{event['id']}"
    reply = await api.call("PUT", path, body={"name": "Harder"}, **coach)
    assert reply.status == 200
    assert reply.json()["name"] == "Harder"
    assert reply.json()["athlete_cannot_edit"] is True
    # Marking it done changes only the athlete's activities: allowed.
    reply = await api.call("POST", f"{EVENTS}/{event['id']}/mark-done")
    assert reply.status == 200
    assert (await api.call("DELETE", path, **coach)).status == 200


# Mark done -----------------------------------------------------------------------


async def test_mark_done_creates_the_matching_activity(
    api: Api, athlete: Athlete
) -> None:
    workout = await create(
        api,
        {
            "category": "WORKOUT",
            "start_date_local": "2025-12-31T07:00:00",
            "type": "Run",
            "name": "Tempo",
            "description": "- 15m Z2\n- 20m Z4\n- 10m Z1",
        },
    )
    count = len(athlete.activities)
    reply = await api.call("POST", f"{EVENTS}/{workout['id']}/mark-done")
    assert reply.status == 200
    activity = reply.json()
    assert_valid(activity, "Activity")
    assert activity["paired_event_id"] == workout["id"]
    assert activity["type"] == "Run"
    assert activity["name"] == "Tempo"
    assert activity["start_date_local"] == "2025-12-31T07:00:00"
    assert activity["moving_time"] == workout["moving_time"]
    assert activity["icu_training_load"] == workout["icu_training_load"]
    assert activity["source"] == "MANUAL"
    assert len(athlete.activities) == count + 1
    # The spec's "create a manual activity": asked twice, it creates two.
    again = await api.call("POST", f"{EVENTS}/{workout['id']}/mark-done")
    assert again.json()["id"] != activity["id"]
    # Found by the day's activities with the field asked for.
    listed = await api.get(
        f"{API}/0/activities",
        {
            "oldest": "2025-12-31",
            "newest": "2025-12-31T23:59:59",
            "fields": "id,paired_event_id",
        },
    )
    paired = [a for a in listed.json() if a.get("paired_event_id") == workout["id"]]
    assert len(paired) == 2
    note = await create(api, {"category": "NOTE", "start_date_local": "2026-01-02"})
    reply = await api.call("POST", f"{EVENTS}/{note['id']}/mark-done")
    assert reply.status == 422
    assert (await api.call("POST", f"{EVENTS}/5/mark-done")).status == 404


# Manual activities -----------------------------------------------------------------

GYM = {
    "type": "WeightTraining",
    "start_date_local": "2025-12-31T18:00:00",
    "moving_time": 3600,
    "icu_rpe": 7,
    "name": "Gym",
    "external_id": "ha-gym-1",
}


async def test_manual_activity(api: Api, athlete: Athlete) -> None:
    reply = await api.call("POST", f"{API}/0/activities/manual", body=GYM)
    assert reply.status == 200
    activity = reply.json()
    assert_valid(activity, "Activity")
    assert activity["id"].startswith("i")
    assert activity["source"] == "MANUAL"
    assert activity["elapsed_time"] == 3600
    # Load from perceived exertion when none is given: RPE 7 is 0.8.
    assert activity["icu_training_load"] == round(0.8**2 * 100)
    assert activity["start_date"] == "2025-12-31T17:00:00Z"
    stored = athlete.get_activity(activity["id"])
    assert stored["external_id"] == "ha-gym-1"
    # The single endpoint always creates.
    again = await api.call("POST", f"{API}/0/activities/manual", body=GYM)
    assert again.json()["id"] != activity["id"]


async def test_bulk_upserts_on_external_id(api: Api, athlete: Athlete) -> None:
    path = f"{API}/0/activities/manual/bulk"
    count = len(athlete.activities)
    first = await api.call("POST", path, body=[GYM])
    assert first.status == 200
    [created] = first.json()
    assert_valid(first.json(), "Activity", array=True)
    again = await api.call(
        "POST", path, body=[{**GYM, "moving_time": 4200, "icu_training_load": 50}]
    )
    [replaced] = again.json()
    assert replaced["id"] == created["id"]
    assert replaced["moving_time"] == 4200
    assert replaced["icu_training_load"] == 50
    assert len(athlete.activities) == count + 1
    # The coach's key keeps its own external ids apart.
    coach = await api.call(
        "POST",
        f"{API}/{athlete.id}/activities/manual/bulk",
        body=[GYM],
        headers=basic(COACH_KEY),
    )
    assert coach.json()[0]["id"] != created["id"]
    # Without an external id, always a new one.
    plain = {k: v for k, v in GYM.items() if k != "external_id"}
    a, b = (await api.call("POST", path, body=[plain, plain])).json()
    assert a["id"] != b["id"]
    assert len(athlete.activities) == count + 4


@pytest.mark.parametrize(
    ("activity", "message"),
    [
        ({**GYM, "type": "Gym"}, "activity type"),
        ({k: v for k, v in GYM.items() if k != "type"}, "type is required"),
        (
            {k: v for k, v in GYM.items() if k != "start_date_local"},
            "start_date_local is required",
        ),
        ({**GYM, "start_date_local": "yesterday"}, "start_date_local"),
        ({**GYM, "moving_time": 1.5}, "moving_time"),
        ({**GYM, "elapsed_time": 60}, "elapsed_time"),
        ({**GYM, "icu_rpe": 11}, "icu_rpe"),
        ({**GYM, "distance": -1}, "distance"),
        ({**GYM, "external_id": 5}, "external_id"),
        ("gym", "JSON object"),
    ],
)
async def test_bad_activities_are_refused_all_of_them(
    api: Api, athlete: Athlete, activity: Any, message: str
) -> None:
    count = len(athlete.activities)
    reply = await api.call(
        "POST", f"{API}/0/activities/manual/bulk", body=[GYM, activity]
    )
    assert reply.status == 422
    assert message in reply.json()["error"]
    # The good one before it was not stored either.
    assert len(athlete.activities) == count
    single = await api.call("POST", f"{API}/0/activities/manual", body=activity)
    assert single.status == 422


async def test_bulk_needs_a_list(api: Api) -> None:
    reply = await api.call("POST", f"{API}/0/activities/manual/bulk", body=GYM)
    assert reply.status == 422
    assert "list" in reply.json()["error"]


async def test_writes_need_a_key(api: Api) -> None:
    reply = await api.call("POST", f"{API}/0/activities/manual", body=GYM, headers={})
    assert reply.status == 401
