"""Goal maths: progress, gap to an even pace through the year, projection."""

from datetime import datetime

import pytest

from custom_components.intervals_icu.training.goals import goal_status, year_fraction


@pytest.mark.parametrize(
    ("now", "fraction"),
    [
        (datetime(2026, 1, 1, 0, 0), 0.0),
        (datetime(2026, 1, 1, 12, 0), 0.5 / 365),
        # Leap year: 29 February at noon is 59.5 days into 366.
        (datetime(2028, 2, 29, 12, 0), 59.5 / 366),
        (datetime(2026, 7, 2, 12, 0), 182.5 / 365),
        (datetime(2026, 12, 31, 23, 59, 59), (365 * 86400 - 1) / (365 * 86400)),
    ],
)
def test_year_fraction(now: datetime, fraction: float) -> None:
    assert year_fraction(now) == pytest.approx(fraction, abs=1e-12)


def test_no_goal_leaves_progress_and_gap_unknown_but_projects() -> None:
    for goal in (None, 0.0, -5.0):
        status = goal_status(1_000_000.0, goal, datetime(2026, 7, 2, 12))
        assert status.progress is None
        assert status.gap is None
        # 2 July is day 183: a million metres in 183 days, 365 days' worth.
        assert status.projected == pytest.approx(1_000_000.0 * 365 / 183)


def test_first_of_january() -> None:
    # 06:00 on 1 January, 10 km run already, a 2,000 km goal.
    status = goal_status(10_000.0, 2_000_000.0, datetime(2026, 1, 1, 6))
    assert status.progress == pytest.approx(0.5)
    # An even pace wants 2,000 km * 0.25/365 by now.
    assert status.gap == pytest.approx(10_000.0 - 2_000_000.0 * 0.25 / 365)
    assert status.gap > 0
    # Today counts as a whole day: today's 10 km every day.
    assert status.projected == pytest.approx(3_650_000.0)
    # And stays so all day.
    late = goal_status(10_000.0, 2_000_000.0, datetime(2026, 1, 1, 23, 59))
    assert late.projected == status.projected
    # Nothing done at midnight: behind by nothing, projection 0.
    start = goal_status(0.0, 2_000_000.0, datetime(2026, 1, 1))
    assert start.gap == 0.0
    assert start.projected == 0.0


def test_29_february_in_a_leap_year() -> None:
    # End of 29 February 2028: 60 of 366 days.
    status = goal_status(300_000.0, 1_830_000.0, datetime(2028, 3, 1, 0, 0))
    assert status.gap == pytest.approx(300_000.0 - 1_830_000.0 * 60 / 366)
    # 1 March is day 61 of a leap year.
    assert status.projected == pytest.approx(300_000.0 * 366 / 61)
    on_29th = goal_status(300_000.0, 1_830_000.0, datetime(2028, 2, 29, 12))
    assert on_29th.projected == pytest.approx(300_000.0 * 366 / 60)
    assert status.progress == pytest.approx(100 * 300_000 / 1_830_000)


def test_31_december() -> None:
    # Noon on 31 December: half a day left.
    status = goal_status(1_900_000.0, 2_000_000.0, datetime(2026, 12, 31, 12))
    expected_by_now = 2_000_000.0 * 364.5 / 365
    assert status.gap == pytest.approx(1_900_000.0 - expected_by_now)
    assert status.gap < 0
    # The last day of the year: the projection is the distance itself.
    assert status.projected == pytest.approx(1_900_000.0)
    assert status.progress == pytest.approx(95.0)
    # Goal beaten: progress above 100 %.
    assert goal_status(
        2_100_000.0, 2_000_000.0, datetime(2026, 12, 31, 12)
    ).progress == (pytest.approx(105.0))
