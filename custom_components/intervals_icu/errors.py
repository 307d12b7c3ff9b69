"""A failed on-demand request (an action, a calendar range) as a translated error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .api import (
    IntervalsAccessDeniedError,
    IntervalsAuthenticationError,
    IntervalsConnectionError,
    IntervalsError,
    IntervalsInvalidRequestError,
    IntervalsNotFoundError,
    IntervalsRateLimitError,
    IntervalsRejectedError,
    IntervalsResponseError,
    IntervalsServerError,
)
from .const import DOMAIN


def error_key(err: IntervalsError) -> str:
    """The translation key that says what went wrong, for updates and requests."""
    if isinstance(err, IntervalsAuthenticationError):
        return "invalid_auth"
    if isinstance(err, IntervalsAccessDeniedError):
        return "access_denied"
    if isinstance(err, IntervalsNotFoundError):
        return "athlete_not_found"
    if isinstance(err, IntervalsRateLimitError):
        return "rate_limited"
    if isinstance(err, IntervalsConnectionError):
        return "cannot_connect"
    if isinstance(err, IntervalsServerError):
        return "server_error"
    if isinstance(err, IntervalsResponseError):
        return "invalid_response"
    if isinstance(err, IntervalsInvalidRequestError):
        return "invalid_request"
    return "unknown_error"


def request_error(err: IntervalsError) -> HomeAssistantError:
    """The error to raise to the user who asked; unlike an update, nothing retries."""
    if isinstance(err, IntervalsRejectedError):
        # The service's reason names what it could not accept (never the key).
        return HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="request_rejected",
            translation_placeholders={"message": err.message or f"HTTP {err.status}"},
        )
    placeholders: dict[str, str] = {}
    if isinstance(err, IntervalsServerError):
        placeholders["status"] = str(err.status)
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=f"request_{error_key(err)}",
        translation_placeholders=placeholders or None,
    )


@contextmanager
def handle_request_errors(hass: HomeAssistant, entry: ConfigEntry) -> Iterator[None]:
    """Turn client errors into translated errors; a refused key starts reauth now.

    For actions and on-demand fetches, which the user is waiting for: nothing
    retries them, and waiting for the next hourly update to ask for a new key
    would leave the user with an error and nothing to do about it.
    """
    try:
        yield
    except IntervalsAuthenticationError as err:
        entry.async_start_reauth(hass)
        raise request_error(err) from err
    except IntervalsError as err:
        raise request_error(err) from err
