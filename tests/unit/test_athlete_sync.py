"""The athlete's time zone, as the sync reads it from the athlete record (pure)."""

import logging
from zoneinfo import ZoneInfo

import pytest

from custom_components.intervals_icu.api import Athlete
from custom_components.intervals_icu.sync.athlete_sync import AthleteSync

HOME = ZoneInfo("America/Chicago")


def sync() -> AthleteSync:
    """A sync that never reaches its client here."""
    return AthleteSync(None, "i1", lambda: HOME)  # type: ignore[arg-type]


def test_the_athletes_own_zone() -> None:
    athlete = Athlete(id="i1", name=None, timezone="Europe/Amsterdam")
    assert sync()._zone(athlete) == ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    "timezone",
    # Not a zone, a path, too long for a file name, a NUL, nothing at all.
    ["Mars/Olympus_Mons", "../../etc/passwd", "a" * 300, "UTC\x00", "", None],
)
def test_an_unusable_zone_is_home_assistants_with_one_warning(
    caplog: pytest.LogCaptureFixture, timezone: str | None
) -> None:
    """Home Assistant's zone instead, and one warning however often it is read.

    What the user sees of it: tests/test_faults.py.
    """
    athlete = Athlete(id="i1", name=None, timezone=timezone)
    reader = sync()
    with caplog.at_level(logging.INFO):
        assert reader._zone(athlete) == HOME
        assert reader._zone(athlete) == HOME
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "time zone" in caplog.records[0].getMessage()
