"""What must never leave the integration, and where a test looks for it.

The API key (also as it travels in the header), the athlete's name and
e-mail: in no diagnostics, log record at any level (tracebacks included),
entity state or attribute, exception text or config-flow result. The fault
matrix (test_faults.py) looks at every checkpoint of every row;
test_no_leaks.py at the happy path, the config flow and the log lines.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
import json
import logging
import traceback

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.diagnostics import (
    async_get_config_entry_diagnostics,
)
from emulator.model import Athlete
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import API_KEY

# The config flow titles an entry with the athlete's name, which Home
# Assistant itself shows and logs as the entry's title (the user can rename
# it): the entries of the leak checks are renamed, so that what is checked is
# that the integration never passes on the name it reads from the record.
TITLE = "My training"


def secrets(athlete: Athlete) -> dict[str, str]:
    """What must not leak, including the key as it travels in the header."""
    basic = base64.b64encode(f"API_KEY:{API_KEY}".encode()).decode()
    return {
        "api key": API_KEY,
        "basic credentials": basic,
        "athlete name": athlete.name,
        "e-mail": athlete.profile["email"],
    }


def exception_texts(err: BaseException | None) -> Iterator[str]:
    """The text of an exception and of every exception in its chain."""
    seen: set[int] = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        yield str(err)
        yield repr(err)
        yield "".join(traceback.format_exception(err))
        yield repr(getattr(err, "args", ()))
        err = err.__cause__ or err.__context__


async def entry_texts(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    """Everything a user, a log or a bug report can see of the entry now."""
    texts = [str(entry.reason), repr(entry.error_reason_translation_placeholders)]
    if entry.state is ConfigEntryState.LOADED:
        diagnostics = await async_get_config_entry_diagnostics(hass, entry)
        texts.append(json.dumps(diagnostics, default=str))
        coordinator = entry.runtime_data
        texts.extend(exception_texts(coordinator.last_exception))
        texts.append(repr(entry.runtime_data.client))
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if state := hass.states.get(entity.entity_id):
            texts.append(state.state)
            texts.append(json.dumps(dict(state.attributes), default=str))
    return texts


def log_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every captured record as a handler would write it."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(record) for record in caplog.records]


def assert_no_secret(texts: list[str], athlete: Athlete) -> None:
    """None of the texts (there are some) holds a secret."""
    assert texts
    for what, secret in secrets(athlete).items():
        found = [text for text in texts if secret in text]
        assert not found, f"{what} leaked: {found[0][:500]}"
