"""The API layer's own names: one serializer per model, API field names only in api/."""

from dataclasses import fields
from datetime import datetime

from custom_components.intervals_icu.api import (
    ACTIVITY_FIELDS,
    TOTALS_FIELDS,
    Activity,
    Event,
    WellnessUpdate,
)

RUN = Activity(
    id="i1",
    start_local=datetime(2026, 6, 14, 7, 12),
    type="Run",
    name="Morning Run",
    distance=10240.0,
    moving_time=3105.0,
    elapsed_time=3190.0,
    elevation_gain=54.0,
    training_load=62.0,
    average_heartrate=148.0,
    average_watts=250.0,
    source="GARMIN_CONNECT",
)


def test_activity_as_dict() -> None:
    """SI units, each number's unit in its name (load has none)."""
    assert RUN.as_dict() == {
        "id": "i1",
        "start_local": "2026-06-14T07:12:00",
        "type": "Run",
        "name": "Morning Run",
        "distance_m": 10240.0,
        "moving_time_s": 3105.0,
        "elapsed_time_s": 3190.0,
        "elevation_gain_m": 54.0,
        "training_load": 62.0,
        "average_heartrate_bpm": 148.0,
        "average_watts_w": 250.0,
        "source": "GARMIN_CONNECT",
        "strava_stub": False,
    }


def test_event_as_dict() -> None:
    event = Event(
        id="7",
        start_local=datetime(2026, 6, 16, 18, 0),
        end_local=datetime(2026, 6, 16, 19, 10),
        category="WORKOUT",
        type="Ride",
        name="Sweet spot",
        moving_time=4200.0,
        distance=40000.0,
        training_load=80.0,
        indoor=True,
    )
    assert event.as_dict() == {
        "id": "7",
        "start_local": "2026-06-16T18:00:00",
        "end_local": "2026-06-16T19:10:00",
        "category": "WORKOUT",
        "type": "Ride",
        "name": "Sweet spot",
        "description": None,
        "moving_time_s": 4200.0,
        "distance_m": 40000.0,
        "training_load": 80.0,
        "indoor": True,
        "read_only": False,
    }


def test_wellness_update_speaks_the_api() -> None:
    """Only the values given, under the API's names."""
    update = WellnessUpdate(resting_hr=48, sleep_secs=27000, mood=2, comments="ok")
    assert update.as_json() == {
        "restingHR": 48,
        "sleepSecs": 27000,
        "mood": 2,
        "comments": "ok",
    }
    assert WellnessUpdate().as_json() == {}
    every = WellnessUpdate(**{f.name: 1 for f in fields(WellnessUpdate)})
    assert set(every.as_json()) == {
        "weight",
        "restingHR",
        "hrv",
        "sleepSecs",
        "sleepScore",
        "readiness",
        "soreness",
        "fatigue",
        "stress",
        "mood",
        "motivation",
        "comments",
    }


def test_field_lists() -> None:
    """The totals' fields are a part of the fields read; both parse."""
    assert set(TOTALS_FIELDS) < set(ACTIVITY_FIELDS)
    assert ACTIVITY_FIELDS[:2] == ("id", "start_date_local")
    raw = {"id": "i1", "start_date_local": "2026-06-14T07:12:00", "distance": 5.0}
    assert Activity.from_json(raw).distance == 5.0


def test_reduced_read_keeps_what_it_did_not_ask() -> None:
    reduced = Activity(
        id="i1",
        start_local=datetime(2026, 6, 14, 7, 12),
        type="TrailRun",
        distance=10500.0,
        moving_time=3200.0,
        elevation_gain=None,
        training_load=64.0,
    )
    merged = RUN.with_totals_of(reduced)
    assert (merged.type, merged.distance, merged.moving_time) == (
        "TrailRun",
        10500.0,
        3200.0,
    )
    assert merged.elevation_gain is None
    assert merged.training_load == 64.0
    # Not in a totals read: kept from the full read.
    assert (merged.name, merged.average_heartrate, merged.source) == (
        "Morning Run",
        148.0,
        "GARMIN_CONNECT",
    )
    assert merged.elapsed_time == 3190.0
    stub = Activity(id="i1", start_local=RUN.start_local, is_stub=True)
    assert RUN.with_totals_of(stub).is_stub
