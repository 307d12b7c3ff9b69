"""HTTP to Intervals.icu: Basic auth, limits on what is read, errors by status."""

from __future__ import annotations

import asyncio
import base64
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from email.utils import parsedate_to_datetime
import json
import math
import re
import socket
from typing import Any, overload

import aiohttp
from yarl import URL

from .athlete import Athlete
from .errors import (
    IntervalsAccessDeniedError,
    IntervalsAuthenticationError,
    IntervalsConnectionError,
    IntervalsError,
    IntervalsInvalidAthleteIdError,
    IntervalsNotAllowedError,
    IntervalsNotFoundError,
    IntervalsRateLimitError,
    IntervalsRejectedError,
    IntervalsResponseError,
    IntervalsServerError,
)
from .parse import Dropped, clean_text, parse_list

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
# Days of request counts kept (for "requests today").
DAYS_COUNTED = 7
SELF = "0"

# `0` means the key's owner; real ids are `i123456` or a plain number.
_ATHLETE_ID = re.compile(r"0|i?[1-9][0-9]{0,15}")


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


def _error_text(body: bytes | bytearray, secret: str) -> str | None:
    """The `error` of the service's JSON error body, when there is one.

    Never with the API key in it: the text reaches the user and the log.
    """
    try:
        parsed = decode_json(body)
    except IntervalsResponseError:
        return None
    if isinstance(parsed, dict) and isinstance(error := parsed.get("error"), str):
        if secret:
            error = error.replace(secret, "***")
        return clean_text(error[:200])
    return None


@dataclass(slots=True)
class ClientStats:
    """What the client has cost since it was made."""

    requests: int = 0
    failures: int = 0
    bytes_received: int = 0
    dropped: Dropped = field(default_factory=Counter)
    """Values beyond any human effort, left out as unknown, by field."""
    requests_by_day: Counter[date] = field(default_factory=Counter)
    """Requests per day of the client's time zone, the last few days."""

    def count_request(self, day: date) -> None:
        """One more request on `day`."""
        self.requests += 1
        self.requests_by_day[day] += 1
        if len(self.requests_by_day) > DAYS_COUNTED:
            del self.requests_by_day[min(self.requests_by_day)]


def basic_auth(login: str, password: str) -> str:
    """The value of an HTTP Basic `Authorization` header (RFC 7617, UTF-8).

    aiohttp's `encode_basic_auth` (which replaces the deprecated `BasicAuth`)
    is new in aiohttp 3.14; Home Assistant 2026.4 ships 3.13.
    """
    credentials = f"{login}:{password}".encode()
    return "Basic " + base64.b64encode(credentials).decode("ascii")


class Transport:
    """Sends requests with HTTP Basic auth (user `API_KEY`); parses their answers."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        request_timeout: float | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        max_response_items: int = MAX_RESPONSE_ITEMS,
        zone: tzinfo = UTC,
    ) -> None:
        """Use the given session; the key is sent only in the auth header.

        `zone` says where a day begins, for the count of requests per day.
        """
        self._session = session
        self._zone = zone
        # Kept only to take it out of error texts the service sends back.
        self._secret = api_key
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
        return f"{type(self).__name__}({str(self._base)!r})"

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
        except IntervalsAccessDeniedError as err:
            write = method != "GET"
            if athlete_id == SELF and not write:
                raise IntervalsAuthenticationError("API key refused") from None
            # A 403 is either a bad key or a key that may not see this
            # athlete; only asking for the key's own athlete tells which.
            try:
                owner = await self._request(
                    "GET", SELF, (), {}, None, parse=self._one(Athlete.from_json)
                )
            except IntervalsAccessDeniedError:
                raise IntervalsAuthenticationError("API key refused") from None
            if athlete_id in {owner.id, SELF}:
                if write:
                    # The key reads its athlete: what is refused is this change
                    # (an entry a coach locked), not the key.
                    raise IntervalsNotAllowedError(str(err)) from None
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
        self.stats.count_request(datetime.now(self._zone).date())
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

    def _raise_for_status(
        self, status: int, payload: bytes | bytearray, retry_after: str | None
    ) -> None:
        if 200 <= status < 300:
            return
        message = _error_text(payload, self._secret)
        if status == 401:
            raise IntervalsAuthenticationError("API key refused")
        if status == 403:
            raise IntervalsAccessDeniedError(message or "Access denied")
        if status == 404:
            raise IntervalsNotFoundError(message or "Not Found")
        if status == 429:
            raise IntervalsRateLimitError(_retry_after(retry_after))
        if status in {400, 422}:
            raise IntervalsRejectedError(status, message)
        raise IntervalsServerError(status, message)
