"""`make demo` runs end to end (at a small size, so the test stays quick)."""

from __future__ import annotations

from pathlib import Path

from lightspeed_pos import demo


def test_demo_runs_and_never_trips_the_rate_limit(tmp_path: Path) -> None:
    said: list[str] = []
    summary = demo.run(150, tmp_path, said.append)
    assert summary["refused_by_rate_limit"] == 0
    assert summary["items"] > 0 and summary["sales"] > 0
    assert summary["stores_read_concurrently"] == 5
    items_csv, sales_ndjson = (Path(p) for p in summary["exports"])
    assert items_csv.read_text().count("\n") == summary["items"] + 1
    assert sales_ndjson.read_text().count("\n") == summary["sales"]
    assert any("Created sale" in str(line) for line in said)
    synced = summary["sync"]
    assert Path(synced["database"]).exists() and synced["rows"] > summary["items"]
    assert synced["incremental_requests"] == 3  # one listing per stream when nothing changed
    assert len(synced["best_sellers"]) == 5
    sold = [row[2] for row in synced["best_sellers"]]
    assert sold == sorted(sold, reverse=True) and sold[0] > 0
