"""Async client of the Intervals.icu REST API (no Home Assistant imports)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime, timedelta
import re
from typing import Any

from .activities import ACTIVITY_FIELDS, TOTALS_FIELDS, Activity
from .athlete import Athlete
from .curves import PaceCurve, PowerCurve, curve_id
from .errors import IntervalsInvalidRequestError, IntervalsResponseError
from .events import Event
from .gear import Gear, Reminder
from .parse import _list, _obj
from .transport import SELF, Transport, _local
from .wellness import WELLNESS_FIELDS, Wellness, WellnessUpdate
from .writes import EventWrite, ManualActivity, event_path_id

# Where a walk back through the whole history stops: before any upload.
HISTORY_START = date(1970, 1, 1)
# Activities per request of a history walk: under 200 bytes each with
# TOTALS_FIELDS, so a page is some 350 kB.
HISTORY_PAGE = 2000
# At most this many pages: 2 million activities, more than anyone has.
HISTORY_MAX_PAGES = 1000
# Days per request of a wellness history (three fields a day).
WELLNESS_HISTORY_DAYS = 1500
# Gear and reminder ids go into the path; nothing that could leave it.
_PATH_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NUMBER_ID = re.compile(r"[0-9]{1,18}")


class IntervalsClient(Transport):
    """The endpoints of Intervals.icu the integration uses."""

    async def get_athlete(self, athlete_id: str = SELF) -> Athlete:
        """Return the athlete; `0` resolves to the key's owner."""
        return await self.request(
            "GET", athlete_id, (), {}, parse=self._one(Athlete.from_json)
        )

    async def get_activities(
        self,
        athlete_id: str,
        oldest: date | datetime,
        newest: date | datetime,
        *,
        fields: Sequence[str] = ACTIVITY_FIELDS,
        limit: int | None = None,
    ) -> list[Activity]:
        """Return the activities whose local start lies in [oldest, newest]."""
        params = {"oldest": _local(oldest), "newest": _local(newest)}
        if fields:
            params["fields"] = ",".join(fields)
        if limit is not None:
            params["limit"] = str(limit)
        return await self.request(
            "GET",
            athlete_id,
            ("activities",),
            params,
            parse=self._list(Activity.from_json, "activities"),
        )

    async def iter_activity_history(
        self,
        athlete_id: str,
        before: datetime,
        *,
        fields: Sequence[str] = TOTALS_FIELDS,
        page_size: int = HISTORY_PAGE,
        max_pages: int = HISTORY_MAX_PAGES,
    ) -> AsyncIterator[list[Activity]]:
        """Yield every activity that started before `before` (local), page by page.

        The API has no cursor and lists newest first, so each page asks for
        up to `page_size` activities up to the oldest start of the page before;
        the first activity's date need not be known. Nothing is yielded twice,
        and nothing from `before` on, whatever the server sends. A page that
        brings nothing new is stepped past (a full page of one instant); two in
        a row end the walk (a server that ignores `newest` would repeat itself
        for ever), and so does `max_pages`.
        """
        seen: set[str] = set()
        newest = before - timedelta(seconds=1)
        stale = 0
        for _ in range(max_pages):
            page = await self.get_activities(
                athlete_id,
                datetime.combine(HISTORY_START, datetime.min.time()),
                newest,
                fields=fields,
                limit=page_size,
            )
            fresh = [a for a in page if a.id not in seen and a.start_local < before]
            seen.update(a.id for a in page)
            stale = 0 if fresh else stale + 1
            if fresh:
                yield fresh
            if len(page) < page_size or stale > 1:
                return
            oldest = min(a.start_local for a in page)
            newest = (
                oldest if fresh and oldest < newest else oldest - timedelta(seconds=1)
            )
        raise IntervalsResponseError("the history does not end")

    async def get_activity_history(
        self,
        athlete_id: str,
        before: datetime,
        *,
        fields: Sequence[str] = TOTALS_FIELDS,
        page_size: int = HISTORY_PAGE,
    ) -> list[Activity]:
        """Every activity that started before `before` (local), oldest first."""
        found: list[Activity] = []
        async for page in self.iter_activity_history(
            athlete_id, before, fields=fields, page_size=page_size
        ):
            found += page
        return sorted(found, key=lambda a: (a.start_local, a.id))

    async def get_wellness(
        self,
        athlete_id: str,
        oldest: date,
        newest: date,
        *,
        fields: Sequence[str] = (),
    ) -> list[Wellness]:
        """Return the wellness records of the local days oldest..newest.

        Without `fields`, every field the integration knows.
        """
        params = {
            "oldest": _local(oldest),
            "newest": _local(newest),
            "fields": ",".join(
                fields or ("id", "sportInfo", *WELLNESS_FIELDS.values())
            ),
        }
        return await self.request(
            "GET",
            athlete_id,
            ("wellness.json",),
            params,
            parse=self._list(Wellness.from_json, "wellness"),
        )

    async def get_wellness_history(
        self,
        athlete_id: str,
        oldest: date,
        newest: date,
        *,
        fields: Sequence[str] = ("id", "ctl", "atl"),
        days_per_page: int = WELLNESS_HISTORY_DAYS,
    ) -> list[Wellness]:
        """Return the days oldest..newest, a window of days at a time, oldest first."""
        records: list[Wellness] = []
        start = oldest
        while start <= newest:
            end = min(newest, start + timedelta(days=days_per_page - 1))
            records += await self.get_wellness(athlete_id, start, end, fields=fields)
            start = end + timedelta(days=1)
        return sorted(records, key=lambda w: w.day)

    async def get_events(
        self,
        athlete_id: str,
        oldest: date,
        newest: date,
        *,
        categories: Sequence[str] = (),
    ) -> list[Event]:
        """Return the calendar events of the local days oldest..newest."""
        params = {"oldest": _local(oldest), "newest": _local(newest)}
        if categories:
            params["category"] = ",".join(categories)
        return await self.request(
            "GET",
            athlete_id,
            ("events.json",),
            params,
            parse=self._list(Event.from_json, "events"),
        )

    async def put_wellness(
        self, athlete_id: str, day: date, update: WellnessUpdate
    ) -> Wellness:
        """Change only the given wellness values of one local day."""
        return await self.request(
            "PUT",
            athlete_id,
            ("wellness", _local(day)),
            {},
            update.as_json(),
            parse=self._one(Wellness.from_json),
        )

    async def get_power_curve(
        self, athlete_id: str, sport: str, oldest: date, newest: date
    ) -> PowerCurve:
        """Return the best power per duration over the local days oldest..newest."""
        return await self._curves(
            "power-curves.json",
            athlete_id,
            sport,
            (oldest, newest),
            self._one(PowerCurve.from_json),
        )

    async def get_pace_curve(
        self, athlete_id: str, sport: str, oldest: date, newest: date
    ) -> PaceCurve:
        """Return the best time per distance over the local days oldest..newest."""
        return await self._curves(
            "pace-curves.json",
            athlete_id,
            sport,
            (oldest, newest),
            self._one(PaceCurve.from_json),
        )

    async def _curves[T](
        self,
        path: str,
        athlete_id: str,
        sport: str,
        days: tuple[date, date],
        parse: Callable[[Any], T],
    ) -> T:
        if _PATH_ID.fullmatch(sport) is None:
            raise ValueError("malformed sport")
        for day in days:
            # A datetime is a date too; a curve covers whole local days.
            if not isinstance(day, date) or isinstance(day, datetime):
                raise TypeError("curve ranges are dates")
        params = {"type": sport, "curves": curve_id(*days)}
        return await self.request("GET", athlete_id, (path,), params, parse=parse)

    async def get_gear(self, athlete_id: str) -> list[Gear]:
        """Return all the athlete's gear and components, retired ones included."""
        return await self.request(
            "GET",
            athlete_id,
            ("gear.json",),
            {},
            parse=self._list(Gear.from_json, "gear"),
        )

    async def reset_reminder(
        self, athlete_id: str, gear_id: str, reminder: Reminder
    ) -> Gear:
        """Mark a reminder's service done; return the gear as it is now."""
        if (
            _PATH_ID.fullmatch(gear_id) is None
            or _NUMBER_ID.fullmatch(reminder.id) is None
        ):
            raise IntervalsInvalidRequestError("malformed gear or reminder id")
        return await self.request(
            "PUT",
            athlete_id,
            ("gear", gear_id, "reminder", reminder.id),
            # The spec requires both; no snooze days with a reset.
            {"reset": "true", "snoozeDays": "0"},
            # Its own settings go back unchanged: the body replaces them.
            reminder.limits_json(),
            parse=self._one(Gear.from_json),
        )

    async def get_event(self, athlete_id: str, event_id: str) -> Event:
        """Return one calendar entry."""
        return await self.request(
            "GET",
            athlete_id,
            ("events", event_path_id(event_id)),
            {},
            parse=self._one(Event.from_json),
        )

    async def create_event(self, athlete_id: str, event: EventWrite) -> Event:
        """Create a calendar entry; one with a `uid` replaces the entry of that uid."""
        body = event.for_create().as_json()
        return await self.request(
            "POST",
            athlete_id,
            ("events",),
            # The spec requires the flag.
            {"upsertOnUid": "true" if event.uid is not None else "false"},
            body,
            parse=self._one(Event.from_json),
        )

    async def update_event(
        self, athlete_id: str, event_id: str, changes: EventWrite
    ) -> Event:
        """Change the given values of a calendar entry; return it as it is now."""
        return await self.request(
            "PUT",
            athlete_id,
            ("events", event_path_id(event_id)),
            {},
            changes.as_json(),
            parse=self._one(Event.from_json),
        )

    async def delete_event(self, athlete_id: str, event_id: str) -> None:
        """Delete a calendar entry."""
        await self.request(
            "DELETE", athlete_id, ("events", event_path_id(event_id)), {}
        )

    async def mark_event_done(self, athlete_id: str, event_id: str) -> Activity:
        """Create the manual activity matching a planned workout; return it."""
        return await self.request(
            "POST",
            athlete_id,
            ("events", event_path_id(event_id), "mark-done"),
            {},
            parse=self._one(Activity.from_json),
        )

    async def get_done_activity(
        self, athlete_id: str, event_id: str, day: date
    ) -> Activity | None:
        """The activity of that local day that did the planned workout, if any."""
        wanted = int(event_path_id(event_id))

        def paired(data: Any) -> Activity | None:
            for item in _list(data, "activities"):
                if _obj(item, "activity").get("paired_event_id") == wanted:
                    return Activity.from_json(item, self.stats.dropped)
            return None

        return await self.request(
            "GET",
            athlete_id,
            ("activities",),
            {
                "oldest": _local(day),
                "newest": _local(datetime.combine(day, datetime.max.time())),
                "fields": ",".join((*ACTIVITY_FIELDS, "paired_event_id")),
            },
            parse=paired,
        )

    async def create_manual_activity(
        self, athlete_id: str, activity: ManualActivity
    ) -> Activity:
        """Create one activity entered by hand; return it as the service keeps it."""
        return await self.request(
            "POST",
            athlete_id,
            ("activities", "manual"),
            {},
            activity.as_json(),
            parse=self._one(Activity.from_json),
        )

    async def upsert_manual_activities(
        self, athlete_id: str, activities: Sequence[ManualActivity]
    ) -> list[Activity]:
        """Create activities entered by hand; an `external_id` known replaces its own.

        The service answers with the activities created or replaced.
        """
        if not activities:
            return []
        answer = await self.request(
            "POST",
            athlete_id,
            ("activities", "manual", "bulk"),
            {},
            [activity.as_json() for activity in activities],
            parse=self._list(Activity.from_json, "activities"),
        )
        if len(answer) != len(activities):
            raise IntervalsResponseError("the service did not return every activity")
        return answer
