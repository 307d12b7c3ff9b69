"""How what Intervals.icu returns is read: defensively, field by field.

Missing and null fields are normal and become None. A value of the wrong type
(a string where a number belongs, a list where an object belongs) means the
response cannot be trusted, so it raises IntervalsResponseError: a sensor is
better unavailable than silently wrong. A number of the right type but beyond
any human effort (negative, infinite, a 10^308 m run) is one bad value, not a
bad response: that field becomes None and is counted in `dropped`; a record
dated where no clock can follow (year 1, 9999-12-31T23:00) is left out and
counted the same way. Text is made valid Unicode (a lone surrogate becomes
U+FFFD), so that whatever Home Assistant stores or shows can be encoded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import math
import re
from typing import Any

from .errors import IntervalsResponseError

type Dropped = Counter[str]
"""Values left out as implausible, by JSON field (`record` for whole records)."""

_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """The text with what UTF-8 cannot encode (lone surrogates) as U+FFFD."""
    # JSON's "\ud83c" without its pair decodes to a lone surrogate, which
    # Home Assistant's JSON encoder refuses: one such name broke /api/states.
    if value.isascii():
        return value
    return _SURROGATES.sub("\ufffd", value)


@dataclass(frozen=True, slots=True)
class Bound:
    """The values a field can physically take, both ends included."""

    low: float
    high: float

    def admits(self, value: float) -> bool:
        """Whether the value is possible (NaN never is)."""
        return self.low <= value <= self.high


ANY = Bound(-math.inf, math.inf)
# Beyond any human effort in one activity (or planned one): a 10,000 km
# ride, a month of moving, 1,000 km of climbing; loads and effort likewise.
DISTANCE = Bound(0, 10_000_000)
DURATION = Bound(0, 31 * 86_400)
ELEVATION = Bound(0, 1_000_000)
LOAD = Bound(0, 100_000)
HEART_RATE = Bound(0, 300)
POWER = Bound(0, 5_000)
SPEED = Bound(0, 100)
WORK = Bound(0, 1_000_000)
# Activities and plans outside these years are no one's: and every time zone
# and a month's duration either side stays within what datetime can hold.
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(2200, 1, 1)
# The largest difference between a local and a UTC clock, with margin.
MAX_OFFSET = timedelta(hours=18)


class _OutOfRangeError(IntervalsResponseError):
    """A record dated where no clock can follow: a list leaves it out."""


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise IntervalsResponseError(f"{what} is not a JSON object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise IntervalsResponseError(f"{what} is not a JSON list")
    return value


def _num(
    raw: Mapping[str, Any],
    key: str,
    bound: Bound = ANY,
    dropped: Dropped | None = None,
    *,
    at_most: bool = False,
) -> float | None:
    """A number of the record, None if missing or beyond `bound`.

    `at_most`: the value means "this or more" (a reminder 1,000 times over is
    due all the same), so one above the bound is the bound, not unknown.
    """
    value = raw.get(key)
    if value is None:
        return None
    # bool is an int subclass; a true/false distance is not a number.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IntervalsResponseError(f"field {key!r} is not a number")
    try:
        number = float(value)
    except OverflowError:
        # JSON integers have no size limit; floats do.
        number = math.inf
    if at_most and math.isfinite(number) and number > bound.high:
        return float(bound.high)
    if not (math.isfinite(number) and bound.admits(number)):
        if dropped is not None:
            dropped[key] += 1
        return None
    return number


def _str(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise IntervalsResponseError(f"field {key!r} is not a string")
    return clean_text(value)


def _bool(raw: Mapping[str, Any], key: str) -> bool | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise IntervalsResponseError(f"field {key!r} is not a boolean")
    return value


def _id(raw: Mapping[str, Any], key: str = "id") -> str:
    value = raw.get(key)
    # Activity ids are strings, event and settings ids integers; both identify.
    if isinstance(value, str) and value:
        return clean_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise IntervalsResponseError(f"record without a usable {key!r}")


def parse_local_datetime(value: str) -> datetime:
    """Parse an athlete-local `YYYY-MM-DDTHH:MM:SS` into a naive datetime."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise IntervalsResponseError("malformed local date-time") from err
    # Local times carry no zone; if one is given anyway, the wall time stands.
    return parsed.replace(tzinfo=None)


def plausible_time(value: datetime) -> bool:
    """Whether a local start lies where every clock and duration can follow it."""
    return EARLIEST <= value < LATEST


def _local_dt(raw: Mapping[str, Any], key: str) -> datetime | None:
    value = _str(raw, key)
    return None if value is None else parse_local_datetime(value)


def _start(raw: Mapping[str, Any], what: str) -> datetime:
    """The record's local start; _OutOfRangeError where no clock can follow it."""
    start = _local_dt(raw, "start_date_local")
    if start is None:
        raise IntervalsResponseError(f"{what} without start_date_local")
    if not plausible_time(start):
        raise _OutOfRangeError(what)
    return start


def _utc_start(raw: Mapping[str, Any], local: datetime) -> datetime | None:
    """The UTC start beside a local one, when the two make a real offset."""
    value = raw.get("start_date")
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    # Naive: the field is UTC by definition. An offset beyond any zone's is
    # a broken field, and the local start with the profile's zone stands.
    if abs(local - parsed) > MAX_OFFSET:
        return None
    return parsed.replace(tzinfo=UTC)


def _date(raw: Mapping[str, Any], key: str) -> date:
    value = _str(raw, key)
    if value is None:
        raise IntervalsResponseError(f"record without {key!r}")
    try:
        return date.fromisoformat(value[:10])
    except ValueError as err:
        raise IntervalsResponseError(f"malformed date in {key!r}") from err


def _str_tuple(raw: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    items = _list(value, key)
    if not all(isinstance(item, str) for item in items):
        raise IntervalsResponseError(f"field {key!r} is not a list of strings")
    return tuple(clean_text(item) for item in items)


type JsonScalar = str | float | bool | None
"""A value of a model's `as_dict()`: what JSON, an event or an action response holds."""


def parse_list[T](
    value: Any,
    parse: Callable[[Any, Dropped | None], T],
    what: str,
    dropped: Dropped | None = None,
) -> list[T]:
    """Parse a JSON list with `parse` applied to each element.

    A record dated where no clock can follow is left out (counted as `record`).
    """
    parsed: list[T] = []
    for item in _list(value, what):
        try:
            parsed.append(parse(item, dropped))
        except _OutOfRangeError:
            if dropped is not None:
                dropped["record"] += 1
    return parsed
