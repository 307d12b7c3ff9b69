"""The client's curves and gear calls, against the emulator on 127.0.0.1."""

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

import pytest

from custom_components.intervals_icu.api import (
    Gear,
    IntervalsClient,
    IntervalsResponseError,
    PaceCurve,
    PowerCurve,
    Reminder,
    curve_id,
)
from emulator.curves import curve_range, pace_curves, power_curves
from emulator.model import Athlete
from emulator.server import EmulatorServer

from ..conftest import ATHLETE_ID, NOW

YEAR_START = date(2026, 1, 1)
TODAY = NOW.date()


def _expected(kind: str, athlete: Athlete, sport: str) -> dict[str, Any]:
    span = curve_range(curve_id(YEAR_START, TODAY), TODAY)
    make = power_curves if kind == "power" else pace_curves
    payload = make(athlete, sport, [span])
    curve: dict[str, Any] = payload["list"][0]
    return curve


async def test_power_curve_of_the_year(
    client: IntervalsClient, emulator: EmulatorServer, athlete: Athlete
) -> None:
    curve = await client.get_power_curve(ATHLETE_ID, "Ride", YEAR_START, TODAY)
    (request,) = emulator.state.log.matching("power-curves")
    assert request.path == f"/api/v1/athlete/{ATHLETE_ID}/power-curves.json"
    assert request.query == {"type": ["Ride"], "curves": ["r.2026-01-01.2026-06-15"]}
    expected = _expected("power", athlete, "Ride")
    assert curve.secs == tuple(expected["secs"])
    assert curve.watts == tuple(expected["values"])
    assert curve.activity_id == tuple(expected["activity_id"])
    assert curve.watts_per_kg == tuple(expected["watts_per_kg"])
    assert curve.wkg_activity_id == tuple(expected["wkg_activity_id"])
    assert 5 in curve.secs
    # The answer names the activities the points refer to, with their start.
    holder = curve.activity_id[curve.secs.index(300)]
    assert holder is not None
    assert curve.activity_starts[holder] == datetime.fromisoformat(
        athlete.get_activity(holder)["start_date_local"]
    )


@pytest.mark.parametrize("sport", ["Run", "Swim"])
async def test_pace_curve_of_the_year(
    client: IntervalsClient, athlete: Athlete, sport: str
) -> None:
    curve = await client.get_pace_curve(ATHLETE_ID, sport, YEAR_START, TODAY)
    expected = _expected("pace", athlete, sport)
    assert curve.distance == tuple(expected["distance"])
    assert curve.seconds == tuple(expected["values"])
    assert curve.activity_id == tuple(expected["activity_id"])
    assert curve.distance
    assert set(curve.activity_id) <= set(curve.activity_starts)


async def test_gear_and_reminders(client: IntervalsClient) -> None:
    gear = {g.id: g for g in await client.get_gear(ATHLETE_ID)}
    assert set(gear) == {"b1", "c1", "g1", "g2", "b2"}
    bike, chain, shoes = gear["b1"], gear["c1"], gear["g1"]
    assert bike.type == "Bike"
    assert bike.name == "Road bike"
    assert bike.distance == 12_345_000.0
    assert bike.time == 1_543_000.0
    assert bike.activities == 412
    assert bike.component_ids == ("c1",)
    assert not bike.component
    assert chain.component
    assert gear["b2"].retired == date(2025, 4, 21)
    assert bike.retired is None
    (replace_chain,) = chain.reminders
    assert replace_chain == Reminder(
        id="3",
        name="Replace chain",
        distance=3_000_000.0,
        last_reset=datetime(2025, 5, 10, 22, 0, tzinfo=UTC),
        percent_used=104.0,
        distance_used=3_120_000.0,
        time_used=390_000.0,
        activities_used=104,
        days_used=400,
    )
    assert shoes.reminders[0].snoozed_until == datetime(2026, 6, 28, 22, 0, tzinfo=UTC)
    assert bike.reminders[1].activities == 20


async def test_reset_reminder_keeps_its_limits(
    client: IntervalsClient, emulator: EmulatorServer
) -> None:
    chain = next(g for g in await client.get_gear(ATHLETE_ID) if g.id == "c1")
    after = await client.reset_reminder(ATHLETE_ID, "c1", chain.reminders[0])
    (request,) = emulator.state.log.matching("reminder", method="PUT")
    assert request.path == f"/api/v1/athlete/{ATHLETE_ID}/gear/c1/reminder/3"
    assert request.query == {"reset": ["true"], "snoozeDays": ["0"]}
    assert isinstance(after, Gear)
    (reminder,) = after.reminders
    assert reminder.percent_used == 0.0
    # The body replaces the reminder's settings: the limit survives the reset.
    assert reminder.distance == 3_000_000.0
    assert reminder.name == "Replace chain"
    assert reminder.last_reset == NOW


async def test_bad_ids_never_reach_a_url(
    client: IntervalsClient, emulator: EmulatorServer
) -> None:
    reminder = Reminder(id="3")
    for call in (
        client.reset_reminder(ATHLETE_ID, "../c1", reminder),
        client.reset_reminder(ATHLETE_ID, "c1", Reminder(id="3/../4")),
        client.get_power_curve(ATHLETE_ID, "Ride&x=1", YEAR_START, TODAY),
    ):
        with pytest.raises(ValueError, match="malformed"):
            await call
    with pytest.raises(TypeError):
        await client.get_pace_curve(
            ATHLETE_ID,
            "Run",
            datetime(2026, 1, 1),
            TODAY,
        )
    assert len(emulator.state.log) == 0


# Parsing ----------------------------------------------------------------------


def test_curves_parse_defensively() -> None:
    assert PowerCurve.from_json({"list": []}) == PowerCurve()
    assert PaceCurve.from_json({}) == PaceCurve()
    sparse = PowerCurve.from_json(
        {"list": [{"secs": [5, 60], "values": [900, 400], "activity_id": None}]}
    )
    assert sparse.activity_id == (None, None)
    assert sparse.watts_per_kg == (None, None)
    assert PaceCurve.from_json(
        {"list": [{"distance": [100.0], "values": [80], "activity_id": [""]}]}
    ).activity_id == (None,)
    for bad in (
        [],
        {"list": {}},
        {"list": [[]]},
        {"list": [{"secs": [5, 60], "values": [900]}]},
        {"list": [{"secs": [5], "values": [900], "activity_id": ["a", "b"]}]},
        {"list": [{"secs": [5], "values": ["900"]}]},
        {"list": [{"secs": [5], "values": [None]}]},
        {"list": [{"secs": [5], "values": [900], "watts_per_kg": [True]}]},
        {"list": [], "activities": {"a": {"start_date_local": "soon"}}},
        {"list": [], "activities": []},
    ):
        with pytest.raises(IntervalsResponseError):
            PowerCurve.from_json(bad)
    with pytest.raises(IntervalsResponseError):
        PaceCurve.from_json({"list": [{"distance": [100.0, 200.0], "values": [80]}]})
    with pytest.raises(IntervalsResponseError):
        PaceCurve.from_json(
            {"list": [{"distance": [100.0], "values": [80], "activity_id": [1]}]}
        )


def test_gear_parses_defensively() -> None:
    minimal = Gear.from_json({"id": "x"})
    assert minimal == Gear(id="x")
    local = Gear.from_json(
        {
            "id": "x",
            "retired": "2025-03-01T00:00:00",
            "reminders": [{"id": 1, "snoozed_until": "2026-07-01T00:00:00"}],
        }
    )
    assert local.retired == date(2025, 3, 1)
    assert local.reminders[0].snoozed_until == datetime(2026, 7, 1)
    for bad in (
        [],
        {"name": "no id"},
        {"id": "x", "retired": "someday"},
        {"id": "x", "reminders": {}},
        {"id": "x", "reminders": [{"id": 1, "last_reset": "later"}]},
        {"id": "x", "reminders": [{"name": "no id"}]},
        {"id": "x", "component": "yes"},
        {"id": "x", "component_ids": [1]},
        {"id": "x", "distance": "far"},
    ):
        with pytest.raises(IntervalsResponseError):
            Gear.from_json(bad)


def test_reminder_body_carries_only_its_settings() -> None:
    reminder = Reminder(
        id="7",
        name="Wax",
        days=30,
        percent_used=120.0,
        last_reset=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert reminder.limits_json() == {"id": 7, "name": "Wax", "days": 30}


def test_impossible_points_are_left_out_and_counted() -> None:
    dropped: Counter[str] = Counter()
    curve = PowerCurve.from_json(
        {
            "list": [
                {
                    "secs": [5, 60, -3, 300],
                    "values": [900, 1e308, 500, 380],
                    "activity_id": ["a", "b", "c", "d"],
                    "watts_per_kg": [12.0, 5.0, 6.0, 1e9],
                }
            ],
            "activities": {
                "a": {"start_date_local": "0001-01-01T00:00:00"},
                "d": {"start_date_local": "2026-03-01T09:00:00"},
            },
        },
        dropped,
    )
    assert curve.secs == (5, 300)
    assert curve.watts == (900, 380)
    assert curve.activity_id == ("a", "d")
    assert curve.watts_per_kg == (12.0, None)
    assert set(curve.activity_starts) == {"d"}
    assert dropped == Counter({"values": 1, "secs": 1, "watts_per_kg": 1})
    pace = PaceCurve.from_json(
        {"list": [{"distance": [400.0, 1e12], "values": [70, 9000]}]}, dropped
    )
    assert pace.distance == (400.0,)
    gear = Gear.from_json(
        {
            "id": "x",
            "distance": -5,
            "activities": 1e300,
            "reminders": [
                {
                    "id": 1,
                    "percent_used": float("inf"),
                    "snoozed_until": "9999-12-31T23:00:00Z",
                }
            ],
        },
        dropped,
    )
    assert gear.distance is None
    assert gear.activities is None
    assert gear.reminders[0].percent_used is None
    assert gear.reminders[0].snoozed_until is None
    assert dropped["snoozed_until"] == 1
