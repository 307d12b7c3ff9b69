"""Async client of the Intervals.icu REST API (no Home Assistant imports)."""

from __future__ import annotations

import asyncio
import base64
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
import json
import math
import re
import socket
from typing import Any, overload

import aiohttp
from yarl import URL

from .curves import PaceCurve, PowerCurve, curve_id
from .errors import (
    IntervalsAccessDeniedError,
    IntervalsAuthenticationError,
    IntervalsConnectionError,
    IntervalsError,
    IntervalsInvalidAthleteIdError,
    IntervalsNotFoundError,
    IntervalsRateLimitError,
    IntervalsResponseError,
    IntervalsServerError,
)
from .gear import Gear, Reminder
from .models import (
    ACTIVITY_FIELDS,
    TOTALS_FIELDS,
    WELLNESS_FIELDS,
    Activity,
    Athlete,
    Dropped,
    Event,
    Wellness,
    WellnessUpdate,
    parse_list,
)

DEFAULT_BASE_URL = "https://intervals.icu"
DEFAULT_TIMEOUT = 30.0
# A year of 20,000 activities with `fields=` limited is about 4 MB; anything
# far beyond that is not an answer we asked for and is not read into memory.
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
# Bytes limit the body, not what it expands to: 32 MB of `[{},{},…]` is ten
# million objects, most of a gigabyte. Every JSON value after the first in a
# container follows a comma, so commas and openings bound the values (text
# with commas only overcounts). A year of 20,000 activities is ~260,000.
MAX_RESPONSE_ITEMS = 600_000
# Above this, decoding and parsing run in a worker thread, not the event loop.
INLINE_BYTES = 64 * 1024
SELF = "0"
# Where a walk back through the whole history stops: before any upload.
HISTORY_START = date(1970, 1, 1)
# Activities per request of a history walk: under 200 bytes each with
# TOTALS_FIELDS, so a page is some 350 kB.
HISTORY_PAGE = 2000
# Days per request of a wellness history (three fields a day).
WELLNESS_HISTORY_DAYS = 1500

# `0` means the key's owner; real ids are `i123456` or a plain number.
_ATHLETE_ID = re.compile(r"0|i?[1-9][0-9]{0,15}")
# Gear and reminder ids go into the path; nothing that could leave it.
_PATH_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def normalize_athlete_id(value: str | None) -> str:
    """Return the athlete id to put in a URL, `0` for empty; refuse anything else."""
    if value is None or value == "":
        return SELF
    if not isinstance(value, str) or _ATHLETE_ID.fullmatch(value) is None:
        raise IntervalsInvalidAthleteIdError("malformed athlete id")
    return value


def _local(value: date | datetime) -> str:
    """Format an athlete-local date or naive date-time as the API expects."""
    # Checked at run time too: a string here would go into the URL unchecked.
    if not isinstance(value, date):
        raise TypeError("API dates are date or datetime objects")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("API dates are athlete-local and carry no zone")
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        # "inf" and "nan" parse as floats but say nothing usable.
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except TypeError, ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def decode_json(payload: bytes | bytearray, max_items: int = MAX_RESPONSE_ITEMS) -> Any:
    """Parse a response body; anything that is not JSON is an invalid response."""
    # Counted before decoding, at C speed: refused, it has cost its bytes only.
    if payload.count(b",") + payload.count(b"[") + payload.count(b"{") > max_items:
        raise IntervalsResponseError("response has too many items")
    try:
        return json.loads(payload)
    # Deeply nested arrays exhaust the parser's recursion limit.
    except (ValueError, RecursionError) as err:
        raise IntervalsResponseError("response is not JSON") from err


def _error_text(body: bytes | bytearray) -> str | None:
    """The `error` of the service's JSON error body, when there is one."""
    try:
        parsed = decode_json(body)
    except IntervalsResponseError:
        return None
    if isinstance(parsed, dict) and isinstance(error := parsed.get("error"), str):
        return error[:200]
    return None


@dataclass(slots=True)
class ClientStats:
    """What the client has cost since it was made."""

    requests: int = 0
    failures: int = 0
    bytes_received: int = 0
    dropped: Dropped = field(default_factory=Counter)
    """Values beyond any human effort, left out as unknown, by field."""


def basic_auth(login: str, password: str) -> str:
    """The value of an HTTP Basic `Authorization` header (RFC 7617, UTF-8).

    aiohttp's `encode_basic_auth` (which replaces the deprecated `BasicAuth`)
    is new in aiohttp 3.14; Home Assistant 2026.4 ships 3.13.
    """
    credentials = f"{login}:{password}".encode()
    return "Basic " + base64.b64encode(credentials).decode("ascii")


class IntervalsClient:
    """Talks to Intervals.icu with HTTP Basic auth (user `API_KEY`)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        request_timeout: float | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        max_response_items: int = MAX_RESPONSE_ITEMS,
    ) -> None:
        """Use the given session; the key is only ever put in the auth header."""
        self._session = session
        self._headers = {
            "Accept": "application/json",
            "Authorization": basic_auth("API_KEY", api_key),
        }
        try:
            self._base: URL | None = URL(base_url.rstrip("/") or DEFAULT_BASE_URL)
        except ValueError:
            # Fails each request like an unreachable server, not the caller.
            self._base = None
        # Read at construction, not import, so that tests can shorten it.
        self._timeout = aiohttp.ClientTimeout(
            total=DEFAULT_TIMEOUT if request_timeout is None else request_timeout
        )
        self._max_bytes = max_response_bytes
        self._max_items = max_response_items
        self.stats = ClientStats()

    def __repr__(self) -> str:
        """Say where it talks to, never with what key."""
        return f"IntervalsClient({str(self._base)!r})"

    async def get_athlete(self, athlete_id: str = SELF) -> Athlete:
        """Return the athlete; `0` resolves to the key's owner."""
        return await self.request(
            "GET", athlete_id, (), {}, parse=self._one(Athlete.from_json)
        )

    async def get_activities(
        self,
        athlete_id: str,
        oldest: date | datetime,
        newest: date | datetime,
        *,
        fields: Sequence[str] = ACTIVITY_FIELDS,
        limit: int | None = None,
    ) -> list[Activity]:
        """Return the activities whose local start lies in [oldest, newest]."""
        params = {"oldest": _local(oldest), "newest": _local(newest)}
        if fields:
            params["fields"] = ",".join(fields)
        if limit is not None:
            params["limit"] = str(limit)
        return await self.request(
            "GET",
            athlete_id,
            ("activities",),
            params,
            parse=self._list(Activity.from_json, "activities"),
        )

    async def get_activity_history(
        self,
        athlete_id: str,
        before: datetime,
        *,
        fields: Sequence[str] = TOTALS_FIELDS,
        page_size: int = HISTORY_PAGE,
    ) -> list[Activity]:
        """Return every activity that started before `before` (local), oldest first.

        The API has no cursor and lists newest first, so each page asks for
        up to `page_size` activities up to the oldest start of the page before;
        the first activity's date need not be known. Activities sharing that
        start come twice and count once.
        """
        found: dict[str, Activity] = {}
        newest = before - timedelta(seconds=1)
        while True:
            page = await self.get_activities(
                athlete_id,
                datetime.combine(HISTORY_START, datetime.min.time()),
                newest,
                fields=fields,
                limit=page_size,
            )
            fresh = [a for a in page if a.id not in found]
            found.update((a.id, a) for a in page)
            if len(page) < page_size:
                break
            oldest = min(a.start_local for a in page)
            if fresh and oldest < newest:
                newest = oldest
            else:
                # A page of one instant only (never seen, but possible)
                # would repeat forever; step past that instant.
                newest = oldest - timedelta(seconds=1)
        return sorted(found.values(), key=lambda a: (a.start_local, a.id))

    async def get_wellness(
        self,
        athlete_id: str,
        oldest: date,
        newest: date,
        *,
        fields: Sequence[str] = (),
    ) -> list[Wellness]:
        """Return the wellness records of the local days oldest..newest.

        Without `fields`, every field the integration knows.
        """
        params = {
            "oldest": _local(oldest),
            "newest": _local(newest),
            "fields": ",".join(
                fields or ("id", "sportInfo", *WELLNESS_FIELDS.values())
            ),
        }
        return await self.request(
            "GET",
            athlete_id,
            ("wellness.json",),
            params,
            parse=self._list(Wellness.from_json, "wellness"),
        )

    async def get_wellness_history(
        self,
        athlete_id: str,
        oldest: date,
        newest: date,
        *,
        fields: Sequence[str] = ("id", "ctl", "atl"),
        days_per_page: int = WELLNESS_HISTORY_DAYS,
    ) -> list[Wellness]:
        """Return the days oldest..newest, a window of days at a time, oldest first."""
        records: list[Wellness] = []
        start = oldest
        while start <= newest:
            end = min(newest, start + timedelta(days=days_per_page - 1))
            records += await self.get_wellness(athlete_id, start, end, fields=fields)
            start = end + timedelta(days=1)
        return sorted(records, key=lambda w: w.day)

    async def get_events(
        self,
        athlete_id: str,
        oldest: date,
        newest: date,
        *,
        categories: Sequence[str] = (),
    ) -> list[Event]:
        """Return the calendar events of the local days oldest..newest."""
        params = {"oldest": _local(oldest), "newest": _local(newest)}
        if categories:
            params["category"] = ",".join(categories)
        return await self.request(
            "GET",
            athlete_id,
            ("events.json",),
            params,
            parse=self._list(Event.from_json, "events"),
        )

    async def put_wellness(
        self, athlete_id: str, day: date, update: WellnessUpdate
    ) -> Wellness:
        """Change only the given wellness values of one local day."""
        return await self.request(
            "PUT",
            athlete_id,
            ("wellness", _local(day)),
            {},
            update.as_json(),
            parse=self._one(Wellness.from_json),
        )

    def _one[T](self, parse: Callable[[Any, Dropped | None], T]) -> Callable[[Any], T]:
        """Parse one record, counting what it drops."""
        return lambda data: parse(data, self.stats.dropped)

    def _list[T](
        self, parse: Callable[[Any, Dropped | None], T], what: str
    ) -> Callable[[Any], list[T]]:
        """Parse a list of records, counting what they drop."""
        return lambda data: parse_list(data, parse, what, self.stats.dropped)

    @overload
    async def request[T](
        self,
        method: str,
        athlete_id: str,
        path: Sequence[str],
        params: Mapping[str, str],
        body: Any = None,
        *,
        parse: Callable[[Any], T],
    ) -> T: ...

    @overload
    async def request(
        self,
        method: str,
        athlete_id: str,
        path: Sequence[str],
        params: Mapping[str, str],
        body: Any = None,
        *,
        parse: None = None,
    ) -> Any: ...

    async def request(
        self,
        method: str,
        athlete_id: str,
        path: Sequence[str],
        params: Mapping[str, str],
        body: Any = None,
        *,
        parse: Callable[[Any], Any] | None = None,
    ) -> Any:
        """Send one request for `/api/v1/athlete/{id}/…`; its JSON, parsed if asked."""
        # Checked here, once for every request: the id goes into the URL.
        athlete_id = normalize_athlete_id(athlete_id)
        try:
            return await self._request(
                method, athlete_id, path, params, body, parse=parse
            )
        except IntervalsAccessDeniedError:
            if athlete_id == SELF:
                raise IntervalsAuthenticationError("API key refused") from None
            # A 403 is either a bad key or a key that may not see this
            # athlete; only asking for the key's own athlete tells which.
            try:
                owner = await self._request(
                    "GET", SELF, (), {}, None, parse=self._one(Athlete.from_json)
                )
            except IntervalsAccessDeniedError:
                raise IntervalsAuthenticationError("API key refused") from None
            if owner.id == athlete_id:
                raise IntervalsAuthenticationError("API key refused") from None
            raise

    async def _request(
        self,
        method: str,
        athlete_id: str,
        path: Sequence[str],
        params: Mapping[str, str],
        body: Any,
        *,
        parse: Callable[[Any], Any] | None,
    ) -> Any:
        """Send one request with an athlete id `request` has checked."""
        self.stats.requests += 1
        try:
            if self._base is None:
                raise IntervalsConnectionError("malformed server URL")
            url = self._base.joinpath("api", "v1", "athlete", athlete_id, *path)
            try:
                payload = await self._send(method, url, params, body)
            except IntervalsConnectionError as err:
                # A pooled keep-alive connection the server already closed
                # fails at once; a GET is safe to send again on a fresh one.
                if method != "GET" or not isinstance(
                    err.__cause__, aiohttp.ServerDisconnectedError
                ):
                    raise
                payload = await self._send(method, url, params, body)
            return await self._decode(payload, parse)
        except IntervalsError:
            self.stats.failures += 1
            raise

    async def _decode[T](
        self, payload: bytes | bytearray, parse: Callable[[Any], T] | None
    ) -> T | Any:
        """Decode and parse; a large body in a worker thread, not the event loop."""

        def work() -> T | Any:
            data = decode_json(payload, self._max_items)
            return data if parse is None else parse(data)

        if len(payload) <= INLINE_BYTES:
            return work()
        return await asyncio.get_running_loop().run_in_executor(None, work)

    async def _send(
        self, method: str, url: URL, params: Mapping[str, str], body: Any
    ) -> bytearray:
        try:
            async with self._session.request(
                method,
                url,
                params=params,
                json=body,
                timeout=self._timeout,
                headers=self._headers,
                allow_redirects=False,
            ) as response:
                length = response.content_length
                if length is not None and length > self._max_bytes:
                    raise IntervalsResponseError("response too large")
                payload = await self._read(response)
                status = response.status
                retry_after = response.headers.get("Retry-After")
        except TimeoutError as err:
            raise IntervalsConnectionError(
                "Intervals.icu did not answer in time"
            ) from err
        except (aiohttp.ClientError, socket.gaierror, OSError) as err:
            raise IntervalsConnectionError(
                f"Cannot talk to Intervals.icu: {type(err).__name__}"
            ) from err
        self.stats.bytes_received += len(payload)
        self._raise_for_status(status, payload, retry_after)
        return payload

    async def _read(self, response: aiohttp.ClientResponse) -> bytearray:
        # One growing buffer: chunks joined at the end would hold it twice.
        body = bytearray()
        async for chunk in response.content.iter_chunked(65536):
            if len(body) + len(chunk) > self._max_bytes:
                raise IntervalsResponseError("response too large")
            body += chunk
        return body

    @staticmethod
    def _raise_for_status(
        status: int, payload: bytes | bytearray, retry_after: str | None
    ) -> None:
        if 200 <= status < 300:
            return
        message = _error_text(payload)
        if status == 401:
            raise IntervalsAuthenticationError("API key refused")
        if status == 403:
            raise IntervalsAccessDeniedError(message or "Access denied")
        if status == 404:
            raise IntervalsNotFoundError(message or "Not Found")
        if status == 429:
            raise IntervalsRateLimitError(_retry_after(retry_after))
        raise IntervalsServerError(status, message)

    async def get_power_curve(
        self, athlete_id: str, sport: str, oldest: date, newest: date
    ) -> PowerCurve:
        """Return the best power per duration over the local days oldest..newest."""
        return await self._curves(
            "power-curves.json",
            athlete_id,
            sport,
            (oldest, newest),
            self._one(PowerCurve.from_json),
        )

    async def get_pace_curve(
        self, athlete_id: str, sport: str, oldest: date, newest: date
    ) -> PaceCurve:
        """Return the best time per distance over the local days oldest..newest."""
        return await self._curves(
            "pace-curves.json",
            athlete_id,
            sport,
            (oldest, newest),
            self._one(PaceCurve.from_json),
        )

    async def _curves[T](
        self,
        path: str,
        athlete_id: str,
        sport: str,
        days: tuple[date, date],
        parse: Callable[[Any], T],
    ) -> T:
        if _PATH_ID.fullmatch(sport) is None:
            raise ValueError("malformed sport")
        for day in days:
            # A datetime is a date too; a curve covers whole local days.
            if not isinstance(day, date) or isinstance(day, datetime):
                raise TypeError("curve ranges are dates")
        params = {"type": sport, "curves": curve_id(*days)}
        return await self.request("GET", athlete_id, (path,), params, parse=parse)

    async def get_gear(self, athlete_id: str) -> list[Gear]:
        """Return all the athlete's gear and components, retired ones included."""
        return await self.request(
            "GET",
            athlete_id,
            ("gear.json",),
            {},
            parse=self._list(Gear.from_json, "gear"),
        )

    async def reset_reminder(
        self, athlete_id: str, gear_id: str, reminder: Reminder
    ) -> Gear:
        """Mark a reminder's service done; return the gear as it is now."""
        if _PATH_ID.fullmatch(gear_id) is None or not reminder.id.isdigit():
            raise ValueError("malformed gear or reminder id")
        return await self.request(
            "PUT",
            athlete_id,
            ("gear", gear_id, "reminder", reminder.id),
            # The spec requires both; no snooze days with a reset.
            {"reset": "true", "snoozeDays": "0"},
            # Its own settings go back unchanged: the body replaces them.
            reminder.limits_json(),
            parse=self._one(Gear.from_json),
        )
