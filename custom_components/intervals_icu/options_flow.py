"""Options: which activity types count in each sport group, and which groups exist."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from .const import ACTIVITY_TYPES, CONF_GROUPS, DEFAULT_GROUPS, GROUP_TYPES_FIRST


def _types_selector(group: str) -> SelectSelector:
    """Every activity type, the group's own sports first (Run before Ride for run)."""
    first = GROUP_TYPES_FIRST[group]
    rest = [t for t in ACTIVITY_TYPES if t not in first]
    return SelectSelector(
        SelectSelectorConfig(
            options=[*first, *rest],
            multiple=True,
            mode=SelectSelectorMode.DROPDOWN,
            # Readable, translated labels ("Weight training", not the API's name).
            translation_key="activity_type",
        )
    )


class IntervalsOptionsFlow(OptionsFlowWithReload):
    """Edit the sport groups; on reload totals are recomputed from the cache."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """One switch and one type list per group."""
        errors: dict[str, str] = {}
        if user_input is not None:
            groups: dict[str, list[str]] = {}
            for name in DEFAULT_GROUPS:
                if not user_input[f"{name}_enabled"]:
                    continue
                types = [
                    t
                    for t in user_input.get(f"{name}_types", [])
                    if t in ACTIVITY_TYPES
                ]
                if not types:
                    errors[f"{name}_types"] = "no_types"
                groups[name] = types
            if not errors:
                return self.async_create_entry(data={CONF_GROUPS: groups})
        current: dict[str, Any] = self.config_entry.options.get(
            CONF_GROUPS, {name: list(types) for name, types in DEFAULT_GROUPS.items()}
        )
        schema: dict[vol.Marker, Any] = {}
        suggested: dict[str, Any] = {}
        for name, default_types in DEFAULT_GROUPS.items():
            schema[vol.Required(f"{name}_enabled")] = BooleanSelector()
            schema[vol.Optional(f"{name}_types")] = _types_selector(name)
            suggested[f"{name}_enabled"] = name in current
            suggested[f"{name}_types"] = list(current.get(name, default_types))
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(schema), user_input or suggested
            ),
            errors=errors,
        )
