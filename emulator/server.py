"""The HTTP server: faults, rate limit and request log around the API."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
import json
from typing import Self

from aiohttp import web

from .api import (
    API_KEY_SLOT,
    STATE_KEY,
    ApiError,
    add_routes,
    authenticate,
    json_response,
    spring_error,
)
from .faults import Fault, FaultKind, reason_phrase, reshape, status_body
from .state import EmulatorState, LoggedRequest
from .writes import add_write_routes

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# Faults, rate limiting and logging -------------------------------------------


@dataclass
class _Outcome:
    status: int = 0
    sent: int = 0
    fault: str | None = None


def _take_faults(state: EmulatorState, request: web.Request) -> list[Fault]:
    """Return matching rules up to the first non-delay one, counting their hits."""
    taken: list[Fault] = []
    for rule in list(state.faults):
        if not rule.matches(request.method, request.path, request.query):
            continue
        rule.hits += 1
        if rule.exhausted:
            state.faults.remove(rule)
        taken.append(rule)
        if rule.kind not in {FaultKind.DELAY, FaultKind.HOLD}:
            break
    return taken


def _fault_response(fault: Fault) -> web.Response:
    body, content_type = status_body(fault, reason_phrase(fault.status))
    response = web.Response(body=body, status=fault.status, headers=fault.headers)
    response.content_type = content_type
    return response


def _transform(response: web.Response, fault: Fault) -> web.Response:
    """Bend a real JSON answer into a truncated or wrongly shaped one."""
    raw = _body_bytes(response)
    if fault.kind is FaultKind.TRUNCATED_JSON:
        cut = raw[: max(1, len(raw) // 2)]
        return web.Response(body=cut, status=200, content_type="application/json")
    if fault.kind is FaultKind.APPEND:
        assert isinstance(fault.body, list)
        return json_response([*json.loads(raw), *fault.body])
    return json_response(reshape(json.loads(raw), fault.shape))


def _body_bytes(response: web.Response) -> bytes:
    # Every answer built here carries its body as bytes (see json_response).
    body = response.body
    assert isinstance(body, bytes | bytearray)
    return bytes(body)


async def _reset_mid_body(
    request: web.Request, response: web.Response
) -> tuple[web.StreamResponse, int]:
    """Send headers and half the body, then abort the connection."""
    raw = _body_bytes(response)
    stream = web.StreamResponse(status=response.status)
    stream.content_type = response.content_type
    stream.content_length = len(raw)
    await stream.prepare(request)
    part = raw[: max(1, len(raw) // 2)]
    await stream.write(part)
    # No timers here: under freezegun the loop clock stands still. Whatever the
    # kernel already took is delivered, the rest is dropped; the client sees
    # the headers, part of the body and then the connection going away.
    if request.transport is not None:
        request.transport.abort()
    return stream, len(part)


async def _dispatch(
    request: web.Request, handler: Handler, state: EmulatorState
) -> web.StreamResponse:
    """Authenticate API paths, run the handler and map errors to JSON."""
    try:
        if request.path.startswith("/api/"):
            request[API_KEY_SLOT] = authenticate(request, state)
        return await handler(request)
    except ApiError as err:
        return json_response(err.body, err.status, err.headers)
    except web.HTTPException as exc:
        # Unknown routes and wrong methods come from the router.
        return json_response(spring_error(state, exc.status, request.path), exc.status)


async def _wait_for_faults(
    state: EmulatorState, request: web.Request, outcome: _Outcome
) -> Fault | None:
    """Wait as delays and holds say; return the fault that shapes the answer."""
    fault: Fault | None = None
    for rule in _take_faults(state, request):
        outcome.fault = rule.kind.value
        if rule.kind is FaultKind.DELAY:
            await asyncio.sleep(rule.delay)
        elif rule.kind is FaultKind.HOLD:
            assert rule.gate is not None
            await rule.gate.wait()
        else:
            fault = rule
    return fault


async def _serve(
    request: web.Request, handler: Handler, state: EmulatorState, outcome: _Outcome
) -> web.StreamResponse:
    limiter = state.rate_limiter
    if limiter is not None and not limiter.allow():
        outcome.fault = "rate_limit"
        return json_response(
            {"status": 429, "error": "Too Many Requests"},
            429,
            {"Retry-After": str(limiter.retry_after)},
        )
    fault = await _wait_for_faults(state, request, outcome)
    if fault is not None and fault.kind in {FaultKind.STATUS, FaultKind.HTML}:
        return _fault_response(fault)
    if fault is not None and fault.kind is FaultKind.CLOSE:
        if request.transport is not None:
            request.transport.close()
        return web.Response()  # never sent: the transport is gone
    if fault is not None and fault.kind is FaultKind.QUERY:
        assert fault.rewrite is not None
        query = fault.rewrite(dict(request.query))
        request = request.clone(rel_url=request.rel_url.with_query(query))
        fault = None
    response = await _dispatch(request, handler, state)
    if fault is None or not isinstance(response, web.Response):
        return response
    if fault.kind is FaultKind.RESET:
        outcome.status = response.status
        stream, outcome.sent = await _reset_mid_body(request, response)
        return stream
    return _transform(response, fault)


@web.middleware
async def emulate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply rate limit and faults, answer, and log the exchange."""
    state = request.app[STATE_KEY]
    started = asyncio.get_running_loop().time()
    when = datetime.now(UTC)
    outcome = _Outcome()
    try:
        response = await _serve(request, handler, state, outcome)
        if outcome.fault not in {"reset", "close"}:
            outcome.status = response.status
            body = response.body if isinstance(response, web.Response) else None
            outcome.sent = len(body) if isinstance(body, bytes | bytearray) else 0
        return response
    finally:
        state.log.entries.append(
            LoggedRequest(
                method=request.method,
                path=request.path,
                query={k: request.query.getall(k) for k in request.query},
                status=outcome.status,
                bytes=outcome.sent,
                time=when,
                duration=asyncio.get_running_loop().time() - started,
                fault=outcome.fault,
            )
        )


def create_app(state: EmulatorState) -> web.Application:
    """Build the aiohttp application serving `state`."""
    app = web.Application(middlewares=[emulate])
    app[STATE_KEY] = state
    add_routes(app)
    add_write_routes(app)
    return app


class EmulatorServer:
    """The app listening on a local port; use `start()`/`close()` or `async with`."""

    def __init__(
        self, state: EmulatorState, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        """Prepare a server for `state`; port 0 picks a free port."""
        self.state = state
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Return the base URL, e.g. http://127.0.0.1:54321 (no trailing slash)."""
        if self._runner is None:
            msg = "Server not started"
            raise RuntimeError(msg)
        return f"http://{self.host}:{self.port}"

    async def start(self) -> str:
        """Start listening and return the base URL."""
        # Cancel handlers of vanished clients (e.g. during a delay fault) and do
        # not wait long for stragglers, so tests shut down promptly.
        runner = web.AppRunner(
            create_app(self.state),
            access_log=None,
            handler_cancellation=True,
            shutdown_timeout=0.5,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self.url

    async def close(self) -> None:
        """Stop listening and drop open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close on exit."""
        await self.close()


@asynccontextmanager
async def running_emulator(
    state: EmulatorState, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Run the emulator for the duration of the block and yield its base URL."""
    server = EmulatorServer(state, host=host, port=port)
    await server.start()
    try:
        yield server.url
    finally:
        await server.close()
