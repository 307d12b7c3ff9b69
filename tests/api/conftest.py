"""The API client against the emulator on 127.0.0.1, without Home Assistant.

The client (custom_components/intervals_icu/api/) imports nothing of Home
Assistant; here it gets a plain aiohttp session, as any other user would.
"""

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.intervals_icu.api import IntervalsClient
from emulator.server import EmulatorServer

from ..conftest import API_KEY


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A client session of the test's own, closed afterwards."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(session: aiohttp.ClientSession, emulator: EmulatorServer) -> IntervalsClient:
    """The athlete's key, talking to the emulator."""
    return IntervalsClient(session, API_KEY, base_url=emulator.url)
