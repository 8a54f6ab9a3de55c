"""What the benchmark runner decides: a real FAIL exits non-zero; the charts are drawn."""

from __future__ import annotations

import sys
from pathlib import Path

import benchmarks.__main__ as runner
import pytest
from benchmarks._harness import Row, write_results


def fake_suite(passed: bool | None) -> list[Row]:
    row = Row("S", "scenario", "client", "figure", 1.0, {"k": 1})
    if passed is not None:
        row.target, row.passed = ">= 2", passed
    return [row]


@pytest.mark.parametrize(("passed", "code"), [(True, 0), (None, 0), (False, 1)])
def test_a_failed_target_exits_non_zero(
    passed: bool | None, code: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(runner.SUITES, "fake", lambda size: fake_suite(passed))
    argv = ["benchmarks", "--only", "fake", "--json", str(tmp_path / "r.json")]
    monkeypatch.setattr(sys, "argv", [*argv, "--markdown", str(tmp_path / "b.md")])
    if code:
        with pytest.raises(SystemExit) as exited:
            runner.main()
        assert exited.value.code == code
    else:
        runner.main()


def test_an_unknown_suite_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="unknown suite"):
        runner.run_all("tiny", ["nope"], tmp_path / "r.json", tmp_path / "b.md")


def test_the_suites_are_a_list_of_modules() -> None:
    assert [module.NAME for module in runner.MODULES] == list(runner.SUITES)
    assert all(callable(module.run) for module in runner.MODULES)


def test_charts_are_drawn_and_embedded(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from benchmarks import charts

    levels = [(0.1 * n, float(min(n, 90))) for n in range(50)]
    rows = [
        Row("Rate-limit efficiency", charts.LEVEL_SCENARIO, client, "t_min / achieved", 0.9)
        for client in ("lightspeed-pos", "gem policy", "naive (Retry-After only)")
    ]
    for row in rows:
        row.series = {"levels": levels, "bucket_size": 90.0}
    overhead = Row("Client overhead: minimal server", "pages", "raw", "req/s ÷ raw", 1.0)
    overhead.series = {"ratios": [1.0, 1.0, 1.0], "cpu_ms": [0.8, 0.9, 1.0]}
    drawn = charts.draw([*rows, overhead], tmp_path)
    assert [name for _, name in drawn] == [charts.BUCKET_CHART, charts.EFFICIENCY_CHART, charts.CPU_CHART]
    for _, name in drawn:
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
    md = tmp_path / "benchmarks.md"
    write_results(rows, size="tiny", json_path=tmp_path / "r.json", md_path=md, charts=drawn)
    assert f"]({charts.BUCKET_CHART})" in md.read_text()
