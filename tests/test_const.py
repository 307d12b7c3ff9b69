"""Constants copied from the service's API stay equal to it."""

import json
from pathlib import Path

from custom_components.intervals_icu.const import (
    ACTIVITY_TYPES,
    DEFAULT_GROUPS,
    GROUP_TYPES_FIRST,
)

# A byte-for-byte copy of ../shared/reference/intervals-icu-openapi.json
# (tests/emulator/test_emulator.py says where it comes from).
SPEC = Path(__file__).parent / "emulator" / "intervals-icu-openapi.json"


def _activity_type_enums(node: object) -> list[list[str]]:
    """Every enum in the spec that lists activity types."""
    found: list[list[str]] = []
    if isinstance(node, dict):
        enum = node.get("enum")
        if isinstance(enum, list) and "Ride" in enum:
            found.append(enum)
        for value in node.values():
            found.extend(_activity_type_enums(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_activity_type_enums(value))
    return found


def test_activity_types_are_the_spec_enum() -> None:
    """The options offer exactly the service's activity types, in its order."""
    spec = json.loads(SPEC.read_text())
    settings = spec["components"]["schemas"]["SportSettings"]["properties"]
    assert list(ACTIVITY_TYPES) == settings["types"]["items"]["enum"]
    # The spec repeats the enum in many places; they all agree.
    enums = _activity_type_enums(spec)
    assert len(enums) > 10
    assert all(enum == list(ACTIVITY_TYPES) for enum in enums)


def test_group_types_are_activity_types() -> None:
    for group, types in (*DEFAULT_GROUPS.items(), *GROUP_TYPES_FIRST.items()):
        assert set(types) <= set(ACTIVITY_TYPES), group
    # What a group counts by default is what its picker lists first.
    for group, types in DEFAULT_GROUPS.items():
        first = GROUP_TYPES_FIRST[group]
        assert first[: len(types)] == types, group
