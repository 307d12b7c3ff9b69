"""The emulator's best-effort curves and gear, against the OpenAPI schemas."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
import pickle

import aiohttp
import pytest

from emulator import Athlete, EmulatorState, generate_athlete, running_emulator
from emulator.curves import (
    POWER_SECS,
    RUN_DISTANCES,
    CurveIdError,
    activity_pace,
    activity_power,
    curve_range,
)

from .test_emulator import API, NOW, Api, assert_valid

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture(scope="module")
def generated() -> Athlete:
    """A year of a seeded athlete, generated once for the module."""
    return generate_athlete(
        seed=11,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        strava_share=0.1,
        now=NOW,
    )


@pytest.fixture
def athlete(generated: Athlete) -> Athlete:
    """A copy of its own for each test, which may change it."""
    return pickle.loads(pickle.dumps(generated))  # noqa: S301 - our own data


@pytest.fixture
async def api(athlete: Athlete) -> AsyncIterator[Api]:
    state = EmulatorState.with_athletes(athlete)
    state.clock = lambda: NOW
    async with running_emulator(state) as url, aiohttp.ClientSession(url) as session:
        yield Api(session, athlete.api_key, state, url)


YEAR = {"curves": "r.2025-01-01.2025-12-31"}


# Curves ----------------------------------------------------------------------


async def test_power_curve_is_the_best_over_activities(
    api: Api, athlete: Athlete
) -> None:
    reply = await api.get(f"{API}/0/power-curves.json", {"type": "Ride", **YEAR})
    assert reply.status == 200
    payload = reply.json()
    assert_valid(payload, "DataCurveSetPowerCurve")
    (curve,) = payload["list"]
    assert curve["id"] == "r.2025-01-01.2025-12-31"
    assert curve["secs"] == sorted(curve["secs"])
    assert set(curve["secs"]) <= set(POWER_SECS)
    assert 5 in curve["secs"]
    assert 3600 in curve["secs"]
    # Never more power over a longer time.
    assert curve["values"] == sorted(curve["values"], reverse=True)
    ride_types = set(athlete.sport_settings[0]["types"])
    rides = {
        a["id"]: a
        for a in athlete.activities
        if a.get("type") in ride_types and a.get("source") != "STRAVA"
    }
    assert any(a["type"] == "VirtualRide" for a in rides.values())
    for secs, watts, activity_id in zip(
        curve["secs"], curve["values"], curve["activity_id"], strict=True
    ):
        best = max(
            dict(activity_power(a, athlete.sport_settings[0])).get(secs, 0)
            for a in rides.values()
        )
        assert watts == best
        assert dict(activity_power(rides[activity_id], {})).get(secs) is not None
    assert set(payload["activities"]) >= set(curve["activity_id"])
    some = payload["activities"][curve["activity_id"][0]]
    assert some["start_date_local"] == rides[some["id"]]["start_date_local"]
    for wkg, wkg_id, secs in zip(
        curve["watts_per_kg"], curve["wkg_activity_id"], curve["secs"], strict=True
    ):
        ride = rides[wkg_id]
        assert wkg == round(
            dict(activity_power(ride, athlete.sport_settings[0]))[secs]
            / ride["icu_weight"],
            2,
        )


async def test_power_curve_needs_a_type_and_valid_ids(api: Api) -> None:
    missing = await api.get(f"{API}/0/power-curves.json", YEAR)
    assert missing.status == 422
    assert "type" in missing.json()["error"]
    for params in (
        {"type": "Ride", "curves": "r.2025-13-01.2025-12-31"},
        {"type": "Ride", "curves": "lately"},
        {"type": "Bicycle", **YEAR},
    ):
        assert (await api.get(f"{API}/0/power-curves.json", params)).status == 422
    # Several curves at once, one entry each; the default is the last year.
    both = await api.get(
        f"{API}/0/power-curves.json", {"type": "Ride", "curves": "42d,s0,all"}
    )
    assert [c["id"] for c in both.json()["list"]] == ["42d", "s0", "all"]
    default = await api.get(f"{API}/0/power-curves", {"type": "Ride"})
    assert [c["id"] for c in default.json()["list"]] == ["1y"]


async def test_pace_curves_run_and_swim(api: Api, athlete: Athlete) -> None:
    run = (await api.get(f"{API}/0/pace-curves.json", {"type": "Run", **YEAR})).json()
    assert_valid(run, "DataCurveSetPaceCurve")
    (curve,) = run["list"]
    assert curve["type"] == "PACE"
    assert set(curve["distance"]) <= set(RUN_DISTANCES)
    assert 5000.0 in curve["distance"]
    assert curve["values"] == sorted(curve["values"])
    for metres, seconds, activity_id in zip(
        curve["distance"], curve["values"], curve["activity_id"], strict=True
    ):
        activity = athlete.get_activity(activity_id)
        assert activity["type"] in {"Run", "VirtualRun", "TrailRun"}
        assert dict(activity_pace(activity))[metres] == seconds
    swim = (await api.get(f"{API}/0/pace-curves.json", {"type": "Swim", **YEAR})).json()
    (swim_curve,) = swim["list"]
    assert 100.0 in swim_curve["distance"]
    assert 21097.5 not in swim_curve["distance"]
    # Without a type the pace curves are the runner's.
    default = (await api.get(f"{API}/0/pace-curves.json", YEAR)).json()
    assert default["list"][0]["distance"] == curve["distance"]


async def test_a_new_activity_improves_the_curves(api: Api, athlete: Athlete) -> None:
    before = (
        await api.get(f"{API}/0/pace-curves.json", {"type": "Run", **YEAR})
    ).json()
    index = before["list"][0]["distance"].index(5000.0)
    old_5k = before["list"][0]["values"][index]
    fast = athlete.add_activity(
        start_local="2025-12-31T09:00:00",
        activity_type="Run",
        distance=5000.0,
        moving_time=old_5k - 30,
    )
    after = (await api.get(f"{API}/0/pace-curves.json", {"type": "Run", **YEAR})).json()
    curve = after["list"][0]
    assert curve["values"][curve["distance"].index(5000.0)] == old_5k - 30
    assert curve["activity_id"][curve["distance"].index(5000.0)] == fast["id"]
    assert 10000.0 in curve["distance"], "longer bests stay"
    # Outside the range it counts for nothing.
    earlier = (
        await api.get(
            f"{API}/0/pace-curves.json",
            {"type": "Run", "curves": "r.2025-01-01.2025-12-30"},
        )
    ).json()
    assert earlier["list"][0]["values"][index] == old_5k

    power = {"type": "Ride", **YEAR}
    old = (await api.get(f"{API}/0/power-curves.json", power)).json()["list"][0]
    old_5min = old["values"][old["secs"].index(300)]
    strong = athlete.add_activity(
        start_local="2025-12-31T10:00:00",
        activity_type="VirtualRide",
        moving_time=600,
        icu_average_watts=old_5min + 50,
    )
    new = (await api.get(f"{API}/0/power-curves.json", power)).json()["list"][0]
    assert new["values"][new["secs"].index(300)] >= old_5min + 50
    assert new["activity_id"][new["secs"].index(300)] == strong["id"]
    assert (
        new["values"][new["secs"].index(3600)] == old["values"][old["secs"].index(3600)]
    )


def test_activity_bests_edge_cases() -> None:
    assert activity_power({"id": "x", "moving_time": 600}, {}) == []
    assert activity_pace({"id": "x", "distance": 0, "moving_time": 60}) == []
    exact = activity_pace(
        {"id": "x", "type": "Run", "distance": 5000.0, "moving_time": 1200}
    )
    assert exact[-1] == (5000.0, 1200)
    assert [d for d, _ in exact] == [d for d in RUN_DISTANCES if d <= 5000]
    race = activity_power(
        {"id": "r", "moving_time": 3600, "icu_average_watts": 250, "race": True},
        {"ftp": 260, "w_prime": 20000, "p_max": 900},
    )
    assert race[-1] == (3600, 250)
    assert race[0][1] > 600
    today = date(2025, 6, 15)
    assert curve_range("42d", today).first == date(2025, 5, 5)
    assert curve_range("1y", today).first == today - timedelta(days=364)
    assert curve_range("all", today).last == today
    with pytest.raises(CurveIdError):
        curve_range("r.2025-02-30.2025-03-01", today)


# Gear ------------------------------------------------------------------------


async def test_gear_list_matches_schema_and_states(api: Api) -> None:
    reply = await api.get(f"{API}/0/gear.json")
    assert reply.status == 200
    gear = reply.json()
    assert_valid(gear, "Gear", array=True)
    by_id = {g["id"]: g for g in gear}
    assert set(by_id) == {"b1", "c1", "g1", "g2", "b2"}
    assert by_id["b1"]["component_ids"] == ["c1"]
    assert by_id["c1"]["component"] is True
    assert by_id["b2"]["retired"] == "2024-11-06"
    assert by_id["b1"]["distance"] == 12_345_000.0
    chain = by_id["c1"]["reminders"][0]
    assert chain["percent_used"] == 104.0
    assert chain["distance_used"] == 3_120_000.0
    assert chain["snoozed_until"] is None
    shoes = by_id["g1"]["reminders"][0]
    assert shoes["percent_used"] == 102.0
    assert shoes["snoozed_until"] == "2026-01-13T23:00:00Z"
    service, lube = by_id["b1"]["reminders"]
    assert service["days_used"] == 150
    assert service["percent_used"] == round(150 / 365 * 100, 1)
    assert lube["activities_used"] == 7
    assert lube["percent_used"] == 35.0
    assert all(r["gear_id"] == "b1" for r in by_id["b1"]["reminders"])


async def test_activities_on_gear_add_up(api: Api, athlete: Athlete) -> None:
    athlete.add_activity(
        start_local="2025-12-31T08:00:00",
        activity_type="Ride",
        distance=50_000.0,
        moving_time=6000,
        gear={"id": "b1", "name": "Road bike"},
    )
    by_id = {g["id"]: g for g in (await api.get(f"{API}/0/gear.json")).json()}
    assert by_id["b1"]["distance"] == 12_395_000.0
    assert by_id["b1"]["activities"] == 413
    # The chain is on the bike, so it did the ride too.
    assert by_id["c1"]["distance"] == 3_170_000.0
    assert by_id["c1"]["reminders"][0]["percent_used"] == round(3170 / 3000 * 100, 1)
    assert by_id["g1"]["distance"] == 612_000.0


async def test_reset_and_snooze_a_reminder(api: Api, athlete: Athlete) -> None:
    path = f"{API}/0/gear/c1/reminder/3"
    settings = {"id": 3, "name": "Replace chain", "distance": 3_000_000.0}
    reply = await api.call(
        "PUT", path, {"reset": "true", "snoozeDays": "0"}, body=settings
    )
    assert reply.status == 200
    chain = reply.json()
    assert_valid(chain, "Gear")
    reminder = chain["reminders"][0]
    assert reminder["percent_used"] == 0.0
    assert reminder["distance_used"] == 0.0
    assert reminder["last_reset"] == "2025-12-31T19:00:00Z"
    assert reminder["distance"] == 3_000_000.0
    listed = {g["id"]: g for g in (await api.get(f"{API}/0/gear.json")).json()}
    assert listed["c1"] == chain
    # A snooze without a reset leaves the usage alone.
    snooze = await api.call(
        "PUT",
        f"{API}/0/gear/g2/reminder/5",
        {"snoozeDays": "3"},
        body={"name": "Replace flats", "distance": 400_000.0},
    )
    flats = snooze.json()["reminders"][0]
    assert flats["snoozed_until"] == "2026-01-03T19:00:00Z"
    assert flats["percent_used"] == 21.0
    # The body's settings replace the old ones: a body without limits clears them.
    cleared = await api.call("PUT", f"{API}/0/gear/g2/reminder/5", body={})
    assert cleared.json()["reminders"][0]["distance"] is None
    assert cleared.json()["reminders"][0]["percent_used"] is None


async def test_reminder_put_errors(api: Api) -> None:
    body = {"name": "x"}
    for path, params, payload, status in (
        (f"{API}/0/gear/zz/reminder/3", {"reset": "true"}, body, 404),
        (f"{API}/0/gear/c1/reminder/99", {"reset": "true"}, body, 404),
        (f"{API}/0/gear/c1/reminder/x", {"reset": "true"}, body, 422),
        (f"{API}/0/gear/c1/reminder/3", {"reset": "maybe"}, body, 422),
        (f"{API}/0/gear/c1/reminder/3", {"snoozeDays": "soon"}, body, 422),
        (f"{API}/0/gear/c1/reminder/3", {"reset": "true"}, [1], 422),
        (f"{API}/0/gear/c1/reminder/3", {"reset": "true"}, {"days": "7"}, 422),
        (f"{API}/0/gear/c1/reminder/3", {"reset": "true"}, {"days": True}, 422),
        (f"{API}/0/gear/c1/reminder/3", {"reset": "true"}, {"distance": "far"}, 422),
        (f"{API}/0/gear/c1/reminder/3", {"reset": "true"}, {"name": 5}, 422),
    ):
        reply = await api.call("PUT", path, params, body=payload)
        assert reply.status == status, (path, params, payload)
    bad_json = await api.call(
        "PUT", f"{API}/0/gear/c1/reminder/3", {"reset": "true"}, data=b"{"
    )
    assert bad_json.status == 422
    unauthenticated = await api.get(f"{API}/0/gear.json", headers={})
    assert unauthenticated.status == 401


def test_gear_follows_the_generation_end() -> None:
    athlete = generate_athlete(
        seed=3, start=date(2026, 1, 1), end=date(2026, 3, 1), activities_per_year=0
    )
    shoes = next(g for g in athlete.gear if g["id"] == "g1")
    snoozed = datetime.fromisoformat(shoes["reminders"][0]["snoozed_until"])
    assert snoozed.astimezone(UTC) == datetime(2026, 3, 14, 23, 0, tzinfo=UTC)


async def test_a_sport_without_settings_counts_only_its_own_type(
    api: Api, athlete: Athlete
) -> None:
    athlete.add_activity(
        start_local="2025-12-30T09:00:00",
        activity_type="Rowing",
        distance=2000.0,
        moving_time=480,
        icu_average_watts=260,
    )
    power = (
        await api.get(f"{API}/0/power-curves.json", {"type": "Rowing", **YEAR})
    ).json()["list"][0]
    assert power["values"][power["secs"].index(300)] >= 260
    pace = (
        await api.get(f"{API}/0/pace-curves.json", {"type": "Rowing", **YEAR})
    ).json()["list"][0]
    assert pace["values"][pace["distance"].index(2000.0)] == 480


async def test_a_reset_time_without_offset_is_local(api: Api, athlete: Athlete) -> None:
    flats = next(g for g in athlete.gear if g["id"] == "g2")
    flats["reminders"][0]["last_reset"] = "2025-12-01T00:00:00"
    gear = {g["id"]: g for g in (await api.get(f"{API}/0/gear.json")).json()}
    assert gear["g2"]["reminders"][0]["days_used"] == 30
