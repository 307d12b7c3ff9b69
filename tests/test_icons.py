"""Every icon named in icons.json exists in the Material Design Icons set."""

from pathlib import Path
import re

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
