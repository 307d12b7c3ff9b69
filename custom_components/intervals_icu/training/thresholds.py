"""Pure helpers for thresholds and the power model: which settings, what pace."""

from __future__ import annotations

from collections.abc import Iterable

from ..api import SportInfo, SportSettings, Wellness

# pace_units -> (metres the pace is given per, label). Intervals.icu always
# sends the threshold as a speed in m/s; this is only how the athlete reads it.
PACE_UNITS: dict[str, tuple[float, str]] = {
    "MINS_KM": (1000.0, "/km"),
    "MINS_MILE": (1609.344, "/mi"),
    "SECS_100M": (100.0, "/100m"),
    "SECS_100Y": (91.44, "/100yd"),
    "SECS_500M": (500.0, "/500m"),
}


SWIM = "swim"


def pace_units_for(group: str, chosen: str | None, *, us_customary: bool) -> str:
    """How the athlete reads a pace: their setting, else by sport and unit system.

    Per kilometre or mile for running and riding; per 100 m or 100 yd for
    swimming.
    """
    if chosen in PACE_UNITS:
        return chosen
    if group == SWIM:
        return "SECS_100Y" if us_customary else "SECS_100M"
    return "MINS_MILE" if us_customary else "MINS_KM"


def seconds_per(speed: float, pace_units: str) -> float:
    """Seconds per the pace's distance (a km, a mile, 100 m) at `speed` (m/s)."""
    return PACE_UNITS[pace_units][0] / speed


def format_pace(speed: float | None, pace_units: str | None) -> str | None:
    """Format a speed in m/s as the athlete's preferred pace, e.g. `4:54 /km`."""
    if speed is None or speed <= 0:
        return None
    per, label = PACE_UNITS.get(pace_units or "", PACE_UNITS["MINS_KM"])
    seconds = round(per / speed)
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d} {label}"


def settings_for(
    types: Iterable[str], settings: Iterable[SportSettings]
) -> SportSettings | None:
    """The sport settings sharing most activity types with a group, if any."""
    wanted = set(types)
    best: tuple[int, SportSettings] | None = None
    for candidate in settings:
        overlap = len(wanted.intersection(candidate.types))
        if overlap and (best is None or overlap > best[0]):
            best = (overlap, candidate)
    return None if best is None else best[1]


def latest_sport_info(wellness: Iterable[Wellness], sport: str) -> SportInfo | None:
    """The newest power model for a sport; `wellness` is newest first."""
    for record in wellness:
        for info in record.sport_info:
            if info.type == sport and info.eftp is not None:
                return info
    return None
