"""The write endpoints: calendar entries, "mark done", and activities entered by hand.

As the spec describes them, and where it is silent, as chosen here:
- A value of the wrong kind, an unknown category or activity type, a date
  that is not a local date or date-time, an end before its start, a negative
  number: 422 with the service's error body, and nothing is changed.
- An entry a coach put on the calendar with `athlete_cannot_edit` is read-only
  for the athlete's key: a change or deletion is 403 "Access denied" (the
  service's answer to what a key may not do); the coach's own key may.
- `PUT /events/{id}` changes the fields given; a new start without an end
  moves the end along. A planned workout's numbers (moving time, load and,
  for distance steps, distance) are worked out from its workout text.
- `POST /events?upsertOnUid=true` with a `uid` changes the entry of that uid.
- `mark-done` creates a manual activity from the workout, each time it is
  asked (as the spec says: "create a manual activity").
- `activities/manual/bulk` upserts on `external_id` among the activities the
  same key created; the whole list is checked before any is stored.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiohttp import web

from .api import (
    ACCESS_DENIED,
    API_KEY_SLOT,
    STATE_KEY,
    ApiError,
    _athlete,
    _flag,
    _unprocessable,
    json_response,
    spring_error,
)
from .model import Athlete, JSONObject, full_activity, full_event, make_activity
from .schema import ACTIVITY_TYPES, EVENT_CATEGORIES
from .timeutil import format_local, format_utc, parse_local_bound
from .workouts import plan

_ATHLETE = r"/api/v1/athlete/{athlete_id}"
# Threshold speeds (m/s) for distance steps when the sport settings have none.
_DEFAULT_SPEED = 3.5
# A manual activity's load from its perceived exertion: RPE 7 is an
# intensity of 0.8 (the emulator's estimate; the service has its own).
_RPE_INTENSITY = 0.1
_TEXT_FIELDS = ("name", "description", "uid", "external_id")
# What an upsert keeps of the entry it replaces.
_IDENTITY = ("id", "athlete_id", "created_by_id", "calendar_id", "athlete_cannot_edit")


def _requester(request: web.Request) -> str:
    """The id of the key's owner: the athlete, or a coach."""
    return request.app[STATE_KEY].api_keys[request[API_KEY_SLOT]]


async def _body(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise _unprocessable("Request body is not valid JSON") from None


def _local_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _unprocessable(f"Invalid value for '{name}': {value!r}")
    try:
        return parse_local_bound(value).lower()
    except ValueError:
        raise _unprocessable(f"Invalid value for '{name}': {value!r}") from None


def _whole(name: str, value: Any, low: int = 0, high: int | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        raise _unprocessable(f"Invalid value for '{name}': {value!r}")
    return value


def _metres(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _unprocessable(f"Invalid value for '{name}': {value!r}")
    return float(value)


def _common(body: Mapping[str, Any]) -> JSONObject:
    """The values events and activities share, checked; null ones left out."""
    values: JSONObject = {}
    for name in _TEXT_FIELDS:
        if (value := body.get(name)) is not None:
            if not isinstance(value, str):
                raise _unprocessable(f"Invalid value for '{name}': {value!r}")
            values[name] = value
    if (sport := body.get("type")) is not None:
        if sport not in ACTIVITY_TYPES:
            raise _unprocessable(f"Invalid activity type: {sport!r}")
        values["type"] = sport
    for name in ("moving_time", "icu_training_load"):
        if (value := body.get(name)) is not None:
            values[name] = _whole(name, value)
    if (value := body.get("distance")) is not None:
        values["distance"] = _metres("distance", value)
    if (value := body.get("start_date_local")) is not None:
        values["start_date_local"] = _local_text("start_date_local", value)
    return values


# Calendar entries -------------------------------------------------------------


def _event_changes(body: Any, *, create: bool) -> JSONObject:
    if not isinstance(body, dict):
        raise _unprocessable("Request body must be a JSON object")
    changes = _common(body)
    category = body.get("category")
    if category is not None and category not in EVENT_CATEGORIES:
        raise _unprocessable(f"Invalid category: {category!r}")
    if category is not None:
        changes["category"] = category
    if create and category is None:
        raise _unprocessable("category is required")
    if create and "start_date_local" not in changes:
        raise _unprocessable("start_date_local is required")
    if (end := body.get("end_date_local")) is not None:
        changes["end_date_local"] = _local_text("end_date_local", end)
    if (indoor := body.get("indoor")) is not None:
        if not isinstance(indoor, bool):
            raise _unprocessable(f"Invalid value for 'indoor': {indoor!r}")
        changes["indoor"] = indoor
    return changes


def _threshold_speed(athlete: Athlete, sport: str | None) -> float:
    for settings in athlete.sport_settings:
        if sport in (settings.get("types") or ()) and settings.get("threshold_pace"):
            return float(settings["threshold_pace"])
    return _DEFAULT_SPEED


def _apply(athlete: Athlete, event: JSONObject, changes: Mapping[str, Any]) -> None:
    """Change an entry (in place), its end moved along with a new start."""
    start, end = event.get("start_date_local"), event.get("end_date_local")
    if "start_date_local" in changes and "end_date_local" not in changes and end:
        moved = datetime.fromisoformat(changes["start_date_local"]) - (
            datetime.fromisoformat(start)
        )
        end = format_local(datetime.fromisoformat(end) + moved)
    new_start = changes.get("start_date_local", start)
    new_end = changes.get("end_date_local", end)
    if new_end is not None and new_end <= new_start:
        raise _unprocessable("end_date_local must be after start_date_local")
    event.update(changes)
    event["end_date_local"] = new_end
    if event.get("category") == "WORKOUT" and event.get("description"):
        planned = plan(
            event["description"], _threshold_speed(athlete, event.get("type"))
        )
        if planned is not None:
            event["moving_time"] = planned.moving_time
            event["icu_training_load"] = planned.training_load
            if planned.distance is not None:
                event["distance"] = planned.distance


def _find_event(request: web.Request, athlete: Athlete) -> JSONObject:
    raw = request.match_info["event_id"]
    for event in athlete.events:
        if str(event["id"]) == raw:
            return event
    state = request.app[STATE_KEY]
    raise ApiError(404, spring_error(state, 404, request.path))


def _editable(request: web.Request, event: Mapping[str, Any]) -> None:
    """A coach's read-only entry may be changed by that coach's key only."""
    if event.get("athlete_cannot_edit") and event.get("created_by_id") != (
        _requester(request)
    ):
        raise ApiError(403, ACCESS_DENIED)


async def get_event(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}/events/{eventId}."""
    athlete = _athlete(request)
    return json_response(full_event(_find_event(request, athlete)))


async def create_event(request: web.Request) -> web.Response:
    """POST /api/v1/athlete/{id}/events?upsertOnUid=: the entry as stored."""
    athlete = _athlete(request)
    state = request.app[STATE_KEY]
    if "upsertOnUid" not in request.query:
        raise _unprocessable(
            "Required request parameter 'upsertOnUid' for method parameter type "
            "boolean is not present"
        )
    upsert = _flag(request.query, "upsertOnUid")
    changes = _event_changes(await _body(request), create=True)
    uid = changes.get("uid")
    existing = next(
        (e for e in athlete.events if upsert and uid and e.get("uid") == uid), None
    )
    if existing is not None:
        # Replaced, not merged: what the new entry does not say is gone.
        _editable(request, existing)
        event = existing
        kept = {k: event.get(k) for k in _IDENTITY}
        event.clear()
        event.update(kept, start_date_local=changes["start_date_local"])
    else:
        event = {
            "id": athlete.next_event_id,
            "athlete_id": athlete.id,
            "created_by_id": _requester(request),
            "calendar_id": 1,
            "start_date_local": changes["start_date_local"],
        }
        athlete.next_event_id += 1
    _apply(athlete, event, changes)
    event["updated"] = format_utc(state.now())
    if existing is None:
        athlete.events.append(event)
    return json_response(full_event(event))


async def update_event(request: web.Request) -> web.Response:
    """PUT /api/v1/athlete/{id}/events/{eventId}: the fields given change."""
    athlete = _athlete(request)
    event = _find_event(request, athlete)
    _editable(request, event)
    changes = _event_changes(await _body(request), create=False)
    _apply(athlete, event, changes)
    event["updated"] = format_utc(request.app[STATE_KEY].now())
    return json_response(full_event(event))


async def delete_event(request: web.Request) -> web.Response:
    """DELETE /api/v1/athlete/{id}/events/{eventId}."""
    athlete = _athlete(request)
    event = _find_event(request, athlete)
    _editable(request, event)
    athlete.events.remove(event)
    return json_response({})


async def mark_done(request: web.Request) -> web.Response:
    """POST /api/v1/athlete/{id}/events/{eventId}/mark-done: a new activity."""
    athlete = _athlete(request)
    event = _find_event(request, athlete)
    if event.get("category") != "WORKOUT":
        raise _unprocessable("Only a planned workout can be marked done")
    activity = athlete.add_activity(
        start_local=event["start_date_local"],
        activity_type=event.get("type") or "Other",
        name=event.get("name"),
        moving_time=event.get("moving_time") or 0,
        distance=event.get("distance"),
        icu_training_load=event.get("icu_training_load"),
        source="MANUAL",
        paired_event_id=event["id"],
        description=event.get("description"),
    )
    athlete.recompute_fitness()
    return json_response(full_activity(activity))


# Activities entered by hand -------------------------------------------------------


def _manual(body: Any) -> JSONObject:
    if not isinstance(body, dict):
        raise _unprocessable("Each activity must be a JSON object")
    values = _common(body)
    if "type" not in values:
        raise _unprocessable("type is required")
    if "start_date_local" not in values:
        raise _unprocessable("start_date_local is required")
    moving = values.get("moving_time", 0)
    if (elapsed := body.get("elapsed_time")) is not None:
        values["elapsed_time"] = _whole("elapsed_time", elapsed, moving)
    if (rpe := body.get("icu_rpe")) is not None:
        values["icu_rpe"] = _whole("icu_rpe", rpe, 1, 10)
        if "icu_training_load" not in values:
            intensity = values["icu_rpe"] * _RPE_INTENSITY + _RPE_INTENSITY
            values["icu_training_load"] = round(moving / 3600 * intensity**2 * 100)
    return values


def _manual_activity(
    athlete: Athlete, values: Mapping[str, Any], activity_id: str, owner: str
) -> JSONObject:
    fields = dict(values)
    return make_activity(
        start_local=fields.pop("start_date_local"),
        activity_type=fields.pop("type"),
        activity_id=activity_id,
        athlete_id=athlete.id,
        timezone=athlete.timezone,
        name=fields.pop("name", None),
        distance=fields.pop("distance", None),
        moving_time=fields.pop("moving_time", 0),
        elapsed_time=fields.pop("elapsed_time", None),
        icu_training_load=fields.pop("icu_training_load", None),
        source="MANUAL",
        # Which key made it: an upsert only replaces that key's activities.
        oauth_client_id=None if owner == athlete.id else owner,
        **{k: v for k, v in fields.items() if k != "uid"},
    )


async def create_manual(request: web.Request) -> web.Response:
    """POST /api/v1/athlete/{id}/activities/manual: always a new activity."""
    athlete = _athlete(request)
    values = _manual(await _body(request))
    activity = athlete.add_activity(
        _manual_activity(
            athlete, values, athlete.new_activity_id(), _requester(request)
        )
    )
    athlete.recompute_fitness()
    return json_response(full_activity(activity))


async def upsert_manual(request: web.Request) -> web.Response:
    """POST .../activities/manual/bulk: upsert on external_id, all checked first."""
    athlete = _athlete(request)
    body = await _body(request)
    if not isinstance(body, list):
        raise _unprocessable("Request body must be a JSON list")
    checked = [_manual(item) for item in body]
    owner = _requester(request)
    client = None if owner == athlete.id else owner
    answer: list[JSONObject] = []
    for values in checked:
        key = values.get("external_id")
        existing = next(
            (
                a
                for a in athlete.activities
                if key is not None
                and a.get("external_id") == key
                and a.get("oauth_client_id") == client
            ),
            None,
        )
        if existing is None:
            record = athlete.add_activity(
                _manual_activity(athlete, values, athlete.new_activity_id(), owner)
            )
        else:
            record = _manual_activity(athlete, values, existing["id"], owner)
            athlete.activities[athlete.activities.index(existing)] = record
        answer.append(full_activity(record))
    athlete.recompute_fitness()
    return json_response(answer)


def add_write_routes(app: web.Application) -> None:
    """Register the emulated write endpoints."""
    app.router.add_post(_ATHLETE + "/events", create_event)
    app.router.add_get(_ATHLETE + r"/events/{event_id:\d+}", get_event)
    app.router.add_put(_ATHLETE + r"/events/{event_id:\d+}", update_event)
    app.router.add_delete(_ATHLETE + r"/events/{event_id:\d+}", delete_event)
    app.router.add_post(_ATHLETE + r"/events/{event_id:\d+}/mark-done", mark_done)
    app.router.add_post(_ATHLETE + "/activities/manual", create_manual)
    app.router.add_post(_ATHLETE + "/activities/manual/bulk", upsert_manual)
