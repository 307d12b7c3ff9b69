"""The workouts planned for a day, and which of them an activity of that day did."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ..api import Activity, Event
from .plan import WORKOUT


@dataclass(frozen=True, slots=True)
class PlannedWorkout:
    """A workout planned for the day, and whether it is done."""

    event: Event
    done: bool


def workouts_of_day(
    events: Iterable[Event],
    activities: Iterable[Activity],
    day: date,
    groups: Mapping[str, Iterable[str]],
) -> tuple[PlannedWorkout, ...]:
    """The day's planned workouts in calendar order, each done or not.

    Intervals.icu pairs an activity with the day's workout of its sport; the
    API does not say so on the workout, so the pairing is done here the same
    way. Each activity of the day does one workout: first one of its own type,
    then one of its sport group (a VirtualRide does a Ride workout), then one
    without a type. A Strava stub, whose type the API does not give, does
    whatever workout is still open: it most likely is that workout.
    """
    workouts = sorted(
        (e for e in events if e.category == WORKOUT and e.start_local.date() == day),
        key=lambda e: (e.start_local, e.id),
    )
    left = sorted(
        (a for a in activities if a.start_local.date() == day),
        key=lambda a: (a.start_local, a.id),
    )
    sport_of: dict[str | None, str] = {
        activity_type: name for name, types in groups.items() for activity_type in types
    }
    passes: tuple[Callable[[Event, Activity], bool], ...] = (
        lambda w, a: w.type is not None and w.type == a.type,
        lambda w, a: (
            w.type is not None
            and sport_of.get(w.type) is not None
            and sport_of.get(w.type) == sport_of.get(a.type)
        ),
        lambda w, a: w.type is None and not a.is_stub,
        lambda _, a: a.is_stub or a.type is None,
    )
    done: set[str] = set()
    for matches in passes:
        for workout in workouts:
            if workout.id in done:
                continue
            found = next((a for a in left if matches(workout, a)), None)
            if found is not None:
                left.remove(found)
                done.add(workout.id)
    return tuple(PlannedWorkout(w, w.id in done) for w in workouts)
