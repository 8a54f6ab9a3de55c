"""``python -m benchmarks [--size full|tiny] [--only ratelimit,overhead,memory]``: run, write, print."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from . import memory, overhead, ratelimit, sync
from ._harness import RESULTS_JSON, RESULTS_MD, Row, write_results

SUITES: dict[str, Callable[[str], list[Row]]] = {
    "ratelimit": ratelimit.run,
    "overhead": overhead.run,
    "memory": memory.run,
    "sync": sync.run,
}


def run_all(size: str, only: list[str], json_path: Path, md_path: Path) -> list[Row]:
    """Run the chosen suites and write their rows to ``json_path`` and ``md_path``."""
    rows = [row for name in only for row in SUITES[name](size)]
    write_results(rows, size=size, json_path=json_path, md_path=md_path)
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
    failed = sum(row.passed is False for row in rows)
    sys.stdout.write(
        f"{len(rows)} figures, {passed} PASS, {failed} FAIL; written to {args.json} and {args.markdown}\n"
    )


if __name__ == "__main__":
    main()
