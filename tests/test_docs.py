"""The README and the example dashboard name entities that exist.

Their examples use the athlete "Jane Doe" (the dashboard the demo's "Demo
Athlete"); every entity id of that athlete they name must be one the
integration makes, so a pasted example works.
"""

from pathlib import Path
import re

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

ROOT = Path(__file__).parents[1]
DOCS = [ROOT / "README.md", ROOT / "docs" / "dashboard.yaml"]
ENTITY_ID = re.compile(
    r"\b(?:sensor|binary_sensor|number|button|calendar|event)"
    r"\.(?:jane_doe|demo_athlete)_[a-z0-9_]+"
)
# Named on purpose: the id of an installation set up in German, and the id an
# older installation kept for W prime.
NOT_MADE_HERE = {
    "sensor.jane_doe_laufdistanz_dieses_jahr",
    "sensor.jane_doe_w",
}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_every_entity_the_docs_name_exists(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    made = {
        entry.entity_id.replace("test_athlete", "{athlete}")
        for entry in er.async_entries_for_config_entry(
            er.async_get(hass), setup_integration.entry_id
        )
    }
    assert len(made) > 100
    for doc in DOCS:
        named = set(ENTITY_ID.findall(doc.read_text())) - NOT_MADE_HERE
        assert named, doc.name
        unknown = sorted(
            entity_id
            for entity_id in named
            if re.sub(r"\.(jane_doe|demo_athlete)_", ".{athlete}_", entity_id)
            not in made
        )
        assert unknown == [], doc.name


def test_the_dashboard_pastes_as_it_is() -> None:
    """No comments (the raw editor asks before dropping them); two placeholders."""
    dashboard = (ROOT / "docs" / "dashboard.yaml").read_text()
    assert not [
        line for line in dashboard.splitlines() if line.lstrip().startswith("#")
    ]
    statistics = set(re.findall(r"intervals_icu:(\w+?)_[a-z]", dashboard))
    assert statistics == {"i424242"}
    readme = (ROOT / "README.md").read_text()
    assert "`demo_athlete`" in readme
    assert "`i424242`" in readme
