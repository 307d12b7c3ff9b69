"""What differs between the supported Home Assistant releases, in one place.

Each shim here has a test that fails once the oldest supported release no
longer needs it (tests/test_compat.py), so that it is removed, not kept.
"""

from __future__ import annotations

from typing import Any

from homeassistant.exceptions import ConfigEntryNotReady, HomeAssistantError
from homeassistant.helpers import llm
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.util.json import JsonObjectType

# Home Assistant 2026.8 links a device to its parent by the parent's device id
# (`via_device` by identifiers is deprecated there); older releases only by
# identifiers.
VIA_DEVICE_ID = "via_device_id" in DeviceInfo.__annotations__


def with_reason(err: ConfigEntryNotReady) -> ConfigEntryNotReady:
    """The setup retry with the coordinator's translated reason ("Could not reach …").

    Home Assistant 2026.4 drops the translation of the coordinator's error when
    the first refresh fails, so the entry would say only "will retry"; newer
    releases pass it on themselves, and then `err` is returned as it is.
    """
    cause = err.__cause__
    if (
        err.translation_key is not None
        or not isinstance(cause, HomeAssistantError)
        or cause.translation_key is None
    ):
        return err
    return ConfigEntryNotReady(
        translation_domain=cause.translation_domain,
        translation_key=cause.translation_key,
        translation_placeholders=cause.translation_placeholders,
    )


# Home Assistant 2026.10 wraps what an LLM tool returns in `ToolResult` (a
# plain dictionary is deprecated there, and logged at every call) and lets a
# tool say whether it only reads (`ToolAnnotations`); 2026.4 has neither and
# takes the dictionary.
_TOOL_RESULT: Any = getattr(llm, "ToolResult", None)
_TOOL_ANNOTATIONS: Any = getattr(llm, "ToolAnnotations", None)


def tool_result(data: JsonObjectType, *, error: bool = False) -> Any:
    """What a tool returns: a `ToolResult` where there is one, else the data."""
    if _TOOL_RESULT is None:
        return data
    return _TOOL_RESULT(data=data, error=error)


def tool_annotations(*, read_only: bool) -> Any:
    """How a tool behaves, for releases that ask (None elsewhere).

    Reads answer from Home Assistant's own snapshot; writes go to
    Intervals.icu, add or change a value, and may be repeated harmlessly.
    """
    if _TOOL_ANNOTATIONS is None:
        return None
    return _TOOL_ANNOTATIONS(
        read_only=read_only,
        destructive=False,
        idempotent=True,
        open_world=not read_only,
    )
