"""Personal bests of the year, read off the athlete's curves.

A best is read at a point the curve lists, never estimated between points:
the service lists a point only where some activity lasted that long or
covered that distance, so a missing point means nobody did it this year and
the best is unknown. Interpolating would invent a time no activity set, and
taking the next longer distance would call a 5.2 km time a 5 km best; both
would also credit the wrong activity, and a later exact point would then show
as a record it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..api import PaceCurve, PowerCurve

# Curves list distances as 32-bit floats: 1609.344 comes back as 1609.3440...
DISTANCE_TOLERANCE = 0.5


class RecordKind(StrEnum):
    """What a best measures; also the new-record event's type."""

    POWER = "power"
    """Watts held over a duration: more is better."""
    PACE = "pace"
    """Seconds to cover a distance: less is better."""


@dataclass(frozen=True, slots=True)
class Target:
    """One best to read off a curve."""

    key: str
    at: float
    """Seconds for power, metres for pace."""


POWER_TARGETS: tuple[Target, ...] = (
    Target("ride_best_power_5s", 5),
    Target("ride_best_power_1min", 60),
    Target("ride_best_power_5min", 300),
    Target("ride_best_power_20min", 1200),
    Target("ride_best_power_60min", 3600),
)
RUN_TARGETS: tuple[Target, ...] = (
    Target("run_best_time_1k", 1000),
    Target("run_best_time_5k", 5000),
    Target("run_best_time_10k", 10000),
    Target("run_best_time_half_marathon", 21097.5),
    Target("run_best_time_marathon", 42195),
)
SWIM_TARGETS: tuple[Target, ...] = (
    Target("swim_best_time_100m", 100),
    Target("swim_best_time_400m", 400),
    Target("swim_best_time_1500m", 1500),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Best:
    """A best of the year and the activity that set it."""

    key: str
    kind: RecordKind
    value: float
    """Watts (power) or seconds (pace)."""
    at: float
    """Seconds (power) or metres (pace) the best is over."""
    activity_id: str | None = None
    watts_per_kg: float | None = None

    @property
    def speed(self) -> float | None:
        """Average speed of a pace best in m/s."""
        if self.kind is not RecordKind.PACE or self.value <= 0:
            return None
        return self.at / self.value

    def beats(self, other: float) -> bool:
        """Whether this value is strictly better than `other`."""
        if self.kind is RecordKind.POWER:
            return self.value > other
        return self.value < other


def power_bests(curve: PowerCurve) -> dict[str, Best | None]:
    """The ride bests at 5 s, 1, 5, 20 and 60 min; None where the curve has none."""
    index = {secs: i for i, secs in enumerate(curve.secs)}
    bests: dict[str, Best | None] = {}
    for target in POWER_TARGETS:
        i = index.get(target.at)
        watts = None if i is None else curve.watts[i]
        if i is None or watts is None or watts <= 0:
            bests[target.key] = None
            continue
        activity_id = curve.activity_id[i]
        wkg_by = curve.wkg_activity_id[i]
        # The curve's W/kg may come from another activity (a lighter day);
        # shown beside these watts it must belong to the same one.
        wkg = curve.watts_per_kg[i] if wkg_by in {None, activity_id} else None
        bests[target.key] = Best(
            key=target.key,
            kind=RecordKind.POWER,
            value=watts,
            at=target.at,
            activity_id=activity_id,
            watts_per_kg=wkg or None,
        )
    return bests


def pace_bests(curve: PaceCurve, targets: Sequence[Target]) -> dict[str, Best | None]:
    """The times at the targets' distances; None where the curve has no point."""
    bests: dict[str, Best | None] = {}
    for target in targets:
        found: Best | None = None
        for i, metres in enumerate(curve.distance):
            seconds = curve.seconds[i]
            if abs(metres - target.at) <= DISTANCE_TOLERANCE and seconds > 0:
                found = Best(
                    key=target.key,
                    kind=RecordKind.PACE,
                    value=seconds,
                    at=target.at,
                    activity_id=curve.activity_id[i],
                )
                break
        bests[target.key] = found
    return bests
