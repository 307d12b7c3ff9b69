"""Config flow of the Intervals.icu integration: key, athlete, reauth, reconfigure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, override

import voluptuous as vol
from yarl import URL

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .api import (
    SELF,
    Athlete,
    IntervalsAccessDeniedError,
    IntervalsAuthenticationError,
    IntervalsClient,
    IntervalsError,
    IntervalsInvalidAthleteIdError,
    IntervalsNotFoundError,
    normalize_athlete_id,
)
from .const import CONF_ATHLETE_ID, DEFAULT_URL, DOMAIN, LOGGER
from .options_flow import IntervalsOptionsFlow

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_TEXT = TextSelector()
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
# The addresses named in the invalid_url error: no URL may be in a translation.
_URL_PLACEHOLDERS = {"example_url": DEFAULT_URL, "demo_url": "http://127.0.0.1:8765"}


def server_url(url: str) -> str | None:
    """The server's base URL as stored, or None where no key may be sent.

    HTTPS, or plain HTTP only on this machine: the key must not travel in
    clear. Spaces and line ends around it (from a paste) go; credentials, a
    query or a fragment have no place in a base URL (they would end up in
    every activity's link, or beside the key) and are refused.
    """
    url = url.strip()
    if not url or not url.isprintable() or " " in url:
        return None
    try:
        parsed = URL(url)
    except ValueError:
        return None
    if (
        parsed.user is not None
        or parsed.password is not None
        or "?" in url
        or "#" in url
    ):
        return None
    if not (
        (parsed.scheme == "https" and parsed.host)
        or (parsed.scheme == "http" and parsed.host in _LOOPBACK)
    ):
        return None
    return str(parsed).rstrip("/")


class IntervalsConfigFlow(ConfigFlow, domain=DOMAIN):
    """Ask for the API key and athlete, and check them against the service."""

    VERSION = 1

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> IntervalsOptionsFlow:
        """Choose the activity types of each sport group."""
        return IntervalsOptionsFlow()

    async def _validate(
        self, api_key: str, athlete_id: str, url: str, *, existing: bool = False
    ) -> tuple[Athlete | None, dict[str, str]]:
        """Fetch the athlete with this key; return it or the errors per field.

        `url` is the server URL as `server_url` made it. `existing`: the
        athlete is an entry's, so it exists; a 404 then means the server is
        not Intervals.icu.
        """
        try:
            athlete_id = normalize_athlete_id(athlete_id)
        except IntervalsInvalidAthleteIdError:
            return None, {CONF_ATHLETE_ID: "invalid_athlete_id"}
        client = IntervalsClient(
            async_get_clientsession(self.hass), api_key, base_url=url
        )
        try:
            return await client.get_athlete(athlete_id), {}
        except IntervalsAuthenticationError:
            return None, {CONF_API_KEY: "invalid_auth"}
        except (IntervalsAccessDeniedError, IntervalsNotFoundError) as err:
            if athlete_id == SELF or (
                existing and isinstance(err, IntervalsNotFoundError)
            ):
                # The athlete surely exists: this server is not Intervals.icu.
                return None, {"base": "cannot_connect"}
            return None, {CONF_ATHLETE_ID: "athlete_not_found"}
        except IntervalsError:
            return None, {"base": "cannot_connect"}
        except Exception:  # noqa: BLE001 - shown as "unknown", logged for a bug report
            LOGGER.exception("Unexpected error while checking the API key")
            return None, {"base": "unknown"}

    def _schema(
        self, step_id: str, suggested: Mapping[str, Any], url: str = DEFAULT_URL
    ) -> vol.Schema:
        fields: dict[vol.Marker, Any] = {vol.Required(CONF_API_KEY): _PASSWORD}
        if step_id == "user":
            fields[vol.Optional(CONF_ATHLETE_ID)] = _TEXT
        # Always shown: `show_advanced_options` is deprecated (always True since
        # HA 2026.10, removed in 2027.6). The default is the real service, or
        # the entry's server when changing it, so leaving it out changes nothing.
        if step_id != "reauth_confirm":
            fields[vol.Required(CONF_URL, default=url)] = _URL
        return self.add_suggested_values_to_schema(vol.Schema(fields), suggested)

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add an athlete: the key, and whose data (empty for the key's owner)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            url = server_url(user_input.get(CONF_URL, DEFAULT_URL))
            athlete: Athlete | None = None
            if url is None:
                errors = {CONF_URL: "invalid_url"}
            else:
                athlete, errors = await self._validate(
                    user_input[CONF_API_KEY], user_input.get(CONF_ATHLETE_ID, ""), url
                )
            if athlete is not None:
                await self.async_set_unique_id(athlete.id)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(
                    title=athlete.name or athlete.id,
                    data={
                        CONF_API_KEY: user_input[CONF_API_KEY],
                        CONF_ATHLETE_ID: athlete.id,
                        CONF_URL: url,
                    },
                )
        return self.async_show_form(
            step_id="user",
            data_schema=self._schema("user", user_input or {}),
            description_placeholders=_URL_PLACEHOLDERS,
            errors=errors,
        )

    async def async_step_reauth(
        self,
        entry_data: Mapping[str, Any],  # noqa: ARG002 - the key is asked anew
    ) -> ConfigFlowResult:
        """Start reauthentication when the key stops working."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new key for the same athlete."""
        return await self._update_key(
            "reauth_confirm", self._get_reauth_entry(), user_input
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the key (and the server) of an athlete."""
        return await self._update_key(
            "reconfigure", self._get_reconfigure_entry(), user_input
        )

    async def _update_key(
        self, step_id: str, entry: ConfigEntry, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            url = server_url(user_input.get(CONF_URL, entry.data[CONF_URL]))
            athlete: Athlete | None = None
            if url is None:
                errors = {CONF_URL: "invalid_url"}
            else:
                athlete, errors = await self._validate(
                    user_input[CONF_API_KEY],
                    entry.data[CONF_ATHLETE_ID],
                    url,
                    existing=True,
                )
            if CONF_ATHLETE_ID in errors:
                # The new key cannot see the athlete this entry is about.
                return self.async_abort(reason="wrong_athlete")
            if athlete is not None:
                await self.async_set_unique_id(athlete.id)
                self._abort_if_unique_id_mismatch(reason="wrong_athlete")
                return self.async_update_reload_and_abort(
                    entry,
                    data_updates={
                        CONF_API_KEY: user_input[CONF_API_KEY],
                        CONF_URL: url,
                    },
                )
        suggested = {CONF_URL: entry.data[CONF_URL]}
        placeholders = {"name": entry.title}
        if self.source == SOURCE_RECONFIGURE:
            suggested |= user_input or {}
            placeholders |= _URL_PLACEHOLDERS
        return self.async_show_form(
            step_id=step_id,
            data_schema=self._schema(step_id, suggested, entry.data[CONF_URL]),
            description_placeholders=placeholders,
            errors=errors,
        )
