"""Errors raised by the Intervals.icu API client."""

from __future__ import annotations


class IntervalsError(Exception):
    """Base class of every error the client raises."""


class IntervalsInvalidRequestError(IntervalsError, ValueError):
    """A value of the request is malformed (an id, a date); nothing was sent."""


class IntervalsInvalidAthleteIdError(IntervalsInvalidRequestError):
    """The athlete id is malformed; no request was sent."""


class IntervalsAuthenticationError(IntervalsError):
    """The API key was refused (401, or 403 on the key's own athlete)."""


class IntervalsAccessDeniedError(IntervalsError):
    """The key works but may not read this athlete (403 on another athlete)."""


class IntervalsNotFoundError(IntervalsError):
    """The athlete or resource does not exist (404)."""


class IntervalsRateLimitError(IntervalsError):
    """Too many requests (429)."""

    def __init__(self, retry_after: float | None) -> None:
        """Keep the server's Retry-After seconds when it gave one."""
        super().__init__(
            "Rate limited by Intervals.icu"
            + (f", retry after {retry_after:g} s" if retry_after is not None else "")
        )
        self.retry_after = retry_after


class IntervalsServerError(IntervalsError):
    """The service failed (5xx) or answered with an unexpected status."""

    def __init__(self, status: int, message: str | None = None) -> None:
        """Keep the status; the message is the service's `error` field."""
        super().__init__(f"Intervals.icu answered {status}: {message or 'error'}")
        self.status = status


class IntervalsRejectedError(IntervalsServerError):
    """The service refused the request as invalid (400 or 422), saying why."""

    def __init__(self, status: int, message: str | None = None) -> None:
        """Keep the service's reason: it names what it could not accept."""
        super().__init__(status, message)
        self.message = message


class IntervalsNotAllowedError(IntervalsAccessDeniedError):
    """The key works, but may not make this change (403 on a write)."""


class IntervalsInvalidValueError(IntervalsInvalidRequestError):
    """A value of a write cannot be sent; nothing was sent.

    `field` is the API's name of the value; `problem` says what is wrong with
    it, in words a caller can translate: `missing`, `unknown`, `range`,
    `length`, `order` (an end before its start) or `zone` (a time that is
    not athlete-local).
    """

    def __init__(self, field: str, problem: str) -> None:
        """Name the field and the problem."""
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class IntervalsConnectionError(IntervalsError):
    """The service could not be reached, or did not answer in time."""


class IntervalsResponseError(IntervalsError):
    """The service answered with something that is not what the API promises."""
