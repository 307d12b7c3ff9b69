"""Paces as the athlete's sport settings show them (pure)."""

import pytest

from custom_components.intervals_icu.training.thresholds import format_pace


@pytest.mark.parametrize(
    ("speed", "units", "expected"),
    [
        (3.4014, "MINS_KM", "4:54 /km"),
        (3.4024, "MINS_MILE", "7:53 /mi"),
        (1.0309, "SECS_100M", "1:37 /100m"),
        (0.86264, "SECS_100Y", "1:46 /100yd"),
        (4.4643, "SECS_500M", "1:52 /500m"),
        (3.4014, None, "4:54 /km"),
        (3.4014, "SOMETHING_NEW", "4:54 /km"),
        (0.0, "MINS_KM", None),
        (None, "MINS_KM", None),
    ],
)
def test_pace_strings(
    speed: float | None, units: str | None, expected: str | None
) -> None:
    assert format_pace(speed, units) == expected
