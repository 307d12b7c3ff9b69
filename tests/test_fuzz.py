"""Fuzzing: arbitrary JSON and bytes into every parser.

The API layer may fail only with IntervalsResponseError, and what it returns
is always usable: ids are strings, local times naive, numbers finite. The
cache loader may fail only by returning an empty cache, and a cache it returns
can be aggregated, searched and saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
import math
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings, strategies as st
import pytest

from custom_components.intervals_icu.api import (
    ACTIVITY_FIELDS,
    Activity,
    Athlete,
    Event,
    IntervalsClient,
    IntervalsResponseError,
    SportInfo,
    SportSettings,
    Wellness,
)
from custom_components.intervals_icu.api.parse import parse_list
from custom_components.intervals_icu.api.transport import decode_json
from custom_components.intervals_icu.api.wellness import WELLNESS_FIELDS
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

EXAMPLES = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = sorted(
    {
        *ACTIVITY_FIELDS,
        *WELLNESS_FIELDS.values(),
        "_note",
        "category",
        "description",
        "eftp",
        "end_date_local",
        "ftp",
        "icu_api_key",
        "indoor",
        "indoor_ftp",
        "lthr",
        "max_hr",
        "pMax",
        "p_max",
        "pace_units",
        "sportInfo",
        "sportSettings",
        "threshold_pace",
        "timezone",
        "types",
        "wPrime",
        "w_prime",
    }
)

# JSON's values, with the awkward ones made likely: integers beyond any float,
# nan and infinities (Python's json reads and writes them), dates and times
# with and without a zone, and strings that are nearly dates.
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**400), 2**1024, 0, -1])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.dates().map(date.isoformat)
    | st.datetimes().map(datetime.isoformat)
    | st.datetimes(timezones=st.timezones()).map(datetime.isoformat)
    | st.sampled_from(["2026-13-01", "2026-06-15T25:00:00", "STRAVA", "", "i1"])
)
KEYS = st.sampled_from(FIELDS) | st.text(max_size=8)
JSON = st.recursive(
    LEAVES,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=25,
)
# Objects with the real field names and arbitrary values, so that parsing
# gets past "is this an object with an id" often enough to matter.
RECORDS = st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=len(FIELDS)) | JSON
LISTS = st.lists(RECORDS, max_size=4) | JSON


def _checked(value: Any) -> None:
    """What a parser returns is safe to compute with."""
    if isinstance(value, list | tuple):
        for item in value:
            _checked(item)
        return
    for name in getattr(value, "__slots__", ()):
        field = getattr(value, name)
        if isinstance(field, float):
            assert math.isfinite(field), name
        elif isinstance(field, datetime):
            assert field.tzinfo is None, name
        elif isinstance(field, tuple):
            _checked(field)
    if isinstance(value, Activity | Event | Athlete):
        assert isinstance(value.id, str)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "athlete": Athlete.from_json,
    "activity": Activity.from_json,
    "wellness": Wellness.from_json,
    "event": Event.from_json,
    "sport settings": SportSettings.from_json,
    "sport info": SportInfo.from_json,
    "activities": lambda v: parse_list(v, Activity.from_json, "activities"),
    "wellness list": lambda v: parse_list(v, Wellness.from_json, "wellness"),
    "events": lambda v: parse_list(v, Event.from_json, "events"),
}


def _parse(parse: Callable[[Any], Any], value: Any) -> None:
    try:
        parsed = parse(value)
    except IntervalsResponseError:
        return
    _checked(parsed)


@EXAMPLES
@given(value=LISTS)
@example(
    value={"id": "a", "start_date_local": "2026-01-01T00:00:00", "distance": 10**400}
)
@example(value={"id": "a", "start_date_local": "2026-01-01T00:00:00+05:00"})
@example(value={"id": 10**30, "start_date_local": "2026-01-01", "_note": None})
@example(
    value={"id": "2026-06-15", "ctl": float("nan"), "sportInfo": [{"eftp": 2**1024}]}
)
@example(value={"id": "i1", "sportSettings": [{"types": ["Run"], "ftp": "250"}]})
def test_parsers_raise_only_response_errors(value: Any) -> None:
    for parse in PARSERS.values():
        _parse(parse, value)


@EXAMPLES
@given(
    payload=st.binary(max_size=200)
    | JSON.map(lambda v: _dumps(v).encode())
    | JSON.map(lambda v: _dumps(v).encode()[: max(1, len(_dumps(v)) // 2)])
)
@example(payload=b"[" * 100_000)
@example(payload=b'{"a":' * 50_000)
@example(payload=b"\xef\xbb\xbf[]")
@example(payload=b"\xff\xfe[\x00]\x00")
@example(payload=b"[NaN, Infinity, -Infinity]")
@example(payload=b"1" * 5000)
@example(payload=b"<html><body>Down for maintenance</body></html>")
def test_bytes_to_every_parser(payload: bytes) -> None:
    """The client's decoding and then each parser: only IntervalsResponseError."""
    try:
        value = decode_json(payload)
    except IntervalsResponseError:
        return
    for parse in PARSERS.values():
        _parse(parse, value)


def _dumps(value: Any) -> str:
    import json  # noqa: PLC0415 - local: only the strategies need it

    return json.dumps(value)


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
