"""The pinned Home Assistant releases agree across the files that name them."""

from importlib.metadata import version
import json
from pathlib import Path
import re

import pytest

ROOT = Path(__file__).parent.parent
PHCC = "pytest-homeassistant-custom-component"


def pin(file: str, package: str) -> str:
    """The version `file` pins `package` to."""
    text = (ROOT / file).read_text(encoding="utf-8")
    found = re.search(
        rf"^{re.escape(package)}==(\S+)$", text, re.MULTILINE | re.IGNORECASE
    )
    assert found, f"{file} pins no {package}"
    return found.group(1)


def test_newest_release_is_the_one_develop_runs() -> None:
    """scripts/develop runs the Home Assistant the newest test run tests."""
    if version(PHCC) != pin("requirements_test.txt", PHCC):
        pytest.skip("not the newest release's environment (.venv)")
    assert pin("requirements_dev.txt", "homeassistant") == version("homeassistant")


def test_floor_release_is_the_one_hacs_json_states() -> None:
    """HACS offers the integration from the release the floor run tests."""
    if version(PHCC) != pin("requirements_floor.txt", PHCC):
        pytest.skip("not the oldest supported release's environment (.venv-floor)")
    hacs = json.loads((ROOT / "hacs.json").read_text(encoding="utf-8"))
    assert hacs["homeassistant"] == version("homeassistant")
