"""A small typed async client of the Intervals.icu API."""

from .activities import (
    ACTIVITY_API_FIELDS,
    ACTIVITY_FIELDS,
    ACTIVITY_TYPES,
    TOTALS_FIELDS,
    Activity,
)
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
    IntervalsInvalidValueError,
    IntervalsNotAllowedError,
    IntervalsNotFoundError,
    IntervalsRateLimitError,
    IntervalsRejectedError,
    IntervalsResponseError,
    IntervalsServerError,
)
from .events import Event
from .gear import Gear, Reminder
from .transport import DEFAULT_BASE_URL, SELF, ClientStats, normalize_athlete_id
from .wellness import SportInfo, Wellness, WellnessUpdate
from .writes import EVENT_CATEGORIES, EventWrite, ManualActivity

__all__ = [
    "ACTIVITY_API_FIELDS",
    "ACTIVITY_FIELDS",
    "ACTIVITY_TYPES",
    "DEFAULT_BASE_URL",
    "EVENT_CATEGORIES",
    "SELF",
    "TOTALS_FIELDS",
    "Activity",
    "Athlete",
    "ClientStats",
    "Event",
    "EventWrite",
    "Gear",
    "IntervalsAccessDeniedError",
    "IntervalsAuthenticationError",
    "IntervalsClient",
    "IntervalsConnectionError",
    "IntervalsError",
    "IntervalsInvalidAthleteIdError",
    "IntervalsInvalidRequestError",
    "IntervalsInvalidValueError",
    "IntervalsNotAllowedError",
    "IntervalsNotFoundError",
    "IntervalsRateLimitError",
    "IntervalsRejectedError",
    "IntervalsResponseError",
    "IntervalsServerError",
    "ManualActivity",
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
