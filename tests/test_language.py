"""Whose language the entities speak: Home Assistant's, not the user's profile.

Home Assistant renders the names of translated entities once, in the
language of the installation (Settings → System → General → Language), when
the entity is added; a user's own language (the profile) translates the
frontend, not entity names. The config flow, by contrast, is shown in the
profile's language. This is Home Assistant's rule; the README says so.
"""

from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.intervals_icu.const import DOMAIN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .conftest import ATHLETE_ID


def friendly_name(hass: HomeAssistant, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{ATHLETE_ID}_{key}"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return str(state.attributes["friendly_name"])


async def test_entity_names_are_in_home_assistants_language(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> None:
    await hass.config.async_update(language="de")
    config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done()
    assert friendly_name(hass, "run_distance_ytd") == (
        "Test Athlete Laufdistanz dieses Jahr"
    )
    assert friendly_name(hass, "form") == "Test Athlete Form"
    # The entity id was made from the German name when it was first added.
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{ATHLETE_ID}_run_distance_ytd"
    )
    assert entity_id == "sensor.test_athlete_laufdistanz_dieses_jahr"

    # Switched back to English, the names follow at the next start (reload);
    # the entity ids stay, as Home Assistant keeps every entity id once made.
    await hass.config.async_update(language="en")
    assert await hass.config_entries.async_reload(config_entry.entry_id)
    await hass.async_block_till_done()
    assert friendly_name(hass, "run_distance_ytd") == (
        "Test Athlete Run distance this year"
    )
    assert entity_id == er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{ATHLETE_ID}_run_distance_ytd"
    )
