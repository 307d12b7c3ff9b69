"""The layout the README and docs/ARCHITECTURE.md describe, held against the code."""

import ast
import importlib
import inspect
from pathlib import Path
import re

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / "intervals_icu"
# Code that runs without Home Assistant: the API client (publishable as a
# library of its own), the pure training maths, and the sync's merge logic.
WITHOUT_HOME_ASSISTANT = [
    *sorted((PACKAGE / "api").glob("*.py")),
    *sorted((PACKAGE / "training").glob("*.py")),
    PACKAGE / "statistics" / "plan.py",
    PACKAGE / "statistics" / "rows.py",
    PACKAGE / "sync" / "activities.py",
    PACKAGE / "sync" / "athlete_sync.py",
    PACKAGE / "sync" / "cache_format.py",
    PACKAGE / "sync" / "curves_gear.py",
    PACKAGE / "sync" / "wellness_plan.py",
]
# Description tables may be long; every other module stays readable.
LONG_TABLES = {PACKAGE / "sensor.py"}
MAX_LINES = 400
MAX_COORDINATOR_LINES = 200


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_pure_code_imports_no_home_assistant() -> None:
    for path in WITHOUT_HOME_ASSISTANT:
        assert not {i for i in imports(path) if i.split(".")[0] == "homeassistant"}, (
            path.name
        )
    # And the API client nothing of the integration around it.
    for path in (PACKAGE / "api").glob("*.py"):
        source = path.read_text()
        assert "from .." not in source, path.name


def test_no_module_is_too_long_to_hold_in_mind() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path not in LONG_TABLES:
            lines = len(path.read_text().splitlines())
            assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)}: {lines} lines"


def test_the_coordinator_fits_on_a_screen_or_two() -> None:
    tree = ast.parse((PACKAGE / "coordinator.py").read_text())
    [coordinator] = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.name == "IntervalsCoordinator"
    ]
    assert coordinator.end_lineno is not None
    lines = coordinator.end_lineno - coordinator.lineno + 1
    assert lines < MAX_COORDINATOR_LINES


# Methods of Home Assistant's classes that an integration is meant to override.
HOOKS = {
    "_async_update_data",
    "_async_setup",
    "_async_migrate_func",
    "_handle_coordinator_update",
}
# Public-looking methods that are Home Assistant's own plumbing.
PLUMBING = {"add_to_platform_finish", "async_request_refresh", "async_refresh"}


def test_nothing_overrides_home_assistant_internals() -> None:
    """No class of the integration overrides a private method of Home Assistant's.

    Nor does anything wait for the recorder to write (no core integration does).
    """
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent.parent).with_suffix("")
        module = importlib.import_module(
            ".".join(relative.parts).removesuffix(".__init__")
        )
        for cls in vars(module).values():
            if not isinstance(cls, type) or cls.__module__ != module.__name__:
                continue
            theirs = [
                c for c in cls.__mro__[1:] if c.__module__.startswith("homeassistant")
            ]
            for name, value in vars(cls).items():
                if not inspect.isfunction(value):
                    continue
                overridden = any(name in vars(base) for base in theirs)
                private = name.startswith("_") and not name.startswith("__")
                if overridden and (name in PLUMBING or (private and name not in HOOKS)):
                    raise AssertionError(
                        f"{cls.__qualname__}.{name} overrides Home Assistant's"
                    )
        assert "async_block_till_done" not in path.read_text(), path.name


def test_the_readme_names_every_module() -> None:
    """Its module map says where each module is and what it is for."""
    readme = (PACKAGE.parents[1] / "README.md").read_text()
    start = readme.index("```\ncustom_components/intervals_icu/\n")
    layout = readme[start : readme.index("\n```\n", start)]
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    for package in packages:
        assert f"  {package}/ " in layout, package
    for path in PACKAGE.rglob("*.py"):
        if path.name != "__init__.py" or path.parent == PACKAGE:
            assert re.search(
                rf"(^|\s){re.escape(path.name)}(\s|$)", layout, re.MULTILINE
            ), path.relative_to(PACKAGE)
