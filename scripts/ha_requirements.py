"""List the packages Home Assistant would pip-install when started on config/.

    python scripts/ha_requirements.py [--all] [CONFIG_DIR]

HA sets up its default integrations, the domains in configuration.yaml, the
custom integrations in this checkout, those onboarding adds, and all their
manifest dependencies; any
requirement of those that is not installed, HA installs on start (online).
Prints those missing (or, with --all, all of them) as pins for
requirements_dev.txt; exits 1 when some are missing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
import sys

from homeassistant import bootstrap, components
from homeassistant.util.package import is_installed
from homeassistant.util.yaml import load_yaml_dict

REPO = Path(__file__).resolve().parent.parent
# What onboarding sets up when its core_config step finishes
# (homeassistant/components/onboarding/views.py): met only where a home
# location was chosen; radio_browser and met need internet to load fully.
ONBOARDING_INTEGRATIONS = {"google_translate", "met", "radio_browser", "shopping_list"}


def manifests() -> dict[str, dict[str, object]]:
    """Return the manifests of HA's built-in and this checkout's integrations."""
    found: dict[str, dict[str, object]] = {}
    roots = [Path(p) for p in components.__path__]
    roots.append(REPO / "custom_components")
    for root in roots:
        for path in root.glob("*/manifest.json"):
            found[path.parent.name] = json.loads(path.read_text(encoding="utf-8"))
    return found


def domains_to_set_up(
    config_dir: Path, known: dict[str, dict[str, object]]
) -> set[str]:
    """Return the domains HA sets up for this config, dependencies included."""
    config = load_yaml_dict(str(config_dir / "configuration.yaml"))
    wanted = set(bootstrap.CORE_INTEGRATIONS) | set(bootstrap.DEFAULT_INTEGRATIONS)
    wanted |= {str(key).split(" ", 1)[0] for key in config}
    wanted |= {p.parent.name for p in (REPO / "custom_components").glob("*/")}
    wanted |= ONBOARDING_INTEGRATIONS
    result: set[str] = set()
    todo = [d for d in wanted if d in known]
    while todo:
        domain = todo.pop()
        if domain in result:
            continue
        result.add(domain)
        # after_dependencies too: their code is imported when both are loaded
        # (analytics imports hassio, which needs aiohasupervisor).
        for kind in ("dependencies", "after_dependencies"):
            dependencies = known[domain].get(kind, [])
            assert isinstance(dependencies, list)
            todo.extend(d for d in dependencies if d in known)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config_dir", nargs="?", type=Path, default=REPO / "config")
    parser.add_argument("--all", action="store_true", help="list installed ones too")
    args = parser.parse_args()

    known = manifests()
    requirements: set[str] = set()
    for domain in domains_to_set_up(args.config_dir, known):
        listed = known[domain].get("requirements", [])
        assert isinstance(listed, list)
        requirements.update(str(r) for r in listed)

    missing = sorted(r for r in requirements if not is_installed(r))
    for requirement in sorted(requirements, key=str.lower) if args.all else missing:
        print(requirement)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
