"""In-memory athlete data: records, one-off builders and the fitness model."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
import math
from typing import Any
from zoneinfo import ZoneInfo

from .schema import (
    ACTIVITY_FIELDS,
    ATHLETE_FIELDS,
    EVENT_FIELDS,
    SPORT_SETTINGS_FIELDS,
    WELLNESS_FIELDS,
)
from .timeutil import format_local, format_utc, local_to_utc, utc_to_local

type JSONObject = dict[str, Any]

STRAVA_NOTE = "STRAVA activities are not available via the API"
CTL_DAYS = 42
ATL_DAYS = 7
RAMP_DAYS = 7  # rampRate compares CTL with a week earlier

# Templates with every spec property set to null: full records are built by
# copying one and overlaying the generated values, which keeps storage sparse.
_NULL_ACTIVITY: JSONObject = dict.fromkeys(ACTIVITY_FIELDS)
_NULL_WELLNESS: JSONObject = dict.fromkeys(WELLNESS_FIELDS)
_NULL_EVENT: JSONObject = dict.fromkeys(EVENT_FIELDS)
_NULL_SPORT_SETTINGS: JSONObject = dict.fromkeys(SPORT_SETTINGS_FIELDS)
_NULL_ATHLETE: JSONObject = dict.fromkeys(ATHLETE_FIELDS)
_KNOWN_ACTIVITY_FIELDS = frozenset(ACTIVITY_FIELDS)
_KNOWN_EVENT_FIELDS = frozenset(EVENT_FIELDS)


def full_activity(activity: Mapping[str, Any]) -> JSONObject:
    """Return the activity with every spec property present (null if unset)."""
    record = _NULL_ACTIVITY.copy()
    record.update(activity)
    return record


def full_wellness(wellness: Mapping[str, Any]) -> JSONObject:
    """Return the wellness record with every spec property present."""
    record = _NULL_WELLNESS.copy()
    record.update(wellness)
    return record


def full_event(event: Mapping[str, Any]) -> JSONObject:
    """Return the event with every spec property present."""
    record = _NULL_EVENT.copy()
    record.update(event)
    return record


def full_sport_settings(settings: Mapping[str, Any]) -> JSONObject:
    """Return the sport settings with every spec property present."""
    record = _NULL_SPORT_SETTINGS.copy()
    record.update(settings)
    return record


def strava_stub(activity: Mapping[str, Any]) -> JSONObject:
    """Return what the API shows instead of a Strava-sourced activity."""
    return {
        "id": activity["id"],
        "start_date_local": activity["start_date_local"],
        "source": "STRAVA",
        "_note": STRAVA_NOTE,
    }


def is_strava(activity: Mapping[str, Any]) -> bool:
    """Tell whether the activity came from Strava (and is hidden by the API)."""
    return activity.get("source") == "STRAVA"


def time_of_day_label(hour: int) -> str:
    """Name the part of the day the way device uploads title activities."""
    labels = ((5, "Night"), (12, "Morning"), (14, "Lunch"), (18, "Afternoon"))
    for limit, label in labels:
        if hour < limit:
            return label
    return "Evening" if hour < 21 else "Night"


def _as_local(moment: datetime | date | str) -> datetime:
    """Return a naive local datetime; a bare date means its midnight."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time())
    if moment.tzinfo is not None:
        # Stored times are local wall times; silently dropping an offset would
        # shift the activity, so make the caller say what they mean.
        msg = f"Expected a local time without offset, got {moment.isoformat()}"
        raise ValueError(msg)
    return moment.replace(microsecond=0)


def make_activity(
    *,
    start_local: datetime | str,
    activity_type: str = "Run",
    activity_id: str = "i1",
    athlete_id: str | None = None,
    timezone: str = "Europe/Amsterdam",
    name: str | None = None,
    distance: float | None = None,
    moving_time: int | None = 3600,
    elapsed_time: int | None = None,
    total_elevation_gain: float | None = None,
    icu_training_load: int | None = None,
    calories: int | None = None,
    source: str = "GARMIN_CONNECT",
    trainer: bool = False,
    race: bool = False,
    **extra: Any,
) -> JSONObject:
    """Build one activity; `extra` may set any other spec property."""
    activity_type = extra.pop("type", activity_type)  # the spec's name works too
    unknown = set(extra) - _KNOWN_ACTIVITY_FIELDS
    if unknown:
        msg = f"Unknown activity fields: {sorted(unknown)}"
        raise ValueError(msg)
    local = _as_local(start_local)
    average_speed = (
        round(distance / moving_time, 3) if distance and moving_time else None
    )
    activity: JSONObject = {
        "id": activity_id,
        "start_date_local": format_local(local),
        "type": activity_type,
        "icu_training_load": icu_training_load,
        "elapsed_time": elapsed_time if elapsed_time is not None else moving_time,
        "name": name or f"{time_of_day_label(local.hour)} {activity_type}",
        "start_date": format_utc(local_to_utc(local, ZoneInfo(timezone))),
        "distance": distance,
        "icu_distance": distance,
        "moving_time": moving_time,
        "total_elevation_gain": total_elevation_gain,
        "timezone": timezone,
        "trainer": trainer,
        "commute": False,
        "race": race,
        "average_speed": average_speed,
        "calories": calories,
        "icu_athlete_id": athlete_id,
        "source": source,
    }
    activity.update(extra)
    return activity


def make_event(
    *,
    start_local: datetime | date | str,
    event_id: int = 1,
    category: str = "WORKOUT",
    name: str | None = None,
    event_type: str | None = None,
    athlete_id: str | None = None,
    end_local: datetime | date | str | None = None,
    moving_time: int | None = None,
    distance: float | None = None,
    icu_training_load: int | None = None,
    description: str | None = None,
    indoor: bool | None = None,
    **extra: Any,
) -> JSONObject:
    """Build one calendar event; a bare date makes a non-workout all-day."""
    event_type = extra.pop("type", event_type)  # the spec's name works too
    unknown = set(extra) - _KNOWN_EVENT_FIELDS
    if unknown:
        msg = f"Unknown event fields: {sorted(unknown)}"
        raise ValueError(msg)
    start = _as_local(start_local)
    end: datetime | None = None
    if end_local is not None:
        end = _as_local(end_local)
    elif not isinstance(start_local, datetime | str) and category != "WORKOUT":
        # All-day items end at the next midnight, exclusive.
        end = start + timedelta(days=1)
    event: JSONObject = {
        "id": event_id,
        "start_date_local": format_local(start),
        "icu_training_load": icu_training_load,
        "type": event_type,
        "athlete_id": athlete_id,
        "category": category,
        "end_date_local": format_local(end) if end else None,
        "name": name or category.replace("_", " ").title(),
        "description": description,
        "indoor": indoor,
        "moving_time": moving_time,
        "distance": distance,
    }
    event.update(extra)
    return event


@dataclass(frozen=True, slots=True)
class FitnessDay:
    """Fitness-model values for one day."""

    ctl: float
    atl: float
    ramp_rate: float
    load: float


def fitness_series(
    daily_load: Mapping[date, float],
    first: date,
    last: date,
    *,
    ctl_start: float = 0.0,
    atl_start: float = 0.0,
) -> dict[date, FitnessDay]:
    """Compute CTL/ATL as exponentially weighted averages of daily load."""
    ctl_decay = math.exp(-1 / CTL_DAYS)
    atl_decay = math.exp(-1 / ATL_DAYS)
    ctl, atl = ctl_start, atl_start
    history: list[float] = []
    series: dict[date, FitnessDay] = {}
    day = first
    while day <= last:
        load = daily_load.get(day, 0.0)
        ctl = ctl * ctl_decay + load * (1 - ctl_decay)
        atl = atl * atl_decay + load * (1 - atl_decay)
        week_ago = history[-RAMP_DAYS] if len(history) >= RAMP_DAYS else ctl_start
        history.append(ctl)
        series[day] = FitnessDay(ctl, atl, ctl - week_ago, load)
        day += timedelta(days=1)
    return series


@dataclass
class Athlete:
    """One athlete's account and data, mutable so tests can reshape it."""

    id: str
    name: str
    api_key: str
    timezone: str = "Europe/Amsterdam"
    profile: JSONObject = field(default_factory=dict)
    sport_settings: list[JSONObject] = field(default_factory=list)
    activities: list[JSONObject] = field(default_factory=list)
    wellness: dict[str, JSONObject] = field(default_factory=dict)
    events: list[JSONObject] = field(default_factory=list)
    next_activity_number: int = 10_000_001
    next_event_id: int = 1_000_001
    # CTL and ATL on the eve of the first wellness day (the model's seed).
    fitness_start: tuple[float, float] = (0.0, 0.0)
    # Gear and components with their reminders (see emulator/gear.py).
    gear: list[JSONObject] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        """Return the athlete's time zone."""
        return ZoneInfo(self.timezone)

    def local_now(self, now: datetime | None = None) -> datetime:
        """Return the athlete's naive local wall time for `now` (default: now)."""
        return utc_to_local(now or datetime.now(UTC), self.zone).replace(microsecond=0)

    # Athlete record -------------------------------------------------------

    def record(self) -> JSONObject:
        """Return the athlete record with embedded sport settings."""
        record = _NULL_ATHLETE.copy()
        record.update(self.profile)
        record.update(
            id=self.id,
            name=self.name,
            timezone=self.timezone,
            icu_api_key=self.api_key,
            sportSettings=self.sport_settings_records(),
        )
        if record["custom_items"] is None:
            record["custom_items"] = []
        return record

    def sport_settings_records(self) -> list[JSONObject]:
        """Return the full sport settings list."""
        return [full_sport_settings(s) for s in self.sport_settings]

    # Activities -----------------------------------------------------------

    def new_activity_id(self) -> str:
        """Allocate the next activity id."""
        number = self.next_activity_number
        self.next_activity_number += 1
        return f"i{number}"

    def add_activity(
        self, activity: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> JSONObject:
        """Store a ready activity or build one from `make_activity` arguments."""
        if activity is None:
            fields.setdefault("activity_id", self.new_activity_id())
            fields.setdefault("athlete_id", self.id)
            fields.setdefault("timezone", self.timezone)
            record = make_activity(**fields)
        else:
            record = {**activity, **fields}
            record.setdefault("id", self.new_activity_id())
        if any(a["id"] == record["id"] for a in self.activities):
            msg = f"Duplicate activity id {record['id']}"
            raise ValueError(msg)
        self.activities.append(record)
        return record

    def get_activity(self, activity_id: str) -> JSONObject:
        """Return the stored activity; KeyError if unknown."""
        for activity in self.activities:
            if activity["id"] == activity_id:
                return activity
        raise KeyError(activity_id)

    def update_activity(self, activity_id: str, **changes: Any) -> JSONObject:
        """Change fields of an activity; a new local start also moves `start_date`."""
        activity = self.get_activity(activity_id)
        if "start_date_local" in changes:
            local = _as_local(changes["start_date_local"])
            changes["start_date_local"] = format_local(local)
            changes.setdefault("start_date", format_utc(local_to_utc(local, self.zone)))
        activity.update(changes)
        return activity

    def delete_activity(self, activity_id: str) -> None:
        """Remove an activity; KeyError if unknown."""
        self.activities.remove(self.get_activity(activity_id))

    def activities_between(self, lower: str, upper: str) -> list[JSONObject]:
        """Return activities whose local start is in [lower, upper], oldest first."""
        # No cached index: tests may edit `activities` directly, and sorting an
        # already sorted list plus one pass costs ~2 ms even for 20,000 items.
        self.activities.sort(key=_start_key)
        return [a for a in self.activities if lower <= a["start_date_local"] <= upper]

    # Wellness -------------------------------------------------------------

    def get_wellness(self, day: date | str) -> JSONObject | None:
        """Return the stored (sparse) wellness record for a day, if any."""
        return self.wellness.get(str(day))

    def set_wellness(self, day: date | str, **fields: Any) -> JSONObject:
        """Create or change the wellness record of a day."""
        key = str(day)
        record = self.wellness.setdefault(key, {"id": key})
        record.update(fields)
        return record

    def wellness_between(
        self, oldest: str | None, newest: str | None
    ) -> list[JSONObject]:
        """Return stored wellness records in the inclusive date range, oldest first."""
        return [
            self.wellness[key]
            for key in sorted(self.wellness)
            if (oldest is None or key >= oldest) and (newest is None or key <= newest)
        ]

    def daily_load(self) -> dict[date, float]:
        """Sum training load per local day over all activities."""
        loads: dict[date, float] = {}
        for activity in self.activities:
            load = activity.get("icu_training_load") or 0
            day = date.fromisoformat(activity["start_date_local"][:10])
            loads[day] = loads.get(day, 0.0) + load
        return loads

    def recompute_fitness(self) -> None:
        """Refresh ctl/atl/rampRate/loads of stored wellness days from activities."""
        if not self.wellness:
            return
        days = sorted(self.wellness)
        series = fitness_series(
            self.daily_load(),
            date.fromisoformat(days[0]),
            date.fromisoformat(days[-1]),
            ctl_start=self.fitness_start[0],
            atl_start=self.fitness_start[1],
        )
        for key in days:
            point = series[date.fromisoformat(key)]
            self.wellness[key].update(
                ctl=round(point.ctl, 4),
                atl=round(point.atl, 4),
                rampRate=round(point.ramp_rate, 4),
                ctlLoad=point.load,
                atlLoad=point.load,
            )

    # Events ---------------------------------------------------------------

    def add_event(self, **fields: Any) -> JSONObject:
        """Build an event with `make_event` arguments and store it."""
        if "event_id" not in fields:
            fields["event_id"] = self.next_event_id
            self.next_event_id += 1
        fields.setdefault("athlete_id", self.id)
        event = make_event(**fields)
        self.events.append(event)
        return event

    def delete_event(self, event_id: int) -> None:
        """Remove an event; KeyError if unknown."""
        for event in self.events:
            if event["id"] == event_id:
                self.events.remove(event)
                return
        raise KeyError(event_id)

    def events_between(self, lower: str, upper: str) -> list[JSONObject]:
        """Return events overlapping the local window [lower, upper], by start."""
        found = [
            e
            for e in self.events
            if e["start_date_local"] <= upper and _event_end(e) >= lower
        ]
        return sorted(found, key=lambda e: (e["start_date_local"], e["id"]))


def _start_key(activity: Mapping[str, Any]) -> str:
    start: str = activity["start_date_local"]
    return start


def _event_end(event: Mapping[str, Any]) -> str:
    """Return the last local second an event covers (end is exclusive)."""
    end = event.get("end_date_local")
    start: str = event["start_date_local"]
    if not end or end <= start:
        return start
    last = datetime.fromisoformat(end) - timedelta(seconds=1)
    return format_local(last)
