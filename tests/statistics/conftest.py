"""The recorder, for the tests of long-term statistics."""

from collections.abc import Iterator
import logging
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def mock_recorder_before_hass(async_setup_recorder_instance: Any) -> None:
    """The recorder's database is prepared before Home Assistant starts."""


@pytest.fixture(autouse=True)
def quiet_sql() -> Iterator[None]:
    """The test plugin logs every SQL statement; thousands of rows crawl then."""
    engine = logging.getLogger("sqlalchemy.engine")
    level = engine.level
    engine.setLevel(logging.WARNING)
    yield
    engine.setLevel(level)
