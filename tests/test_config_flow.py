"""The config flow: adding an athlete, the errors a user meets, reauth, reconfigure."""

from collections.abc import Iterator
from datetime import date
import json
from pathlib import Path
import socket
from unittest.mock import AsyncMock, patch

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    get_schema_suggested_value,
)
import voluptuous as vol

from custom_components.intervals_icu.api import IntervalsClient
from custom_components.intervals_icu.const import CONF_ATHLETE_ID, DEFAULT_URL, DOMAIN
from emulator.faults import Fault
from emulator.generator import generate_athlete
from emulator.model import Athlete
from emulator.server import EmulatorServer
from emulator.state import EmulatorState
from homeassistant.config_entries import (
    SOURCE_USER,
    ConfigEntryState,
    ConfigFlowResult,
)
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import API_KEY, ATHLETE_ID, NOW

OTHER_ID = "i654321"
OTHER_KEY = "other-athlete-key-5e2d"
NUMERIC_ID = "987654"
NUMERIC_KEY = "numeric-athlete-key-31aa"
COACH_KEY = "coach-key-0b1c"

# Time starts at NOW but moves: a reset connection and a timeout need the
# event loop's clock to advance, which frozen time would stop.
pytestmark = pytest.mark.freeze_time(NOW, tick=True)


@pytest.fixture
def real_setup() -> None:
    """Set up the entries for real: for the tests of what the entry then does."""


@pytest.fixture(autouse=True)
def entry_setup(request: pytest.FixtureRequest) -> Iterator[AsyncMock | None]:
    """An entry a flow creates or reloads is set up as if it worked.

    What the flow does is the subject here; setting up an entry is tested
    everywhere else (and here where a test asks for `real_setup`).
    """
    if "real_setup" in request.fixturenames:
        yield None
        return
    with (
        patch(
            "custom_components.intervals_icu.async_setup_entry", return_value=True
        ) as setup,
        patch("custom_components.intervals_icu.async_unload_entry", return_value=True),
    ):
        yield setup


def _add_athlete(state: EmulatorState, athlete_id: str, api_key: str) -> Athlete:
    """Serve one more athlete, with a few weeks of data and its own key."""
    return state.add_athlete(
        generate_athlete(
            seed=11,
            athlete_id=athlete_id,
            name=f"Athlete {athlete_id}",
            api_key=api_key,
            start=date(2026, 5, 1),
            end=NOW.date(),
            now=NOW,
            activities_per_year=50,
        )
    )


def _marker(schema: vol.Schema, key: str) -> vol.Marker:
    return next(marker for marker in schema.schema if marker == key)


async def _start(hass: HomeAssistant) -> ConfigFlowResult:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )


async def _submit(
    hass: HomeAssistant,
    result: ConfigFlowResult,
    url: str,
    api_key: str = API_KEY,
    athlete_id: str = "",
) -> ConfigFlowResult:
    return await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: api_key, CONF_ATHLETE_ID: athlete_id, CONF_URL: url},
    )


# The user step ---------------------------------------------------------------


async def test_user_form(hass: HomeAssistant, caplog: pytest.LogCaptureFixture) -> None:
    result = await _start(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    schema = result["data_schema"]
    assert list(schema.schema) == [CONF_API_KEY, CONF_ATHLETE_ID, CONF_URL]
    assert _marker(schema, CONF_URL).default() == DEFAULT_URL
    # The URL field does not hang on `show_advanced_options`, gone in HA 2027.6.
    assert "show_advanced_options" not in caplog.text


@pytest.mark.usefixtures("real_setup")
async def test_user_own_athlete(hass: HomeAssistant, emulator: EmulatorServer) -> None:
    """An empty athlete id means the key's owner, stored under the real id."""
    result = await _submit(hass, await _start(hass), emulator.url)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Test Athlete"
    assert result["data"] == {
        CONF_API_KEY: API_KEY,
        CONF_ATHLETE_ID: ATHLETE_ID,
        CONF_URL: emulator.url,
    }
    assert result["result"].unique_id == ATHLETE_ID
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    # The flow asked for the key's owner; the entry's setup then used the real id.
    paths = [entry.path for entry in emulator.state.log]
    assert paths[:2] == ["/api/v1/athlete/0", f"/api/v1/athlete/{ATHLETE_ID}"]


@pytest.mark.parametrize(
    ("athlete_id", "api_key", "title"),
    [
        pytest.param(ATHLETE_ID, API_KEY, "Test Athlete", id="i-prefixed"),
        pytest.param(NUMERIC_ID, NUMERIC_KEY, f"Athlete {NUMERIC_ID}", id="numeric"),
    ],
)
async def test_user_explicit_athlete_id(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    athlete_id: str,
    api_key: str,
    title: str,
) -> None:
    _add_athlete(emulator.state, NUMERIC_ID, NUMERIC_KEY)

    result = await _submit(hass, await _start(hass), emulator.url, api_key, athlete_id)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert result["result"].unique_id == athlete_id
    assert result["data"][CONF_ATHLETE_ID] == athlete_id
    assert result["data"][CONF_API_KEY] == api_key
    assert emulator.state.log.entries[0].path == f"/api/v1/athlete/{athlete_id}"
    await hass.async_block_till_done()


@pytest.mark.usefixtures("real_setup")
async def test_user_coach_reads_granted_athlete(
    hass: HomeAssistant, emulator: EmulatorServer
) -> None:
    _add_athlete(emulator.state, OTHER_ID, COACH_KEY)
    result = await _start(hass)

    result = await _submit(hass, result, emulator.url, COACH_KEY, ATHLETE_ID)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_ATHLETE_ID: "athlete_not_found"}

    emulator.state.grant(COACH_KEY, ATHLETE_ID)
    result = await _submit(hass, result, emulator.url, COACH_KEY, ATHLETE_ID)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Test Athlete"
    assert result["result"].unique_id == ATHLETE_ID
    assert result["data"] == {
        CONF_API_KEY: COACH_KEY,
        CONF_ATHLETE_ID: ATHLETE_ID,
        CONF_URL: emulator.url,
    }
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


# Errors of the user step -----------------------------------------------------


def _assert_error(
    hass: HomeAssistant,
    result: ConfigFlowResult,
    typed: dict[str, str],
    errors: dict[str, str],
    case: object = None,
) -> None:
    """The form is shown again with the error and what was typed."""
    assert result["type"] is FlowResultType.FORM, case
    assert result["step_id"] == "user", case
    assert result["errors"] == errors, case
    for key, value in typed.items():
        assert get_schema_suggested_value(result["data_schema"].schema, key) == value, (
            case
        )
    assert hass.config_entries.async_entries(DOMAIN) == [], case


async def _recover(
    hass: HomeAssistant, emulator: EmulatorServer, result: ConfigFlowResult
) -> None:
    """Corrected in the same form, the athlete is added."""
    emulator.state.clear_faults()
    result = await _submit(hass, result, emulator.url)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == ATHLETE_ID
    await hass.async_block_till_done()


async def _assert_error_then_recover(
    hass: HomeAssistant,
    emulator: EmulatorServer,
    result: ConfigFlowResult,
    typed: dict[str, str],
    errors: dict[str, str],
) -> None:
    """The form is shown again with the error and what was typed; then it works."""
    _assert_error(hass, result, typed, errors)
    await _recover(hass, emulator, result)


# What the user may type or meet, and the error the form shows again.
USER_ERRORS = [
    pytest.param("wrong-key", "", None, {CONF_API_KEY: "invalid_auth"}, id="wrong key"),
    pytest.param(
        "wrong-key",
        ATHLETE_ID,
        None,
        {CONF_API_KEY: "invalid_auth"},
        id="wrong key with athlete id",
    ),
    pytest.param(
        API_KEY,
        "",
        Fault.http_status(403, path="/athlete/0$"),
        {CONF_API_KEY: "invalid_auth"},
        id="403 for the key's owner",
    ),
    pytest.param(
        API_KEY,
        "i999999",
        None,
        {CONF_ATHLETE_ID: "athlete_not_found"},
        id="unknown athlete",
    ),
    pytest.param(
        API_KEY,
        OTHER_ID,
        None,
        {CONF_ATHLETE_ID: "athlete_not_found"},
        id="athlete not shared with the key",
    ),
    pytest.param(
        API_KEY,
        "",
        Fault.http_status(404, path="/athlete/0$"),
        {"base": "cannot_connect"},
        id="404 for the key's owner",
    ),
    *(
        pytest.param(API_KEY, "", fault, {"base": "cannot_connect"}, id=name)
        for name, fault in (
            ("503", Fault.http_status(503)),
            ("500", Fault.http_status(500)),
            ("429", Fault.rate_limited()),
            ("connection closed", Fault.close()),
            ("connection reset", Fault.reset()),
            ("html page", Fault.html()),
            ("truncated json", Fault.truncated_json()),
            ("list instead of object", Fault.wrong_shape("object")),
        )
    ),
]


async def test_user_errors(hass: HomeAssistant, emulator: EmulatorServer) -> None:
    """Each error in turn, in one form the user keeps correcting; then it works."""
    _add_athlete(emulator.state, OTHER_ID, OTHER_KEY)
    result = await _start(hass)
    for case in USER_ERRORS:
        api_key, athlete_id, fault, errors = case.values
        if fault is not None:
            emulator.state.add_fault(fault)
        result = await _submit(hass, result, emulator.url, api_key, athlete_id)
        typed = {
            CONF_API_KEY: api_key,
            CONF_ATHLETE_ID: athlete_id,
            CONF_URL: emulator.url,
        }
        _assert_error(hass, result, typed, errors, case.id)
        emulator.state.clear_faults()
    await _recover(hass, emulator, result)


async def test_user_athlete_not_shared_is_told_apart_from_a_bad_key(
    hass: HomeAssistant, emulator: EmulatorServer
) -> None:
    """A 403 for another athlete is checked against the key's own athlete."""
    _add_athlete(emulator.state, OTHER_ID, OTHER_KEY)

    result = await _submit(hass, await _start(hass), emulator.url, API_KEY, OTHER_ID)

    assert result["errors"] == {CONF_ATHLETE_ID: "athlete_not_found"}
    assert [(e.path, e.status) for e in emulator.state.log] == [
        (f"/api/v1/athlete/{OTHER_ID}", 403),
        ("/api/v1/athlete/0", 200),
    ]


async def test_user_malformed_athlete_id(
    hass: HomeAssistant, emulator: EmulatorServer
) -> None:
    result = await _start(hass)
    for athlete_id in (" 123", "12 3", "i12/3", "?x", "..", "abc", "i0", "x123"):
        result = await _submit(hass, result, emulator.url, API_KEY, athlete_id)
        typed = {CONF_API_KEY: API_KEY, CONF_ATHLETE_ID: athlete_id}
        errors = {CONF_ATHLETE_ID: "invalid_athlete_id"}
        _assert_error(hass, result, typed, errors, athlete_id)
    # Refused before any request: an id never becomes part of a URL.
    assert len(emulator.state.log) == 0
    await _recover(hass, emulator, result)


# Plain http only to this machine: the key never travels in clear.
UNSAFE_URLS = [
    "http://intervals.icu",
    "http://192.168.1.20:8765",
    "ftp://intervals.icu",
    "intervals",
]
# Credentials beside the key, or a query or fragment in every activity link.
URLS_WITH_MORE = [
    "http://user:pw@127.0.0.1:{port}",
    "http://user@127.0.0.1:{port}",
    "http://127.0.0.1:{port}?x=1",
    "http://127.0.0.1:{port}/?",
    "http://127.0.0.1:{port}#top",
    "http://127.0.0.1:{port}/a b",
    "http://127.0.0.1:{port}/\x00",
    "http://127.0.0.1:{port}/\nsomething",
    "   ",
    "http://[::1",
]
MALFORMED_URLS = [
    "https:///api",  # https without a host
    "http://[::1",  # not a URL at all
    "http://127.0.0.1:99999",
    "https://:443",
]


async def test_user_refuses_urls(
    hass: HomeAssistant, emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Each refused in turn, before any request, in one form; then it works."""
    result = await _start(hass)
    for shape in (*UNSAFE_URLS, *URLS_WITH_MORE, *MALFORMED_URLS):
        url = shape.format(port=emulator.port)
        result = await _submit(hass, result, url)
        _assert_error(hass, result, {CONF_URL: url}, {CONF_URL: "invalid_url"}, url)
    assert len(emulator.state.log) == 0
    assert "Traceback" not in caplog.text
    await _recover(hass, emulator, result)


@pytest.mark.parametrize(
    "shape", [" http://127.0.0.1:{port}", "http://127.0.0.1:{port}/\n", "\t{url}/ "]
)
async def test_user_url_is_stored_trimmed(
    hass: HomeAssistant, emulator: EmulatorServer, shape: str
) -> None:
    """A pasted space, line end or slash is not part of the server's address."""
    url = shape.format(port=emulator.port, url=emulator.url)
    result = await _submit(hass, await _start(hass), url)

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_URL] == emulator.url


async def test_user_https_server_is_tried(
    hass: HomeAssistant, emulator: EmulatorServer
) -> None:
    """https:// to any host is accepted; a server without TLS cannot be reached."""
    result = await _submit(
        hass, await _start(hass), f"https://127.0.0.1:{emulator.port}"
    )

    assert result["errors"] == {"base": "cannot_connect"}


async def test_user_server_not_listening(
    hass: HomeAssistant, emulator: EmulatorServer
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    nowhere = f"http://127.0.0.1:{closed_port}"

    result = await _submit(hass, await _start(hass), nowhere)

    typed = {CONF_URL: nowhere}
    errors = {"base": "cannot_connect"}
    await _assert_error_then_recover(hass, emulator, result, typed, errors)


async def test_user_timeout(hass: HomeAssistant, emulator: EmulatorServer) -> None:
    emulator.state.add_fault(Fault.slow(5, times=1))
    result = await _start(hass)

    # The default timeout is 30 s; a short one keeps the test quick.
    with patch.dict(IntervalsClient.__init__.__kwdefaults__, {"request_timeout": 0.2}):
        result = await _submit(hass, result, emulator.url)

    typed = {CONF_API_KEY: API_KEY, CONF_URL: emulator.url}
    errors = {"base": "cannot_connect"}
    await _assert_error_then_recover(hass, emulator, result, typed, errors)


async def test_user_unexpected_error(
    hass: HomeAssistant, emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    result = await _start(hass)

    with patch.object(IntervalsClient, "get_athlete", side_effect=RuntimeError):
        result = await _submit(hass, result, emulator.url)

    assert "Unexpected error while checking the API key" in caplog.text
    typed = {CONF_API_KEY: API_KEY, CONF_URL: emulator.url}
    await _assert_error_then_recover(hass, emulator, result, typed, {"base": "unknown"})


@pytest.mark.parametrize(
    ("first_id", "second_id"),
    [("", ""), ("", ATHLETE_ID), (ATHLETE_ID, ""), (ATHLETE_ID, ATHLETE_ID)],
)
async def test_user_already_configured(
    hass: HomeAssistant, emulator: EmulatorServer, first_id: str, second_id: str
) -> None:
    result = await _submit(hass, await _start(hass), emulator.url, API_KEY, first_id)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    result = await _submit(hass, await _start(hass), emulator.url, API_KEY, second_id)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


# Reauthentication ------------------------------------------------------------


async def _reauth(hass: HomeAssistant, entry: MockConfigEntry) -> ConfigFlowResult:
    result = await entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"] == {"name": "Test Athlete"}
    assert list(result["data_schema"].schema) == [CONF_API_KEY]
    return result


@pytest.mark.usefixtures("real_setup")
async def test_reauth_new_key(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    entry = setup_integration
    before = entry.runtime_data
    emulator.state.set_api_key(ATHLETE_ID, "rotated-key")
    result = await _reauth(hass, entry)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "rotated-key"}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data == {
        CONF_API_KEY: "rotated-key",
        CONF_ATHLETE_ID: ATHLETE_ID,
        CONF_URL: emulator.url,
    }
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not before  # reloaded with the new key


@pytest.mark.parametrize(
    ("api_key", "fault", "errors"),
    [
        pytest.param("wrong-key", None, {CONF_API_KEY: "invalid_auth"}, id="wrong key"),
        pytest.param(
            "rotated-key",
            Fault.http_status(503),
            {"base": "cannot_connect"},
            id="503",
        ),
        # The entry's athlete exists: a 404 means the wrong server, not another
        # athlete, so the user may correct it instead of being told off.
        pytest.param(
            "rotated-key",
            Fault.http_status(404, path=f"/athlete/{ATHLETE_ID}$"),
            {"base": "cannot_connect"},
            id="404",
        ),
    ],
)
async def test_reauth_errors(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: EmulatorServer,
    api_key: str,
    fault: Fault | None,
    errors: dict[str, str],
) -> None:
    entry = setup_integration
    emulator.state.set_api_key(ATHLETE_ID, "rotated-key")
    if fault is not None:
        emulator.state.add_fault(fault)
    result = await _reauth(hass, entry)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: api_key}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert entry.data[CONF_API_KEY] == API_KEY

    emulator.state.clear_faults()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "rotated-key"}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_API_KEY] == "rotated-key"


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(None, id="key of an athlete who did not share"),
        pytest.param(
            Fault.http_status(
                200,
                body={"id": OTHER_ID, "name": "Someone else"},
                path=f"/athlete/{ATHLETE_ID}$",
            ),
            id="server answers with another athlete",
        ),
    ],
)
async def test_reauth_wrong_athlete(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: EmulatorServer,
    fault: Fault | None,
) -> None:
    entry = setup_integration
    _add_athlete(emulator.state, OTHER_ID, OTHER_KEY)
    if fault is not None:
        emulator.state.add_fault(fault)
    result = await _reauth(hass, entry)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: OTHER_KEY}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_athlete"
    assert entry.data[CONF_API_KEY] == API_KEY


# Reconfiguration -------------------------------------------------------------


@pytest.mark.usefixtures("real_setup")
async def test_reconfigure_new_key(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    entry = setup_integration
    before = entry.runtime_data
    emulator.state.set_api_key(ATHLETE_ID, "rotated-key")
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {
        "name": "Test Athlete",
        "example_url": DEFAULT_URL,
        "demo_url": "http://127.0.0.1:8765",
    }
    assert list(result["data_schema"].schema) == [CONF_API_KEY, CONF_URL]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "rotated-key", CONF_URL: emulator.url}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {
        CONF_API_KEY: "rotated-key",
        CONF_ATHLETE_ID: ATHLETE_ID,
        CONF_URL: emulator.url,
    }
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data is not before


async def test_reconfigure_url_with_credentials_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    entry = setup_integration
    result = await entry.start_reconfigure_flow(hass)
    emulator.state.log.clear()
    typed = f"http://user:pw@127.0.0.1:{emulator.port}"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: API_KEY, CONF_URL: typed}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_URL: "invalid_url"}
    assert get_schema_suggested_value(result["data_schema"].schema, CONF_URL) == typed
    assert len(emulator.state.log) == 0
    assert entry.data[CONF_URL] == emulator.url


@pytest.mark.usefixtures("real_setup")
async def test_reconfigure_url(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: EmulatorServer,
    athlete: Athlete,
) -> None:
    entry = setup_integration
    result = await entry.start_reconfigure_flow(hass)
    schema = result["data_schema"].schema
    assert get_schema_suggested_value(schema, CONF_URL) == emulator.url
    emulator.state.log.clear()

    async with EmulatorServer(EmulatorState.with_athletes(athlete)) as moved:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_API_KEY: API_KEY, CONF_URL: moved.url}
        )
        await hass.async_block_till_done()

        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reconfigure_successful"
        assert entry.data[CONF_URL] == moved.url
        assert entry.state is ConfigEntryState.LOADED
        # Both the check and the reloaded entry talk to the new server only.
        assert len(emulator.state.log) == 0
        assert moved.state.log.count(f"/athlete/{ATHLETE_ID}/activities$") == 1
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_key_of_another_athlete(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    entry = setup_integration
    _add_athlete(emulator.state, OTHER_ID, OTHER_KEY)
    result = await entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: OTHER_KEY}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_athlete"
    assert entry.data[CONF_API_KEY] == API_KEY


@pytest.mark.usefixtures("real_setup")
async def test_reconfigure_invalid_key(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    entry = setup_integration
    result = await entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "wrong-key"}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_API_KEY: "invalid_auth"}
    assert get_schema_suggested_value(result["data_schema"].schema, CONF_API_KEY) == (
        "wrong-key"
    )
    assert entry.data[CONF_API_KEY] == API_KEY

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: API_KEY}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    # Leaving the URL out keeps the entry's server, not the default one.
    assert entry.data[CONF_URL] == emulator.url
    assert entry.state is ConfigEntryState.LOADED


# The server URL: what passes the https rule, and the error that names no URL --


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _invalid_url_text(result: ConfigFlowResult) -> str:
    """The invalid_url error as the frontend shows it: en.json and the placeholders."""
    path = Path(__file__).parent.parent / "custom_components/intervals_icu/translations"
    english = json.loads((path / "en.json").read_text(encoding="utf-8"))
    return english["config"]["error"]["invalid_url"].format_map(
        result["description_placeholders"]
    )


async def test_user_https_url_is_used(
    hass: HomeAssistant, emulator: EmulatorServer
) -> None:
    """An https URL passes the rule and is tried (here nothing listens there)."""
    url = f"https://127.0.0.1:{_closed_port()}"

    result = await _submit(hass, await _start(hass), url)

    # Tried, not refused as unsafe; the emulator (plain http) saw nothing.
    assert result["errors"] == {"base": "cannot_connect"}
    assert len(emulator.state.log) == 0
    typed = {CONF_URL: url}
    await _assert_error_then_recover(
        hass, emulator, result, typed, {"base": "cannot_connect"}
    )


async def test_user_invalid_url_error_names_the_addresses(
    hass: HomeAssistant, emulator: EmulatorServer
) -> None:
    """The URLs come from the code, so no translation has to carry one."""
    result = await _submit(hass, await _start(hass), "http://intervals.icu")

    assert result["errors"] == {CONF_URL: "invalid_url"}
    text = _invalid_url_text(result)
    assert "https://intervals.icu" in text
    assert "http://127.0.0.1:8765" in text
    assert "{" not in text


async def test_reconfigure_unsafe_url(
    hass: HomeAssistant, setup_integration: MockConfigEntry, emulator: EmulatorServer
) -> None:
    entry = setup_integration
    result = await entry.start_reconfigure_flow(hass)
    requests = len(emulator.state.log)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: API_KEY, CONF_URL: "http://192.168.1.20:8765"},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_URL: "invalid_url"}
    assert "https://intervals.icu" in _invalid_url_text(result)
    assert len(emulator.state.log) == requests
    assert entry.data[CONF_URL] == emulator.url
