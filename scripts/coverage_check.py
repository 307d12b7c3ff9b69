"""Fail when any module of the given packages has too little line coverage.

    python scripts/coverage_check.py COVERAGE_JSON [--min 95] PACKAGE_DIR...

COVERAGE_JSON is the output of `coverage json`. Every .py file under each
PACKAGE_DIR counts, also those the tests never imported (0 % unless it has
no statements). Coverage is per file: covered lines / statements, excluded
lines not counted; branch coverage is reported by pytest-cov, not gated here.
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


def has_statements(path: Path) -> bool:
    """Tell whether a file never imported would count: anything but docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return any(
        not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        for node in tree.body
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("packages", nargs="+", type=Path)
    parser.add_argument("--min", type=float, default=95.0, dest="minimum")
    args = parser.parse_args()

    files = json.loads(args.report.read_text(encoding="utf-8"))["files"]
    measured = line_coverage(files)
    root = Path.cwd().resolve()

    checked = 0
    failures: list[tuple[str, str]] = []
    for package in args.packages:
        if not package.is_dir():
            print(f"coverage: {package}/ does not exist, skipped")
            continue
        for path in sorted(package.resolve().rglob("*.py")):
            checked += 1
            name = str(path.relative_to(root))
            if path in measured:
                percent = measured[path]
                if percent < args.minimum:
                    failures.append((name, f"{percent:.1f} %"))
            elif has_statements(path):
                failures.append((name, "never imported"))

    if failures:
        print(f"coverage: modules under {args.minimum:g} % line coverage:")
        width = max(len(name) for name, _ in failures)
        for name, what in failures:
            print(f"  {name:<{width}}  {what}")
        return 1
    print(f"coverage: all {checked} modules at or above {args.minimum:g} % lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
