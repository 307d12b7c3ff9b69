"""The snapshot every entity reads: what one update brought, worked out once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
import heapq
from types import MappingProxyType
from zoneinfo import ZoneInfo

from homeassistant.util import dt as dt_util

from .api import Activity, Athlete, Event, Wellness
from .const import DEFAULT_URL
from .sync.athlete_sync import Fetched
from .sync.curves_gear import BestsGearData
from .training.goals import GoalStatus, goal_status
from .training.readiness import FormZone, HrvTrend, form_value, form_zone, hrv_trend
from .training.thresholds import pace_units_for, settings_for
from .training.today import PlannedWorkout, workouts_of_day
from .training.totals import (
    LastYear,
    Period,
    SportGroups,
    Totals,
    aggregate,
    count_stubs,
    last_year,
    latest,
    period_starts,
)

# The activities the snapshot keeps at hand: those of the last week (what is
# done today), and the newest twenty of each sport group and of all (what the
# assistant tells of "my last runs").
RECENT_DAYS = 7
RECENT_COUNT = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class Form:
    """The newest form and its zone on Intervals.icu's fitness chart."""

    value: float
    day: date
    zone: FormZone
    compared: float
    """What the zones were read from: the form, or it as % of fitness."""
    as_percent: bool


@dataclass(frozen=True, kw_only=True)
class IntervalsData:
    """Everything the entities show, computed once per update."""

    athlete: Athlete
    zone: ZoneInfo
    today: date
    """The athlete's today, in the athlete's time zone."""
    now_local: datetime
    """The athlete's wall time when the update ran."""
    starts: Mapping[Period, date]
    totals: Mapping[str, Mapping[Period, Totals]]
    last_year: Mapping[str, LastYear] = field(default_factory=dict)
    """Per group (and `all`): last year to this calendar day, and all of it."""
    wellness: tuple[Wellness, ...] = ()
    """Newest first, the athlete's last days."""
    last_activity: Activity | None = None
    activities_ytd: int = 0
    """Activities this year, Strava stubs included."""
    strava_stubs_ytd: int = 0
    events: tuple[Event, ...] = ()
    """Calendar events from today on, by start."""
    groups: SportGroups = field(default_factory=lambda: SportGroups({}))
    """The sport groups switched on, with their activity types."""
    bests_gear: BestsGearData | None = None
    """Bests of the year and gear; None until they could first be fetched."""
    base_url: str = DEFAULT_URL
    """The server's address without a trailing slash: activity pages start here."""
    goals: Mapping[str, float] = field(default_factory=dict)
    """This year's distance goal per group in metres; a missing or 0 goal is none."""
    us_customary: bool = False
    """Home Assistant's unit system is US customary (miles, feet)."""
    hrv: HrvTrend | None = None
    """Today's HRV status; None before the days it needs were read."""
    recent_activities: tuple[Activity, ...] = ()
    """Newest first: the last RECENT_DAYS, and RECENT_COUNT of each group and all."""

    def goal(self, group: str) -> GoalStatus:
        """Progress, gap and projection of the group's distance this year."""
        distance = self.totals[group][Period.YEAR].distance
        return goal_status(distance, self.goals.get(group), self.now_local)

    def activity_url(self, activity_id: str) -> str:
        """The activity's page on Intervals.icu (or the configured server)."""
        return f"{self.base_url}/activities/{activity_id}"

    def period_start(self, period: Period) -> datetime:
        """The instant the period began, in the athlete's zone."""
        day = self.starts[period]
        return datetime(day.year, day.month, day.day, tzinfo=self.zone)

    def form(self) -> Form | None:
        """The newest form (fitness minus fatigue of a day) and its zone."""
        for record in self.wellness:
            if record.ctl is not None and record.atl is not None:
                value = record.ctl - record.atl
                as_percent = self.athlete.form_as_percent
                compared = form_value(value, record.ctl, as_percent=as_percent)
                return Form(
                    value=value,
                    day=record.day,
                    zone=form_zone(compared),
                    compared=compared,
                    as_percent=as_percent and record.ctl > 0,
                )
        return None

    def pace_units(self, group: str) -> str:
        """How the athlete reads a group's paces: their setting, else by unit system."""
        settings = settings_for(self.groups.get(group, ()), self.athlete.sport_settings)
        chosen = None if settings is None else settings.pace_units
        return pace_units_for(group, chosen, us_customary=self.us_customary)

    def today_now(self) -> date:
        """The athlete's today at this moment (`today` is the update's)."""
        return dt_util.utcnow().astimezone(self.zone).date()

    def workouts_of(self, day: date) -> tuple[PlannedWorkout, ...]:
        """The workouts planned for an athlete-local day, each done or not."""
        return workouts_of_day(self.events, self.recent_activities, day, self.groups)

    def latest_wellness(
        self, read: Callable[[Wellness], float | None]
    ) -> tuple[float, date] | None:
        """The most recent non-null value read from a wellness day, and its day."""
        for record in self.wellness:
            if (value := read(record)) is not None:
                return value, record.day
        return None


def build_snapshot(
    fetched: Fetched,
    groups: SportGroups,
    goals: Mapping[str, float],
    base_url: str,
    *,
    us_customary: bool = False,
) -> IntervalsData:
    """Work out the snapshot; tens of thousands of activities, so in a worker thread."""
    activities = fetched.activities
    today = fetched.today
    starts = period_starts(today)
    year_start = datetime.combine(starts[Period.YEAR], datetime.min.time())
    end = datetime.combine(today, datetime.max.time())
    return IntervalsData(
        athlete=fetched.athlete,
        zone=fetched.zone,
        today=today,
        now_local=fetched.now_local,
        starts=starts,
        totals=aggregate(activities, groups, today),
        last_year=last_year(activities, groups, today),
        wellness=tuple(
            sorted(
                (w for w in fetched.wellness if w.day <= today),
                key=lambda w: w.day,
                reverse=True,
            )
        ),
        last_activity=latest(a for a in activities if a.start_local <= end),
        activities_ytd=sum(1 for a in activities if year_start <= a.start_local <= end),
        strava_stubs_ytd=count_stubs(activities, starts[Period.YEAR]),
        events=tuple(sorted(fetched.events, key=lambda e: (e.start_local, e.id))),
        groups=groups,
        bests_gear=fetched.bests_gear,
        base_url=base_url,
        goals=MappingProxyType(dict(goals)),
        us_customary=us_customary,
        hrv=hrv_trend(fetched.hrv, today),
        recent_activities=_recent(activities, groups, today, end),
    )


def _recent(
    activities: Iterable[Activity], groups: SportGroups, today: date, end: datetime
) -> tuple[Activity, ...]:
    """The last RECENT_DAYS' activities and each group's newest, newest first."""
    started = [a for a in activities if a.start_local <= end]
    since = datetime.combine(today - timedelta(days=RECENT_DAYS - 1), time.min)
    kept = {a.id: a for a in started if a.start_local >= since}
    for name in groups.names:
        members = [a for a in started if name in groups.of(a.type)]
        for activity in heapq.nlargest(RECENT_COUNT, members, key=_newest):
            kept[activity.id] = activity
    return tuple(sorted(kept.values(), key=_newest, reverse=True))


def _newest(activity: Activity) -> tuple[datetime, str]:
    return activity.start_local, activity.id
