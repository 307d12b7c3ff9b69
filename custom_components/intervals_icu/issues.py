"""Repair issues: what only the user can fix, raised and cleared by the updates.

Not named `repairs.py`: Home Assistant treats that module as a platform with
fix flows, and neither issue has a fix the integration could apply.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .const import CONF_ATHLETE_ID, DOMAIN

STRAVA_STUBS = "strava_stubs"
ACCESS_WITHDRAWN = "access_withdrawn"

# One or two stubs are an old import; a tenth of the year makes totals wrong.
STUB_SHARE = 0.1
STUB_MIN = 3


def issue_id(kind: str, entry_id: str) -> str:
    """The issue's id: one of each kind per config entry (athlete)."""
    return f"{kind}_{entry_id}"


def too_many_stubs(stubs: int, activities: int) -> bool:
    """Tell whether the year's Strava stubs are enough to tell the user."""
    return stubs >= STUB_MIN and stubs >= STUB_SHARE * activities


@callback
def async_update_succeeded(
    hass: HomeAssistant, entry: ConfigEntry, *, stubs: int, activities: int
) -> None:
    """After a good update: access works, and say whether stubs hide activities."""
    ir.async_delete_issue(hass, DOMAIN, issue_id(ACCESS_WITHDRAWN, entry.entry_id))
    strava = issue_id(STRAVA_STUBS, entry.entry_id)
    if not too_many_stubs(stubs, activities):
        ir.async_delete_issue(hass, DOMAIN, strava)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        strava,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=STRAVA_STUBS,
        translation_placeholders={
            "name": entry.title,
            "stubs": str(stubs),
            "activities": str(activities),
        },
    )


@callback
def async_access_withdrawn(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """The key works, but may no longer read this athlete's data."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id(ACCESS_WITHDRAWN, entry.entry_id),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=ACCESS_WITHDRAWN,
        translation_placeholders={
            "name": entry.title,
            "athlete_id": entry.data[CONF_ATHLETE_ID],
        },
    )


@callback
def async_delete_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Forget every issue of an entry, for when the entry is removed."""
    for kind in (STRAVA_STUBS, ACCESS_WITHDRAWN):
        ir.async_delete_issue(hass, DOMAIN, issue_id(kind, entry_id))
