"""Tell the user how an import that ran in the background ended.

An import of the whole history takes a while and nobody waits for it (the
first setup, a change of sport groups or time zone, a replaced database): a
persistent notification says what it wrote, or why it could not. One per
entry, replaced by the next, so an import that fails every hour stays one.
"""

from __future__ import annotations

from datetime import date

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import translation

from ..api import IntervalsError
from ..const import DOMAIN
from ..errors import error_key


def notification_id(entry_id: str) -> str:
    """The one notification of the entry's imports."""
    return f"{DOMAIN}_{entry_id}_history_import"


async def _async_strings(hass: HomeAssistant, category: str) -> dict[str, str]:
    return await translation.async_get_translations(
        hass, hass.config.language, category, {DOMAIN}
    )


def _fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


async def async_notify_imported(
    hass: HomeAssistant,
    entry_id: str,
    athlete: str,
    *,
    activities: int,
    first_day: date | None,
    rows: int,
) -> None:
    """The history is in the statistics: how much, since when."""
    strings = await _async_strings(hass, "common")
    prefix = f"component.{DOMAIN}.common."
    message = strings.get(
        prefix + "import_done_message",
        "{athlete}: {activities} activities since {first_day}, "
        "{rows} statistics rows written.",
    )
    _notify(
        hass,
        entry_id,
        strings.get(prefix + "import_done_title", "Training history imported"),
        _fill(
            message,
            athlete=athlete,
            activities=str(activities),
            first_day=first_day.isoformat() if first_day else "-",
            rows=str(rows),
        ),
    )


async def async_notify_failed(
    hass: HomeAssistant, entry_id: str, athlete: str, err: IntervalsError
) -> None:
    """The import stopped on an error; the next update tries again."""
    strings = await _async_strings(hass, "common")
    reasons = await _async_strings(hass, "exceptions")
    prefix = f"component.{DOMAIN}.common."
    reason = reasons.get(
        f"component.{DOMAIN}.exceptions.{error_key(err)}.message", type(err).__name__
    )
    message = strings.get(
        prefix + "import_failed_message",
        "The training history of {athlete} could not be imported: {reason} "
        "It is tried again at the next update.",
    )
    _notify(
        hass,
        entry_id,
        strings.get(prefix + "import_failed_title", "Training history not imported"),
        _fill(message, athlete=athlete, reason=reason),
    )


@callback
def _notify(hass: HomeAssistant, entry_id: str, title: str, message: str) -> None:
    persistent_notification.async_create(
        hass, message, title=title, notification_id=notification_id(entry_id)
    )


@callback
def async_dismiss(hass: HomeAssistant, entry_id: str) -> None:
    """The entry is removed: its notice goes with it."""
    persistent_notification.async_dismiss(hass, notification_id(entry_id))
