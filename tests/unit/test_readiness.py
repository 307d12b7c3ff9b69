"""Form zones, the HRV status and today's workouts: pure maths, no Home Assistant."""

from datetime import date, datetime, timedelta
import math
from statistics import fmean, stdev

import pytest

from custom_components.intervals_icu.api import Activity, Event
from custom_components.intervals_icu.const import DEFAULT_GROUPS
from custom_components.intervals_icu.training.readiness import (
    HRV_BASELINE_DAYS,
    HRV_WINDOW_DAYS,
    MIN_BASELINE_DAYS,
    MIN_WINDOW_DAYS,
    FormZone,
    HrvStatus,
    form_value,
    form_zone,
    hrv_trend,
)
from custom_components.intervals_icu.training.today import workouts_of_day

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        (-80.0, FormZone.HIGH_RISK),
        (-30.01, FormZone.HIGH_RISK),
        (-30.0, FormZone.OPTIMAL),
        (-29.99, FormZone.OPTIMAL),
        (-10.01, FormZone.OPTIMAL),
        (-10.0, FormZone.GREY_ZONE),
        (0.0, FormZone.GREY_ZONE),
        (5.0, FormZone.GREY_ZONE),
        (5.01, FormZone.FRESH),
        (25.0, FormZone.FRESH),
        (25.01, FormZone.TRANSITION),
        (60.0, FormZone.TRANSITION),
    ],
)
def test_form_zone_at_each_bound(value: float, zone: FormZone) -> None:
    """A bound belongs to the zone nearer zero, as the issue's ranges read."""
    assert form_zone(value) is zone


def test_form_as_a_percentage_of_fitness() -> None:
    # Form -12 of fitness 30 is -40 %: high risk as a percentage, optimal as is.
    assert form_value(-12.0, 30.0, as_percent=True) == pytest.approx(-40.0)
    assert form_zone(form_value(-12.0, 30.0, as_percent=True)) is FormZone.HIGH_RISK
    assert form_zone(form_value(-12.0, 30.0, as_percent=False)) is FormZone.OPTIMAL
    # Without fitness there is nothing to be a percentage of.
    assert form_value(-12.0, 0.0, as_percent=True) == -12.0
    assert form_value(-12.0, None, as_percent=True) == -12.0


def days(values: list[float], last: date) -> dict[date, float]:
    """`values` on consecutive days ending on `last`."""
    return {
        last - timedelta(days=len(values) - 1 - i): value
        for i, value in enumerate(values)
    }


def baseline_values() -> list[float]:
    """60 days alternating around 60 ms."""
    return [50.0 if i % 2 else 70.0 for i in range(HRV_BASELINE_DAYS)]


def window_start() -> date:
    return TODAY - timedelta(days=HRV_WINDOW_DAYS - 1)


def with_window(value: float) -> dict[date, float]:
    baseline = days(baseline_values(), window_start() - timedelta(days=1))
    return baseline | days([value] * HRV_WINDOW_DAYS, TODAY)


def normal_range() -> tuple[float, float]:
    logs = [math.log(v) for v in baseline_values()]
    centre, half = fmean(logs), 0.5 * stdev(logs)
    return math.exp(centre - half), math.exp(centre + half)


def test_hrv_status_against_the_normal_range() -> None:
    low, high = normal_range()
    assert low < 59.16 < high  # the geometric mean of 50 and 70 is 59.16
    for value, status in [
        (low * 0.999, HrvStatus.BELOW),
        (low * 1.001, HrvStatus.WITHIN),
        (59.0, HrvStatus.WITHIN),
        (high * 0.999, HrvStatus.WITHIN),
        (high * 1.001, HrvStatus.ABOVE),
    ]:
        trend = hrv_trend(with_window(value), TODAY)
        assert trend.status is status, value
        assert trend.mean_ms == pytest.approx(value)
        assert (trend.low_ms, trend.high_ms) == pytest.approx((low, high))
        assert (trend.window_days, trend.baseline_days) == (7, 60)


def test_hrv_mean_is_of_logarithms() -> None:
    """The 7-day mean is the geometric mean in ms: 40 and 90 average to 60."""
    rmssd = days(baseline_values(), window_start() - timedelta(days=1)) | days(
        [40.0, 90.0, 40.0, 90.0], TODAY
    )
    trend = hrv_trend(rmssd, TODAY)
    assert trend.mean_ms == pytest.approx(60.0)
    assert trend.window_days == 4


def test_hrv_needs_enough_days() -> None:
    full = with_window(60.0)
    # One day short of the week's minimum.
    window = [window_start() + timedelta(days=i) for i in range(HRV_WINDOW_DAYS)]
    short_week = {
        d: v for d, v in full.items() if d not in window[MIN_WINDOW_DAYS - 1 :]
    }
    trend = hrv_trend(short_week, TODAY)
    assert trend.status is None
    assert trend.mean_ms is None
    assert trend.window_days == MIN_WINDOW_DAYS - 1
    enough = short_week | {window[-1]: 60.0}
    assert hrv_trend(enough, TODAY).status is HrvStatus.WITHIN
    # One day short of the baseline's minimum.
    baseline_days = sorted(d for d in full if d < window_start())
    sparse = {
        d: v
        for d, v in full.items()
        if d >= window_start() or d in baseline_days[: MIN_BASELINE_DAYS - 1]
    }
    assert hrv_trend(sparse, TODAY).status is None
    assert hrv_trend(sparse, TODAY).baseline_days == MIN_BASELINE_DAYS - 1
    sparse[baseline_days[-1]] = full[baseline_days[-1]]
    assert hrv_trend(sparse, TODAY).status is not None


def test_hrv_ignores_days_outside_the_67_and_nonsense() -> None:
    full = with_window(60.0)
    older = {window_start() - timedelta(days=HRV_BASELINE_DAYS + 1): 5.0}
    later = {TODAY + timedelta(days=1): 500.0}
    zero = {TODAY: 0.0}
    assert hrv_trend(full | older | later, TODAY) == hrv_trend(full, TODAY)
    assert hrv_trend(full | zero, TODAY).window_days == HRV_WINDOW_DAYS - 1


GROUPS = {name: frozenset(types) for name, types in DEFAULT_GROUPS.items()}


def workout(ident: str, kind: str | None, hour: int = 0) -> Event:
    return Event(
        id=ident,
        start_local=datetime.combine(TODAY, datetime.min.time()).replace(hour=hour),
        category="WORKOUT",
        type=kind,
        name=f"{kind} workout",
    )


def activity(
    ident: str, kind: str | None, hour: int = 7, *, stub: bool = False
) -> Activity:
    return Activity(
        id=ident,
        start_local=datetime.combine(TODAY, datetime.min.time()).replace(hour=hour),
        type=kind,
        is_stub=stub,
    )


def done(events: list[Event], activities: list[Activity]) -> dict[str, bool]:
    return {
        p.event.id: p.done for p in workouts_of_day(events, activities, TODAY, GROUPS)
    }


def test_a_workout_is_done_by_an_activity_of_its_sport() -> None:
    ride, run = workout("1", "Ride"), workout("2", "Run", hour=18)
    assert done([ride, run], []) == {"1": False, "2": False}
    assert done([ride, run], [activity("a", "VirtualRide")]) == {"1": True, "2": False}
    assert done([ride, run], [activity("a", "TrailRun")]) == {"1": False, "2": True}
    # A walk does neither; one ride does one ride workout.
    assert done([ride, workout("3", "Ride")], [activity("a", "Walk")]) == {
        "1": False,
        "3": False,
    }
    assert done([ride, workout("3", "Ride")], [activity("a", "Ride")]) == {
        "1": True,
        "3": False,
    }


def test_the_exact_type_is_paired_first() -> None:
    """A VirtualRide goes to the VirtualRide workout, the Ride to the Ride one."""
    indoor, outdoor = workout("1", "VirtualRide"), workout("2", "Ride", hour=6)
    activities = [activity("a", "Ride", hour=7), activity("b", "VirtualRide", hour=8)]
    assert done([indoor, outdoor], activities) == {"1": True, "2": True}
    assert done([indoor, outdoor], activities[:1]) == {"1": False, "2": True}


def test_untyped_workouts_and_strava_stubs() -> None:
    assert done([workout("1", None)], [activity("a", "Walk")]) == {"1": True}
    assert done([workout("1", "Run")], [activity("a", None, stub=True)]) == {"1": True}
    # Only activities and workouts of that day count.
    yesterday = Activity(
        id="y", start_local=datetime(2026, 6, 14, 18), type="Run", is_stub=False
    )
    assert done([workout("1", "Run")], [yesterday]) == {"1": False}
    other_days = [
        Event(id="n", start_local=datetime(2026, 6, 16), category="WORKOUT"),
        Event(id="r", start_local=datetime(2026, 6, 15), category="RACE_A"),
    ]
    assert workouts_of_day(other_days, [], TODAY, GROUPS) == ()
