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
