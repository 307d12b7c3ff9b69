"""Every icon named in icons.json exists in the Material Design Icons set."""

from collections.abc import Iterator
import json
from pathlib import Path
import re

import pytest

from custom_components.intervals_icu.const import DOMAIN

ICONS = (
    Path(__file__).parent.parent / "custom_components" / "intervals_icu" / "icons.json"
)
# Names from the npm package @mdi/svg (see the header of the file).
MDI_NAMES = Path(__file__).parent / "mdi_icons.txt"


def known_icons() -> set[str]:
    lines = MDI_NAMES.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def test_icon_list_is_the_whole_set() -> None:
    """The list is the full set, not a handful that happens to match."""
    names = known_icons()
    assert len(names) > 7000
    assert {"run", "bike", "swim", "heart-pulse"} <= names
    assert "emoticon-tired-outline" not in names


def test_every_icon_exists() -> None:
    used = set(re.findall(r'"mdi:([^"]+)"', ICONS.read_text(encoding="utf-8")))
    assert used, "icons.json names no mdi: icon"
    assert sorted(used - known_icons()) == []


def test_every_icon_is_one_the_frontend_has() -> None:
    """Each icon in icons.json is one the frontend has (a wrong name shows nothing)."""
    frontend = pytest.importorskip("hass_frontend")
    listed = json.loads(
        (Path(frontend.where()) / "static" / "mdi" / "iconList.json").read_text()
    )
    known = {f"mdi:{icon['name']}" for icon in listed}
    folder = Path(__file__).parent.parent / "custom_components" / DOMAIN
    icons = json.loads((folder / "icons.json").read_text())

    def names(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            for value in node.values():
                yield from names(value)
        elif isinstance(node, str):
            yield node

    used = set(names(icons))
    assert len(used) > 20
    assert used - known == set()
