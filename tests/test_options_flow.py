"""The options flow: which activity types count in each sport group."""

from datetime import date, timedelta

import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    get_schema_suggested_value,
)

from custom_components.intervals_icu.const import (
    ACTIVITY_TYPES,
    CONF_GROUPS,
    DEFAULT_GROUPS,
    DOMAIN,
)
from emulator.model import Athlete, is_strava
from emulator.server import EmulatorServer
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er

from .conftest import ATHLETE_ID, NOW

RUN = list(DEFAULT_GROUPS["run"])
RIDE = list(DEFAULT_GROUPS["ride"])
SWIM = list(DEFAULT_GROUPS["swim"])


def _entity_id(hass: HomeAssistant, key: str) -> str | None:
    return er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{ATHLETE_ID}_{key}"
    )


def _km_this_year(athlete: Athlete, types: list[str]) -> float:
    """The distance the emulator holds for these types this year, in km."""
    metres = sum(
        a["distance"] or 0.0
        for a in athlete.activities
        if a["type"] in types
        and not is_strava(a)
        and a["start_date_local"] >= f"{NOW.year}-01-01"
    )
    return metres / 1000


def _suggested(result: ConfigFlowResult) -> dict[str, object]:
    schema = result["data_schema"].schema
    return {str(key): get_schema_suggested_value(schema, str(key)) for key in schema}


def _groups_input(
    *, run: list[str], ride: list[str], swim: list[str], swim_on: bool = True
) -> dict[str, object]:
    return {
        "run_enabled": True,
        "run_types": run,
        "ride_enabled": True,
        "ride_types": ride,
        "swim_enabled": swim_on,
        "swim_types": swim,
    }


async def test_form_suggests_default_groups(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(setup_integration.entry_id)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert result["errors"] == {}
    assert _suggested(result) == _groups_input(run=RUN, ride=RIDE, swim=SWIM)


async def test_change_groups(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    emulator: EmulatorServer,
    athlete: Athlete,
) -> None:
    entry = setup_integration
    ride_distance = _entity_id(hass, "ride_distance_ytd")
    swim_distance = _entity_id(hass, "swim_distance_ytd")
    assert ride_distance is not None
    assert swim_distance is not None
    assert hass.states.get(swim_distance) is not None
    before = float(hass.states.get(ride_distance).state)
    assert before == pytest.approx(_km_this_year(athlete, RIDE), abs=1e-3)
    emulator.state.log.clear()

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        # A group switched off needs no types.
        _groups_input(run=RUN, ride=["Ride"], swim=[], swim_on=False),
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_GROUPS: {"run": RUN, "ride": ["Ride"]}}
    assert entry.state is ConfigEntryState.LOADED
    # The swim sensors are gone, not left behind as unavailable.
    assert _entity_id(hass, "swim_distance_ytd") is None
    assert hass.states.get(swim_distance) is None
    assert not [
        state.entity_id
        for state in hass.states.async_all("sensor")
        if "swim" in state.entity_id
    ]
    # The ride totals are recomputed with rides only.
    after = float(hass.states.get(ride_distance).state)
    assert after == pytest.approx(_km_this_year(athlete, ["Ride"]), abs=1e-3)
    assert after < before
    # From the cache: the reload asked for the last few days, not the whole year.
    fetches = emulator.state.log.matching("/activities$")
    assert len(fetches) == 1
    oldest = date.fromisoformat(fetches[0].query["oldest"][0][:10])
    today = NOW.date()
    assert today - timedelta(days=7) <= oldest <= today

    # Opening the options again shows what was saved.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert _suggested(result) == _groups_input(
        run=RUN, ride=["Ride"], swim=SWIM, swim_on=False
    )


async def test_enabled_group_without_types(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """Each group switched on without types in turn, in one form; then it works."""
    entry = setup_integration
    result = await hass.config_entries.options.async_init(entry.entry_id)
    for group in DEFAULT_GROUPS:
        typed = _groups_input(run=RUN, ride=RIDE, swim=SWIM) | {f"{group}_types": []}

        result = await hass.config_entries.options.async_configure(
            result["flow_id"], typed
        )

        assert result["type"] is FlowResultType.FORM, group
        assert result["errors"] == {f"{group}_types": "no_types"}
        assert _suggested(result) == typed
        assert entry.options == {}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], _groups_input(run=RUN, ride=RIDE, swim=SWIM)
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {CONF_GROUPS: {"run": RUN, "ride": RIDE, "swim": SWIM}}


async def test_each_group_lists_its_own_types_first(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    """Run's picker starts with runs, not with Ride and Swim; every type is offered."""
    result = await hass.config_entries.options.async_init(setup_integration.entry_id)
    schema = result["data_schema"].schema
    offered = {
        str(key).removesuffix("_types"): selector.config["options"]
        for key, selector in schema.items()
        if str(key).endswith("_types")
    }
    assert offered["run"][:3] == ["Run", "VirtualRun", "TrailRun"]
    assert offered["ride"][:10] == [
        "Ride",
        "VirtualRide",
        "GravelRide",
        "MountainBikeRide",
        "EBikeRide",
        "EMountainBikeRide",
        "TrackRide",
        "Cyclocross",
        "Velomobile",
        "Handcycle",
    ]
    assert offered["swim"][:2] == ["Swim", "OpenWaterSwim"]
    for options in offered.values():
        assert sorted(options) == sorted(ACTIVITY_TYPES)
    # The rest keep the spec's order.
    rest = [t for t in ACTIVITY_TYPES if t not in {"Swim", "OpenWaterSwim"}]
    assert offered["swim"][2:] == rest
