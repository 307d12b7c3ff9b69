"""Fail when any module of the given packages has too little coverage.

    python scripts/coverage_check.py COVERAGE_JSON [--min 95] [--strict FILE]...
        PACKAGE_DIR...

COVERAGE_JSON is the output of `coverage json` (measured with branch
coverage). Every .py file under each PACKAGE_DIR counts, also those the tests
never imported (0 % unless it has no statements). Coverage is per file:
covered lines / statements, excluded lines not counted. A file given with
--strict needs every line and every branch covered (the quality scale's
config-flow-test-coverage rule); others only --min percent of lines.
"""

from __future__ import annotations

import argparse
import ast
import json
from pathlib import Path
import sys


def line_coverage(report: dict[str, dict[str, dict[str, int]]]) -> dict[Path, float]:
    """Return the line coverage in percent of each file in a coverage json report."""
    result: dict[Path, float] = {}
    for name, data in report.items():
        summary = data["summary"]
        statements = summary["num_statements"]
        covered = summary["covered_lines"]
        path = Path(name).resolve()
        result[path] = 100.0 if statements == 0 else 100.0 * covered / statements
    return result


def uncovered(data: dict[str, dict[str, int]]) -> str | None:
    """Describe the lines and branches a strict file misses, or None."""
    summary = data["summary"]
    missing: list[str] = []
    lines = summary["num_statements"] - summary["covered_lines"]
    branches = summary.get("num_branches", 0) - summary.get("covered_branches", 0)
    if lines:
        missing.append(f"{lines} lines")
    if branches:
        missing.append(f"{branches} branches")
    if "num_branches" not in summary:
        missing.append("no branch data (run coverage with branch = true)")
    return ", ".join(missing) + " not covered (100 % needed)" if missing else None


def has_statements(path: Path) -> bool:
    """Tell whether a file never imported would count: anything but docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return any(
        not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        for node in tree.body
    )


def check(
    files: dict[str, dict[str, dict[str, int]]],
    packages: list[Path],
    minimum: float,
    strict: set[Path],
) -> tuple[int, list[tuple[str, str]]]:
    """Check every module of the packages; return how many, and the failures.

    The strict files found are taken out of `strict`.
    """
    measured = line_coverage(files)
    by_path = {Path(name).resolve(): data for name, data in files.items()}
    root = Path.cwd().resolve()
    checked = 0
    failures: list[tuple[str, str]] = []
    for package in packages:
        if not package.is_dir():
            print(f"coverage: {package}/ does not exist, skipped")
            continue
        for path in sorted(package.resolve().rglob("*.py")):
            checked += 1
            name = str(path.relative_to(root))
            is_strict = path in strict
            strict.discard(path)
            if path in measured and is_strict:
                if (missing := uncovered(by_path[path])) is not None:
                    failures.append((name, missing))
            elif path in measured:
                percent = measured[path]
                if percent < minimum:
                    failures.append((name, f"{percent:.1f} %"))
            elif has_statements(path):
                failures.append((name, "never imported"))
    return checked, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("packages", nargs="+", type=Path)
    parser.add_argument("--min", type=float, default=95.0, dest="minimum")
    parser.add_argument(
        "--strict",
        type=Path,
        action="append",
        default=[],
        help="a file that needs 100 %% line and branch coverage (repeatable)",
    )
    args = parser.parse_args()

    files = json.loads(args.report.read_text(encoding="utf-8"))["files"]
    strict = {path.resolve() for path in args.strict}
    checked, failures = check(files, args.packages, args.minimum, strict)
    root = Path.cwd().resolve()
    failures.extend(
        (
            str(path.relative_to(root)),
            "given with --strict, but in none of the packages",
        )
        for path in sorted(strict)
    )
    if failures:
        print(f"coverage: modules under {args.minimum:g} % line coverage or not")
        print("fully covered though --strict:")
        width = max(len(name) for name, _ in failures)
        for name, what in failures:
            print(f"  {name:<{width}}  {what}")
        return 1
    print(
        f"coverage: all {checked} modules at or above {args.minimum:g} % lines; "
        f"{len(args.strict)} of them at 100 % of lines and branches"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
