"""``export``: every format, progress, and an interrupted export resumed with nothing lost or doubled."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from lightspeed_pos._catalog import catalog
from lightspeed_pos.cli import _export_cmd
from lightspeed_pos.cli._export import ExportState, ResourceExport

from .conftest import Invoke, small_sandbox


def sandbox_ids(attr: str) -> list[int]:
    with small_sandbox().client() as client:
        collection = getattr(client.account(100001), attr)
        return [record.id for record in collection.each()]


def ids_in(path: Path, fmt: str, id_field: str) -> list[int]:
    text = path.read_text("utf-8")
    if fmt == "json":
        return [int(r[id_field]) for r in json.loads(text)]
    if fmt == "ndjson":
        return [int(json.loads(line)[id_field]) for line in text.splitlines()]
    return [int(row[id_field]) for row in csv.DictReader(text.splitlines())]


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "json"])
def test_export_every_format(invoke: Invoke, tmp_path: Path, fmt: str) -> None:
    result = invoke("--sandbox", "export", "items", "shops", "--out", str(tmp_path), "-f", fmt)
    assert result.exit_code == 0, result.stderr
    assert ids_in(tmp_path / f"items.{fmt}", fmt, "itemID") == sandbox_ids("items")
    assert ids_in(tmp_path / f"shops.{fmt}", fmt, "shopID") == sandbox_ids("shops")
    assert f"Exported {len(sandbox_ids('items'))} items to {tmp_path / f'items.{fmt}'}" in result.stdout
    state = ExportState.load(tmp_path / f"items.{fmt}.export-state.json")
    assert state is not None and state.complete and state.offset == (tmp_path / f"items.{fmt}").stat().st_size


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "json"])
def test_interrupted_export_resumes_with_nothing_lost_or_duplicated(
    invoke: Invoke, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / f"items.{fmt}"

    def stop_after_two_pages(resource: str, state: ExportState) -> None:
        if state.pages == 2:
            with data.open("ab") as out:  # half a page written after the last commit
                out.write(b'{"itemID": "999", "torn')
            raise KeyboardInterrupt

    monkeypatch.setattr(_export_cmd, "after_page", stop_after_two_pages)
    args = ("--sandbox", "export", "items", "--out", str(tmp_path), "-f", fmt, "--page-size", "25")
    first = invoke(*args)
    assert first.exit_code == 130
    assert "Interrupted: 50 items saved" in first.stderr and "Traceback" not in first.stderr
    saved = ExportState.load(tmp_path / f"items.{fmt}.export-state.json")
    expected = sandbox_ids("items")
    assert saved is not None and not saved.complete and saved.records == 50 and saved.last_id == expected[49]

    monkeypatch.setattr(_export_cmd, "after_page", lambda resource, state: None)
    second = invoke(*args)
    assert second.exit_code == 0, second.stderr
    assert f"items: resuming after 50 records (id {expected[49]})" in second.stderr
    assert ids_in(data, fmt, "itemID") == expected

    third = invoke(*args)
    assert third.exit_code == 0 and "items: already complete" in third.stderr
    assert ids_in(data, fmt, "itemID") == sandbox_ids("items")


def test_several_formats_into_one_folder_and_restart(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("--sandbox", "export", "shops", "--out", str(tmp_path), "-f", "csv,ndjson", "-f", "json")
    assert result.exit_code == 0, result.stderr
    for fmt in ("csv", "ndjson", "json"):
        assert ids_in(tmp_path / f"shops.{fmt}", fmt, "shopID") == sandbox_ids("shops")
        assert (tmp_path / f"shops.{fmt}.export-state.json").exists()
    again = invoke("--sandbox", "export", "shops", "--out", str(tmp_path), "-f", "csv", "--restart")
    assert again.exit_code == 0, again.stderr
    assert "already complete" not in again.stderr
    assert ids_in(tmp_path / "shops.csv", "csv", "shopID") == sandbox_ids("shops")
    bad = invoke("--sandbox", "export", "shops", "--out", str(tmp_path), "-f", "xml")
    assert bad.exit_code == 2 and "'xml' is not one of csv, ndjson, json" in bad.stderr


def test_export_does_not_overwrite_a_file_it_did_not_write(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "items.ndjson").write_text("mine\n")
    result = invoke("--sandbox", "export", "items", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "exists but has no export state" in result.stderr
    assert (tmp_path / "items.ndjson").read_text() == "mine\n"


def test_unsortable_resource_restarts_instead_of_resuming(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stop(resource: str, state: ExportState) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_export_cmd, "after_page", stop)
    args = (
        "--sandbox",
        "export",
        "tax_category_classes",
        "--out",
        str(tmp_path),
        "-f",
        "json",
        "--page-size",
        "1",
    )
    assert invoke(*args).exit_code == 130
    monkeypatch.setattr(_export_cmd, "after_page", lambda resource, state: None)
    assert invoke(*args).exit_code == 0
    exported = json.loads((tmp_path / "tax_category_classes.json").read_text())
    with small_sandbox().client() as client:
        expected = client.account(100001).tax_category_classes.all()
    assert [r["taxCategoryClassID"] for r in exported] == [
        r.attributes["taxCategoryClassID"] for r in expected
    ]


class NoRecords:
    def each_page(self, query: object, page_size: int) -> Iterator[list[object]]:
        return iter(())


@pytest.mark.parametrize(("fmt", "content"), [("json", "[]\n"), ("ndjson", ""), ("csv", "shopID,")])
def test_empty_export_is_still_valid(tmp_path: Path, fmt: str, content: str) -> None:
    job = ResourceExport(catalog().get("Shop"), NoRecords(), tmp_path, fmt)
    job.prepare()
    assert job.run().complete
    assert (tmp_path / f"shops.{fmt}").read_text().startswith(content)
