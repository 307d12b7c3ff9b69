"""The API endpoints: authentication, parameters and JSON answers."""

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
import json
import re
from typing import Any

from aiohttp import web
from multidict import MultiMapping

from .curves import CurveIdError, curve_range, pace_curves, power_curves
from .faults import reason_phrase
from .gear import REMINDER_SETTINGS, GearError, full_gear, update_reminder
from .model import (
    Athlete,
    JSONObject,
    full_activity,
    full_event,
    full_wellness,
    is_strava,
    strava_stub,
)
from .schema import (
    ACTIVITY_FIELDS,
    ACTIVITY_TYPES,
    WELLNESS_BOOLEAN_FIELDS,
    WELLNESS_FIELDS,
    WELLNESS_INTEGER_FIELDS,
    WELLNESS_NUMBER_FIELDS,
    WELLNESS_STRING_FIELDS,
)
from .state import EmulatorState
from .timeutil import LocalBound, format_utc, parse_local_bound

STATE_KEY = web.AppKey("state", EmulatorState)
API_USER = "API_KEY"
ACCESS_DENIED: JSONObject = {"status": 403, "error": "Access denied"}
# The authenticated key. aiohttp < 3.14 (Home Assistant 2026.4) has no typed
# request keys; a plain string key works on every version.
API_KEY_SLOT: Any = (
    web.RequestKey("api_key", str) if hasattr(web, "RequestKey") else "api_key"
)
_ATHLETE = r"/api/v1/athlete/{athlete_id}"
_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ApiError(Exception):
    """An error answer with a JSON body."""

    def __init__(
        self, status: int, body: JSONObject, headers: Mapping[str, str] | None = None
    ) -> None:
        """Keep the status, body and extra headers to answer with."""
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def json_response(
    payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """Serialise compactly, as the service does, as application/json."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return web.Response(
        body=body, status=status, headers=headers, content_type="application/json"
    )


def spring_error(state: EmulatorState, status: int, path: str) -> JSONObject:
    """Return the framework's default error body, as used for 401/404/405."""
    stamp = state.now().astimezone(UTC).isoformat(timespec="milliseconds")
    return {
        "timestamp": stamp,
        "status": status,
        "error": reason_phrase(status),
        "path": path,
    }


def _unprocessable(message: str) -> ApiError:
    return ApiError(422, {"status": 422, "error": message})


# Authentication and athlete lookup -------------------------------------------


def authenticate(request: web.Request, state: EmulatorState) -> str:
    """Return the API key of a valid Basic login or raise 401/403."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        # API keys are not OAuth tokens; the service refuses them as Bearer.
        raise ApiError(403, ACCESS_DENIED)
    unauthorized = ApiError(
        401,
        spring_error(state, 401, request.path),
        {"WWW-Authenticate": 'Basic realm="Intervals.icu"'},
    )
    if scheme.lower() != "basic":
        raise unauthorized
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode()
    except binascii.Error, UnicodeDecodeError:
        raise unauthorized from None
    user, sep, key = decoded.partition(":")
    if not sep or user != API_USER or key not in state.api_keys:
        raise unauthorized
    return key


def _athlete(request: web.Request) -> Athlete:
    """Resolve `{athlete_id}` (0 = the key's owner) and check access."""
    state = request.app[STATE_KEY]
    key = request[API_KEY_SLOT]
    raw = request.match_info["athlete_id"]
    athlete_id = state.api_keys[key] if raw == "0" else raw
    athlete = state.athletes.get(athlete_id)
    if athlete is None:
        raise ApiError(404, spring_error(state, 404, request.path))
    if not state.can_read(key, athlete.id):
        raise ApiError(403, ACCESS_DENIED)
    return athlete


# Query parameter parsing -----------------------------------------------------


def _bound(query: MultiMapping[str], name: str) -> LocalBound | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        return parse_local_bound(raw)
    except ValueError:
        raise _unprocessable(f"Invalid value for '{name}': {raw!r}") from None


def _limit(query: MultiMapping[str]) -> int | None:
    raw = query.get("limit")
    if raw is None:
        return None
    try:
        limit = int(raw)
    except ValueError:
        raise _unprocessable(f"Invalid value for 'limit': {raw!r}") from None
    if limit < 0:
        raise _unprocessable(f"Invalid value for 'limit': {raw!r}")
    return limit


def _list_param(query: MultiMapping[str], name: str) -> list[str]:
    """Collect a comma separated and/or repeated parameter."""
    values = [part.strip() for raw in query.getall(name, []) for part in raw.split(",")]
    return [v for v in values if v]


def _ordered_fields(wanted: list[str], spec_order: tuple[str, ...]) -> list[str]:
    # Answer in the spec's field order whatever order was asked, unknown last.
    chosen = set(wanted)
    known = [f for f in spec_order if f in chosen]
    return known + [f for f in dict.fromkeys(wanted) if f not in spec_order]


def _filtered(record: Mapping[str, Any], fields: list[str]) -> JSONObject:
    return {f: record[f] for f in fields if record.get(f) is not None}


# Handlers --------------------------------------------------------------------


async def get_athlete(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}."""
    return json_response(_athlete(request).record())


async def get_sport_settings(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}/sport-settings."""
    return json_response(_athlete(request).sport_settings_records())


async def list_activities(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}/activities, newest first."""
    athlete = _athlete(request)
    state = request.app[STATE_KEY]
    query = request.query
    oldest = _bound(query, "oldest")
    if oldest is None:
        raise _unprocessable(
            "Required request parameter 'oldest' for method parameter type "
            "String is not present"
        )
    newest = _bound(query, "newest") or LocalBound(
        athlete.local_now(state.now()), date_only=False
    )
    limit = _limit(query)
    wanted = _list_param(query, "fields")
    found = athlete.activities_between(oldest.lower(), newest.upper())[::-1]
    if limit is not None:
        found = found[:limit]
    fields = _ordered_fields(wanted, ACTIVITY_FIELDS) if wanted else None
    payload = [
        strava_stub(a)
        if is_strava(a)
        else (_filtered(a, fields) if fields is not None else full_activity(a))
        for a in found
    ]
    return json_response(payload)


def _day(raw: str) -> date:
    try:
        if not _DAY_RE.fullmatch(raw):
            raise ValueError(raw)  # noqa: TRY301  fromisoformat also takes 20250101
        return date.fromisoformat(raw)
    except ValueError:
        raise _unprocessable(f"Invalid date: {raw!r}") from None


async def list_wellness(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}/wellness[.json], oldest first."""
    athlete = _athlete(request)
    query = request.query
    oldest = _bound(query, "oldest")
    newest = _bound(query, "newest")
    records = athlete.wellness_between(
        oldest.moment.date().isoformat() if oldest else None,
        newest.moment.date().isoformat() if newest else None,
    )
    wanted = _list_param(query, "fields")
    if wanted:
        fields = _ordered_fields(wanted, WELLNESS_FIELDS)
        return json_response([_filtered(r, fields) for r in records])
    return json_response([full_wellness(r) for r in records])


async def get_wellness(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}/wellness/{date}; a day without data is all null."""
    athlete = _athlete(request)
    day = _day(request.match_info["day"])
    record = athlete.get_wellness(day) or {"id": day.isoformat()}
    return json_response(full_wellness(record))


def _wellness_changes(body: Any) -> JSONObject:
    """Validate a partial wellness body; -1 on a numeric field means clear."""
    if not isinstance(body, dict):
        raise _unprocessable("Request body must be a JSON object")
    changes: JSONObject = {}
    for name, value in body.items():
        if name in {"id", "updated"} or name not in WELLNESS_FIELDS:
            continue  # the service ignores read-only and unknown fields
        numeric = name in WELLNESS_NUMBER_FIELDS or name in WELLNESS_INTEGER_FIELDS
        if value is None or (numeric and value == -1 and not isinstance(value, bool)):
            changes[name] = None
        elif not _value_fits(name, value):
            raise _unprocessable(f"Invalid value for '{name}': {value!r}")
        elif name in WELLNESS_INTEGER_FIELDS:
            changes[name] = int(value)  # 28800.0 is stored as 28800
        else:
            changes[name] = value
    return changes


def _value_fits(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return name in WELLNESS_BOOLEAN_FIELDS
    if name in WELLNESS_INTEGER_FIELDS:
        return isinstance(value, int) or (
            isinstance(value, float) and value.is_integer()
        )
    if name in WELLNESS_NUMBER_FIELDS:
        return isinstance(value, int | float)
    if name in WELLNESS_STRING_FIELDS:
        return isinstance(value, str)
    return isinstance(value, list)  # sportInfo


async def put_wellness(request: web.Request) -> web.Response:
    """PUT /api/v1/athlete/{id}/wellness/{date}: change only the given fields."""
    athlete = _athlete(request)
    state = request.app[STATE_KEY]
    day = _day(request.match_info["day"])
    try:
        body = await request.json()
    except ValueError:
        raise _unprocessable("Request body is not valid JSON") from None
    changes = _wellness_changes(body)
    changes["updated"] = format_utc(state.now())
    record = athlete.set_wellness(day, **changes)
    return json_response(full_wellness(record))


async def list_events(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}/events[.json]: today + 6 days by default."""
    athlete = _athlete(request)
    state = request.app[STATE_KEY]
    query = request.query
    today = athlete.local_now(state.now()).date()
    oldest = _bound(query, "oldest") or LocalBound(
        datetime.combine(today, time()), date_only=True
    )
    newest = _bound(query, "newest") or LocalBound(
        datetime.combine(oldest.moment.date() + timedelta(days=6), time()),
        date_only=True,
    )
    categories = set(_list_param(query, "category"))
    limit = _limit(query)
    found = athlete.events_between(oldest.lower(), newest.upper())
    if categories:
        found = [e for e in found if e.get("category") in categories]
    if limit is not None:
        found = found[:limit]
    return json_response([full_event(e) for e in found])


# Curves and gear --------------------------------------------------------------


def _curve_request(
    request: web.Request, *, sport_required: bool
) -> tuple[Athlete, str, list[Any]]:
    athlete = _athlete(request)
    state = request.app[STATE_KEY]
    sport = request.query.get("type")
    if sport is None and sport_required:
        raise _unprocessable(
            "Required request parameter 'type' for method parameter type "
            "String is not present"
        )
    sport = sport or "Run"
    if sport not in ACTIVITY_TYPES:
        raise _unprocessable(f"Invalid value for 'type': {sport!r}")
    today = athlete.local_now(state.now()).date()
    try:
        spans = [
            curve_range(curve, today)
            for curve in _list_param(request.query, "curves") or ["1y"]
        ]
    except CurveIdError as err:
        raise _unprocessable(f"Invalid curve: {err}") from None
    return athlete, sport, spans


async def list_power_curves(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}/power-curves.json: `type` is required."""
    athlete, sport, spans = _curve_request(request, sport_required=True)
    return json_response(power_curves(athlete, sport, spans))


async def list_pace_curves(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}/pace-curves.json: `type` defaults to Run."""
    athlete, sport, spans = _curve_request(request, sport_required=False)
    return json_response(pace_curves(athlete, sport, spans))


async def list_gear(request: web.Request) -> web.Response:
    """GET /api/v1/athlete/{id}/gear.json: retired items included."""
    athlete = _athlete(request)
    now = request.app[STATE_KEY].now()
    return json_response([full_gear(athlete, g, now) for g in athlete.gear])


def _flag(query: MultiMapping[str], name: str) -> bool:
    raw = query.get(name, "false").lower()
    if raw not in {"true", "false"}:
        raise _unprocessable(f"Invalid value for '{name}': {raw!r}")
    return raw == "true"


def _reminder_settings(body: Any) -> JSONObject:
    if not isinstance(body, dict):
        raise _unprocessable("Request body must be a JSON object")
    settings: JSONObject = {}
    for name in REMINDER_SETTINGS:
        value = body.get(name)
        if name == "name":
            fits = value is None or isinstance(value, str)
        elif name in {"activities", "days"}:
            fits = value is None or (
                isinstance(value, int) and not isinstance(value, bool)
            )
        else:
            fits = value is None or (
                isinstance(value, int | float) and not isinstance(value, bool)
            )
        if not fits:
            raise _unprocessable(f"Invalid value for '{name}': {value!r}")
        settings[name] = value
    return settings


async def put_reminder(request: web.Request) -> web.Response:
    """PUT .../gear/{gear}/reminder/{reminder}?reset=&snoozeDays=: the new gear."""
    athlete = _athlete(request)
    state = request.app[STATE_KEY]
    reset = _flag(request.query, "reset")
    raw_snooze = request.query.get("snoozeDays", "0")
    try:
        snooze_days = int(raw_snooze)
        reminder_id = int(request.match_info["reminder"])
    except ValueError:
        raise _unprocessable("Invalid reminder id or 'snoozeDays'") from None
    try:
        body = await request.json()
    except ValueError:
        raise _unprocessable("Request body is not valid JSON") from None
    settings = _reminder_settings(body)
    try:
        gear = update_reminder(
            athlete,
            request.match_info["gear"],
            reminder_id,
            settings,
            reset=reset,
            snooze_days=snooze_days,
            now=state.now(),
        )
    except GearError:
        raise ApiError(404, spring_error(state, 404, request.path)) from None
    return json_response(gear)


def add_routes(app: web.Application) -> None:
    """Register the emulated endpoints."""
    app.router.add_get(_ATHLETE, get_athlete)
    app.router.add_get(_ATHLETE + "/sport-settings", get_sport_settings)
    app.router.add_get(_ATHLETE + "/activities", list_activities)
    app.router.add_get(_ATHLETE + r"/wellness{ext:(?:\.json)?}", list_wellness)
    app.router.add_get(_ATHLETE + "/wellness/{day}", get_wellness)
    app.router.add_put(_ATHLETE + "/wellness/{day}", put_wellness)
    app.router.add_get(_ATHLETE + r"/events{ext:(?:\.json)?}", list_events)
    app.router.add_get(_ATHLETE + r"/power-curves{ext:(?:\.json)?}", list_power_curves)
    app.router.add_get(_ATHLETE + r"/pace-curves{ext:(?:\.json)?}", list_pace_curves)
    app.router.add_get(_ATHLETE + r"/gear{ext:(?:\.json)?}", list_gear)
    app.router.add_put(_ATHLETE + "/gear/{gear}/reminder/{reminder}", put_reminder)
