"""What differs between the supported Home Assistant releases, in one place.

Each shim here has a test that fails once the oldest supported release no
longer needs it (tests/test_compat.py), so that it is removed, not kept.
"""

from __future__ import annotations

from homeassistant.exceptions import ConfigEntryNotReady, HomeAssistantError
from homeassistant.helpers.device_registry import DeviceInfo

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
