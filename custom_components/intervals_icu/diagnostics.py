"""Diagnostics: what a bug report needs, without the key or anything personal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from .const import CONF_ATHLETE_ID, DOMAIN
from .coordinator import IntervalsConfigEntry
from .sync.curves_gear import BestsGearData

# The title is the athlete's name; the rest never reaches the entry today,
# but is redacted should it ever do so.
TO_REDACT = {
    CONF_API_KEY,
    # Older athlete ids are Strava ids, which lead to the person.
    CONF_ATHLETE_ID,
    "title",
    "unique_id",
    "name",
    "email",
    "location",
    "city",
    "state",
    "country",
    "latitude",
    "longitude",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: IntervalsConfigEntry
) -> dict[str, Any]:
    """Return the entry, the cache's shape, request counts and the last outcome."""
    coordinator = entry.runtime_data
    cache = coordinator.sync.cache
    starts = sorted(a.start_local for a in cache.activities.values())
    path = Path(coordinator.storage.cache.path)
    size = await hass.async_add_executor_job(
        lambda: path.stat().st_size if path.exists() else None
    )
    data = coordinator.data
    return {
        "entry": async_redact_data(
            {
                "data": dict(entry.data),
                "options": dict(entry.options),
                "title": entry.title,
            },
            TO_REDACT,
        ),
        "athlete": None
        if data is None
        else {
            "timezone": data.athlete.timezone,
            "sport_settings": [
                {
                    "types": list(s.types),
                    "ftp": s.ftp,
                    "lthr": s.lthr,
                    "max_hr": s.max_hr,
                    "threshold_pace": s.threshold_pace,
                    "pace_units": s.pace_units,
                }
                for s in data.athlete.sport_settings
            ],
        },
        "groups": {name: sorted(types) for name, types in coordinator.groups.items()},
        "cache": {
            "activities": len(cache.activities),
            "first": starts[0].isoformat() if starts else None,
            "last": starts[-1].isoformat() if starts else None,
            "window_start": cache.window_start.isoformat()
            if cache.window_start
            else None,
            "reconciled_on": cache.reconciled_on.isoformat()
            if cache.reconciled_on
            else None,
            "bytes_on_disk": size,
        },
        "requests": {
            "sent": coordinator.client.stats.requests,
            "failed": coordinator.client.stats.failures,
            "bytes_received": coordinator.client.stats.bytes_received,
            # Values beyond any human effort, left out as unknown, by field.
            "dropped_values": dict(sorted(coordinator.client.stats.dropped.items())),
        },
        "last_update": {
            "success": coordinator.last_update_success,
            "error": _error(coordinator.last_exception)
            if not coordinator.last_update_success
            else None,
        },
        "issues": sorted(
            issue.translation_key
            for (domain, _), issue in ir.async_get(hass).issues.items()
            if domain == DOMAIN
            and issue.active
            and issue.issue_id.endswith(entry.entry_id)
        ),
        "strava_stubs_ytd": None if data is None else data.strava_stubs_ytd,
        "activities_ytd": None if data is None else data.activities_ytd,
        "bests_gear": None if data is None else _bests_gear(data.bests_gear),
        # Gear listed twice under one id: the first is kept.
        "duplicate_gear": coordinator.sync.curves_gear.duplicate_gear,
    }


def _bests_gear(data: BestsGearData | None) -> dict[str, Any] | None:
    """Which bests are known and what gear there is, without names."""
    if data is None:
        return None
    return {
        "year": data.year,
        "bests_known": sorted(k for k, v in data.bests.items() if v is not None),
        "bests_unknown": sorted(k for k, v in data.bests.items() if v is None),
        "gear": [
            {
                "type": g.type,
                "component": g.component,
                "reminders": [r.percent_used for r in g.reminders],
            }
            for g in data.gear
        ],
    }


def _error(err: BaseException | None) -> str | None:
    """Which translated message the user saw (never its text), or the type."""
    if err is None:
        return None
    key = getattr(err, "translation_key", None)
    return key if isinstance(key, str) else type(err).__name__
