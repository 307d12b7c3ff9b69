"""Validators of the actions' fields whose errors say which field and what it takes.

Home Assistant's own (`cv.date`, `vol.In`) answer "Could not parse date" or
a list without the field's name; these raise a translated error instead,
which passes through the action's schema as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime, time
from typing import Any

import voluptuous as vol

from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .const import DOMAIN

DATE_FORMAT = "YYYY-MM-DD"
DATETIME_FORMAT = "YYYY-MM-DD HH:MM"
TIME_FORMAT = "HH:MM"
# A value quoted back in an error is cut to this many characters.
MAX_QUOTED = 40


def _quoted(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_QUOTED else f"{text[: MAX_QUOTED - 1]}…"


def _refuse(
    key: str, field: str, value: Any, **placeholders: str
) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            "field": field,
            "value": _quoted(value),
            **placeholders,
        },
    )


def _parsed[T](
    field: str, parse: Callable[[Any], T], key: str, fmt: str
) -> Callable[[Any], T]:
    def validate(value: Any) -> T:
        try:
            return parse(value)
        except vol.Invalid:
            raise _refuse(key, field, value, format=fmt) from None

    return validate


def date_field(field: str) -> Callable[[Any], date]:
    """A day, as YYYY-MM-DD (or a date)."""

    def parse(value: Any) -> date:
        if isinstance(value, datetime):
            raise vol.Invalid("a date and time, not a date")
        return cv.date(value)

    return _parsed(field, parse, "invalid_date", DATE_FORMAT)


def datetime_field(field: str) -> Callable[[Any], datetime]:
    """A date and time of day, as YYYY-MM-DD HH:MM (ISO 8601; or a datetime)."""
    return _parsed(field, cv.datetime, "invalid_datetime", DATETIME_FORMAT)


def time_field(field: str) -> Callable[[Any], time]:
    """A time of day, as HH:MM (or HH:MM:SS; or a time)."""
    return _parsed(field, cv.time, "invalid_time", TIME_FORMAT)


def whole_number(low: float, high: float) -> vol.All[int]:
    """A number in the range, rounded: the API stores these as integers.

    47.6 bpm from a sensor is sent as 48.
    """
    return vol.All(vol.Coerce(float), vol.Range(min=low, max=high), round)


def choice_field(
    field: str, choices: Collection[str], key: str
) -> Callable[[Any], str]:
    """One of the choices, in any case; refused with the list of them."""
    canonical = {choice.casefold(): choice for choice in choices}
    listed = ", ".join(sorted(choices))

    def validate(value: Any) -> str:
        if isinstance(value, str) and (found := canonical.get(value.casefold())):
            return found
        raise _refuse(key, field, value, choices=listed)

    return validate
