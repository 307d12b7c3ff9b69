"""A failed on-demand request (an action, a calendar range) as a translated error."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError

from .api import (
    IntervalsAccessDeniedError,
    IntervalsAuthenticationError,
    IntervalsConnectionError,
    IntervalsError,
    IntervalsNotFoundError,
    IntervalsRateLimitError,
    IntervalsResponseError,
    IntervalsServerError,
)
from .const import DOMAIN


def request_error(err: IntervalsError) -> HomeAssistantError:
    """The error to raise to the user who asked; unlike an update, nothing retries."""
    placeholders: dict[str, str] = {}
    if isinstance(err, IntervalsAuthenticationError):
        key = "request_invalid_auth"
    elif isinstance(err, IntervalsAccessDeniedError):
        key = "request_access_denied"
    elif isinstance(err, IntervalsNotFoundError):
        key = "request_not_found"
    elif isinstance(err, IntervalsRateLimitError):
        key = "request_rate_limited"
    elif isinstance(err, IntervalsConnectionError):
        key = "request_cannot_connect"
    elif isinstance(err, IntervalsServerError):
        key = "request_server_error"
        placeholders["status"] = str(err.status)
    elif isinstance(err, IntervalsResponseError):
        key = "request_invalid_response"
    else:
        key = "request_failed"
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )
