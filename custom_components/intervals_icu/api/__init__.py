"""A small typed async client of the Intervals.icu API."""

from .activities import ACTIVITY_API_FIELDS, ACTIVITY_FIELDS, TOTALS_FIELDS, Activity
from .athlete import Athlete, SportSettings
from .client import IntervalsClient
from .curves import PaceCurve, PowerCurve, curve_id
from .errors import (
    IntervalsAccessDeniedError,
    IntervalsAuthenticationError,
    IntervalsConnectionError,
    IntervalsError,
    IntervalsInvalidAthleteIdError,
    IntervalsInvalidRequestError,
    IntervalsNotFoundError,
    IntervalsRateLimitError,
    IntervalsResponseError,
    IntervalsServerError,
)
from .events import Event
from .gear import Gear, Reminder
from .transport import DEFAULT_BASE_URL, SELF, ClientStats, normalize_athlete_id
from .wellness import SportInfo, Wellness, WellnessUpdate

__all__ = [
    "ACTIVITY_API_FIELDS",
    "ACTIVITY_FIELDS",
    "DEFAULT_BASE_URL",
    "SELF",
    "TOTALS_FIELDS",
    "Activity",
    "Athlete",
    "ClientStats",
    "Event",
    "Gear",
    "IntervalsAccessDeniedError",
    "IntervalsAuthenticationError",
    "IntervalsClient",
    "IntervalsConnectionError",
    "IntervalsError",
    "IntervalsInvalidAthleteIdError",
    "IntervalsInvalidRequestError",
    "IntervalsNotFoundError",
    "IntervalsRateLimitError",
    "IntervalsResponseError",
    "IntervalsServerError",
    "PaceCurve",
    "PowerCurve",
    "Reminder",
    "SportInfo",
    "SportSettings",
    "Wellness",
    "WellnessUpdate",
    "curve_id",
    "normalize_athlete_id",
]
