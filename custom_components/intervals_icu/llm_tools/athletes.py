"""The athletes a tool may be asked about: one per config entry, by name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import CONF_ATHLETE_ID, DOMAIN
from ..coordinator import IntervalsConfigEntry, IntervalsCoordinator
from ..data import IntervalsData

ATHLETE = "athlete"


class ToolError(Exception):
    """What a tool cannot do, said so that the model can tell the user."""

    def __init__(self, kind: str, text: str) -> None:
        """An error of a kind (`athlete_not_found`, …) with its explanation."""
        super().__init__(text)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class AthleteEntry:
    """An athlete as the tools know them: a name and the entry behind it."""

    name: str
    entry: IntervalsConfigEntry

    def coordinator(self) -> IntervalsCoordinator:
        """The loaded entry's coordinator, with a snapshot; else a ToolError."""
        entry = self.entry
        if entry.state is not ConfigEntryState.LOADED:
            raise ToolError(
                "athlete_unavailable",
                f"{self.name}'s Intervals.icu data is not available: the"
                " integration is not set up (Home Assistant retries while"
                " Intervals.icu cannot be reached).",
            )
        return entry.runtime_data

    def data(self) -> IntervalsData:
        """The snapshot of the last successful update."""
        return self.coordinator().data

    def freshness(self) -> dict[str, Any]:
        """When the snapshot was made, and a warning when updates now fail."""
        coordinator = self.coordinator()
        made = coordinator.last_success
        answer: dict[str, Any] = {
            "data_as_of": None
            if made is None
            else dt_util.as_local(made).isoformat(timespec="minutes")
        }
        if not coordinator.last_update_success:
            reason = coordinator.last_exception
            answer["warning"] = (
                "The last update from Intervals.icu failed"
                + (f" ({reason})" if reason is not None and str(reason) else "")
                + "; these values are from the last successful one."
            )
        return answer


class Athletes:
    """The athletes of the integration's entries, found by name."""

    def __init__(self, hass: HomeAssistant) -> None:
        """The entries that are not disabled, named by their titles."""
        entries: list[IntervalsConfigEntry] = [
            entry
            for entry in hass.config_entries.async_entries(DOMAIN)
            if entry.disabled_by is None
        ]
        titles = [entry.title for entry in entries]
        self.athletes = tuple(
            AthleteEntry(
                # Two entries of one title (rare) are told apart by their ids.
                entry.title
                if titles.count(entry.title) == 1
                else f"{entry.title} ({entry.data[CONF_ATHLETE_ID]})",
                entry,
            )
            for entry in entries
        )

    @property
    def names(self) -> list[str]:
        """Every athlete's name."""
        return [athlete.name for athlete in self.athletes]

    def parameter(self) -> dict[vol.Marker, Any]:
        """The athlete parameter: needed only when there are several."""
        if len(self.athletes) < 2:
            return {}
        return {
            vol.Optional(
                ATHLETE,
                description="Whose training: one of the athletes' names. "
                "Needed because several athletes are set up.",
            ): vol.In(self.names)
        }

    def canonical(self, args: Mapping[str, Any]) -> dict[str, Any]:
        """The arguments without empty values; the athlete's name as spelled here."""
        if not self.athletes:
            raise ToolError(
                "no_athlete", "No Intervals.icu athlete is set up in Home Assistant."
            )
        cleaned = {k: v for k, v in args.items() if v is not None and v != ""}
        name = cleaned.get(ATHLETE)
        if isinstance(name, str):
            for known in self.names:
                if known.casefold() == name.strip().casefold():
                    cleaned[ATHLETE] = known
        if len(self.athletes) == 1 and name is not None:
            # One athlete: any name is theirs, or says which is meant.
            if cleaned.get(ATHLETE) not in self.names:
                raise ToolError(
                    "athlete_not_found",
                    f"There is no athlete called {name!r}; the only one is"
                    f" {self.names[0]}.",
                )
            del cleaned[ATHLETE]
        return cleaned

    def pick(self, name: str | None) -> AthleteEntry:
        """The athlete of that name, or the only one (`canonical` checked the name)."""
        if name is None:
            if len(self.athletes) > 1:
                raise ToolError(
                    "athlete_needed",
                    "Several athletes are set up; say whose training: "
                    + ", ".join(self.names)
                    + ".",
                )
            return self.athletes[0]
        return next(a for a in self.athletes if a.name == name)
