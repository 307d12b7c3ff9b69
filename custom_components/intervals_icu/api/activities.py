"""An activity, in SI units, its start in the athlete's local time."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone, tzinfo
from typing import Any

from .parse import (
    DISTANCE,
    DURATION,
    ELEVATION,
    HEART_RATE,
    LOAD,
    POWER,
    Dropped,
    JsonScalar,
    _id,
    _num,
    _obj,
    _start,
    _str,
    _utc_start,
)

STRAVA = "STRAVA"

ACTIVITY_TYPES: tuple[str, ...] = (
    "Ride",
    "Run",
    "Swim",
    "WeightTraining",
    "Hike",
    "Walk",
    "AlpineSki",
    "BackcountrySki",
    "Badminton",
    "Canoeing",
    "Crossfit",
    "EBikeRide",
    "EMountainBikeRide",
    "Elliptical",
    "Golf",
    "GravelRide",
    "TrackRide",
    "Handcycle",
    "HighIntensityIntervalTraining",
    "Hockey",
    "IceSkate",
    "InlineSkate",
    "Kayaking",
    "Kitesurf",
    "MountainBikeRide",
    "Cyclocross",
    "NordicSki",
    "OpenWaterSwim",
    "Padel",
    "Pilates",
    "Pickleball",
    "Racquetball",
    "Rugby",
    "RockClimbing",
    "RollerSki",
    "Rowing",
    "Sail",
    "Skateboard",
    "Snowboard",
    "Snowshoe",
    "Soccer",
    "Squash",
    "StairStepper",
    "StandUpPaddling",
    "Surfing",
    "TableTennis",
    "Tennis",
    "TrailRun",
    "Transition",
    "Velomobile",
    "VirtualRide",
    "VirtualRow",
    "VirtualRun",
    "VirtualSki",
    "WaterSport",
    "Wheelchair",
    "Windsurf",
    "Workout",
    "Yoga",
    "Other",
)
"""The activity types of the OpenAPI spec's enum, in its order."""


# Activity attribute -> the API's field, in the order the attributes are declared.
# The list the client asks for with `fields=` is made from it, so that an
# activity costs about a hundred bytes instead of a few kilobytes.
ACTIVITY_API_FIELDS: dict[str, str] = {
    "id": "id",
    "start_local": "start_date_local",
    "type": "type",
    "name": "name",
    "distance": "distance",
    "moving_time": "moving_time",
    "elapsed_time": "elapsed_time",
    "elevation_gain": "total_elevation_gain",
    "training_load": "icu_training_load",
    "average_heartrate": "average_heartrate",
    "average_watts": "icu_average_watts",
    "source": "source",
    "start_utc": "start_date",
}
ACTIVITY_FIELDS: tuple[str, ...] = tuple(ACTIVITY_API_FIELDS.values())
"""Every field of an activity the integration reads."""
TOTALS_ATTRIBUTES: tuple[str, ...] = (
    "id",
    "start_local",
    "type",
    "distance",
    "moving_time",
    "elevation_gain",
    "training_load",
    "start_utc",
)
"""What a total needs of an activity: the daily re-read of the year asks only these."""
TOTALS_FIELDS: tuple[str, ...] = tuple(
    ACTIVITY_API_FIELDS[attr] for attr in TOTALS_ATTRIBUTES
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Activity:
    """One activity, in SI units, its start in the athlete's local time."""

    id: str
    start_local: datetime
    type: str | None = None
    name: str | None = None
    distance: float | None = None
    moving_time: float | None = None
    elapsed_time: float | None = None
    elevation_gain: float | None = None
    training_load: float | None = None
    average_heartrate: float | None = None
    average_watts: float | None = None
    source: str | None = None
    is_stub: bool = False
    """A Strava-synced activity the API will not hand out: count it, never sum it."""
    start_utc: datetime | None = None
    """The same start in UTC, when the service gives it (right while travelling)."""

    @classmethod
    def from_json(cls, value: Any, dropped: Dropped | None = None) -> Activity:
        """Parse one element of the activities list."""
        raw = _obj(value, "activity")
        start = _start(raw, "activity")
        source = _str(raw, "source")
        activity_type = _str(raw, "type")
        return cls(
            id=_id(raw),
            start_local=start,
            type=activity_type,
            name=_str(raw, "name"),
            distance=_num(raw, "distance", DISTANCE, dropped),
            moving_time=_num(raw, "moving_time", DURATION, dropped),
            elapsed_time=_num(raw, "elapsed_time", DURATION, dropped),
            elevation_gain=_num(raw, "total_elevation_gain", ELEVATION, dropped),
            training_load=_num(raw, "icu_training_load", LOAD, dropped),
            average_heartrate=_num(raw, "average_heartrate", HEART_RATE, dropped),
            average_watts=_num(raw, "icu_average_watts", POWER, dropped),
            source=source,
            is_stub="_note" in raw or (source == STRAVA and activity_type is None),
            start_utc=_utc_start(raw, start),
        )

    def with_totals_of(self, reduced: Activity) -> Activity:
        """The activity with what a TOTALS_FIELDS read of it says now.

        The name, heart rate, power and source stay as they were read in full.
        Unchanged, it is this very object: the daily re-read of the year makes
        no new one for every activity (nor garbage for the collector to walk).
        """
        is_stub = reduced.is_stub or (self.source == STRAVA and reduced.type is None)
        if (
            self.start_local == reduced.start_local
            and self.start_utc == reduced.start_utc
            and self.type == reduced.type
            and self.distance == reduced.distance
            and self.moving_time == reduced.moving_time
            and self.elevation_gain == reduced.elevation_gain
            and self.training_load == reduced.training_load
            and self.is_stub == is_stub
        ):
            return self
        return replace(
            self,
            start_local=reduced.start_local,
            start_utc=reduced.start_utc,
            type=reduced.type,
            distance=reduced.distance,
            moving_time=reduced.moving_time,
            elevation_gain=reduced.elevation_gain,
            training_load=reduced.training_load,
            is_stub=is_stub,
        )

    def as_dict(self) -> dict[str, JsonScalar]:
        """The activity in SI units, each number's unit in its name."""
        return {
            "id": self.id,
            "start_local": self.start_local.isoformat(),
            "type": self.type,
            "name": self.name,
            "distance_m": self.distance,
            "moving_time_s": self.moving_time,
            "elapsed_time_s": self.elapsed_time,
            "elevation_gain_m": self.elevation_gain,
            "training_load": self.training_load,
            "average_heartrate_bpm": self.average_heartrate,
            "average_watts_w": self.average_watts,
            "source": self.source,
            "strava_stub": self.is_stub,
        }

    def start(self, zone: tzinfo) -> datetime:
        """When it started, as an aware time in the activity's own offset.

        With the UTC start, the offset is the one where it was recorded (a run
        in New York at 07:00 is 07:00-04:00, whatever the profile's zone);
        without it, the local start is read in `zone`.
        """
        if self.start_utc is None:
            return self.start_local.replace(tzinfo=zone)
        offset = self.start_local - self.start_utc.replace(tzinfo=None)
        return self.start_utc.astimezone(timezone(offset))
