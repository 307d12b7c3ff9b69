"""Declarative fault rules that make the emulator misbehave on purpose."""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from http import HTTPStatus
import json
import re
from typing import Any, Literal

type Shape = Literal["object", "strings", "nulls"]

NGINX_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
MAINTENANCE_PAGE = (
    "<!DOCTYPE html><html><head><title>Intervals.icu</title></head>"
    "<body><h1>Intervals.icu is down for maintenance</h1>"
    "<p>Back in a few minutes.</p></body></html>"
)


class FaultKind(StrEnum):
    """What a fault rule does to a matching request."""

    STATUS = "status"  # answer with a fixed status, body and headers
    DELAY = "delay"  # wait, then answer normally (or apply the next rule)
    HOLD = "hold"  # wait until the test opens the gate, then answer normally
    APPEND = "append"  # 200 with the real JSON list and `body`'s records after it
    HTML = "html"  # 200 with an HTML page instead of JSON
    TRUNCATED_JSON = "truncated_json"  # 200 with the real JSON cut in half
    WRONG_SHAPE = "wrong_shape"  # 200 with the real JSON reshaped
    RESET = "reset"  # headers and half the body, then the connection aborts
    CLOSE = "close"  # close the connection without any response
    QUERY = "query"  # answer as if the query had been `rewrite(query)`


@dataclass
class Fault:
    """A rule: requests matching `method` and `path` get `kind` of trouble."""

    kind: FaultKind
    path: str = ".*"  # regular expression, searched in the request path
    method: str | None = None  # None matches any method
    params: Mapping[str, str] = field(default_factory=dict)  # query it must have
    times: int | None = None  # None: forever; else the rule goes after N hits
    status: int = 200
    body: str | bytes | list[Any] | dict[str, Any] | None = None
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    shape: Shape = "object"
    gate: asyncio.Event | None = None
    rewrite: Callable[[dict[str, str]], dict[str, str]] | None = None
    hits: int = 0
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Compile the path pattern once."""
        self._pattern = re.compile(self.path)

    def matches(
        self, method: str, path: str, query: Mapping[str, str] | None = None
    ) -> bool:
        """Tell whether the rule applies to this request and is still active."""
        if self.exhausted:
            return False
        if self.method is not None and self.method.upper() != method.upper():
            return False
        given = query or {}
        if any(given.get(key) != value for key, value in self.params.items()):
            return False
        return self._pattern.search(path) is not None

    @property
    def exhausted(self) -> bool:
        """Tell whether a limited rule has been used up."""
        return self.times is not None and self.hits >= self.times

    # Constructors, one per kind ---------------------------------------------

    @classmethod
    def http_status(
        cls,
        status: int,
        *,
        body: str | bytes | list[Any] | dict[str, Any] | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
        retry_after: float | None = None,
        path: str = ".*",
        method: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Answer with `status`; the default body is nginx HTML for 5xx, else JSON."""
        all_headers = dict(headers or {})
        if retry_after is not None:
            all_headers["Retry-After"] = f"{retry_after:g}"
        return cls(
            FaultKind.STATUS,
            path=path,
            method=method,
            times=times,
            status=status,
            body=body,
            content_type=content_type,
            headers=all_headers,
        )

    @classmethod
    def rate_limited(
        cls,
        *,
        retry_after: float | None = 7,
        path: str = ".*",
        method: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Answer 429, with `Retry-After` unless `retry_after` is None."""
        return cls.http_status(
            429, retry_after=retry_after, path=path, method=method, times=times
        )

    @classmethod
    def slow(
        cls,
        seconds: float,
        *,
        path: str = ".*",
        method: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Wait `seconds` before answering normally."""
        return cls(
            FaultKind.DELAY, path=path, method=method, times=times, delay=seconds
        )

    @classmethod
    def hold(
        cls,
        gate: asyncio.Event,
        *,
        path: str = ".*",
        method: str | None = None,
        times: int | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Fault:
        """Keep the request waiting until `gate` is set (no clock involved)."""
        return cls(
            FaultKind.HOLD,
            path=path,
            method=method,
            times=times,
            gate=gate,
            params=dict(params or {}),
        )

    @classmethod
    def append(
        cls,
        records: list[Any],
        *,
        path: str = ".*",
        method: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Add records the query did not ask for (a date no window holds)."""
        return cls(
            FaultKind.APPEND, path=path, method=method, times=times, body=records
        )

    @classmethod
    def html(
        cls,
        *,
        body: str = MAINTENANCE_PAGE,
        path: str = ".*",
        method: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Answer 200 with an HTML page, as a captive portal or proxy might."""
        return cls(
            FaultKind.HTML,
            path=path,
            method=method,
            times=times,
            body=body,
            content_type="text/html",
        )

    @classmethod
    def truncated_json(
        cls, *, path: str = ".*", method: str | None = None, times: int | None = None
    ) -> Fault:
        """Answer 200 with the first half of the real JSON body."""
        return cls(FaultKind.TRUNCATED_JSON, path=path, method=method, times=times)

    @classmethod
    def wrong_shape(
        cls,
        shape: Shape = "object",
        *,
        path: str = ".*",
        method: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Answer 200 with the real JSON reshaped (see `reshape`)."""
        return cls(
            FaultKind.WRONG_SHAPE, path=path, method=method, times=times, shape=shape
        )

    @classmethod
    def reset(
        cls, *, path: str = ".*", method: str | None = None, times: int | None = None
    ) -> Fault:
        """Send headers and half the body, then abort the connection."""
        return cls(FaultKind.RESET, path=path, method=method, times=times)

    @classmethod
    def query(
        cls,
        rewrite: Callable[[dict[str, str]], dict[str, str]],
        *,
        path: str = ".*",
        method: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Answer as if asked `rewrite(query)`: a server that ignores a parameter."""
        return cls(
            FaultKind.QUERY, path=path, method=method, times=times, rewrite=rewrite
        )

    @classmethod
    def close(
        cls, *, path: str = ".*", method: str | None = None, times: int | None = None
    ) -> Fault:
        """Close the connection without sending anything."""
        return cls(FaultKind.CLOSE, path=path, method=method, times=times)


def reshape(payload: Any, shape: Shape) -> Any:
    """Return `payload` bent into the given wrong shape."""
    # "object" wraps a list in an object (and an object in a list), "strings"
    # turns every number into a string, "nulls" nulls every leaf value.
    if shape == "object":
        return {"data": payload} if isinstance(payload, list) else [payload]
    if shape == "strings":
        return _stringify_numbers(payload)
    return _null_leaves(payload)


def _stringify_numbers(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return [_stringify_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _stringify_numbers(v) for k, v in value.items()}
    return value


def _null_leaves(value: Any) -> Any:
    if isinstance(value, list):
        return [_null_leaves(v) for v in value]
    if isinstance(value, dict):
        return {k: _null_leaves(v) for k, v in value.items()}
    return None


def reason_phrase(status: int) -> str:
    """Return the reason phrase the service's framework uses for `status`."""
    # Python renamed 422 to "Unprocessable Content"; Spring still says Entity.
    return {422: "Unprocessable Entity"}.get(status) or HTTPStatus(status).phrase


def status_body(fault: Fault, reason: str) -> tuple[bytes, str]:
    """Return the body bytes and content type a STATUS/HTML fault answers with."""
    body = fault.body
    if body is None:
        if fault.status >= 500:
            text = NGINX_PAGE.format(status=fault.status, reason=reason)
            return text.encode(), fault.content_type or "text/html"
        body = {"status": fault.status, "error": reason}
    if isinstance(body, bytes):
        return body, fault.content_type or "application/octet-stream"
    if isinstance(body, str):
        return body.encode(), fault.content_type or "text/plain"
    return json.dumps(body).encode(), fault.content_type or "application/json"
