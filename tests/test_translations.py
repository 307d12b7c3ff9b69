"""Translations: no URL in any string; every language says what English says."""

from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any

import pytest

TRANSLATIONS = (
    Path(__file__).parent.parent
    / "custom_components"
    / "intervals_icu"
    / "translations"
)
ENGLISH = TRANSLATIONS / "en.json"
OTHER_LANGUAGES = sorted(p for p in TRANSLATIONS.glob("*.json") if p != ENGLISH)
# The languages of the athletes who use Intervals.icu with Home Assistant most
# (issue 9); each must have a file.
REQUIRED_LANGUAGES = ["de", "nl", "fr", "es", "it", "pl", "sv", "da", "nb", "pt-BR"]

# What hassfest refuses in a translation: a web address of any kind. URLs go
# into description placeholders, filled in by the code.
URL = re.compile(r"https?://|www\.", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def strings(tree: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (dotted key, text) of a translation file."""
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            yield from strings(value, path)
        else:
            assert isinstance(value, str), f"{path} is not a string"
            yield path, value


def load(path: Path) -> dict[str, str]:
    return dict(strings(json.loads(path.read_text(encoding="utf-8"))))


def test_the_helpers_see_urls_and_placeholders() -> None:
    """The checks below would notice what they look for."""
    tree = {"a": {"b": "See https://intervals.icu, {name}", "c": "WWW.example.com"}}
    found = dict(strings(tree))
    assert found == {
        "a.b": "See https://intervals.icu, {name}",
        "a.c": "WWW.example.com",
    }
    assert all(URL.search(text) for text in found.values())
    assert not URL.search("Use HTTPS, such as {example_url}")
    assert set(PLACEHOLDER.findall(found["a.b"])) == {"name"}


@pytest.mark.parametrize("path", [ENGLISH, *OTHER_LANGUAGES], ids=lambda p: p.stem)
def test_no_url_in_any_string(path: Path) -> None:
    with_url = {key: text for key, text in load(path).items() if URL.search(text)}
    assert not with_url, "use a description placeholder for these URLs"


@pytest.mark.parametrize("path", OTHER_LANGUAGES, ids=lambda p: p.stem)
def test_same_keys_and_placeholders_as_english(path: Path) -> None:
    english = load(ENGLISH)
    translated = load(path)
    assert sorted(set(english) - set(translated)) == [], "missing"
    assert sorted(set(translated) - set(english)) == [], "not in en.json"
    differing = {
        key: (
            sorted(set(PLACEHOLDER.findall(text))),
            sorted(set(PLACEHOLDER.findall(translated[key]))),
        )
        for key, text in english.items()
        if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(translated[key]))
    }
    assert differing == {}, "placeholders (en, this language) differ"
    empty = [key for key, text in translated.items() if not text.strip()]
    assert empty == []


def test_required_languages_exist() -> None:
    present = {p.stem for p in OTHER_LANGUAGES}
    assert sorted(set(REQUIRED_LANGUAGES) - present) == []


def test_every_activity_type_has_a_readable_label() -> None:
    """The options' pickers show labels, not the API's names."""
    from custom_components.intervals_icu.const import (  # noqa: PLC0415
        ACTIVITY_TYPES,
    )

    labels = json.loads(ENGLISH.read_text())["selector"]["activity_type"]["options"]
    assert set(labels) == set(ACTIVITY_TYPES)
    assert labels["WeightTraining"] == "Weight training"
    assert len(set(labels.values())) == len(labels)
