"""Every ``$ lightspeed ...`` line shown in docs/cli.md and the README runs, ends with the exit
status its shown output implies (``Error: ...`` -> 1, a usage error -> 2, ``Interrupted`` -> 130,
else 0) and never prints a traceback (#13, acceptance)."""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lightspeed_pos.cli import _context, _export_cmd
from lightspeed_pos.cli._export import ExportState
from lightspeed_pos.sandbox import Sandbox, ServedSandbox

from .conftest import Invoke
from .test_login import TypedLater, follow_authorize, printed_so_far

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ("docs/cli.md", "README.md")


def shown_commands(document: str) -> list[tuple[str, list[str], int]]:
    """``(line, argv, exit status)`` for each ``$ lightspeed`` line of the document's code blocks."""
    found: list[tuple[str, list[str], int]] = []
    lines = (ROOT / document).read_text().splitlines()
    for index, line in enumerate(lines):
        if not line.startswith("$ lightspeed"):
            continue
        output: list[str] = []
        for following in lines[index + 1 :]:
            if following.startswith(("$ ", "```")):
                break
            output.append(following)
        command = line[2:].split("    #", 1)[0].split(" > ", 1)[0]
        argv = shlex.split(command)[1:]
        found.append((line, argv, expected_status(output)))
    return found


WRITES = (["--sandbox", "create"], ["--sandbox", "update"], ["--sandbox", "archive"], ["sandbox", "reset"])


def writes_before(document: str, line: str) -> list[list[str]]:
    """The ``--sandbox`` writes and resets shown before ``line`` in the document, in order."""
    earlier: list[list[str]] = []
    for shown, argv, _ in shown_commands(document):
        if shown == line:
            break
        if argv[:2] in WRITES:
            earlier.append(argv)
    return earlier


def expected_status(output: list[str]) -> int:
    errors = [line for line in output if line.startswith("Error: ")]
    if any("Interrupted:" in line for line in output):
        return 130
    if errors:
        return 2 if "--help`)" in errors[-1] else 1
    return 0


COMMANDS = [(document, *shown) for document in DOCUMENTS for shown in shown_commands(document)]


def test_the_documents_show_commands() -> None:
    assert len([c for c in COMMANDS if c[0] == "docs/cli.md"]) >= 15
    assert len([c for c in COMMANDS if c[0] == "README.md"]) >= 5


def paste_redirect() -> str:
    url = next(line for line in printed_so_far().splitlines() if line.startswith("http"))
    return follow_authorize(url)


def interrupt_after_three_pages(resource: str, state: ExportState) -> None:
    if state.pages == 3:
        raise KeyboardInterrupt


def run_shown(
    invoke: Invoke, argv: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[int, str]:
    argv = [str(tmp_path / arg) if arg == "export-demo" else arg for arg in argv]
    if argv[:2] == ["sandbox", "serve"]:
        return serve_briefly(argv)
    stdin = io.BufferedReader(TypedLater(paste_redirect)) if "--no-browser" in argv else None
    if "--page-size" in argv and "export" in argv:
        monkeypatch.setattr(_export_cmd, "after_page", interrupt_after_three_pages)  # the shown Ctrl-C
    else:
        monkeypatch.setattr(_export_cmd, "after_page", lambda resource, state: None)
    result = invoke(*argv, input=stdin)
    return result.exit_code, result.stdout + result.stderr


def serve_briefly(argv: list[str]) -> tuple[int, str]:
    """``sandbox serve`` runs until Ctrl-C: start it (on a free port), see the banner, stop it."""
    argv = [arg if not re.fullmatch(r"\d{4,5}", arg) else "0" for arg in argv]
    command = [sys.executable, "-m", "lightspeed_pos.cli", *argv, "--fresh"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        first = server.stdout.readline()
        server.terminate()
        out, err = server.communicate(timeout=30)
    status = 0 if first.startswith(("Lightspeed sandbox listening on", "export LIGHTSPEED_")) else 1
    return status, first + out + err


@pytest.mark.parametrize(("document", "line", "argv", "status"), COMMANDS, ids=[c[1][2:60] for c in COMMANDS])
def test_a_shown_command_runs(
    invoke: Invoke,
    served: tuple[Sandbox, ServedSandbox],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    document: str,
    line: str,
    argv: list[str],
    status: int,
) -> None:
    monkeypatch.setenv("LIGHTSPEED_SANDBOX_STATE", str(tmp_path / "sandbox.state"))
    monkeypatch.setattr(_context, "make_sandbox", lambda state=None: Sandbox(time_scale=50, state=state))
    for earlier in writes_before(document, line):  # what the document did to the sandbox before
        assert run_shown(invoke, earlier, monkeypatch, tmp_path)[0] == 0, earlier
    if argv[:1] in (["whoami"], ["logout"]):  # the session shown: logged in first
        assert run_shown(invoke, ["login", "--no-browser"], monkeypatch, tmp_path)[0] == 0
        if status == 1:  # the whoami after the logout
            assert run_shown(invoke, ["logout"], monkeypatch, tmp_path)[0] == 0
    if "already complete" in line or (argv[-2:] == ["--format", "csv"] and "export" in argv):
        run_shown(invoke, [a for a in argv if a not in ("--page-size", "1")], monkeypatch, tmp_path)
    code, printed = run_shown(invoke, argv, monkeypatch, tmp_path)
    assert code == status, (line, printed)
    assert "Traceback" not in printed, (line, printed)
