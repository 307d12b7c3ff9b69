"""Tests for the Intervals.icu API emulator (emulator/ package).

`intervals-icu-openapi.json` beside this file is a byte-for-byte copy of the
service's OpenAPI description (see /work/shared/reference/SOURCE.md: GitHub
yerzhansa/intervals-icu-api, openapi.json, commit 0bc4788).
"""

import asyncio
import base64
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import json
import math
import os
from pathlib import Path
import pickle
import select
import signal
import subprocess
import sys
import time
from typing import Any

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from multidict import CIMultiDictProxy
from openapi_schema_validator import OAS30Validator, oas30_format_checker
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from emulator import (
    Athlete,
    EmulatorServer,
    EmulatorState,
    Fault,
    FaultKind,
    RateLimiter,
    create_app,
    generate_athlete,
    make_activity,
    make_event,
    running_emulator,
)
from emulator.__main__ import (
    DEMO_API_KEY,
    DEMO_ATHLETE_ID,
    build_demo_state,
    main,
    parse_args,
    rotate_demo_key,
    serve,
)
from emulator.faults import reshape
from emulator.model import STRAVA_NOTE, fitness_series, time_of_day_label
from emulator.schema import ACTIVITY_FIELDS, ACTIVITY_TYPES, WELLNESS_FIELDS
from emulator.timeutil import parse_local_bound

pytestmark = pytest.mark.usefixtures("socket_enabled")

REPO = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = json.loads(
    Path(__file__).with_name("intervals-icu-openapi.json").read_text()
)
NOW = datetime(2025, 12, 31, 19, 0, tzinfo=UTC)  # 20:00 in Amsterdam
API = "/api/v1/athlete"


# Schema validation -----------------------------------------------------------


def _nullable(node: Any) -> Any:
    """Copy the spec marking every typed schema nullable (nulls are real)."""
    if isinstance(node, list):
        return [_nullable(n) for n in node]
    if not isinstance(node, dict):
        return node
    copy = {k: _nullable(v) for k, v in node.items()}
    if "type" in copy and isinstance(copy["type"], str):
        copy["nullable"] = True
    if "enum" in copy:
        copy["enum"] = [*copy["enum"], None]
    return copy


_REGISTRIES = {
    strict: Registry().with_resource(
        "urn:intervals-icu",
        Resource.from_contents(
            SPEC if strict else _nullable(SPEC), default_specification=DRAFT4
        ),
    )
    for strict in (True, False)
}


def assert_valid(
    instance: Any, schema: str, *, array: bool = False, strict: bool = False
) -> None:
    """Validate against components/schemas/`schema`; strict forbids nulls."""
    ref: dict[str, Any] = {"$ref": f"urn:intervals-icu#/components/schemas/{schema}"}
    validator = OAS30Validator(
        {"type": "array", "items": ref} if array else ref,
        registry=_REGISTRIES[strict],
        format_checker=oas30_format_checker,
    )
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)
    ]
    assert not errors, errors[:10]


# HTTP helpers ----------------------------------------------------------------


def basic(key: str, user: str = "API_KEY") -> dict[str, str]:
    token = base64.b64encode(f"{user}:{key}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@dataclass
class Reply:
    status: int
    headers: CIMultiDictProxy[str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0]

    def json(self) -> Any:
        assert self.content_type == "application/json"
        return json.loads(self.body)


@dataclass
class Api:
    session: aiohttp.ClientSession
    key: str
    state: EmulatorState
    url: str

    async def call(
        self,
        method: str,
        path: str,
        params: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        data: bytes | None = None,
    ) -> Reply:
        async with self.session.request(
            method,
            path,
            params=params,
            headers=basic(self.key) if headers is None else headers,
            json=body,
            data=data,
        ) as response:
            return Reply(response.status, response.headers, await response.read())

    async def get(self, path: str, params: Any = None, **kwargs: Any) -> Reply:
        return await self.call("GET", path, params, **kwargs)


@pytest.fixture(scope="module")
def generated() -> Athlete:
    """Two years of a seeded athlete, generated once for the module."""
    return generate_athlete(
        seed=11,
        start=date(2024, 1, 1),
        end=date(2025, 12, 31),
        strava_share=0.1,
        events_until=date(2026, 1, 31),
        now=NOW,
    )


@pytest.fixture
def athlete(generated: Athlete) -> Athlete:
    """A copy of its own for each test, which may change it."""
    return pickle.loads(pickle.dumps(generated))  # noqa: S301 - our own data


@pytest.fixture
def state(athlete: Athlete) -> EmulatorState:
    state = EmulatorState.with_athletes(athlete)
    state.clock = lambda: NOW
    return state


@pytest.fixture
async def api(athlete: Athlete, state: EmulatorState) -> AsyncIterator[Api]:
    async with running_emulator(state) as url, aiohttp.ClientSession(url) as session:
        yield Api(session, athlete.api_key, state, url)


def quiet_athlete(timezone: str = "Europe/Amsterdam", **kwargs: Any) -> Athlete:
    """An athlete without generated activities or events, for exact checks."""
    return generate_athlete(
        seed=5,
        start=date(2025, 5, 1),
        end=date(2025, 6, 30),
        timezone=timezone,
        activities_per_year=0,
        **kwargs,
    )


# Athlete and sport settings --------------------------------------------------


async def test_athlete_record_matches_schema(api: Api, athlete: Athlete) -> None:
    reply = await api.get(f"{API}/0")
    assert reply.status == 200
    assert reply.content_type == "application/json"
    record = reply.json()
    assert_valid(record, "WithSportSettings")
    assert record["id"] == athlete.id
    assert record["name"] == athlete.name
    assert record["timezone"] == "Europe/Amsterdam"
    assert record["icu_api_key"] == athlete.api_key
    assert {s["id"] for s in record["sportSettings"]} == {1, 2, 3, 4}
    assert set(record) >= {"firstname", "lastname", "email", "city", "country", "sex"}
    assert (await api.get(f"{API}/{athlete.id}")).json() == record


async def test_sport_settings_groups_and_units(api: Api) -> None:
    reply = await api.get(f"{API}/0/sport-settings")
    settings = reply.json()
    assert_valid(settings, "SportSettings", array=True)
    by_first = {s["types"][0]: s for s in settings}
    ride, run, swim, other = (by_first[t] for t in ("Ride", "Run", "Swim", "Other"))
    assert {"VirtualRide", "GravelRide", "MountainBikeRide"} <= set(ride["types"])
    assert ride["ftp"] > ride["indoor_ftp"] > 0
    assert ride["w_prime"] > 0
    assert ride["p_max"] > 0
    assert ride["lthr"] < ride["max_hr"]
    assert run["types"] == ["Run", "VirtualRun", "TrailRun"]
    assert run["pace_units"] == "MINS_KM"
    assert 2.5 < run["threshold_pace"] < 5
    assert swim["types"] == ["Swim", "OpenWaterSwim"]
    assert swim["pace_units"] == "SECS_100M"
    assert 0.8 < swim["threshold_pace"] < 1.4
    assert other["other"] is True


# Activities ------------------------------------------------------------------


async def test_activities_full_records_and_stubs(api: Api, athlete: Athlete) -> None:
    reply = await api.get(f"{API}/0/activities", {"oldest": "2025-01-01"})
    activities = reply.json()
    assert_valid(activities, "Activity", array=True)
    stubs = [a for a in activities if a.get("source") == "STRAVA"]
    full = [a for a in activities if a.get("source") != "STRAVA"]
    assert stubs
    assert full
    assert all(len(a) == len(ACTIVITY_FIELDS) == 173 for a in full)
    assert all(set(a) == set(ACTIVITY_FIELDS) for a in full)
    for stub in stubs:
        assert set(stub) == {"id", "start_date_local", "source", "_note"}
        assert stub["_note"] == STRAVA_NOTE
    # The validator bites: a number where a string belongs is an error.
    with pytest.raises(AssertionError, match="is not of type"):
        assert_valid({"id": 5, "moving_time": "long"}, "Activity")
    # The schemas do not forbid extra properties, so `_note` is legal.
    assert "additionalProperties" not in SPEC["components"]["schemas"]["Activity"]
    assert_valid(stubs, "Activity", array=True, strict=True)
    expected = [a for a in athlete.activities if a["start_date_local"] >= "2025-01-01"]
    assert len(activities) == len(expected)
    local_times = [a["start_date_local"] for a in activities]
    assert local_times == sorted(local_times, reverse=True)
    assert len({a["id"] for a in activities}) == len(activities)


async def test_activities_fields_filter_drops_nulls(api: Api) -> None:
    wanted = ["id", "type", "start_date_local", "distance", "icu_average_watts"]
    reply = await api.get(
        f"{API}/0/activities",
        {"oldest": "2025-06-01", "newest": "2025-09-30", "fields": ",".join(wanted)},
    )
    activities = reply.json()
    assert_valid(
        [a for a in activities if "_note" not in a], "Activity", array=True, strict=True
    )
    assert any("_note" in a for a in activities), "Strava stubs stay stubs"
    for activity in activities:
        if activity.get("source") == "STRAVA":
            assert set(activity) == {"id", "start_date_local", "source", "_note"}
            continue
        assert set(activity) <= set(wanted)
        assert None not in activity.values()
        assert {"id", "type", "start_date_local"} <= set(activity)
    assert any("icu_average_watts" in a for a in activities)
    assert any("distance" not in a for a in activities if "_note" not in a)
    # Repeated parameters and spaces mean the same.
    repeated = await api.get(
        f"{API}/0/activities",
        [
            ("oldest", "2025-06-01"),
            ("newest", "2025-09-30"),
            ("fields", "id, type"),
            ("fields", "start_date_local,distance"),
            ("fields", "icu_average_watts"),
        ],
    )
    assert repeated.json() == activities
    unknown = await api.get(
        f"{API}/0/activities", {"oldest": "2025-12-01", "fields": "no_such_field"}
    )
    assert all(a == {} for a in unknown.json() if "_note" not in a)


async def test_activities_oldest_required_and_bad_params(api: Api) -> None:
    for params in (
        {},
        {"oldest": "2025-13-01"},
        {"oldest": "yesterday"},
        {"oldest": "2025-01-01T00:00:00Z"},
        {"oldest": "2025-01-01", "newest": "2025-02-01T10:00:00+01:00"},
        {"oldest": "2025-01-01", "limit": "ten"},
        {"oldest": "2025-01-01", "limit": "-1"},
    ):
        reply = await api.get(f"{API}/0/activities", params)
        assert reply.status == 422, params
        body = reply.json()
        assert body["status"] == 422
        assert body["error"]
    missing = (await api.get(f"{API}/0/activities")).json()["error"]
    assert "oldest" in missing


async def test_activities_limit_and_empty_windows(api: Api) -> None:
    top = (
        await api.get(f"{API}/0/activities", {"oldest": "2024-01-01", "limit": "5"})
    ).json()
    everything = (await api.get(f"{API}/0/activities", {"oldest": "2024-01-01"})).json()
    assert top == everything[:5]
    assert (
        await api.get(f"{API}/0/activities", {"oldest": "2024-01-01", "limit": "0"})
    ).json() == []
    backwards = {"oldest": "2025-06-01", "newest": "2025-05-01"}
    assert (await api.get(f"{API}/0/activities", backwards)).json() == []
    assert (await api.get(f"{API}/0/activities", {"oldest": "2030-01-01"})).json() == []


async def test_activity_windows_are_local_to_the_athlete() -> None:
    athlete = quiet_athlete("America/Los_Angeles")
    late = athlete.add_activity(start_local="2025-06-01T23:30:00", distance=10_000.0)
    first = athlete.add_activity(
        start_local="2025-06-01T00:00:00", activity_type="Ride"
    )
    athlete.add_activity(start_local="2025-05-31T23:59:59")
    next_day = athlete.add_activity(start_local="2025-06-02T00:00:00")
    athlete.add_activity(start_local="2025-06-02T01:00:00")
    assert late["start_date"] == "2025-06-02T06:30:00Z"  # PDT is UTC-7
    assert first["start_date"] == "2025-06-01T07:00:00Z"
    state = EmulatorState.with_athletes(athlete)
    # 00:15 on 2 June in Los Angeles, already 07:15 UTC.
    state.clock = lambda: datetime(2025, 6, 2, 7, 15, tzinfo=UTC)
    async with running_emulator(state) as url, aiohttp.ClientSession(url) as session:
        api = Api(session, athlete.api_key, state, url)

        async def ids(params: dict[str, str]) -> list[str]:
            reply = await api.get(f"{API}/0/activities", {**params, "fields": "id"})
            return [a["id"] for a in reply.json()]

        whole_day = await ids({"oldest": "2025-06-01", "newest": "2025-06-01"})
        assert whole_day == [late["id"], first["id"]]
        inclusive = await ids(
            {"oldest": "2025-06-01T12:00:00", "newest": "2025-06-02T00:00:00"}
        )
        assert inclusive == [next_day["id"], late["id"]]
        seconds_only = await ids(
            {"oldest": "2025-06-01T23:30", "newest": "2025-06-01T23:30:00.5"}
        )
        assert seconds_only == [late["id"]]
        # `newest` defaults to now in the athlete's zone: 01:00 is still ahead.
        assert await ids({"oldest": "2025-06-01"}) == [
            next_day["id"],
            late["id"],
            first["id"],
        ]


async def test_activity_edits_show_up(api: Api, athlete: Athlete) -> None:
    added = athlete.add_activity(
        start_local=datetime(2025, 12, 31, 7, 5),
        activity_type="Swim",
        distance=2500.0,
        moving_time=3000,
        icu_training_load=55,
        name="Pool",
        pool_length=25.0,
    )
    params = {"oldest": "2025-12-31", "fields": "id,type,distance,name,average_speed"}
    assert {
        "id": added["id"],
        "type": "Swim",
        "distance": 2500.0,
        "name": "Pool",
        "average_speed": 0.833,
    } in (await api.get(f"{API}/0/activities", params)).json()
    athlete.update_activity(
        added["id"], name="Pool session", start_date_local="2025-12-30T07:05:00"
    )
    assert athlete.get_activity(added["id"])["start_date"] == "2025-12-30T06:05:00Z"
    moved = (
        await api.get(
            f"{API}/0/activities",
            {**params, "oldest": "2025-12-30", "newest": "2025-12-30"},
        )
    ).json()
    assert added["id"] in [a["id"] for a in moved]
    athlete.delete_activity(added["id"])
    everything = (
        await api.get(f"{API}/0/activities", {**params, "oldest": "2025-12-01"})
    ).json()
    assert added["id"] not in [a["id"] for a in everything]
    with pytest.raises(KeyError):
        athlete.get_activity(added["id"])


def test_make_activity_and_event_builders() -> None:
    activity = make_activity(
        start_local="2025-03-30T02:30:00",  # inside the Amsterdam DST gap
        activity_id="i77",
        athlete_id="i1",
        activity_type="Ride",
        distance=36_000.0,
        moving_time=3600,
        icu_average_watts=210,
    )
    assert activity["average_speed"] == 10.0
    assert activity["elapsed_time"] == 3600
    assert activity["name"] == "Night Ride"
    assert activity["start_date"].endswith("Z")
    assert_valid(activity, "Activity")
    spec_named = make_activity(start_local="2025-01-01T18:00:00", type="Ride")
    assert spec_named["type"] == "Ride"
    assert spec_named["name"] == "Evening Ride"
    assert make_event(start_local=date(2025, 1, 2), type="Run")["type"] == "Run"
    with pytest.raises(ValueError, match="without offset"):
        make_activity(start_local="2025-01-01T10:00:00Z")
    with pytest.raises(ValueError, match="Unknown activity fields"):
        make_activity(start_local="2025-01-01T10:00:00", watts=1)
    all_day = make_event(start_local=date(2025, 1, 2), category="NOTE", name="Travel")
    assert all_day["start_date_local"] == "2025-01-02T00:00:00"
    assert all_day["end_date_local"] == "2025-01-03T00:00:00"
    planned = make_event(start_local=date(2025, 1, 2))
    assert planned["end_date_local"] is None
    assert planned["name"] == "Workout"
    timed = make_event(
        start_local="2025-01-02T07:00:00", end_local="2025-01-02T08:00:00"
    )
    assert timed["end_date_local"] == "2025-01-02T08:00:00"
    with pytest.raises(ValueError, match="Unknown event fields"):
        make_event(start_local=date(2025, 1, 2), colour="red")
    assert [time_of_day_label(h) for h in (3, 8, 12, 15, 19, 22)] == [
        "Night",
        "Morning",
        "Lunch",
        "Afternoon",
        "Evening",
        "Night",
    ]


def test_athlete_mutation_helpers() -> None:
    athlete = quiet_athlete()
    ready = athlete.add_activity(
        {"start_date_local": "2025-06-01T10:00:00", "source": "STRAVA"}
    )
    assert ready["id"].startswith("i")
    with pytest.raises(ValueError, match="Duplicate"):
        athlete.add_activity(
            {"id": ready["id"], "start_date_local": "2025-06-01T11:00:00"}
        )
    with pytest.raises(KeyError):
        athlete.delete_activity("i0")
    event = athlete.add_event(start_local=date(2025, 6, 3), category="SICK")
    athlete.delete_event(event["id"])
    with pytest.raises(KeyError):
        athlete.delete_event(event["id"])
    assert athlete.events == []
    empty = Athlete(id="i9", name="Empty", api_key="k")
    empty.recompute_fitness()  # nothing to do without wellness
    assert empty.record()["custom_items"] == []


# Wellness --------------------------------------------------------------------


async def test_wellness_list_schema_order_and_fields(api: Api) -> None:
    params = {"oldest": "2025-12-01", "newest": "2025-12-31"}
    records = (await api.get(f"{API}/0/wellness.json", params)).json()
    assert_valid(records, "Wellness", array=True)
    days = [r["id"] for r in records]
    assert days == sorted(days)
    assert days[0] >= "2025-12-01"
    assert days[-1] == "2025-12-31"
    assert all(set(r) == set(WELLNESS_FIELDS) for r in records)
    assert (await api.get(f"{API}/0/wellness", params)).json() == records
    filtered = (
        await api.get(
            f"{API}/0/wellness.json", {**params, "fields": "id,ctl,atl,hrv,sportInfo"}
        )
    ).json()
    assert_valid(filtered, "Wellness", array=True, strict=True)
    assert [r["id"] for r in filtered] == days
    assert all(set(r) <= {"id", "ctl", "atl", "hrv", "sportInfo"} for r in filtered)
    assert all(None not in r.values() for r in filtered)
    every = (await api.get(f"{API}/0/wellness.json")).json()
    assert every[0]["id"] == "2024-01-01"
    assert every[-1]["id"] == "2025-12-31"
    bad = await api.get(f"{API}/0/wellness.json", {"oldest": "01/12/2025"})
    assert bad.status == 422
    assert (await api.get(f"{API}/0/wellness.csv")).status == 404


async def test_wellness_day_and_missing_day(api: Api, athlete: Athlete) -> None:
    today = (await api.get(f"{API}/0/wellness/2025-12-31")).json()
    assert_valid(today, "Wellness")
    assert today["id"] == "2025-12-31"
    assert today["ctl"] == athlete.wellness["2025-12-31"]["ctl"]
    athlete.wellness.pop("2025-12-30")
    missing = (await api.get(f"{API}/0/wellness/2025-12-30")).json()
    assert missing["id"] == "2025-12-30"
    assert set(missing) == set(WELLNESS_FIELDS)
    assert all(v is None for k, v in missing.items() if k != "id")
    for bad in ("2025-12-32", "20251231", "today"):
        reply = await api.get(f"{API}/0/wellness/{bad}")
        assert reply.status == 422, bad


async def test_wellness_put_changes_only_given_fields(api: Api) -> None:
    url = f"{API}/0/wellness/2025-12-31"
    before = (await api.get(url)).json()
    assert before["hrv"] is not None
    reply = await api.call(
        "PUT",
        url,
        body={
            "weight": 71.3,
            "hrv": -1,
            "mood": 2,
            "comments": "ok",
            "locked": True,
            "id": "ignored",
            "nonsense": 5,
            "sleepSecs": 28800.0,
        },
    )
    assert reply.status == 200
    after = reply.json()
    assert_valid(after, "Wellness")
    assert after["weight"] == 71.3
    assert after["hrv"] is None
    assert after["mood"] == 2
    assert after["comments"] == "ok"
    assert after["locked"] is True
    assert after["sleepSecs"] == 28800
    assert isinstance(after["sleepSecs"], int)
    assert after["id"] == "2025-12-31"
    assert "nonsense" not in after
    assert after["updated"] == "2025-12-31T19:00:00Z"
    unchanged = {
        k
        for k in before
        if k
        not in {"weight", "hrv", "mood", "comments", "locked", "sleepSecs", "updated"}
    }
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert (await api.get(url)).json() == after
    created = await api.call(
        "PUT", f"{API}/0/wellness/2026-01-05", body={"restingHR": 48}
    )
    assert created.json()["restingHR"] == 48
    for bad_body in (
        [1, 2],
        {"restingHR": "fast"},
        {"restingHR": 48.5},
        {"locked": "yes"},
        {"weight": True},
        {"sportInfo": 3},
        {"comments": 7},
    ):
        reply = await api.call("PUT", url, body=bad_body)
        assert reply.status == 422, bad_body
    not_json = await api.call(
        "PUT",
        url,
        data=b"{oops",
        headers={**basic(api.key), "Content-Type": "application/json"},
    )
    assert not_json.status == 422
    assert (await api.call("PUT", url, body={"weight": None})).json()["weight"] is None


# Events ----------------------------------------------------------------------


async def test_events_defaults_filters_and_schema() -> None:
    athlete = quiet_athlete()
    today = date(2025, 6, 10)
    athlete.add_event(
        start_local=today - timedelta(days=1),
        end_local=today + timedelta(days=2),
        category="HOLIDAY",
        name="Away",
    )
    athlete.add_event(
        start_local=today - timedelta(days=1), category="NOTE", name="Yesterday"
    )
    workout = athlete.add_event(
        start_local=datetime(2025, 6, 10, 7),
        end_local=datetime(2025, 6, 10, 8),
        name="Threshold",
        event_type="Ride",
        moving_time=3600,
        icu_training_load=80,
        distance=32000.0,
    )
    athlete.add_event(
        start_local=today, category="WORKOUT", name="Easy run", event_type="Run"
    )
    race = athlete.add_event(
        start_local=today + timedelta(days=6),
        category="RACE_A",
        name="Marathon",
        event_type="Run",
        distance=42195.0,
    )
    athlete.add_event(
        start_local=today + timedelta(days=7), category="RACE_B", name="Too late"
    )
    state = EmulatorState.with_athletes(athlete)
    # 23:30 UTC on 9 June is already 10 June in Amsterdam.
    state.clock = lambda: datetime(2025, 6, 9, 22, 30, tzinfo=UTC)
    async with running_emulator(state) as url, aiohttp.ClientSession(url) as session:
        api = Api(session, athlete.api_key, state, url)
        events = (await api.get(f"{API}/0/events.json")).json()
        assert_valid(events, "Event", array=True)
        names = [e["name"] for e in events]
        assert names == ["Away", "Easy run", "Threshold", "Marathon"]
        assert events[0]["start_date_local"].endswith("T00:00:00")
        assert events[0]["end_date_local"] == "2025-06-12T00:00:00"
        assert (await api.get(f"{API}/0/events")).json() == events
        races = await api.get(
            f"{API}/0/events", {"category": "RACE_A,RACE_B", "newest": "2025-06-30"}
        )
        assert [e["id"] for e in races.json()] == [race["id"], race["id"] + 1]
        repeated = await api.get(
            f"{API}/0/events",
            [("category", "WORKOUT"), ("category", "NOTE"), ("oldest", "2025-06-09")],
        )
        assert [e["name"] for e in repeated.json()] == [
            "Yesterday",
            "Easy run",
            "Threshold",
        ]
        limited = await api.get(
            f"{API}/0/events", {"limit": "1", "oldest": "2025-06-13"}
        )
        assert [e["id"] for e in limited.json()] == [race["id"]]
        # Multi-day items count on every day they cover.
        overlapping = await api.get(
            f"{API}/0/events",
            {"oldest": "2025-06-10T07:00:00", "newest": "2025-06-10T07:00:00"},
        )
        assert [e["name"] for e in overlapping.json()] == ["Away", "Threshold"]
        assert workout["end_date_local"] == "2025-06-10T08:00:00"
        assert (await api.get(f"{API}/0/events", {"oldest": "June"})).status == 422


async def test_generated_events_look_like_a_calendar(api: Api) -> None:
    events = (
        await api.get(
            f"{API}/0/events.json", {"oldest": "2025-12-17", "newest": "2026-01-31"}
        )
    ).json()
    assert_valid(events, "Event", array=True)
    categories = {e["category"] for e in events}
    assert "WORKOUT" in categories
    assert categories & {"RACE_A", "RACE_B", "RACE_C"}
    for event in events:
        assert isinstance(event["id"], int)
        if event["category"] == "WORKOUT":
            assert event["name"]
            assert event["type"]
            assert event["moving_time"] > 0
            assert event["icu_training_load"] > 0
            assert event["description"]
        else:
            assert event["start_date_local"].endswith("T00:00:00")
            assert event["end_date_local"] > event["start_date_local"]
    default = (await api.get(f"{API}/0/events.json")).json()
    assert all(
        "2025-12-31" <= e["start_date_local"][:10] <= "2026-01-06" for e in default
    )


# Authentication and errors ---------------------------------------------------


async def test_auth_rules(api: Api, athlete: Athlete, state: EmulatorState) -> None:
    path = f"{API}/0"
    for headers in (
        {},
        basic(""),
        basic("wrong-key"),
        basic(athlete.api_key, user="athlete"),
        {"Authorization": "Basic !!!not-base64"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
        {"Authorization": "Digest abc"},
    ):
        reply = await api.get(path, headers=headers)
        assert reply.status == 401, headers
        body = reply.json()
        assert body["status"] == 401
        assert body["error"] == "Unauthorized"
        assert body["path"] == path
        assert body["timestamp"].startswith("2025-12-31T19:00:00")
    bearer = await api.get(path, headers={"Authorization": f"Bearer {athlete.api_key}"})
    assert bearer.status == 403
    assert bearer.json() == {"status": 403, "error": "Access denied"}

    other = state.add_athlete(quiet_athlete(athlete_id="12345678", api_key="other-key"))
    denied = await api.get(f"{API}/{other.id}/activities", {"oldest": "2025-01-01"})
    assert denied.status == 403
    assert denied.json() == {
        "status": 403,
        "error": "Access denied",
    }
    state.grant(athlete.api_key, other.id)
    assert (await api.get(f"{API}/{other.id}")).json()["id"] == "12345678"
    state.revoke(athlete.api_key, other.id)
    assert (await api.get(f"{API}/{other.id}")).status == 403
    assert (await api.get(f"{API}/0", headers=basic("other-key"))).json()[
        "id"
    ] == "12345678"

    for unknown in (
        f"{API}/i999",
        f"{API}/i0",
        f"{API}/i999/wellness/2025-01-01",
        "/api/v1/nope",
    ):
        reply = await api.get(unknown)
        assert reply.status == 404, unknown
        body = reply.json()
        assert set(body) == {"timestamp", "status", "error", "path"}
        assert body["status"] == 404
        assert body["error"] == "Not Found"
        assert body["path"] == unknown
    assert (await api.get("/", headers={})).status == 404
    wrong_method = await api.call("DELETE", f"{API}/0")
    assert wrong_method.status == 405
    assert wrong_method.json()["error"] == "Method Not Allowed"

    state.set_api_key(athlete.id, "rotated")
    assert (await api.get(path)).status == 401
    assert (await api.get(path, headers=basic("rotated"))).status == 200
    state.remove_athlete(other.id)
    assert (await api.get(path, headers=basic("other-key"))).status == 401


# Faults ----------------------------------------------------------------------


async def test_fault_status_codes(api: Api) -> None:
    path = f"{API}/0"
    api.state.add_fault(Fault.rate_limited(path="/athlete/0$", times=1))
    limited = await api.get(path)
    assert limited.status == 429
    assert limited.headers["Retry-After"] == "7"
    assert limited.json() == {"status": 429, "error": "Too Many Requests"}
    assert (await api.get(path)).status == 200, "times=1 rule is gone"

    api.state.add_fault(Fault.rate_limited(retry_after=None, times=1))
    bare = await api.get(path)
    assert bare.status == 429
    assert "Retry-After" not in bare.headers

    api.state.add_fault(Fault.http_status(503, times=1))
    unavailable = await api.get(path)
    assert unavailable.status == 503
    assert unavailable.content_type == "text/html"
    assert b"503 Service Unavailable" in unavailable.body

    api.state.add_fault(
        Fault.http_status(500, body="java.lang.NullPointerException", times=1)
    )
    crashed = await api.get(path)
    assert crashed.status == 500
    assert crashed.content_type == "text/plain"
    assert crashed.body == b"java.lang.NullPointerException"

    api.state.add_fault(
        Fault.http_status(502, body=b"\x00bad", headers={"X-Proxy": "edge"}, times=1)
    )
    gateway = await api.get(path)
    assert gateway.status == 502
    assert gateway.headers["X-Proxy"] == "edge"
    assert gateway.body == b"\x00bad"

    api.state.add_fault(Fault.http_status(422, times=1))
    assert (await api.get(path)).json() == {
        "status": 422,
        "error": "Unprocessable Entity",
    }

    api.state.add_fault(
        Fault.http_status(400, body={"status": 400, "error": "Bad"}, times=1)
    )
    assert (await api.get(path)).json() == {"status": 400, "error": "Bad"}


async def test_fault_matching_rules(api: Api) -> None:
    api.state.add_fault(
        Fault.http_status(500, path=r"/wellness", method="put", times=2)
    )
    wellness = f"{API}/0/wellness/2025-12-31"
    assert (await api.get(wellness)).status == 200, "method does not match"
    assert (await api.get(f"{API}/0")).status == 200, "path does not match"
    assert (await api.call("PUT", wellness, body={})).status == 500
    assert len(api.state.faults) == 1
    assert (await api.call("PUT", wellness, body={})).status == 500
    assert api.state.faults == []
    assert (await api.call("PUT", wellness, body={})).status == 200
    used_up = Fault(FaultKind.STATUS, status=500, times=1, hits=1)
    assert used_up.exhausted
    assert not used_up.matches("GET", wellness)
    forever = api.state.add_fault(Fault.http_status(503))
    for _ in range(3):
        assert (await api.get(wellness)).status == 503
    assert forever.hits == 3
    assert not forever.exhausted
    api.state.clear_faults()
    assert (await api.get(wellness)).status == 200


async def test_fault_delay(api: Api) -> None:
    api.state.add_fault(Fault.slow(0.3, path="sport-settings", times=1))
    started = time.monotonic()
    reply = await api.get(f"{API}/0/sport-settings")
    assert reply.status == 200
    assert time.monotonic() - started >= 0.3
    # A delay can be combined with a later rule, and can outlast the client.
    api.state.add_fault(Fault.slow(0.2, times=1))
    api.state.add_fault(Fault.http_status(503, times=1))
    assert (await api.get(f"{API}/0")).status == 503
    api.state.add_fault(Fault.slow(5, times=1))
    with pytest.raises(TimeoutError):
        async with api.session.get(
            f"{API}/0", headers=basic(api.key), timeout=aiohttp.ClientTimeout(total=0.2)
        ) as response:
            await response.read()
    # The server notices the client went away and cancels the handler (a
    # minute at most, however loaded the machine).
    for _ in range(6000):
        if api.state.log.entries[-1].fault == "delay":
            break
        await asyncio.sleep(0.01)
    assert api.state.log.entries[-1].fault == "delay"
    assert api.state.log.entries[-1].status == 0


async def test_fault_bad_bodies(api: Api) -> None:
    activities = f"{API}/0/activities"
    params = {"oldest": "2025-12-01", "fields": "id,distance,trainer"}
    real = (await api.get(activities, params)).json()

    api.state.add_fault(Fault.html(times=1))
    html = await api.get(activities, params)
    assert html.status == 200
    assert html.content_type == "text/html"
    assert html.body.startswith(b"<!DOCTYPE html>")

    api.state.add_fault(Fault.truncated_json(times=1))
    truncated = await api.get(activities, params)
    assert truncated.status == 200
    assert truncated.content_type == "application/json"
    with pytest.raises(json.JSONDecodeError):
        json.loads(truncated.body)

    api.state.add_fault(Fault.wrong_shape("object", times=1))
    assert (await api.get(activities, params)).json() == {"data": real}
    api.state.add_fault(Fault.wrong_shape("object", times=1))
    record = (await api.get(f"{API}/0")).json()
    assert isinstance(record, list)
    assert record[0]["id"] == "i123456"

    api.state.add_fault(Fault.wrong_shape("strings", times=1))
    strings = (await api.get(activities, params)).json()
    with_distance = next(i for i, a in enumerate(real) if "distance" in a)
    assert strings[with_distance]["distance"] == str(real[with_distance]["distance"])
    assert strings[with_distance]["trainer"] in {True, False}

    api.state.add_fault(Fault.wrong_shape("nulls", times=1))
    nulls = (await api.get(activities, params)).json()
    assert len(nulls) == len(real)
    assert all(v is None for a in nulls for v in a.values())

    api.state.add_fault(Fault.wrong_shape("strings", times=1))
    assert (await api.get("/api/v1/nope")).json()["status"] == "404"
    assert reshape([1, "a", None, {"x": 2.5}], "strings") == [
        "1",
        "a",
        None,
        {"x": "2.5"},
    ]


async def test_fault_broken_connections(api: Api) -> None:
    api.state.add_fault(Fault.reset(path="activities", times=1))
    with pytest.raises(aiohttp.ClientPayloadError):
        await api.get(f"{API}/0/activities", {"oldest": "2024-01-01"})
    reset_entry = api.state.log.entries[-1]
    assert reset_entry.fault == "reset"
    assert reset_entry.status == 200
    assert reset_entry.bytes > 0
    # A small body too: the headers arrive, so the client does not retry.
    api.state.add_fault(Fault.reset(path="/athlete/0$", times=1))
    with pytest.raises(aiohttp.ClientPayloadError):
        await api.get(f"{API}/0")
    assert api.state.log.count("/athlete/0$", method="GET") == 1

    # aiohttp retries an idempotent request once after a disconnect, so a
    # single close is invisible to it: it takes two.
    api.state.add_fault(Fault.close(times=1))
    assert (await api.get(f"{API}/0")).status == 200
    api.state.add_fault(Fault.close(times=2))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.get(f"{API}/0")
    closes = [e for e in api.state.log if e.fault == "close"]
    assert len(closes) == 3
    assert all(e.status == 0 and e.bytes == 0 for e in closes)
    # The server keeps serving the original session afterwards.
    assert (await api.get(f"{API}/0")).status == 200


async def test_faults_under_frozen_time(
    api: Api, freezer: FrozenDateTimeFactory
) -> None:
    # Integration tests freeze time; faults must not wait on the loop clock.
    freezer.move_to("2025-12-31T19:00:00Z")
    api.state.add_fault(Fault.reset(times=1))
    with pytest.raises(aiohttp.ClientPayloadError):
        await api.get(f"{API}/0")
    api.state.add_fault(Fault.close(times=2))
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await api.get(f"{API}/0")
    api.state.add_fault(Fault.truncated_json(times=1))
    assert (await api.get(f"{API}/0")).status == 200
    assert api.state.log.entries[-1].time == NOW


# Request log and rate limit --------------------------------------------------


async def test_request_log_counts_requests_and_bytes(api: Api) -> None:
    log = api.state.log
    log.clear()
    replies = [
        await api.get(f"{API}/0"),
        await api.get(f"{API}/0/activities", {"oldest": "2025-12-01", "fields": "id"}),
        await api.get(
            f"{API}/0/activities",
            [("oldest", "2025-11-01"), ("fields", "id"), ("fields", "type")],
        ),
        await api.get(f"{API}/0/activities"),
        await api.call("PUT", f"{API}/0/wellness/2025-12-31", body={"mood": 1}),
    ]
    assert len(log) == 5
    assert len(list(log)) == 5
    assert log.count() == 5
    assert log.count(r"/activities$") == 3
    assert log.count(r"/activities$", status=200) == 2
    assert log.count(method="put") == 1
    assert log.count(method="GET") == 4
    assert log.total_bytes() == sum(len(r.body) for r in replies)
    assert log.total_bytes("/activities", status=200) == len(replies[1].body) + len(
        replies[2].body
    )
    third = log.entries[2]
    assert third.query == {"oldest": ["2025-11-01"], "fields": ["id", "type"]}
    assert third.method == "GET"
    assert third.path == f"{API}/0/activities"
    assert third.time.tzinfo is not None
    assert third.duration >= 0
    assert third.fault is None
    log.clear()
    assert log.count() == 0
    assert log.total_bytes() == 0


async def test_rate_limiter(api: Api) -> None:
    # The bucket refills by a clock of the test's, not by the wall clock: a
    # loaded machine cannot slip a refill in between two requests.
    now = [100.0]
    limiter = api.state.enable_rate_limit(
        rate=10.0, burst=3, retry_after=2, clock=lambda: now[0]
    )
    statuses = [(await api.get(f"{API}/0")).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.state.log.entries[-1]
    assert limited.status == 429
    assert limited.fault == "rate_limit"
    now[0] += 0.05  # half a token
    reply = await api.get(f"{API}/0")
    assert reply.status == 429
    assert reply.headers["Retry-After"] == "2"
    now[0] += 0.1
    assert (await api.get(f"{API}/0")).status == 200
    assert (await api.get(f"{API}/0")).status == 429
    assert limiter.rate == 10.0
    api.state.rate_limiter = None
    assert [(await api.get(f"{API}/0")).status for _ in range(5)] == [200] * 5


def test_rate_limiter_token_bucket() -> None:
    now = [100.0]
    limiter = RateLimiter(rate=10.0, burst=2, clock=lambda: now[0])
    assert [limiter.allow() for _ in range(3)] == [True, True, False]
    now[0] += 0.1
    assert limiter.allow()
    assert not limiter.allow()
    now[0] += 60
    assert [limiter.allow() for _ in range(3)] == [True, True, False]


# Generator -------------------------------------------------------------------


def test_generator_is_deterministic() -> None:
    kwargs: dict[str, Any] = {
        "start": date(2024, 1, 1),
        "end": date(2024, 12, 31),
        "strava_share": 0.2,
        "events_until": date(2025, 2, 1),
    }
    first = generate_athlete(seed=99, **kwargs)
    again = generate_athlete(seed=99, **kwargs)
    other = generate_athlete(seed=100, **kwargs)
    assert first.activities == again.activities
    assert first.wellness == again.wellness
    assert first.events == again.events
    assert first.record() == again.record()
    assert first.activities != other.activities
    assert first.api_key != other.api_key
    assert len(first.api_key) == 26


def test_generator_scales_to_20000_activities_a_year() -> None:
    athlete = generate_athlete(
        seed=3,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        activities_per_year=20_000,
    )
    assert abs(len(athlete.activities) - 20_000) < 100
    assert len({a["id"] for a in athlete.activities}) == len(athlete.activities)
    types = {a["type"] for a in athlete.activities}
    assert types <= set(ACTIVITY_TYPES)
    assert len(types) > 30


def test_generated_activities_are_realistic(athlete: Athlete) -> None:
    activities = athlete.activities
    assert 550 < len(activities) < 650  # 300 a year over two years
    zone = athlete.zone
    for activity in activities:
        local = datetime.fromisoformat(activity["start_date_local"])
        utc = datetime.fromisoformat(activity["start_date"])
        assert local.replace(tzinfo=zone).astimezone(UTC) == utc
        assert activity["moving_time"] <= activity["elapsed_time"]
        assert activity["start_date_local"] <= "2025-12-31T20:00:00"  # NOW, local
        assert activity["icu_athlete_id"] == athlete.id
        if activity.get("distance"):
            speed = activity["distance"] / activity["moving_time"]
            assert math.isclose(activity["average_speed"], speed, rel_tol=0.05)
    strava = sum(a["source"] == "STRAVA" for a in activities) / len(activities)
    assert 0.05 < strava < 0.15
    rides = [a for a in activities if a["type"] in {"Ride", "VirtualRide"}]
    assert sum("icu_average_watts" in a for a in rides) > len(rides) * 0.7
    assert all(a["trainer"] for a in activities if a["type"] == "VirtualRide")
    runs = [a for a in activities if a["type"] == "Run"]
    assert all(2 < a["average_speed"] < 6 for a in runs)
    assert any(a["race"] for a in activities) or len(activities) < 1000
    counts = {
        t: sum(a["type"] == t for a in activities) for t in ("Ride", "Run", "Swim")
    }
    assert min(counts.values()) > 10


def test_generated_wellness_follows_the_fitness_model(athlete: Athlete) -> None:
    days = sorted(athlete.wellness)
    assert days[0] == "2024-01-01"
    assert days[-1] == "2025-12-31"
    assert 20 < 731 - len(days) < 40, "about 3% of days missing"
    series = fitness_series(
        athlete.daily_load(),
        date(2024, 1, 1),
        date(2025, 12, 31),
        ctl_start=athlete.fitness_start[0],
        atl_start=athlete.fitness_start[1],
    )
    for key in days:
        record = athlete.wellness[key]
        point = series[date.fromisoformat(key)]
        assert math.isclose(record["ctl"], point.ctl, abs_tol=1e-3)
        assert math.isclose(record["atl"], point.atl, abs_tol=1e-3)
        week_ago = series.get(date.fromisoformat(key) - timedelta(days=7))
        if week_ago is not None:
            assert math.isclose(
                record["rampRate"], point.ctl - week_ago.ctl, abs_tol=1e-3
            )
        assert record["ctlLoad"] == record["atlLoad"] == point.load
        assert record["sportInfo"][0]["type"] == "Ride"
        for key_1_4 in ("soreness", "fatigue", "stress", "mood", "motivation"):
            assert record.get(key_1_4) in {None, 1, 2, 3, 4}
    assert any("hrv" not in athlete.wellness[d] for d in days), "days without a sync"
    assert any("weight" not in athlete.wellness[d] for d in days)
    assert "mood" not in athlete.wellness["2025-12-31"], "today is not filled in yet"
    # EWMA by hand for one step.
    decay = math.exp(-1 / 42)
    d1, d0 = series[date(2025, 6, 2)], series[date(2025, 6, 1)]
    assert math.isclose(d1.ctl, d0.ctl * decay + d1.load * (1 - decay))


def test_todays_wellness_is_not_updated_in_the_future() -> None:
    early = datetime(2025, 12, 31, 5, 0, tzinfo=UTC)  # 06:00 in Amsterdam
    athlete = generate_athlete(
        seed=1, start=date(2025, 12, 1), end=date(2025, 12, 31), now=early
    )
    assert athlete.wellness["2025-12-31"]["updated"] <= "2025-12-31T05:00:00Z"
    assert all(
        a["start_date_local"] <= "2025-12-31T06:00:00" for a in athlete.activities
    )


def test_recompute_fitness_after_edits() -> None:
    athlete = quiet_athlete()
    assert athlete.wellness["2025-06-30"]["ctl"] == 0
    athlete.add_activity(start_local="2025-06-29T08:00:00", icu_training_load=420)
    athlete.recompute_fitness()
    day = athlete.wellness["2025-06-29"]
    assert day["ctlLoad"] == 420
    assert math.isclose(day["ctl"], 420 * (1 - math.exp(-1 / 42)), abs_tol=1e-3)
    assert athlete.wellness["2025-06-30"]["atl"] < day["atl"]
    assert athlete.set_wellness("2025-07-01", hrv=55.0) == {
        "id": "2025-07-01",
        "hrv": 55.0,
    }


def test_parse_local_bound() -> None:
    assert parse_local_bound("2025-01-02").upper() == "2025-01-02T23:59:59"
    assert parse_local_bound(" 2025-01-02T03:04 ").lower() == "2025-01-02T03:04:00"
    assert parse_local_bound("2025-01-02T03:04:05.999").upper() == "2025-01-02T03:04:05"
    for bad in ("2025-1-2", "2025-01-02Z", "2025-01-02T03:04:05+00:00", ""):
        with pytest.raises(ValueError, match="Invalid"):
            parse_local_bound(bad)


# Server plumbing and the demo ------------------------------------------------


async def test_server_object_and_app() -> None:
    state = EmulatorState()
    server = EmulatorServer(state)
    with pytest.raises(RuntimeError):
        _ = server.url
    async with server:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.port > 0
        async with (
            aiohttp.ClientSession() as session,
            session.get(server.url + "/api/v1/athlete/0") as response,
        ):
            assert response.status == 401
    await server.close()  # closing twice is harmless
    assert create_app(state).router is not None


def test_demo_state_and_arguments() -> None:
    state = build_demo_state(now=NOW)
    athlete = state.athletes[DEMO_ATHLETE_ID]
    assert state.api_keys[DEMO_API_KEY] == DEMO_ATHLETE_ID
    assert athlete.name == "Demo Athlete"
    assert athlete.timezone == "Europe/Amsterdam"
    # Five full years before this one: 2020 to 2025.
    assert min(athlete.wellness) == "2020-01-01"
    assert max(athlete.wellness) == "2025-12-31"
    years = {a["start_date_local"][:4] for a in athlete.activities}
    assert years == {"2020", "2021", "2022", "2023", "2024", "2025"}
    assert 2200 < len(athlete.activities) < 2600
    assert (
        len(
            build_demo_state(now=NOW, history_years=1)
            .athletes[DEMO_ATHLETE_ID]
            .wellness
        )
        < 731
    )
    assert max(e["start_date_local"] for e in athlete.events) >= "2026-01-27"
    assert any(a["source"] == "STRAVA" for a in athlete.activities)
    args = parse_args(
        [
            "--demo",
            "--port",
            "0",
            "--seed",
            "3",
            "--timezone",
            "UTC",
            "--rate-limit",
            "--history-years",
            "10",
        ]
    )
    assert args.history_years == 10
    assert args.port == 0
    assert args.seed == 3
    assert args.timezone == "UTC"
    assert args.rate_limit
    with pytest.raises(SystemExit):
        parse_args([])


async def printed(capsys: pytest.CaptureFixture[str], text: str) -> str:
    """What was printed until `text` was; a minute at most, however loaded."""
    output = ""
    for _ in range(6000):
        output += capsys.readouterr().out
        if text in output:
            return output
        await asyncio.sleep(0.01)
    pytest.fail(f"{text!r} was not printed: {output!r}")


async def test_demo_serve_prints_how_to_connect_and_stops_on_sigterm(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = parse_args(
        ["--demo", "--port", "0", "--activities-per-year", "50", "--rate-limit"]
    )
    task = asyncio.create_task(serve(args))
    output = await printed(capsys, "Press Ctrl+C")
    url = output.split("listening on ")[1].split()[0]
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{url}/api/v1/athlete/0", headers=basic(DEMO_API_KEY)) as response,
    ):
        assert (await response.json())["id"] == DEMO_ATHLETE_ID
    os.kill(os.getpid(), signal.SIGTERM)  # handled by serve(), not fatal
    await asyncio.wait_for(task, 10)
    assert f"API key:    {DEMO_API_KEY}" in output
    assert DEMO_ATHLETE_ID in output
    # The handler is gone again once serve() returns.
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


async def test_demo_serve_stops_on_event(capsys: pytest.CaptureFixture[str]) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(parse_args(["--demo", "--port", "0"]), stop))
    await printed(capsys, "Press Ctrl+C")  # serving, not still starting
    stop.set()
    await asyncio.wait_for(task, 10)


def test_main_stops_cleanly_on_ctrl_c(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(coro: Any) -> None:
        coro.close()
        raise KeyboardInterrupt

    monkeypatch.setattr(asyncio, "run", interrupted)
    assert main(["--demo"]) == 0


def test_cli_runs_and_stops_on_sigint() -> None:
    command = [sys.executable, "-m", "emulator", "--demo", "--port", "0"]
    command += ["--activities-per-year", "20"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    pipe = subprocess.PIPE
    # The command is built above from constants, not from input.
    with subprocess.Popen(command, cwd=REPO, env=env, stdout=pipe, stderr=pipe) as cli:  # noqa: S603
        assert cli.stdout is not None
        assert cli.stderr is not None
        try:
            output = b""
            deadline = time.monotonic() + 30
            # Raw reads: a buffered reader would hide lines from select().
            while time.monotonic() < deadline and b"Ctrl+C" not in output:
                ready, _, _ = select.select([cli.stdout], [], [], 0.5)
                if ready:
                    output += os.read(cli.stdout.fileno(), 4096)
            text = output.decode()
            assert "http://127.0.0.1:" in text
            assert DEMO_API_KEY in text
            assert DEMO_ATHLETE_ID in text
            cli.send_signal(signal.SIGINT)
            assert cli.wait(timeout=15) == 0
            errors = cli.stderr.read().decode()
            assert "Traceback" not in errors
            assert "Stopped." in errors
        finally:
            if cli.poll() is None:
                cli.kill()


def test_rotate_demo_key() -> None:
    state = build_demo_state(now=NOW, activities_per_year=20)
    assert rotate_demo_key(state) == "demo-key-2"
    assert not state.can_read(DEMO_API_KEY, DEMO_ATHLETE_ID)
    assert state.can_read("demo-key-2", DEMO_ATHLETE_ID)
    assert rotate_demo_key(state) == "demo-key-3"
    assert not state.can_read("demo-key-2", DEMO_ATHLETE_ID)


async def test_demo_key_is_replaced_on_sigusr1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`kill -USR1` makes the emulator refuse the key, as a regenerated key would."""
    stop = asyncio.Event()
    args = parse_args(["--demo", "--port", "0", "--activities-per-year", "20"])
    task = asyncio.create_task(serve(args, stop))
    output = await printed(capsys, "Press Ctrl+C")
    assert f"kill -USR1 {os.getpid()}" in output
    url = output.split("listening on ")[1].split()[0]

    async def status(key: str) -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{url}/api/v1/athlete/0", headers=basic(key)) as response,
        ):
            return response.status

    assert await status(DEMO_API_KEY) == 200
    os.kill(os.getpid(), signal.SIGUSR1)
    # Handled by the event loop when it next looks: waited for, not guessed.
    await printed(capsys, "use demo-key-2")
    assert await status(DEMO_API_KEY) == 401
    assert await status("demo-key-2") == 200
    stop.set()
    await asyncio.wait_for(task, 10)
    # The handler is gone again once serve() returns.
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL
