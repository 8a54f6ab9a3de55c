"""Every benchmark runs once at a tiny size and writes well-formed results (no timing asserts)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from benchmarks.__main__ import SUITES, run_all


def test_every_benchmark_runs_and_writes_well_formed_results(tmp_path: Path) -> None:
    json_path, md_path = tmp_path / "results.json", tmp_path / "benchmarks.md"
    rows = run_all("tiny", list(SUITES), json_path, md_path)
    written = json.loads(json_path.read_text())
    assert written["size"] == "tiny"
    assert len(written["rows"]) == len(rows)
    sections = {row["section"] for row in written["rows"]}
    assert {"Rate-limit efficiency", "Client overhead (limit off)", "Memory while iterating"} <= sections
    for row in written["rows"]:
        assert isinstance(row["value"], float | int) and math.isfinite(row["value"]) and row["value"] >= 0
        assert row["passed"] in (True, False, None)
        assert (row["target"] is None) == (row["passed"] is None)
    efficiency = [row for row in written["rows"] if row["section"] == "Rate-limit efficiency"]
    assert {row["client"] for row in efficiency} == {
        "lightspeed-pos",
        "gem policy",
        "naive (Retry-After only)",
    }
    assert all(row["details"]["requests"] > 0 for row in efficiency)
    markdown = md_path.read_text()
    assert (
        markdown.startswith("# Benchmarks") and markdown.count("| lightspeed-pos |") == len(efficiency) // 3
    )
