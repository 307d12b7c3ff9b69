"""What the client sends and what it accepts: ids, dates, sizes, timeouts, bodies."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
import tracemalloc
from typing import Any

import aiohttp
from aiohttp import web
import pytest

from custom_components.intervals_icu.api import (
    IntervalsClient,
    IntervalsInvalidAthleteIdError,
    IntervalsResponseError,
    WellnessUpdate,
    transport as client_module,
)
from emulator.faults import Fault
from emulator.server import EmulatorServer

from ..conftest import API_KEY, ATHLETE_ID, NOW

# Time starts at NOW but moves: the client's timeouts need the loop's clock.
pytestmark = pytest.mark.freeze_time(NOW, tick=True)

DAY = NOW.date()


@pytest.mark.parametrize(
    "athlete_id",
    [
        "../i123456",
        "i123456/activities",
        "i123456?oldest=2020-01-01",
        "i123456#",
        "%2e%2e",
        "i0",
        " 123456",
        "123456\n",
        "\uff11\uff12\uff13",  # full-width digits: digits to str.isdigit
        "i-1",
        "0x10",
        "00123",
        "12345678901234567",
        "I123456",
    ],
)
async def test_malformed_athlete_ids_never_reach_a_url(
    client: IntervalsClient, emulator: EmulatorServer, athlete_id: str
) -> None:
    calls = [
        client.get_athlete(athlete_id),
        client.get_activities(athlete_id, DAY, DAY),
        client.get_wellness(athlete_id, DAY, DAY),
        client.get_events(athlete_id, DAY, DAY),
        client.put_wellness(athlete_id, DAY, WellnessUpdate(weight=70.0)),
        client.request("GET", athlete_id, (), {}),
    ]
    for call in calls:
        with pytest.raises(IntervalsInvalidAthleteIdError):
            await call
    assert len(emulator.state.log) == 0
    assert client.stats.requests == 0


@pytest.mark.parametrize("athlete_id", ["i123456", "123456", "0", ""])
async def test_valid_athlete_ids(
    client: IntervalsClient, emulator: EmulatorServer, athlete_id: str
) -> None:
    """Both id forms go through as they are; empty and `0` mean the key's owner."""
    emulator.state.athletes["123456"] = emulator.state.athletes["i123456"]
    emulator.state.grant(API_KEY, "123456")
    await client.get_athlete(athlete_id)
    assert emulator.state.log.entries[-1].path == f"/api/v1/athlete/{athlete_id or 0}"


async def test_athlete_id_checked_once_per_request(
    client: IntervalsClient,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str | None] = []
    real = client_module.normalize_athlete_id

    def counting(value: str | None) -> str:
        checked.append(value)
        return real(value)

    monkeypatch.setattr(client_module, "normalize_athlete_id", counting)
    await client.get_athlete(ATHLETE_ID)
    await client.get_activities(ATHLETE_ID, DAY, DAY)
    await client.get_wellness(ATHLETE_ID, DAY, DAY)
    await client.get_events(ATHLETE_ID, DAY, DAY)
    await client.put_wellness(ATHLETE_ID, DAY, WellnessUpdate(weight=70.0))
    assert checked == [ATHLETE_ID] * 5
    assert len(emulator.state.log) == 5


@pytest.mark.parametrize(
    ("oldest", "error"),
    [
        ("2026-01-01", TypeError),
        ("2026-01-01&limit=1", TypeError),
        (20260101, TypeError),
        (datetime(2026, 1, 1, tzinfo=UTC), ValueError),
    ],
)
async def test_dates_are_checked_before_a_url(
    client: IntervalsClient,
    emulator: EmulatorServer,
    oldest: Any,
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        await client.get_activities("i123456", oldest, DAY)
    with pytest.raises(error):
        await client.put_wellness("i123456", oldest, WellnessUpdate(weight=70.0))
    assert len(emulator.state.log) == 0


async def test_oversized_response_is_refused(
    session: aiohttp.ClientSession, emulator: EmulatorServer
) -> None:
    """A year of activities far over the limit is an invalid response."""
    limit = 5_000
    small = IntervalsClient(
        session, API_KEY, base_url=emulator.url, max_response_bytes=limit
    )
    with pytest.raises(IntervalsResponseError, match="too large"):
        await small.get_activities("i123456", date(2026, 1, 1), DAY)
    (logged,) = emulator.state.log.matching("/activities")
    assert logged.bytes > 4 * limit  # it was big, and the client said no
    assert small.stats.bytes_received == 0
    # The same request with the default limit is fine.
    normal = IntervalsClient(session, API_KEY, base_url=emulator.url)
    assert await normal.get_activities("i123456", date(2026, 1, 1), DAY)


@pytest.mark.parametrize("declared", [True, False])
async def test_endless_response_is_not_read_into_memory(
    session: aiohttp.ClientSession, declared: bool
) -> None:
    """A body that never ends is refused after the limit, or at once when its
    declared length is over it; reading it all would never finish."""
    written = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal written
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        if declared:
            response.content_length = 10**12
        await response.prepare(request)
        chunk = b"[" + b"0," * 32768
        try:
            while True:
                await response.write(chunk)
                written += len(chunk)
        except ConnectionError:
            # The client hung up. Awaiting the write's failure here, instead of
            # cancelling the handler, leaves no unretrieved "Connection lost"
            # future behind on aiohttp 3.13 (Home Assistant 2026.4).
            return response

    app = web.Application()
    app.router.add_get("/api/v1/athlete/{athlete}", endless)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        client = IntervalsClient(
            session,
            API_KEY,
            base_url=f"http://127.0.0.1:{port}",
            max_response_bytes=1_000_000,
            request_timeout=40,
        )
        # Refused within milliseconds; the bound only ends a test that would
        # otherwise read forever, however loaded the machine.
        with pytest.raises(IntervalsResponseError, match="too large"):
            await asyncio.wait_for(client.get_athlete("0"), 30)
    finally:
        await runner.cleanup()
    # The server could only write what the socket buffers took.
    assert written < 64_000_000


async def test_a_body_of_empty_objects_is_refused_cheaply(
    client: IntervalsClient, emulator: EmulatorServer
) -> None:
    """32 MB of `[{},{},…]` would be ten million objects: refused before that."""
    size = 32 * 1024 * 1024 - 16
    body = b"[" + b"{}," * ((size - 3) // 3) + b"{}]"
    emulator.state.add_fault(
        Fault.http_status(200, body=body, content_type="application/json")
    )
    tracemalloc.start()
    try:
        with pytest.raises(IntervalsResponseError):
            await client.get_activities(ATHLETE_ID, DAY, DAY)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 1024 * 1024


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\xff\xfe\xfd",
        b"[" * 100_000,
        b'{"a":' * 50_000,
        b"NaN",
        b"[1e400]",
        b'[{"id": true, "start_date_local": "2026-06-15T08:00:00"}]',
        b'[{"id": "a", "start_date_local": "yesterday"}]',
        b'{"data": []}',
    ],
)
async def test_bodies_through_the_client(
    client: IntervalsClient, emulator: EmulatorServer, body: bytes
) -> None:
    """Odd bodies, sent by the emulator, are invalid responses and nothing else."""
    emulator.state.add_fault(
        Fault.http_status(200, body=body, content_type="application/json")
    )
    with pytest.raises(IntervalsResponseError):
        await client.get_activities("i123456", DAY, DAY)


@pytest.mark.parametrize(
    "distance", [b"1" + b"0" * 400, b"NaN", b"Infinity", b"1e308", b"-5"]
)
async def test_impossible_number_is_one_unknown_field(
    client: IntervalsClient, emulator: EmulatorServer, distance: bytes
) -> None:
    """Beyond any float or human effort: that field is unknown, and counted."""
    body = (
        b'[{"id": "a", "start_date_local": "2026-06-15T08:00:00", "distance": '
        + distance
        + b', "moving_time": 3600}]'
    )
    emulator.state.add_fault(
        Fault.http_status(200, body=body, content_type="application/json")
    )
    [activity] = await client.get_activities("i123456", DAY, DAY)
    assert activity.distance is None
    assert activity.moving_time == 3600
    assert client.stats.dropped == {"distance": 1}


class RecordingSession:
    """A client session that notes the arguments of every request."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.calls: list[dict[str, Any]] = []

    def request(self, method: str, url: Any, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.session.request(method, url, **kwargs)


async def test_every_request_has_a_timeout_and_leaves_tls_on(
    session: aiohttp.ClientSession, emulator: EmulatorServer
) -> None:
    """The session's certificate checks stay on (Home Assistant's session has
    them on: see tests/test_init.py); redirects are never followed."""
    recording = RecordingSession(session)
    client = IntervalsClient(recording, API_KEY, base_url=emulator.url)  # type: ignore[arg-type]
    await client.get_athlete("i123456")
    await client.get_activities("i123456", DAY, DAY)
    await client.get_wellness("i123456", DAY, DAY)
    await client.get_events("i123456", DAY, DAY)
    await client.put_wellness("i123456", DAY, WellnessUpdate(weight=70.0))
    assert len(recording.calls) == 5
    for kwargs in recording.calls:
        assert kwargs["timeout"].total == client_module.DEFAULT_TIMEOUT
        # Left to the session, whose default verifies certificates.
        assert kwargs.get("ssl", True) not in (False, None)
        assert "verify_ssl" not in kwargs
        assert kwargs["allow_redirects"] is False


def test_no_code_turns_tls_verification_off() -> None:
    package = Path(__file__).parents[2] / "custom_components/intervals_icu"
    for source in package.rglob("*.py"):
        text = source.read_text()
        assert "ssl=False" not in text, source
        assert "verify_ssl" not in text, source
        assert "async_get_clientsession(hass, False)" not in text, source
