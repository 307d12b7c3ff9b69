"""Seeded generator of realistic athletes: profile, activities, wellness, events."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
import random
from typing import Any
from zoneinfo import ZoneInfo

from .gear import sample_gear
from .model import Athlete, JSONObject, fitness_series, time_of_day_label
from .timeutil import day_range, format_local, format_utc, local_to_utc, utc_to_local

_RIDE_TYPES = [
    "Ride",
    "VirtualRide",
    "GravelRide",
    "MountainBikeRide",
    "Cyclocross",
    "TrackRide",
    "EBikeRide",
    "EMountainBikeRide",
    "Velomobile",
    "Handcycle",
]
_RUN_TYPES = ["Run", "VirtualRun", "TrailRun"]
_SWIM_TYPES = ["Swim", "OpenWaterSwim"]
_WINTER = (1, 2, 3, 12)
_SUMMER = (5, 6, 7, 8, 9)
_ZONE_CITIES = {
    "Europe/Amsterdam": ("Amsterdam", "Netherlands"),
    "Europe/London": ("London", "United Kingdom"),
    "America/Los_Angeles": ("Los Angeles", "United States"),
    "America/New_York": ("New York", "United States"),
    "Australia/Sydney": ("Sydney", "Australia"),
    "Pacific/Auckland": ("Auckland", "New Zealand"),
    "Asia/Tokyo": ("Tokyo", "Japan"),
    "UTC": ("Greenwich", "United Kingdom"),
}
_FIRST_NAMES = ["Anna", "Bram", "Chloe", "Daan", "Eva", "Finn", "Lotte", "Sam"]
_LAST_NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Mulder"]


@dataclass(frozen=True, slots=True)
class SportProfile:
    """How one activity type usually looks."""

    type: str
    weight: float  # relative frequency
    label: str  # used in names like "Morning Ride"
    minutes: tuple[float, float, float]  # low, high, most likely
    speed: tuple[float, float] | None = None  # m/s; None: no distance
    climb: tuple[float, float] = (0.0, 0.0)  # metres gained per km
    intensity: tuple[float, float] = (0.55, 0.85)  # intensity factor
    kcal_per_hour: float = 450.0
    power: bool = False
    indoor: float = 0.0  # share done on a trainer/treadmill
    season: tuple[int, ...] | None = None  # months it happens in


_S = SportProfile
# A data table reads best aligned, one sport per entry.
# fmt: off
SPORTS: tuple[SportProfile, ...] = (
    _S("Ride", 22, "Ride", (45, 300, 100), (6.5, 9.5), (4, 14),
       power=True, indoor=0.05, kcal_per_hour=650),
    _S("Run", 22, "Run", (25, 120, 50), (2.6, 3.8), (1, 9),
       indoor=0.04, kcal_per_hour=750),
    _S("VirtualRide", 10, "Virtual Ride", (30, 120, 60), (8.0, 10.5), (3, 12),
       power=True, indoor=1.0, kcal_per_hour=700),
    _S("Swim", 6, "Swim", (30, 80, 50), (0.85, 1.2), indoor=1.0, kcal_per_hour=550),
    _S("WeightTraining", 7, "Weight Training", (30, 80, 50),
       intensity=(0.45, 0.65), kcal_per_hour=300, indoor=1.0),
    _S("Walk", 7, "Walk", (20, 100, 45), (1.2, 1.6), (1, 8),
       intensity=(0.3, 0.5), kcal_per_hour=280),
    _S("TrailRun", 5, "Trail Run", (40, 200, 80), (2.0, 3.0), (20, 60),
       kcal_per_hour=800),
    _S("GravelRide", 5, "Gravel Ride", (60, 300, 140), (5.5, 7.8), (6, 14),
       power=True, kcal_per_hour=650),
    _S("Hike", 3, "Hike", (90, 420, 200), (0.9, 1.35), (30, 90),
       intensity=(0.4, 0.6), kcal_per_hour=420),
    _S("MountainBikeRide", 2, "Mountain Bike Ride", (60, 240, 110), (4.0, 6.5),
       (15, 35), power=True, kcal_per_hour=700),
    _S("VirtualRun", 2, "Virtual Run", (25, 75, 40), (2.8, 3.6), (0, 3),
       indoor=1.0, kcal_per_hour=750),
    _S("Yoga", 2, "Yoga", (30, 75, 60), intensity=(0.3, 0.45),
       kcal_per_hour=200, indoor=1.0),
    _S("OpenWaterSwim", 1, "Open Water Swim", (20, 75, 40), (0.85, 1.15),
       kcal_per_hour=600, season=_SUMMER),
    _S("Rowing", 1, "Row", (20, 90, 45), (3.0, 4.2), kcal_per_hour=600,
       season=_SUMMER),
    _S("Workout", 1, "Workout", (20, 60, 40), intensity=(0.5, 0.8), indoor=1.0),
    _S("NordicSki", 0.5, "Nordic Ski", (45, 180, 90), (3.5, 5.5), (5, 20),
       kcal_per_hour=750, season=_WINTER),
    _S("AlpineSki", 0.5, "Alpine Ski", (120, 360, 240), (3.0, 8.0), (40, 120),
       intensity=(0.4, 0.6), kcal_per_hour=350, season=_WINTER),
    _S("Elliptical", 0.4, "Elliptical", (20, 60, 40), indoor=1.0),
    _S("HighIntensityIntervalTraining", 0.5, "HIIT", (15, 45, 30),
       intensity=(0.75, 0.95), indoor=1.0, kcal_per_hour=600),
    _S("EBikeRide", 0.4, "E-Bike Ride", (30, 150, 60), (6.0, 8.0), (3, 12),
       intensity=(0.4, 0.6)),
    _S("Cyclocross", 0.3, "Cyclocross", (40, 75, 60), (5.0, 6.5), (8, 20),
       power=True, intensity=(0.85, 1.0), season=(1, 2, 10, 11, 12)),
    _S("RockClimbing", 0.3, "Climb", (60, 180, 120), intensity=(0.5, 0.7)),
    _S("Kayaking", 0.3, "Kayak", (45, 180, 90), (1.6, 2.5), season=_SUMMER),
    _S("Pilates", 0.3, "Pilates", (30, 60, 50), intensity=(0.3, 0.5),
       indoor=1.0, kcal_per_hour=220),
    _S("Tennis", 0.3, "Tennis", (45, 120, 75), intensity=(0.55, 0.8)),
    _S("Soccer", 0.3, "Soccer", (60, 100, 90), intensity=(0.6, 0.85)),
    _S("Padel", 0.2, "Padel", (60, 90, 75), intensity=(0.55, 0.75)),
    _S("StandUpPaddling", 0.2, "Stand Up Paddle", (30, 120, 60), (1.2, 1.8),
       season=_SUMMER),
    _S("VirtualRow", 0.2, "Virtual Row", (20, 60, 30), (3.4, 4.2), indoor=1.0),
    _S("Crossfit", 0.2, "CrossFit", (40, 70, 60), intensity=(0.7, 0.9), indoor=1.0),
    _S("TrackRide", 0.1, "Track Ride", (45, 120, 60), (10.0, 12.5),
       power=True, intensity=(0.7, 0.95)),
    _S("InlineSkate", 0.1, "Inline Skate", (30, 120, 60), (4.0, 6.0),
       season=_SUMMER),
    _S("IceSkate", 0.1, "Ice Skate", (30, 120, 60), (3.0, 5.5), season=_WINTER),
    _S("Snowshoe", 0.1, "Snowshoe", (60, 240, 120), (0.9, 1.4), (20, 60),
       season=_WINTER),
    _S("Golf", 0.1, "Golf", (120, 270, 240), (0.6, 1.0), intensity=(0.3, 0.4)),
    _S("Surfing", 0.1, "Surf", (45, 150, 90), season=_SUMMER),
    _S("Canoeing", 0.1, "Canoe", (60, 240, 120), (1.4, 2.2), season=_SUMMER),
    _S("Badminton", 0.05, "Badminton", (45, 90, 60)),
    _S("Transition", 0.05, "Transition", (1, 6, 2), (1.0, 3.0)),
    _S("Other", 0.3, "Activity", (20, 120, 45)),
)
# fmt: on
# Names athletes give sessions of a type, besides "Morning Ride" and the like.
_SESSION_NAMES = {
    "Ride": ("Endurance ride", "Sweet spot 3x12", "Group ride", "Coffee ride"),
    "Run": ("Easy run", "Long run", "Intervals 6x800m", "Tempo 3x10'"),
    "VirtualRide": ("Zwift - Watopia", "Zwift - Makuri Islands", "Zwift - London"),
    "Swim": ("CSS 10x100", "Technique swim", "Endurance swim"),
    "WeightTraining": ("Strength A", "Strength B", "Core & mobility"),
}
_CUM_WEIGHTS = list(accumulate(s.weight for s in SPORTS))
_BY_TYPE = {s.type: s for s in SPORTS}
_RACE_TYPES = frozenset(("Run", "Ride", "TrailRun", "GravelRide"))
_POWER_ZONES = [55, 75, 90, 105, 120, 150, 999]
_POWER_ZONE_IDS = ("Z1", "Z2", "Z3", "Z4", "Z5", "Z6", "Z7", "SS")
_POWER_ZONE_NAMES = [
    "Recovery",
    "Endurance",
    "Tempo",
    "Threshold",
    "VO2 Max",
    "Anaerobic",
    "Neuromuscular",
]
_HR_ZONE_NAMES = [
    "Recovery",
    "Aerobic",
    "Tempo",
    "SubThreshold",
    "SuperThreshold",
    "Aerobic Capacity",
    "Anaerobic",
]
_PACE_ZONES = [77.5, 87.7, 94.3, 100.0, 103.4, 111.5, 999.0]
_PACE_ZONE_NAMES = [
    "Zone 1",
    "Zone 2",
    "Zone 3",
    "Zone 4",
    "Zone 5a",
    "Zone 5b",
    "Zone 5c",
]
_DEVICES = {
    "GARMIN_CONNECT": ("Garmin Forerunner 965", "Garmin Edge 840", "Garmin fenix 7"),
    "WAHOO": ("Wahoo ELEMNT BOLT", "Wahoo ELEMNT ROAM"),
    "COROS": ("COROS PACE 3", "COROS APEX 2"),
    "POLAR": ("Polar Vantage V3",),
    "SUUNTO": ("Suunto Race",),
    "ZWIFT": ("Zwift",),
    "UPLOAD": ("Garmin Edge 530", "Hammerhead Karoo 3"),
    "STRAVA": ("Strava App",),
}
_SOURCES = ("GARMIN_CONNECT",) * 14 + ("UPLOAD", "WAHOO", "COROS", "POLAR", "SUUNTO")
_RACE_NAMES = (
    "City Marathon",
    "Spring Classic",
    "Half Marathon",
    "Gran Fondo",
    "Sprint Triathlon",
    "Park 10k",
    "Club Time Trial",
    "Hill Climb",
)
_NOTES = (
    ("Travel", "Flight at 07:40, no training"),
    ("Work trip", "Hotel gym only"),
    ("Physio 16:00", "Left calf"),
    ("Bike service", None),
)
_WORKOUTS: dict[str, tuple[tuple[str, int, float, str], ...]] = {
    # name, minutes, intensity, description
    "Ride": (
        (
            "Sweet Spot 3x12",
            75,
            0.82,
            "- 15m 55%\n3x\n- 12m 90%\n- 5m 55%\n\n- 10m 50%",
        ),
        ("Endurance Z2", 120, 0.68, "- 120m 65-75%"),
        ("Threshold 2x20", 80, 0.86, "- 15m 55%\n2x\n- 20m 98%\n- 5m 50%\n\n- 10m 50%"),
        ("VO2 5x4", 70, 0.84, "- 15m 55%\n5x\n- 4m 115%\n- 4m 50%\n\n- 10m 50%"),
    ),
    "Run": (
        ("Easy Run", 45, 0.7, "- 45m Z2 Pace"),
        ("Long Run", 100, 0.74, "- 100m Z2 Pace"),
        (
            "Intervals 6x800m",
            55,
            0.85,
            "- 15m Z1\n6x\n- 800mtr Z5\n- 2m Z1\n\n- 10m Z1",
        ),
        ("Tempo 3x10", 60, 0.83, "- 15m Z2\n3x\n- 10m Z4\n- 3m Z1\n\n- 10m Z1"),
    ),
    "Swim": (
        (
            "CSS 10x100",
            50,
            0.8,
            "- 400mtr Z1\n10x\n- 100mtr Z4\n- 15s rest\n\n- 200mtr Z1",
        ),
        ("Endurance Swim", 45, 0.7, "- 2500mtr Z2"),
    ),
    "WeightTraining": (("Strength A", 50, 0.55, "Squat, deadlift, lunges, core"),),
}


def _profile_rng(seed: int, part: str) -> random.Random:
    # Each part has its own stream so e.g. changing activities_per_year
    # does not reshuffle wellness or the athlete profile.
    return random.Random(f"{seed}:{part}")


@dataclass(frozen=True, slots=True)
class _Physiology:
    ftp: int
    lthr_ride: int
    lthr_run: int
    max_hr: int
    resting_hr: int
    weight: float
    run_threshold: float  # m/s
    swim_threshold: float  # m/s
    w_prime: int
    p_max: int
    ride_hr_zones: list[int]
    run_hr_zones: list[int]


def generate_athlete(
    *,
    seed: int,
    start: date,
    end: date,
    athlete_id: str = "i123456",
    name: str | None = None,
    timezone: str = "Europe/Amsterdam",
    activities_per_year: int = 300,
    strava_share: float = 0.0,
    events_until: date | None = None,
    api_key: str | None = None,
    now: datetime | None = None,
    wellness_gap_share: float = 0.03,
) -> Athlete:
    """Generate an athlete with data from `start` to `end` (local dates)."""
    # `now` (aware) drops activities that would start after it, so "today"
    # holds only what already happened; `events_until` None means no events.
    zone = ZoneInfo(timezone)
    rng = _profile_rng(seed, "profile")
    body = _physiology(rng)
    if name is None:
        name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
    if api_key is None:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        api_key = "".join(rng.choice(alphabet) for _ in range(26))
    athlete = Athlete(
        id=athlete_id,
        name=name,
        api_key=api_key,
        timezone=timezone,
        profile=_profile(
            rng,
            athlete_id=athlete_id,
            name=name,
            timezone=timezone,
            body=body,
            start=start,
            strava_share=strava_share,
        ),
        sport_settings=_sport_settings(athlete_id, body),
        next_activity_number=rng.randrange(10_000_000, 60_000_000),
        next_event_id=rng.randrange(10_000_000, 90_000_000),
    )
    activities = _activities(
        _profile_rng(seed, "activities"),
        athlete,
        body,
        (start, end),
        per_year=activities_per_year,
        strava_share=strava_share,
    )
    if now is not None:
        # Generate first, then cut, so `now` does not change earlier activities.
        cutoff = format_local(utc_to_local(now, zone))
        activities = [a for a in activities if a["start_date_local"] <= cutoff]
    athlete.activities = activities
    athlete.next_activity_number = (
        int(athlete.activities[-1]["id"][1:]) + 1
        if athlete.activities
        else athlete.next_activity_number
    )
    _wellness(
        _profile_rng(seed, "wellness"),
        athlete,
        body,
        (start, end),
        gap_share=wellness_gap_share,
        now=now,
    )
    if events_until is not None:
        _events(_profile_rng(seed, "events"), athlete, body, end, events_until)
    athlete.gear = sample_gear(athlete, end)
    return athlete


def _physiology(rng: random.Random) -> _Physiology:
    weight = round(rng.uniform(58, 86), 1)
    max_hr = rng.randint(178, 198)
    lthr_ride = max_hr - rng.randint(18, 26)
    lthr_run = max_hr - rng.randint(12, 20)
    return _Physiology(
        ftp=int(weight * rng.uniform(2.9, 4.3)),
        lthr_ride=lthr_ride,
        lthr_run=lthr_run,
        max_hr=max_hr,
        resting_hr=rng.randint(42, 56),
        weight=weight,
        run_threshold=round(rng.uniform(3.0, 4.4), 4),
        swim_threshold=round(rng.uniform(0.9, 1.2), 4),
        w_prime=rng.randrange(14_000, 26_000, 100),
        p_max=rng.randrange(700, 1300, 10),
        ride_hr_zones=_hr_zones(lthr_ride, max_hr),
        run_hr_zones=_hr_zones(lthr_run, max_hr),
    )


def _profile(
    rng: random.Random,
    *,
    athlete_id: str,
    name: str,
    timezone: str,
    body: _Physiology,
    start: date,
    strava_share: float,
) -> JSONObject:
    city, country = _ZONE_CITIES.get(
        timezone, (timezone.rsplit("/", 1)[-1].replace("_", " "), None)
    )
    first, _, last = name.partition(" ")
    born = date(rng.randint(1965, 2002), rng.randint(1, 12), rng.randint(1, 28))
    activated = datetime.combine(start - timedelta(days=rng.randint(30, 900)), time(9))
    return {
        "id": athlete_id,
        "firstname": first,
        "lastname": last or None,
        "email": f"{first.lower()}.{athlete_id}@example.com",
        "sex": rng.choice(("M", "F")),
        "city": city,
        "country": country,
        "measurement_preference": "meters",
        "weight_pref_lb": False,
        "fahrenheit": False,
        "wind_speed": "KMH",
        "rain": "MM",
        "weight": body.weight,
        "icu_weight": body.weight,
        "icu_resting_hr": body.resting_hr,
        "locale": "en",
        "visibility": "PRIVATE",
        "status": "ACTIVE",
        "icu_activated": format_utc(local_to_utc(activated, ZoneInfo(timezone))),
        "icu_date_of_birth": born.isoformat(),
        "icu_coach": False,
        "icu_admin": False,
        "icu_form_as_percent": False,
        "height": round(rng.uniform(1.6, 1.95), 2),
        "height_units": "CM",
        "strava_authorized": strava_share > 0,
        "strava_id": rng.randrange(1_000_000, 99_000_000) if strava_share > 0 else None,
        "bikes": [
            {"id": "b1", "name": "Road bike", "distance": 12_345_000.0, "primary": True}
        ],
        "shoes": [
            {"id": "g1", "name": "Trainers", "distance": 612_000.0, "primary": True}
        ],
        "custom_items": [],
    }


def _hr_zones(lthr: int, max_hr: int) -> list[int]:
    fractions = (0.81, 0.89, 0.93, 0.99, 1.02, 1.06)
    return [round(lthr * f) for f in fractions] + [max_hr]


def _sport_settings(athlete_id: str, body: _Physiology) -> list[JSONObject]:
    common: JSONObject = {
        "athlete_id": athlete_id,
        "warmup_time": 1200,
        "cooldown_time": 600,
        "max_hr": body.max_hr,
        "hr_zone_names": _HR_ZONE_NAMES,
        "hr_load_type": "HRSS",
        "created": "2023-01-01T10:00:00Z",
        "updated": "2025-06-01T10:00:00Z",
    }
    ride: JSONObject = {
        **common,
        "id": 1,
        "types": _RIDE_TYPES,
        "ftp": body.ftp,
        "indoor_ftp": body.ftp - 7,
        "w_prime": body.w_prime,
        "p_max": body.p_max,
        "power_zones": _POWER_ZONES,
        "power_zone_names": _POWER_ZONE_NAMES,
        "sweet_spot_min": 84,
        "sweet_spot_max": 97,
        "lthr": body.lthr_ride,
        "hr_zones": _hr_zones(body.lthr_ride, body.max_hr),
        "load_order": "POWER_HR_PACE",
        "other": False,
    }
    run: JSONObject = {
        **common,
        "id": 2,
        "types": _RUN_TYPES,
        "lthr": body.lthr_run,
        "hr_zones": _hr_zones(body.lthr_run, body.max_hr),
        "threshold_pace": body.run_threshold,
        "pace_units": "MINS_KM",
        "pace_zones": _PACE_ZONES,
        "pace_zone_names": _PACE_ZONE_NAMES,
        "pace_load_type": "RUN",
        "gap_model": "STRAVA_RUN",
        "load_order": "PACE_HR_POWER",
        "other": False,
    }
    swim: JSONObject = {
        **common,
        "id": 3,
        "types": _SWIM_TYPES,
        "lthr": body.lthr_run - 8,
        "threshold_pace": body.swim_threshold,
        "pace_units": "SECS_100M",
        "pace_zones": _PACE_ZONES,
        "pace_load_type": "SWIM",
        "load_order": "PACE_HR_POWER",
        "other": False,
    }
    other: JSONObject = {
        **common,
        "id": 4,
        "types": ["Other"],
        "lthr": body.lthr_run - 5,
        "hr_zones": _hr_zones(body.lthr_run - 5, body.max_hr),
        "load_order": "HR_POWER_PACE",
        "other": True,
    }
    return [ride, run, swim, other]


def _activities(
    rng: random.Random,
    athlete: Athlete,
    body: _Physiology,
    span: tuple[date, date],
    *,
    per_year: int,
    strava_share: float,
) -> list[JSONObject]:
    days = day_range(*span)
    count = round(per_year * len(days) / 365.25)
    # Weekends carry more sessions, like most amateur training diaries.
    day_weights = list(accumulate(1.6 if d.weekday() >= 5 else 1.0 for d in days))
    picked = rng.choices(range(len(days)), cum_weights=day_weights, k=count)
    starts = sorted(_start_time(rng, days[i]) for i in picked)
    maker = _ActivityMaker(rng, athlete, body, strava_share)
    number = athlete.next_activity_number
    activities: list[JSONObject] = []
    for local in starts:
        # Ids grow with time but not by one: other athletes upload in between.
        number += rng.randint(1, 400)
        activities.append(maker.make(local, f"i{number}"))
    return activities


def _start_time(rng: random.Random, day: date) -> datetime:
    roll = rng.random()
    if day.weekday() >= 5:
        early = roll < 0.75
        minutes = rng.randint(7 * 60, 11 * 60) if early else rng.randint(780, 1020)
    elif roll < 0.35:
        minutes = rng.randint(5 * 60 + 30, 8 * 60)
    elif roll < 0.5:
        minutes = rng.randint(12 * 60, 13 * 60)
    else:
        minutes = rng.randint(17 * 60, 20 * 60 + 30)
    return datetime.combine(day, time(minutes // 60, minutes % 60, rng.randint(0, 59)))


@dataclass(frozen=True, slots=True)
class _Session:
    """The choices behind one generated activity."""

    sport: SportProfile
    local: datetime
    moving: int  # seconds
    intensity: float
    indoor: bool
    race: bool
    commute: bool

    @property
    def load(self) -> int:
        # Training load is hours x IF^2 x 100, as for TSS.
        return round(self.moving / 3600 * self.intensity * self.intensity * 100)


class _ActivityMaker:
    """Builds activity records for one athlete from a shared random stream."""

    def __init__(
        self,
        rng: random.Random,
        athlete: Athlete,
        body: _Physiology,
        strava_share: float,
    ) -> None:
        self.rng = rng
        self.athlete = athlete
        self.zone = athlete.zone
        self.body = body
        self.strava_share = strava_share

    def make(self, local: datetime, activity_id: str) -> JSONObject:
        """Return one complete activity starting at `local`."""
        session = self._session(local)
        activity = self._base(session, activity_id)
        if activity["has_heartrate"]:
            self._add_heart_rate(activity, session)
        sport = session.sport
        calories = (
            session.moving / 3600 * sport.kcal_per_hour * self.body.weight / 70
        ) * (0.7 + 0.5 * session.intensity)
        if sport.speed is not None:
            self._add_distance(activity, session)
        if sport.power and (session.indoor or self.rng.random() < 0.85):
            calories = self._add_power(activity, session)
        activity["calories"] = round(calories)
        self._add_extras(activity, session)
        activity["stream_types"] = _stream_types(activity)
        return activity

    def _session(self, local: datetime) -> _Session:
        rng = self.rng
        sport = rng.choices(SPORTS, cum_weights=_CUM_WEIGHTS)[0]
        if sport.season is not None and local.month not in sport.season:
            sport = _BY_TYPE["Run" if rng.random() < 0.5 else "Ride"]
        race = sport.type in _RACE_TYPES and rng.random() < 0.02
        commute = sport.type == "Ride" and not race and rng.random() < 0.08
        low, high, mode = sport.minutes
        minutes = rng.uniform(20, 40) if commute else rng.triangular(low, high, mode)
        return _Session(
            sport=sport,
            local=local,
            moving=max(60, int(minutes * 60)),
            intensity=rng.uniform(0.9, 1.05) if race else rng.uniform(*sport.intensity),
            indoor=rng.random() < sport.indoor,
            race=race,
            commute=commute,
        )

    def _source(self, sport: SportProfile) -> str:
        rng = self.rng
        if rng.random() < self.strava_share:
            return "STRAVA"
        if sport.type == "VirtualRide" and rng.random() < 0.6:
            return "ZWIFT"
        if sport.type in {"WeightTraining", "Yoga", "Pilates"} and rng.random() < 0.3:
            return "MANUAL"
        return rng.choice(_SOURCES)

    def _base(self, session: _Session, activity_id: str) -> JSONObject:
        rng, body, sport = self.rng, self.body, session.sport
        moving = session.moving
        pause = (
            rng.randint(0, 90)
            if session.indoor
            else int(moving * rng.uniform(0.01, 0.2))
        )
        elapsed = moving + pause
        start_utc = local_to_utc(session.local, self.zone)
        source = self._source(sport)
        manual = source == "MANUAL"
        run_like = sport.type in _RUN_TYPES
        synced = start_utc + timedelta(seconds=elapsed + rng.randint(60, 900))
        synced_text = format_utc(synced)
        sub_type = "COMMUTE" if session.commute else "RACE" if session.race else "NONE"
        activity: JSONObject = {
            "id": activity_id,
            "start_date_local": format_local(session.local),
            "type": sport.type,
            "icu_training_load": session.load,
            "icu_ftp": body.ftp if sport.type in _RIDE_TYPES else None,
            "icu_recording_time": elapsed,
            "elapsed_time": elapsed,
            "name": self._name(session),
            "start_date": format_utc(start_utc),
            "moving_time": moving,
            "timezone": self.athlete.timezone,
            "trainer": session.indoor,
            "sub_type": sub_type,
            "commute": session.commute,
            "race": session.race,
            "has_heartrate": not manual and rng.random() < 0.93,
            "icu_athlete_id": self.athlete.id,
            "created": synced_text,
            "icu_sync_date": synced_text,
            "analyzed": format_utc(synced + timedelta(seconds=5)),
            "icu_resting_hr": body.resting_hr,
            "icu_weight": body.weight,
            "icu_intensity": round(session.intensity * 100, 2),
            "source": source,
            "athlete_max_hr": body.max_hr,
            "lthr": body.lthr_run if run_like else body.lthr_ride,
            "icu_hr_zones": body.run_hr_zones if run_like else body.ride_hr_zones,
            "hr_load_type": "HRSS",
        }
        if not manual:
            activity.update(
                device_name=rng.choice(_DEVICES.get(source, _DEVICES["UPLOAD"])),
                file_type="fit",
                external_id=f"{rng.randrange(10**10, 10**11)}.fit",
            )
        if source == "STRAVA":
            activity["strava_id"] = str(rng.randrange(10**9, 10**10))
        if run_like:
            activity.update(
                threshold_pace=body.run_threshold,
                pace_load=session.load,
                pace_load_type="RUN",
            )
        return activity

    def _name(self, session: _Session) -> str:
        if session.race:
            return self.rng.choice(_RACE_NAMES)
        if session.commute:
            return "Commute"
        names = _SESSION_NAMES.get(session.sport.type)
        if names and self.rng.random() < 0.35:
            return self.rng.choice(names)
        return f"{time_of_day_label(session.local.hour)} {session.sport.label}"

    def _add_heart_rate(self, activity: JSONObject, session: _Session) -> None:
        lthr: int = activity["lthr"]
        # Average HR rises from ~72% of LTHR when easy to LTHR at threshold.
        avg_hr = round(lthr * (0.72 + 0.28 * (session.intensity - 0.5) / 0.5))
        activity.update(
            average_heartrate=avg_hr,
            max_heartrate=min(self.body.max_hr, avg_hr + self.rng.randint(8, 28)),
            hr_load=session.load,
            trimp=round(session.moving / 60 * session.intensity * 1.9, 2),
            icu_hr_zone_times=_split(self.rng, session.moving, 7),
        )

    def _add_distance(self, activity: JSONObject, session: _Session) -> None:
        rng, sport, moving = self.rng, session.sport, session.moving
        assert sport.speed is not None
        low, high = sport.speed
        lo_i, hi_i = sport.intensity
        # Faster when harder, with noise for terrain and wind.
        position = (session.intensity - lo_i) / max(hi_i - lo_i, 0.01)
        share = 0.3 + 0.5 * position + rng.uniform(-0.2, 0.2)
        speed = low + (high - low) * min(1.0, max(0.0, share))
        distance = round(speed * moving, 1)
        gain = None
        if sport.climb[1]:
            gain = round(distance / 1000 * rng.uniform(*sport.climb), 1)
        activity.update(
            distance=distance,
            icu_distance=distance,
            average_speed=round(distance / moving, 3),
            max_speed=round(speed * rng.uniform(1.3, 2.2), 2),
            total_elevation_gain=gain,
            total_elevation_loss=round(gain * rng.uniform(0.9, 1.05), 1)
            if gain
            else None,
        )
        if sport.type in _SWIM_TYPES:
            activity["pace"] = activity["average_speed"]
            if sport.type == "Swim":
                lengths = max(1, round(distance / 25))
                activity.update(
                    pool_length=25.0, lengths=lengths, distance=lengths * 25.0
                )
        elif sport.type in _RUN_TYPES:
            cadence = round(rng.uniform(80, 92), 1)
            speed = activity["average_speed"]
            activity.update(
                pace=speed,
                gap=round(speed * (1 + (gain or 0) / distance * 3), 3),
                average_cadence=cadence,
                average_stride=round(speed / (cadence * 2 / 60), 2),
            )
        if not session.indoor and gain:
            base = rng.uniform(-2, 400)
            activity.update(
                average_altitude=round(base + gain / 4, 1),
                min_altitude=round(base, 1),
                max_altitude=round(base + gain / 2, 1),
            )

    def _add_power(self, activity: JSONObject, session: _Session) -> float:
        """Add power fields and return the calories the work implies."""
        rng, body, moving = self.rng, self.body, session.moving
        ftp = body.ftp - 7 if session.indoor else body.ftp
        weighted = round(ftp * session.intensity)
        # Steady trainer rides have a low variability index, road rides less so.
        steadiness = (
            rng.uniform(0.95, 0.99) if session.indoor else rng.uniform(0.86, 0.96)
        )
        average = round(weighted * steadiness)
        joules = average * moving
        zone_secs = _split(rng, moving, len(_POWER_ZONE_IDS))
        avg_hr = activity.get("average_heartrate")
        activity.update(
            icu_average_watts=average,
            icu_weighted_avg_watts=weighted,
            icu_joules=joules,
            icu_joules_above_ftp=int(joules * max(0.0, session.intensity - 0.75) * 0.3),
            icu_variability_index=round(weighted / average, 3),
            icu_efficiency_factor=round(weighted / avg_hr, 3) if avg_hr else None,
            device_watts=True,
            power_load=session.load,
            average_cadence=round(rng.uniform(78, 96), 1),
            icu_power_zones=_POWER_ZONES,
            icu_zone_times=[
                {"id": z, "secs": s}
                for z, s in zip(_POWER_ZONE_IDS, zone_secs, strict=True)
            ],
            icu_w_prime=body.w_prime,
            p_max=body.p_max,
            coasting_time=0
            if session.indoor
            else int(moving * rng.uniform(0.03, 0.15)),
            power_field="power",
        )
        # Cycling efficiency makes kcal about equal to kJ of work.
        return joules / 1000

    def _add_extras(self, activity: JSONObject, session: _Session) -> None:
        rng = self.rng
        if rng.random() < 0.3:
            rpe = min(10, max(1, round(session.intensity * 9 + rng.uniform(-1.5, 1.5))))
            activity.update(
                icu_rpe=rpe,
                perceived_exertion=float(rpe),
                session_rpe=rpe * session.moving // 60,
            )
        if rng.random() < 0.2:
            activity["feel"] = rng.randint(1, 5)
        if session.sport.type == "WeightTraining" and rng.random() < 0.4:
            activity["kg_lifted"] = float(rng.randrange(2000, 15000, 50))
        if not session.indoor and session.sport.speed is not None:
            summer = session.local.month in _SUMMER
            temp = round(rng.uniform(-2, 30) if summer else rng.uniform(-8, 15), 1)
            activity.update(
                average_temp=temp, min_temp=int(temp - 3), max_temp=int(temp + 4)
            )


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split `total` seconds into uneven parts, as zone times are."""
    weights = [rng.random() ** 2 for _ in range(parts)]
    scale = total / sum(weights)
    secs = [int(w * scale) for w in weights]
    secs[0] += total - sum(secs)
    return secs


def _stream_types(activity: JSONObject) -> list[str]:
    streams = ["time"]
    if activity.get("icu_average_watts") is not None:
        streams += ["watts", "cadence"]
    if activity.get("has_heartrate"):
        streams.append("heartrate")
    if activity.get("distance") is not None:
        streams += ["distance", "velocity_smooth"]
        if not activity["trainer"]:
            streams += ["latlng", "altitude"]
    return streams


def _wellness(
    rng: random.Random,
    athlete: Athlete,
    body: _Physiology,
    span: tuple[date, date],
    *,
    gap_share: float,
    now: datetime | None,
) -> None:
    start, end = span
    loads = athlete.daily_load()
    # Start the model warm, as if the athlete had trained like this before.
    first_weeks = [loads.get(start + timedelta(days=i), 0.0) for i in range(42)]
    warm = sum(first_weeks) / len(first_weeks)
    athlete.fitness_start = (warm, warm)
    series = fitness_series(loads, start, end, ctl_start=warm, atl_start=warm)
    weight = body.weight
    eftp = float(body.ftp)
    vo2max = round(rng.uniform(42, 62), 1)
    for day in day_range(start, end):
        weight += rng.uniform(-0.15, 0.15) + (body.weight - weight) * 0.05
        eftp += rng.uniform(-1.5, 1.5) + (body.ftp - eftp) * 0.03
        if start < day < end and rng.random() < gap_share:
            continue
        point = series[day]
        form = point.ctl - point.atl
        record: JSONObject = {
            "id": day.isoformat(),
            "ctl": round(point.ctl, 4),
            "atl": round(point.atl, 4),
            "rampRate": round(point.ramp_rate, 4),
            "ctlLoad": point.load,
            "atlLoad": point.load,
            "sportInfo": [
                {
                    "type": "Ride",
                    "eftp": round(eftp, 1),
                    "wPrime": float(body.w_prime),
                    "pMax": float(body.p_max),
                }
            ],
        }
        sync_time = datetime.combine(day, time(rng.randint(6, 9), rng.randint(0, 59)))
        synced = local_to_utc(sync_time, athlete.zone)
        # Today's record cannot have been updated after now.
        record["updated"] = format_utc(min(synced, now) if now else synced)
        if rng.random() < 0.6:
            record["weight"] = round(weight, 1)
        if rng.random() < 0.9:
            _device_wellness(rng, record, body, form, partial=day == end)
        if rng.random() < 0.3:
            record["vo2max"] = vo2max = round(vo2max + rng.uniform(-0.3, 0.3), 1)
        if rng.random() < 0.4 and day != end:
            for key in ("soreness", "fatigue", "stress", "mood", "motivation"):
                record[key] = rng.choices((1, 2, 3, 4), weights=(3, 4, 2, 1))[0]
        athlete.wellness[record["id"]] = record


def _device_wellness(
    rng: random.Random,
    record: JSONObject,
    body: _Physiology,
    form: float,
    *,
    partial: bool,
) -> None:
    # Tired athletes (negative form) get a lower HRV and a higher resting HR.
    strain = max(-1.0, min(1.0, -form / 30))
    hrv = round(rng.uniform(50, 80) * (1 - 0.15 * strain), 1)
    resting = round(body.resting_hr + 3 * strain + rng.uniform(-2, 2))
    sleep = rng.randrange(5 * 3600, 9 * 3600, 60)
    record.update(
        restingHR=resting,
        hrv=hrv,
        hrvSDNN=round(hrv * rng.uniform(1.1, 1.4), 1),
        sleepSecs=sleep,
        sleepScore=float(min(100, max(30, round(sleep / 360 + rng.uniform(-10, 10))))),
        sleepQuality=rng.choices((1, 2, 3, 4), weights=(3, 4, 2, 1))[0],
        avgSleepingHR=float(resting + rng.randint(2, 8)),
        spO2=round(rng.uniform(94, 99), 1),
        readiness=float(
            min(100, max(10, round(70 - 25 * strain + rng.uniform(-10, 10))))
        ),
        # Early in the day only a few steps have been counted.
        steps=rng.randint(300, 3000) if partial else rng.randint(3500, 21000),
    )


def _events(
    rng: random.Random, athlete: Athlete, body: _Physiology, end: date, until: date
) -> None:
    first = end - timedelta(days=14)
    race_days = _race_days(rng, first, until)
    for day in day_range(first, until):
        if rng.random() < 0.72:
            athlete.add_event(**_planned_workout(rng, body, day))
        if day in race_days:
            category = race_days[day]
            race_type = rng.choice(("Run", "Ride", "Run"))
            distances = {
                "Run": (10_000.0, 21_097.5, 42_195.0),
                "Ride": (80_000.0, 160_000.0),
            }
            athlete.add_event(
                start_local=day,
                category=category,
                name=rng.choice(_RACE_NAMES),
                event_type=race_type,
                distance=distances[race_type][-1 if category == "RACE_A" else 0],
                description="Goal race" if category == "RACE_A" else None,
            )
        if rng.random() < 0.08:
            name, description = rng.choice(_NOTES)
            athlete.add_event(
                start_local=day, category="NOTE", name=name, description=description
            )
    if (until - first).days > 21:
        holiday = first + timedelta(days=rng.randint(14, (until - first).days - 3))
        athlete.add_event(
            start_local=holiday,
            end_local=holiday + timedelta(days=3),
            category="HOLIDAY",
            name="Family holiday",
        )


def _race_days(rng: random.Random, first: date, until: date) -> dict[date, str]:
    """Put a race on a Sunday every 2-5 weeks, building up to an A race."""
    sunday = first + timedelta(days=(6 - first.weekday()) % 7 + 7 * rng.randint(0, 1))
    races: dict[date, str] = {}
    while sunday <= until:
        races[sunday] = rng.choice(("RACE_C", "RACE_C", "RACE_B"))
        sunday += timedelta(weeks=rng.randint(2, 5))
    if races:
        races[max(races)] = "RACE_A"
    return races


def _planned_workout(
    rng: random.Random, body: _Physiology, day: date
) -> dict[str, Any]:
    kinds = ("Ride", "Run", "Swim", "WeightTraining")
    kind = rng.choices(kinds, weights=(4, 4, 1, 1))[0]
    name, minutes, intensity, description = rng.choice(_WORKOUTS[kind])
    indoor = kind == "Ride" and rng.random() < 0.4
    moving = minutes * 60
    speed = {
        "Ride": 8.0,
        "Run": body.run_threshold * 0.85,
        "Swim": body.swim_threshold * 0.9,
    }
    distance = round(speed[kind] * moving, 1) if kind in speed and not indoor else None
    timed = rng.random() < 0.4
    start = datetime.combine(
        day, time(rng.choice((6, 7, 12, 18)), 0) if timed else time()
    )
    return {
        "start_local": start,
        "end_local": start + timedelta(seconds=moving) if timed else None,
        "category": "WORKOUT",
        "name": name,
        "event_type": "VirtualRide" if indoor else kind,
        "moving_time": moving,
        "distance": distance,
        "icu_training_load": round(minutes / 60 * intensity * intensity * 100),
        "description": description,
        "indoor": indoor or kind in {"Swim", "WeightTraining"},
        "icu_intensity": round(intensity * 100, 1),
        "icu_ftp": body.ftp if kind == "Ride" else None,
        "target": "AUTO",
        "calendar_id": 1,
        "uid": f"{rng.getrandbits(64):016x}",
        "updated": format_utc(datetime.combine(day - timedelta(days=7), time(8), UTC)),
    }
