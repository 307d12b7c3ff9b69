"""The year's bests as the emulator's curves have them, without the integration's code."""

from typing import Any

from custom_components.intervals_icu.const import DOMAIN
from custom_components.intervals_icu.training.bests import (
    POWER_TARGETS,
    RUN_TARGETS,
    SWIM_TARGETS,
)
from emulator.curves import curve_range, pace_curves, power_curves
from emulator.model import Athlete
from homeassistant.helpers import entity_registry as er

from .conftest import NOW

# The curves of this year up to NOW, as the integration asks for them.
YEAR = "r.2026-01-01.2026-06-15"


def entity_id(registry: er.EntityRegistry, domain: str, unique_id: str) -> str:
    found = registry.async_get_entity_id(domain, DOMAIN, unique_id)
    assert found, unique_id
    return found


def curve(kind: str, athlete: Athlete, sport: str) -> dict[str, Any]:
    make = power_curves if kind == "power" else pace_curves
    result: dict[str, Any] = make(athlete, sport, [curve_range(YEAR, NOW.date())])[
        "list"
    ][0]
    return result


def point(curve_: dict[str, Any], axis: str, at: float) -> tuple[Any, Any] | None:
    for i, x in enumerate(curve_[axis]):
        if x == at:
            return curve_["values"][i], curve_["activity_id"][i]
    return None


def improvable(athlete: Athlete) -> dict[str, float | None]:
    """Every best as the emulator's curves have it."""
    values: dict[str, float | None] = {}
    power = curve("power", athlete, "Ride")
    for target in POWER_TARGETS:
        found = point(power, "secs", target.at)
        values[target.key] = None if found is None else found[0]
    for sport, targets in (("Run", RUN_TARGETS), ("Swim", SWIM_TARGETS)):
        pace = curve("pace", athlete, sport)
        for target in targets:
            found = point(pace, "distance", target.at)
            values[target.key] = None if found is None else found[0]
    return values


def improved(
    before: dict[str, float | None], after: dict[str, float | None]
) -> set[str]:
    """The bests that got better (more watts, fewer seconds)."""
    better = set()
    for key, old in before.items():
        new = after[key]
        if old is None or new is None:
            continue
        if (new > old) if key.startswith("ride") else (new < old):
            better.add(key)
    return better
