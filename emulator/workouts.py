"""Planned duration, distance and load from Intervals.icu's workout text (a subset).

The service reads a planned workout's description: `- 10m Z2` is ten minutes
in power zone 2, `- 5m 95%` five minutes at 95 % of threshold, `- 8m 60-80%`
a ramp (its mean counts), `- 2km Z2` or `- 400mtr 105%` a distance at that
share of threshold speed. A line ending in `3x` (`Main set 3x`) repeats the
steps below it up to the next blank line. Other lines are titles or notes.
The emulator works out the numbers the way the service does in spirit: time
in each step, and a load of hours * intensity^2 * 100 per step.
"""

from dataclasses import dataclass
import re

# The middle of each power zone, as a share of threshold power.
ZONES = {"Z1": 0.45, "Z2": 0.65, "Z3": 0.82, "Z4": 0.97, "Z5": 1.13, "Z6": 1.35}
ZONES |= {"Z7": 1.6, "SS": 0.9}
# A step that names no intensity is easy.
DEFAULT_INTENSITY = 0.5

_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m(?!tr|i))?(?:(\d+)s)?", re.IGNORECASE)
_DISTANCE = re.compile(r"(\d+(?:\.\d+)?)(km|mtr|mi)", re.IGNORECASE)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?%")
_REPEAT = re.compile(r"(\d+)x\s*$", re.IGNORECASE)
_METRES = {"km": 1000.0, "mtr": 1.0, "mi": 1609.344}


@dataclass(frozen=True, slots=True)
class Planned:
    """What the workout text adds up to."""

    moving_time: int
    """Seconds."""
    training_load: int
    distance: float | None
    """Metres, when a step is a distance."""


@dataclass(frozen=True, slots=True)
class _Step:
    seconds: float
    metres: float
    intensity: float


def _intensity(words: list[str]) -> float:
    for word in words:
        if word.upper() in ZONES:
            return ZONES[word.upper()]
        if match := _PERCENT.fullmatch(word):
            low = float(match[1])
            high = float(match[2] or match[1])
            return (low + high) / 200
    return DEFAULT_INTENSITY


def _step(line: str, threshold_speed: float) -> _Step | None:
    """One `- …` line: a time or a distance, and how hard."""
    words = line[1:].split()
    intensity = _intensity(words)
    for word in words:
        if match := _DISTANCE.fullmatch(word):
            metres = float(match[1]) * _METRES[match[2].lower()]
            return _Step(metres / (threshold_speed * intensity), metres, intensity)
        match = _DURATION.fullmatch(word)
        if match and any(match.groups()):
            hours, minutes, seconds = (int(part or 0) for part in match.groups())
            return _Step(hours * 3600 + minutes * 60 + seconds, 0.0, intensity)
    return None


def plan(text: str, threshold_speed: float) -> Planned | None:
    """Add up the steps of a workout text; None when it has none."""
    steps: list[_Step] = []
    repeat, block = 1, []
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if line.startswith("-"):
            if (step := _step(line, threshold_speed)) is not None:
                block.append(step)
            continue
        # A title, a note or a blank line ends a repeated block.
        steps += block * repeat
        repeat, block = 1, []
        if match := _REPEAT.search(line):
            repeat = int(match[1])
    if not steps:
        return None
    metres = sum(s.metres for s in steps)
    return Planned(
        moving_time=round(sum(s.seconds for s in steps)),
        training_load=round(
            sum(s.seconds / 3600 * s.intensity**2 * 100 for s in steps)
        ),
        distance=round(metres, 1) if metres else None,
    )
