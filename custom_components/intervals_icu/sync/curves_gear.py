"""Curves and gear: fetched only when an activity could have changed them.

They change only when an activity arrives (or the athlete edits gear on the
website), so they are fetched at start-up, in the daily reconcile, after an
update that found a new activity, and after a write that touched them; an
hourly update that found nothing new costs no request for them. A failed
fetch keeps the last values and is tried again on the next update.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from ..api import (
    Gear,
    IntervalsAuthenticationError,
    IntervalsClient,
    IntervalsError,
    SportSettings,
)
from ..const import LOGGER
from ..training.bests import RUN_TARGETS, SWIM_TARGETS, Best, pace_bests, power_bests
from ..training.gear import in_use
from ..training.records import NewRecord, RecordBook, detect_records

# The sports whose curves the bests come from.
POWER_SPORT = "Ride"
RUN_SPORT = "Run"
SWIM_SPORT = "Swim"
CURVE_SPORTS = (POWER_SPORT, RUN_SPORT, SWIM_SPORT)
GEAR = "gear"
ALL_PARTS = (*CURVE_SPORTS, GEAR)

type DateLookup = Callable[[str], date | None]
"""The local day of a cached activity, if the cache has it."""


@dataclass(frozen=True, kw_only=True)
class BestsGearData:
    """Bests of the year and the gear in use, as last fetched."""

    year: int
    bests: Mapping[str, Best | None] = field(default_factory=dict)
    activity_dates: Mapping[str, date] = field(default_factory=dict)
    """Local day of each activity holding a best."""
    gear: tuple[Gear, ...] = ()
    """Gear and components that are not retired."""

    def gear_by_id(self, gear_id: str) -> Gear | None:
        """The gear item in use with that id."""
        return next((g for g in self.gear if g.id == gear_id), None)


@dataclass(frozen=True, slots=True)
class _Part:
    """What one curve gave: its bests, and the start of their activities."""

    bests: Mapping[str, Best | None]
    starts: Mapping[str, datetime]


def curve_sports(
    types: Iterable[str | None], settings: Iterable[SportSettings]
) -> set[str]:
    """The curves an activity of these types can change: its sport's group's."""
    wanted = {t for t in types if t}
    settings = tuple(settings)
    sports: set[str] = set()
    for sport in CURVE_SPORTS:
        group = next((s.types for s in settings if sport in s.types), (sport,))
        if wanted.intersection(group):
            sports.add(sport)
    return sports


class CurvesAndGear:
    """Fetches curves and gear when due, and keeps what they showed.

    Also keeps the record book: which bests improved, and which of those
    were not announced yet (kept on disk with it, so a restart loses none).
    """

    def __init__(self, client: IntervalsClient, athlete_id: str) -> None:
        """Start stale: the first update fetches everything."""
        self.client = client
        self.athlete_id = athlete_id
        self.data: BestsGearData | None = None
        self.book: RecordBook | None = None
        self.book_revision = 0
        """Counts the book's changes, so that an unchanged book is not written."""
        self._parts: dict[str, _Part] = {}
        self._year: int | None = None
        self._stale: set[str] = {*CURVE_SPORTS, GEAR}
        self._failing = False
        self.duplicate_gear = 0
        """Gear items the last fetch listed again under an id already seen."""

    def mark_stale(self, parts: Iterable[str] = ALL_PARTS) -> None:
        """Fetch these (curve sports, GEAR) again on the next update."""
        self._stale.update(parts)

    def apply_gear(self, gear: Gear) -> BestsGearData | None:
        """Take a gear item as a write returned it (a reminder reset)."""
        if self.data is not None:
            items = tuple(gear if g.id == gear.id else g for g in self.data.gear)
            self.data = replace(self.data, gear=tuple(in_use(items)))
        return self.data

    async def async_update(
        self, *, today: date, due: Iterable[str], dates: DateLookup
    ) -> BestsGearData | None:
        """Fetch what is due; return what the entities show."""
        self.mark_stale(due)
        if self._year != today.year:
            # A new year's curves start from nothing: all of them, now.
            self.mark_stale(CURVE_SPORTS)
        if not self._stale:
            return self.data
        try:
            data = await self._fetch(today, dates)
        except IntervalsAuthenticationError:
            raise
        except IntervalsError as err:
            if not self._failing:
                self._failing = True
                LOGGER.warning(
                    "Bests and gear could not be fetched (%s); trying again "
                    "on the next update",
                    type(err).__name__,
                )
            return self.data
        if self._failing:
            self._failing = False
            LOGGER.info("Bests and gear are fetched again")
        self.data = data
        return data

    def take_unannounced(self) -> tuple[NewRecord, ...]:
        """The records still to announce, oldest first; from now on, announced."""
        book = self.book
        if book is None or not book.pending:
            return ()
        self._set_book(replace(book, pending=()))
        return book.pending

    def _set_book(self, book: RecordBook) -> None:
        self.book = book
        self.book_revision += 1

    async def _fetch(self, today: date, dates: DateLookup) -> BestsGearData:
        gear = () if self.data is None else self.data.gear
        if GEAR in self._stale or self.data is None:
            listed = await self.client.get_gear(self.athlete_id)
            kept = {item.id: item for item in reversed(listed)}
            # Two items with one id would be one device named after both.
            self.duplicate_gear = len(listed) - len(kept)
            gear = tuple(in_use(g for g in listed if kept[g.id] is g))
            self._stale.discard(GEAR)
        if self._year != today.year:
            self._parts.clear()
            self._year = today.year
        first = date(today.year, 1, 1)
        fetched = False
        for sport in CURVE_SPORTS:
            if sport not in self._stale and sport in self._parts:
                continue
            # Each part is kept as soon as it is fetched: if a later one fails,
            # the next update asks only for what is still missing.
            self._parts[sport] = await self._fetch_part(sport, first, today)
            self._stale.discard(sport)
            fetched = True
        bests = {k: v for part in self._parts.values() for k, v in part.bests.items()}
        starts = {k: v for part in self._parts.values() for k, v in part.starts.items()}
        if fetched:
            # The records found join those still to announce.
            _, book = detect_records(self.book, today.year, bests)
            if book != self.book:
                self._set_book(book)
        return BestsGearData(
            year=today.year,
            bests=bests,
            activity_dates=_holder_dates(bests, dates, starts),
            gear=gear,
        )

    async def _fetch_part(self, sport: str, first: date, today: date) -> _Part:
        if sport == POWER_SPORT:
            power = await self.client.get_power_curve(
                self.athlete_id, sport, first, today
            )
            return _Part(power_bests(power), power.activity_starts)
        pace = await self.client.get_pace_curve(self.athlete_id, sport, first, today)
        targets = RUN_TARGETS if sport == RUN_SPORT else SWIM_TARGETS
        return _Part(pace_bests(pace, targets), pace.activity_starts)


def _holder_dates(
    bests: Mapping[str, Best | None],
    dates: DateLookup,
    starts: Mapping[str, datetime],
) -> dict[str, date]:
    """The day of each best's activity: from the cache, else from the curve."""
    found: dict[str, date] = {}
    for best in bests.values():
        if best is None or best.activity_id is None:
            continue
        day = dates(best.activity_id)
        if day is None and best.activity_id in starts:
            day = starts[best.activity_id].date()
        if day is not None:
            found[best.activity_id] = day
    return found
