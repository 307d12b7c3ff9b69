"""Fuzzing: arbitrary JSON and bytes into every parser.

The API layer may fail only with IntervalsResponseError, and what it returns
is always usable: ids are strings, local times naive, numbers finite. (The
cache on disk is fuzzed in tests/test_cache_fuzz.py, through Home Assistant's
storage.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
import math
from typing import Any

from hypothesis import HealthCheck, example, given, settings, strategies as st

from custom_components.intervals_icu.api import (
    ACTIVITY_FIELDS,
    Activity,
    Athlete,
    Event,
    IntervalsResponseError,
    SportInfo,
    SportSettings,
    Wellness,
)
from custom_components.intervals_icu.api.parse import parse_list
from custom_components.intervals_icu.api.transport import decode_json
from custom_components.intervals_icu.api.wellness import WELLNESS_FIELDS

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
