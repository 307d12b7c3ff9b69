"""Fuzzing the activity cache on disk, through Home Assistant's storage.

The cache loader may fail only by returning an empty cache, and a cache it
returns can be aggregated, searched and saved.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings, strategies as st
import pytest

from custom_components.intervals_icu.api import IntervalsClient
from custom_components.intervals_icu.const import DEFAULT_GROUPS
from custom_components.intervals_icu.sync.athlete_sync import AthleteSync
from custom_components.intervals_icu.sync.storage import SyncStorage
from custom_components.intervals_icu.training.totals import (
    aggregate,
    count_stubs,
    latest,
    window_start,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .conftest import API_KEY, NOW
from .unit.test_fuzz import JSON, LEAVES, _checked, _dumps

# Each example loads through Home Assistant's storage; the default number of
# examples, and the cases fuzzing found kept below as explicit examples.
EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# The cache on disk ---------------------------------------------------------------

COLUMNS = [
    "id",
    "start_local",
    "type",
    "name",
    "distance",
    "moving_time",
    "elapsed_time",
    "elevation_gain",
    "training_load",
    "average_heartrate",
    "average_watts",
    "source",
    "is_stub",
]
NUMBER = st.none() | st.floats(allow_nan=True, allow_infinity=True) | st.integers()
ROW = st.tuples(
    st.text(max_size=5) | LEAVES,
    st.datetimes().map(datetime.isoformat)
    | st.datetimes(timezones=st.timezones()).map(datetime.isoformat)
    | LEAVES,
    st.sampled_from(["Run", "Ride", "Swim", None]) | LEAVES,
    st.none() | LEAVES,
    *[NUMBER | LEAVES] * 7,
    st.sampled_from(["STRAVA", None]) | LEAVES,
    st.booleans() | LEAVES,
).map(list)
ROWS = st.lists(ROW | JSON, max_size=6)
CACHE = (
    st.fixed_dictionaries(
        {
            "athlete_id": st.just("i123456") | LEAVES,
            "window_start": st.none() | st.dates().map(date.isoformat) | LEAVES,
            "reconciled_on": st.none() | st.dates().map(date.isoformat) | LEAVES,
            "columns": st.just(COLUMNS) | JSON,
            "activities": ROWS.map(_dumps) | st.just("[" * 100_000) | JSON,
        }
    )
    | JSON
)


def _cache(*rows: list[Any], encoded: str | None = None) -> dict[str, Any]:
    return {
        "athlete_id": "i123456",
        "window_start": "2026-01-01",
        "reconciled_on": "2026-06-15",
        "columns": COLUMNS,
        "activities": _dumps(list(rows)) if encoded is None else encoded,
    }


async def _load_and_use(
    hass: HomeAssistant, hass_storage: dict[str, Any], data: Any
) -> None:
    """Whatever is on disk, the store returns a cache the integration can use."""
    storage = SyncStorage(hass, "fuzz")
    hass_storage["intervals_icu.fuzz"] = {
        "version": 1,
        "minor_version": 1,
        "key": "intervals_icu.fuzz",
        "data": data,
    }
    client = IntervalsClient(async_get_clientsession(hass), API_KEY)
    sync = AthleteSync(client, "i123456", lambda: ZoneInfo("UTC"))
    await storage.async_load(sync)
    cache = sync.cache
    assert cache.athlete_id == "i123456"
    today = NOW.date()
    activities = list(cache.activities.values())
    for activity in activities:
        _checked(activity)
        for text in (activity.type, activity.name, activity.source):
            assert text is None or isinstance(text, str)
    groups = {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}
    aggregate(activities, groups, today)
    count_stubs(activities, date(today.year, 1, 1))
    latest(activities)
    cache.needs_reconcile(today, window_start(today))
    cache.reconcile_windows(window_start(today), today)
    cache.merge_recent(datetime(2026, 6, 12), [])
    assert cache.snapshot().as_json()["athlete_id"] == "i123456"


GOOD_ROW = [
    "a",
    "2026-06-01T08:00:00",
    "Run",
    "Morning Run",
    1.0,
    *[None] * 6,
    None,
    False,
]


@pytest.mark.parametrize(
    "data",
    [
        _cache(GOOD_ROW),
        _cache(
            [
                "a",
                "2026-06-01T08:00:00",
                "Run",
                None,
                float("nan"),
                *[None] * 6,
                None,
                False,
            ]
        ),
        _cache(["a", 20260601, "Run", None, 1.0, *[None] * 6, None, False]),
        _cache(GOOD_ROW[:-1]),
        _cache(encoded="not json"),
        {**_cache(GOOD_ROW), "columns": ["id"]},
        {**_cache(GOOD_ROW), "athlete_id": "i654321"},
        {**_cache(GOOD_ROW), "window_start": "June"},
        None,
        [],
    ],
)
async def test_cache_store_rebuilds_damaged_caches(
    hass: HomeAssistant, hass_storage: dict[str, Any], data: Any
) -> None:
    await _load_and_use(hass, hass_storage, data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            _cache(
                [
                    "a",
                    "2026-06-01T08:00:00+02:00",
                    "Run",
                    None,
                    1.0,
                    *[None] * 6,
                    None,
                    False,
                ]
            ),
            id="start-with-zone",
        ),
        pytest.param(
            _cache(
                [
                    "a",
                    "2026-06-01T08:00:00",
                    "Run",
                    None,
                    10**400,
                    *[None] * 6,
                    None,
                    False,
                ]
            ),
            id="integer-beyond-float",
        ),
        pytest.param(
            _cache(
                [
                    "a",
                    "2026-06-01T08:00:00",
                    ["Run"],
                    {"x": 1},
                    1.0,
                    *[None] * 6,
                    5,
                    False,
                ]
            ),
            id="text-not-a-string",
        ),
        pytest.param(_cache(encoded="[" * 100_000), id="deep-nesting"),
    ],
)
async def test_cache_store_bugs_found_by_fuzzing(
    hass: HomeAssistant, hass_storage: dict[str, Any], data: Any
) -> None:
    await _load_and_use(hass, hass_storage, data)


@EXAMPLES
@given(data=CACHE)
@example(
    data={
        "athlete_id": "i123456",
        "window_start": "2026-01-01",
        "reconciled_on": "2026-06-15",
        "columns": COLUMNS,
        "activities": _dumps(
            [
                [
                    "a",
                    "2026-06-01T08:00:00+02:00",
                    "Run",
                    None,
                    1.0,
                    *[None] * 6,
                    None,
                    False,
                ]
            ]
        ),
    }
)
@example(
    data={
        "athlete_id": "i123456",
        "window_start": None,
        "reconciled_on": None,
        "columns": COLUMNS,
        "activities": _dumps(
            [
                [
                    "a",
                    "2026-06-01T08:00:00",
                    "Run",
                    None,
                    10**400,
                    *[None] * 6,
                    None,
                    False,
                ]
            ]
        ),
    }
)
@example(
    data={
        "athlete_id": "i123456",
        "window_start": None,
        "reconciled_on": None,
        "columns": COLUMNS,
        "activities": _dumps(
            [
                [
                    "a",
                    "2026-06-01T08:00:00",
                    ["Run"],
                    {"x": 1},
                    1.0,
                    *[None] * 6,
                    5,
                    False,
                ]
            ]
        ),
    }
)
async def test_cache_store_loads_anything(
    hass: HomeAssistant, hass_storage: dict[str, Any], data: Any
) -> None:
    await _load_and_use(hass, hass_storage, data)
