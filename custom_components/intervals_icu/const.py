"""Constants of the Intervals.icu integration."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Final

from .api import DEFAULT_BASE_URL, activities

DOMAIN: Final = "intervals_icu"
LOGGER = logging.getLogger(__package__)

CONF_ATHLETE_ID: Final = "athlete_id"
# Options: which activity types count in each sport group.
CONF_GROUPS: Final = "groups"

DEFAULT_URL: Final = DEFAULT_BASE_URL
UPDATE_INTERVAL: Final = timedelta(hours=1)

# Intervals.icu's own default sport settings group types like this.
DEFAULT_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "run": ("Run", "VirtualRun", "TrailRun"),
    "ride": ("Ride", "VirtualRide", "GravelRide", "MountainBikeRide"),
    "swim": ("Swim", "OpenWaterSwim"),
}

# The types each group's picker in the options lists first: the group's own
# sports, then (after these) every other activity type.
GROUP_TYPES_FIRST: Final[dict[str, tuple[str, ...]]] = {
    "run": ("Run", "VirtualRun", "TrailRun"),
    "ride": (
        "Ride",
        "VirtualRide",
        "GravelRide",
        "MountainBikeRide",
        "EBikeRide",
        "EMountainBikeRide",
        "TrackRide",
        "Cyclocross",
        "Velomobile",
        "Handcycle",
    ),
    "swim": ("Swim", "OpenWaterSwim"),
}

# The activity types of the OpenAPI spec's enum, for the options flow.
ACTIVITY_TYPES: Final = activities.ACTIVITY_TYPES
