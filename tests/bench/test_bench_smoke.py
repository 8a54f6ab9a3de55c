"""Every benchmark runs once at a tiny size and writes well-formed results (no timing asserts)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from benchmarks.__main__ import SUITES, run_all


@pytest.mark.timeout(360)  # every suite at tiny size, each in processes of its own: a minute, more under load
def test_every_benchmark_runs_and_writes_well_formed_results(tmp_path: Path) -> None:
    json_path, md_path = tmp_path / "results.json", tmp_path / "benchmarks.md"
    rows = run_all("tiny", list(SUITES), json_path, md_path)
    written = json.loads(json_path.read_text())
    assert written["size"] == "tiny" and written["load_average_before"] and written["json_parser"]
    assert len(written["rows"]) == len(rows)
    sections = {row["section"] for row in written["rows"]}
    assert {
        "Rate-limit efficiency",
        "Client overhead: minimal server in its own process (limit never reached)",
        "Client overhead: in-process sandbox (its own work added to both sides)",
        "Read time of one 100-item page",
        "Memory while iterating",
        "Stores per core (accounts at drip 1/s, one process)",
    } <= sections
    for row in written["rows"]:
        assert isinstance(row["value"], float | int) and math.isfinite(row["value"]) and row["value"] >= 0
        assert row["passed"] in (True, False, None)
        assert (row["target"] is None) == (row["passed"] is None)
    # at the tiny size only the targets that mean something apply, and they hold
    assert not [row for row in written["rows"] if row["passed"] is False]
    applied = {(row["section"], row["target"]) for row in written["rows"] if row["target"]}
    assert ("Rate-limit efficiency", "0 x 429") in applied
    assert not any(target.startswith(">= 0.9") for _, target in applied)  # no timed target
    efficiency = [row for row in written["rows"] if row["section"] == "Rate-limit efficiency"]
    assert {row["client"] for row in efficiency} == {
        "lightspeed-pos",
        "gem policy",
        "naive (Retry-After only)",
    }
    assert all(row["details"]["requests"] > 0 for row in efficiency)
    assert all(row["value"] <= 1.0 for row in efficiency)  # t_min is a lower bound, for any client
    overhead = [row for row in written["rows"] if row["section"].startswith("Client overhead: minimal")]
    modes = [row for row in overhead if "÷" not in row["client"]]
    assert len(modes) == 7 and all(row["details"]["runs"] >= 3 for row in modes)
    assert all("-" in row["details"]["spread"] for row in overhead)
    assert any("transport_floor" in row["details"] for row in overhead)
    markdown = md_path.read_text()
    assert (
        markdown.startswith("# Benchmarks") and markdown.count("| lightspeed-pos |") == len(efficiency) // 3
    )
    assert "load average" in markdown and "## How each figure is measured" in markdown
