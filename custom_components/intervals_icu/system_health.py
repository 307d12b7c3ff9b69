"""System health: what a bug report needs to say about Intervals.icu."""

from __future__ import annotations

from typing import Any

from homeassistant.components import system_health
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .const import DEFAULT_URL, DOMAIN
from .coordinator import IntervalsConfigEntry


@callback
def async_register(
    hass: HomeAssistant,  # noqa: ARG001 - the platform signature
    register: system_health.SystemHealthRegistration,
) -> None:
    """Register the section of Settings → System → Repairs → System information."""
    register.async_register_info(system_health_info)


async def system_health_info(hass: HomeAssistant) -> dict[str, Any]:
    """Whether the service answers, the last good update, today's requests."""
    entries: list[IntervalsConfigEntry] = hass.config_entries.async_loaded_entries(
        DOMAIN
    )
    coordinators = [entry.runtime_data for entry in entries]
    server = coordinators[0].base_url if coordinators else DEFAULT_URL
    updated = [c.last_success for c in coordinators if c.last_success is not None]
    today = dt_util.now().date()
    return {
        "can_reach_server": system_health.async_check_can_reach_url(hass, server),
        "athletes": len(coordinators),
        "updates_failing": sum(1 for c in coordinators if not c.last_update_success),
        "last_update": dt_util.as_local(max(updated)).isoformat(timespec="seconds")
        if updated
        else "-",
        "requests_today": sum(
            c.client.stats.requests_by_day[today] for c in coordinators
        ),
    }
