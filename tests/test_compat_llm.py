"""The LLM tool shims of compat.py: each still needed on the oldest supported release.

When the oldest supported release (hacs.json) has `ToolResult` and
`ToolAnnotations`, the floor test fails: return them directly instead.
"""

import json
from pathlib import Path
from typing import Any

from awesomeversion import AwesomeVersion
import pytest

from custom_components.intervals_icu import compat
from homeassistant.const import __version__ as ha_version
from homeassistant.helpers import llm

ROOT = Path(__file__).resolve().parent.parent
FLOOR = AwesomeVersion(json.loads((ROOT / "hacs.json").read_text())["homeassistant"])


def test_the_oldest_release_has_no_tool_result() -> None:
    has_them = hasattr(llm, "ToolResult") and hasattr(llm, "ToolAnnotations")
    if AwesomeVersion(ha_version) == FLOOR:
        assert not has_them, "the oldest release has ToolResult: drop the shims"
    assert (compat.tool_result({"a": 1}) == {"a": 1}) is not has_them


class _Recorded:
    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs


@pytest.mark.parametrize("available", [True, False])
def test_the_shims_on_either_kind_of_release(
    monkeypatch: pytest.MonkeyPatch, available: bool
) -> None:
    monkeypatch.setattr(compat, "_TOOL_RESULT", _Recorded if available else None)
    monkeypatch.setattr(compat, "_TOOL_ANNOTATIONS", _Recorded if available else None)
    result = compat.tool_result({"error": "x"}, error=True)
    read = compat.tool_annotations(read_only=True)
    write = compat.tool_annotations(read_only=False)
    if not available:
        assert result == {"error": "x"}
        assert read is None
        assert write is None
        return
    assert result.kwargs == {"data": {"error": "x"}, "error": True}
    assert read.kwargs == {
        "read_only": True,
        "destructive": False,
        "idempotent": True,
        "open_world": False,
    }
    assert write.kwargs["read_only"] is False
    assert write.kwargs["open_world"] is True
