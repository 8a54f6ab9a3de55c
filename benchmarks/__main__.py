"""``python -m benchmarks [--size full|tiny] [--only ratelimit,overhead,...]``: run, write, print.

Exits 1 when a target that applies at the run's size is missed (a FAIL), 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from . import charts, memory, overhead, ratelimit, shared, stores, sync
from ._harness import RESULTS_JSON, RESULTS_MD, Row, conditions, write_results

MODULES: list[ModuleType] = [ratelimit, overhead, memory, stores, shared, sync]
"""The suites, in the order they run: each module has ``NAME`` and ``run(size) -> list[Row]``.
A new suite is one module appended here."""

SUITES: dict[str, Callable[[str], list[Row]]] = {module.NAME: module.run for module in MODULES}


def run_all(
    size: str, only: list[str], json_path: Path, md_path: Path, *, draw: bool | None = None
) -> list[Row]:
    """Run the chosen suites, draw the charts (``draw``: by default only when writing the real
    ``docs/benchmarks.md``) and write the rows to ``json_path`` and ``md_path``."""
    unknown = [name for name in only if name not in SUITES]
    if unknown:
        raise SystemExit(f"unknown suite(s): {', '.join(unknown)} (known: {', '.join(SUITES)})")
    before = conditions()
    rows = [row for name in only for row in SUITES[name](size)]
    if draw is None:
        draw = md_path.resolve() == RESULTS_MD.resolve()
    drawn = charts.draw(rows, md_path.parent) if draw else []
    write_results(rows, size=size, json_path=json_path, md_path=md_path, charts=drawn, before=before)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--size", choices=["full", "tiny"], default="full")
    parser.add_argument("--only", default=",".join(SUITES), help="comma-separated suites")
    parser.add_argument("--json", type=Path, default=RESULTS_JSON)
    parser.add_argument("--markdown", type=Path, default=RESULTS_MD)
    args = parser.parse_args()
    rows = run_all(args.size, args.only.split(","), args.json, args.markdown)
    sys.stdout.write(args.markdown.read_text())
    passed = sum(row.passed is True for row in rows)
    failed = [row for row in rows if row.passed is False]
    sys.stdout.write(
        f"{len(rows)} figures, {passed} PASS, {len(failed)} FAIL; "
        f"written to {args.json} and {args.markdown}\n"
    )
    for row in failed:
        where = f"{row.section} / {row.scenario} / {row.client}"
        sys.stdout.write(f"FAIL: {where}: {row.value:.4g} ({row.target})\n")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
