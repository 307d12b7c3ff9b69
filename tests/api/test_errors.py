"""Every way Intervals.icu fails, as the client's error classes.

The other half of the fault matrix (tests/test_faults.py): there each class
of error is shown to be what the user sees; here each trouble the service or
the network can cause is shown to be one of those classes, with what it
carries (the status, the time to wait), and nothing secret in its text.

Time ticks (`tick=True`) so that the client's timeout runs in real time.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
import logging
import traceback

import aiohttp
import pytest

from custom_components.intervals_icu.api import (
    IntervalsAuthenticationError,
    IntervalsClient,
    IntervalsConnectionError,
    IntervalsError,
    IntervalsNotFoundError,
    IntervalsRateLimitError,
    IntervalsRejectedError,
    IntervalsResponseError,
    IntervalsServerError,
)
from emulator.faults import Fault
from emulator.model import Athlete
from emulator.server import EmulatorServer

from ..conftest import API_KEY, ATHLETE_ID, NOW

pytestmark = pytest.mark.freeze_time(NOW, tick=True)

DAY = NOW.date()


@dataclass(frozen=True)
class Trouble:
    """What goes wrong, and the error every read of an update then raises."""

    name: str
    fault: Callable[[], Fault] | None
    """The emulator's fault rule; None: nothing listens on the port."""
    error: type[IntervalsError]
    status: int | None = None
    retry_after: float | None = None


TROUBLES = [
    Trouble("401", lambda: Fault.http_status(401), IntervalsAuthenticationError),
    # A 403 for the key's own athlete is a refused key, not withdrawn access.
    Trouble(
        "403-own-athlete",
        lambda: Fault.http_status(403, body={"status": 403, "error": "Access denied"}),
        IntervalsAuthenticationError,
    ),
    Trouble("404", lambda: Fault.http_status(404), IntervalsNotFoundError),
    Trouble(
        "422",
        lambda: Fault.http_status(422, body={"status": 422, "error": "Bad date"}),
        IntervalsRejectedError,
        status=422,
    ),
    Trouble(
        "400",
        lambda: Fault.http_status(400, body={"status": 400, "error": "Bad type"}),
        IntervalsRejectedError,
        status=400,
    ),
    Trouble(
        "429-retry-after-120",
        lambda: Fault.rate_limited(retry_after=120),
        IntervalsRateLimitError,
        retry_after=120,
    ),
    Trouble(
        "429-no-retry-after",
        lambda: Fault.rate_limited(retry_after=None),
        IntervalsRateLimitError,
    ),
    Trouble(
        "429-retry-after-0",
        lambda: Fault.rate_limited(retry_after=0),
        IntervalsRateLimitError,
        retry_after=0,
    ),
    Trouble("500", lambda: Fault.http_status(500), IntervalsServerError, status=500),
    Trouble("502", lambda: Fault.http_status(502), IntervalsServerError, status=502),
    Trouble("503", lambda: Fault.http_status(503), IntervalsServerError, status=503),
    Trouble("slower-than-timeout", lambda: Fault.slow(10), IntervalsConnectionError),
    Trouble("connection-refused", None, IntervalsConnectionError),
    Trouble("reset-mid-body", Fault.reset, IntervalsConnectionError),
    Trouble("html-200", Fault.html, IntervalsResponseError),
    Trouble("truncated-json", Fault.truncated_json, IntervalsResponseError),
    Trouble(
        "object-for-list", lambda: Fault.wrong_shape("object"), IntervalsResponseError
    ),
    Trouble(
        "strings-for-numbers",
        lambda: Fault.wrong_shape("strings"),
        IntervalsResponseError,
    ),
    Trouble(
        "nulls-everywhere", lambda: Fault.wrong_shape("nulls"), IntervalsResponseError
    ),
]

# The reads of a setup and of an hourly update that fail alike.
type Read = Callable[[IntervalsClient], Awaitable[object]]
READS: dict[str, Read] = {
    "athlete": lambda c: c.get_athlete(ATHLETE_ID),
    "activities": lambda c: c.get_activities(ATHLETE_ID, date(2026, 6, 12), DAY),
    "wellness": lambda c: c.get_wellness(ATHLETE_ID, date(2026, 6, 12), DAY),
}


def secrets(athlete: Athlete) -> list[str]:
    """What an error must never carry: the key (also as sent), name, e-mail."""
    basic = base64.b64encode(f"API_KEY:{API_KEY}".encode()).decode()
    return [API_KEY, basic, athlete.name, athlete.profile["email"]]


def texts_of(err: BaseException) -> list[str]:
    """The error's text, repr and traceback, and those of its causes."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        texts.append("".join(traceback.format_exception(current)))
        current = current.__cause__ or current.__context__
    return texts


@pytest.mark.parametrize("trouble", TROUBLES, ids=lambda t: t.name)
async def test_trouble_is_one_error_class(
    session: aiohttp.ClientSession,
    emulator: EmulatorServer,
    athlete: Athlete,
    caplog: pytest.LogCaptureFixture,
    trouble: Trouble,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = IntervalsClient(
        session, API_KEY, base_url=emulator.url, request_timeout=0.2
    )
    if trouble.fault is None:
        await emulator.close()
    for name, read in READS.items():
        emulator.state.clear_faults()
        if trouble.fault is not None:
            emulator.state.add_fault(trouble.fault())
        with pytest.raises(IntervalsError) as caught:
            await read(client)
        err = caught.value
        assert type(err) is trouble.error, name
        if trouble.status is not None:
            assert isinstance(err, IntervalsServerError)
            assert err.status == trouble.status, name
        if isinstance(err, IntervalsRateLimitError):
            assert err.retry_after == trouble.retry_after, name
        # Nothing of the key or the athlete in the error, nor in the log.
        logged = [record.getMessage() for record in caplog.records]
        for secret in secrets(athlete):
            assert not [t for t in [*texts_of(err), *logged] if secret in t], name
    assert client.stats.failures >= len(READS)


def test_the_secret_check_can_fail(athlete: Athlete) -> None:
    """An error that carried the key, the name or the e-mail would be caught."""
    for secret in secrets(athlete):
        err = IntervalsConnectionError(f"… {secret} …")
        assert any(secret in text for text in texts_of(err))


async def test_malformed_server_url_is_a_connection_error(
    session: aiohttp.ClientSession,
) -> None:
    client = IntervalsClient(session, API_KEY, base_url="http://[")
    with pytest.raises(IntervalsConnectionError):
        await client.get_athlete("0")
    assert API_KEY not in repr(client)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("inf", None),
        ("nan", None),
        ("soon", None),
        ("Mon, 15 Jun 2026 10:02:00 GMT", 120.0),
    ],
)
async def test_retry_after_is_read_sanely(
    client: IntervalsClient,
    emulator: EmulatorServer,
    header: str,
    seconds: float | None,
) -> None:
    emulator.state.add_fault(Fault.http_status(429, headers={"Retry-After": header}))
    with pytest.raises(IntervalsRateLimitError) as caught:
        await client.get_athlete("i123456")
    if seconds is None:
        assert caught.value.retry_after is None
    else:
        assert caught.value.retry_after == pytest.approx(seconds, abs=2)
