"""The command line and the sandbox as a user meets them (#13): one test per defect."""

from __future__ import annotations

import json
import os
import pydoc
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import typer.main

import lightspeed_pos
from lightspeed_pos._children import Child
from lightspeed_pos.cli import _context, build_app
from lightspeed_pos.cli._resources import resolve_resource, resource_names
from lightspeed_pos.errors import NotFoundError
from lightspeed_pos.models.account import Account
from lightspeed_pos.sandbox import Sandbox

from .conftest import Invoke, small_sandbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared_sandbox(monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    """One sandbox behind every ``--sandbox`` command of a test (as a served one would be)."""
    sandbox = small_sandbox()
    monkeypatch.setattr(_context, "make_sandbox", lambda: sandbox)
    return sandbox


# 1. sandbox serve: ordinary mistakes are one line, exit 2 -------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "80000"], "Invalid value for '--port'"),
        (["--items", "0"], "Invalid value for '--items'"),
        (["--accounts", "0"], "Invalid value for '--accounts'"),
        (["--time-scale", "0"], "Invalid value for '--time-scale': 0 is not a positive number"),
        (["--token-lifetime", "-1"], "Invalid value for '--token-lifetime'"),
    ],
)
def test_sandbox_serve_rejects_bad_options_in_one_line(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke("sandbox", "serve", *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_sandbox_serve_on_a_port_in_use_says_so(invoke: Invoke) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("sandbox", "serve", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: Invalid value for '--port': port {port} is in use; try --port 0 for a free one "
        "(see `lightspeed sandbox serve --help`)"
    )


def test_the_smallest_sandboxes_seed() -> None:
    for items in (1, 2):
        with Sandbox(items=items).client() as client:
            assert client.account(100001).items.count() == items


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"items": 0}, "items must be a whole number of at least 1, not 0"),
        ({"accounts": 0}, "accounts must be a whole number of at least 1, not 0"),
        ({"time_scale": 0}, "time_scale must be a positive number, not 0"),
        ({"drip_rate": float("nan")}, "drip_rate must be a positive number, not nan"),
    ],
)
def test_sandbox_in_python_rejects_bad_settings(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Sandbox(**options)


# 2. the console script works after a plain install ---------------------------------------------------


def test_the_command_line_stack_is_a_core_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = " ".join(project["dependencies"])
    assert "typer" in core and "rich" in core
    assert project["scripts"]["lightspeed"] == "lightspeed_pos.cli:main"
    assert "uvicorn" in " ".join(project["optional-dependencies"]["sandbox"])
    readme = (ROOT / "README.md").read_text()
    for extra in ("`sandbox`", "`keyring`", "`dev`"):
        assert f"| {extra} |" in readme


def test_serving_without_uvicorn_names_the_extra(monkeypatch: pytest.MonkeyPatch, invoke: Invoke) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    missing = pytest.raises(ModuleNotFoundError, match=re.escape("pip install 'lightspeed-pos[sandbox]'"))
    with missing, Sandbox(items=1).serve():
        pass
    result = invoke("sandbox", "serve", "--port", "0")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: serving the sandbox on a socket needs uvicorn: pip install 'lightspeed-pos[sandbox]'\n"
    )


# 3. a closed pipe is silent --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "{cli} --sandbox resources | head -1",
        "{cli} --sandbox list items --format csv | head -2",
        "{cli} --sandbox list items --format ndjson | head -1",
    ],
)
def test_a_closed_pipe_ends_silently_with_status_0(command: str) -> None:
    cli = f"{sys.executable} -m lightspeed_pos.cli"
    shell = f"set -o pipefail; {command.format(cli=cli)}"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout


# 4. archived records read as the API reads them ------------------------------------------------------


def test_get_and_find_return_an_archived_record(invoke: Invoke, shared_sandbox: Sandbox) -> None:
    assert invoke("--sandbox", "archive", "items", "25").exit_code == 0
    got = invoke("--sandbox", "get", "items", "25")
    assert got.exit_code == 0, got.stderr
    assert json.loads(got.stdout)["archived"] is True
    with shared_sandbox.client() as client:
        assert client.account(100001).items.find(25).attributes["archived"] == "true"
        with pytest.raises(NotFoundError):
            client.account(100001).items.find(99999)
    listed = invoke("--sandbox", "list", "items", "-w", "itemID=25", "-f", "ndjson")
    assert listed.stdout == ""  # a listing leaves archived records out unless --archived
    archived = invoke("--sandbox", "list", "items", "-w", "itemID=25", "--archived", "-f", "ndjson")
    assert json.loads(archived.stdout)["itemID"] == 25


@pytest.mark.parametrize(
    ("where", "option"), [("archived=true", "--archived"), ("sort=itemID", "--sort"), ("limit=5", "--limit")]
)
def test_where_on_an_option_speaks_cli(invoke: Invoke, where: str, option: str) -> None:
    result = invoke("--sandbox", "list", "items", "--where", where)
    assert result.exit_code == 1
    assert f"is not a field; use {option} instead" in result.stderr and "Query(" not in result.stderr


def test_query_errors_speak_cli(invoke: Invoke) -> None:
    result = invoke("--sandbox", "list", "items", "--where", "itemID~1%")
    assert result.stderr.strip() == (
        "Error: itemID is an integer field: ~ and !~ apply to string fields; "
        "use =, >, <, >< or =IN[...] instead"
    )


# 5. the same names as Python, every readable collection ---------------------------------------------


def account_collections() -> dict[str, str]:
    return {attr: member.name for attr, member in vars(Account).items() if isinstance(member, Child)}


def test_cli_names_are_the_python_names() -> None:
    collections = account_collections()
    names = set(resource_names())
    assert set(collections) <= names
    for attr, row in collections.items():
        assert resolve_resource(attr).name == row
    assert resolve_resource("inventory_transfers").name == "InventoryTransfer"
    assert resolve_resource("transfers").name == "Transfer"
    assert {"accounts", "locale", "customers.custom_fields", "items.custom_fields"} <= names


@pytest.mark.parametrize(
    "name",
    [
        "inventory_transfers",
        "discounts_by_day",
        "taxes_by_day",
        "display_sale",
        "customers.custom_fields",
        "locale",
        "InventoryTransfer",
    ],
)
def test_reports_templates_and_nested_names_are_reachable(invoke: Invoke, name: str) -> None:
    result = invoke("--sandbox", "list", name, "-f", "json", "-n", "3")
    assert result.exit_code == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


# 6. --fields on every command; unknown fields are errors ----------------------------------------------


def test_fields_on_every_command(invoke: Invoke, shared_sandbox: Sandbox, tmp_path: Path) -> None:
    got = invoke("--sandbox", "get", "items", "3", "--fields", "itemID,description")
    assert json.loads(got.stdout) == {"itemID": 3, "description": "Classic T-Shirt Red L"}
    made = invoke("--sandbox", "create", "customers", "-d", '{"firstName": "Ada"}', "--fields", "firstName")
    assert json.loads(made.stdout) == {"firstName": "Ada"}
    changed = invoke(
        "--sandbox", "update", "customers", "2", "-d", '{"lastName": "L"}', "--fields", "lastName"
    )
    assert json.loads(changed.stdout) == {"lastName": "L"}
    gone = invoke("--sandbox", "archive", "customers", "2", "--fields", "archived", "-f", "ndjson")
    assert json.loads(gone.stdout) == {"archived": True}
    csv_out = invoke("--sandbox", "list", "items", "-n", "2", "-f", "csv", "--fields", "itemID,Category.name")
    assert csv_out.exit_code == 0, csv_out.stderr
    exported = invoke("--sandbox", "export", "shops", "--out", str(tmp_path), "--fields", "shopID,name")
    assert exported.exit_code == 0, exported.stderr
    first = json.loads((tmp_path / "shops.ndjson").read_text().splitlines()[0])
    assert set(first) == {"shopID", "name"}


def test_fields_reach_into_nested_objects(invoke: Invoke) -> None:
    result = invoke(
        "--sandbox",
        "get",
        "items",
        "1",
        "-r",
        "Category",
        "--fields",
        "itemID,Category.name,Category.categoryID",
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["itemID"] == 1 and set(record["Category"]) == {"name", "categoryID"}
    assert isinstance(record["Category"]["categoryID"], int)


@pytest.mark.parametrize(
    "command", [["list", "items"], ["get", "items", "1"], ["list", "items", "-f", "csv"]]
)
def test_an_unknown_field_is_an_error_that_names_the_fields(invoke: Invoke, command: list[str]) -> None:
    result = invoke("--sandbox", *command, "--fields", "itemID,nope")
    assert result.exit_code == 1
    assert "Error: unknown field 'nope' for items; its fields: itemID, systemSku" in result.stderr


# 7. one record is an object; real JSON types ---------------------------------------------------------


def test_get_prints_one_object_with_real_types(invoke: Invoke) -> None:
    record = json.loads(invoke("--sandbox", "get", "items", "1").stdout)
    assert isinstance(record, dict)
    assert (
        record["itemID"] == 1
        and record["archived"] is False
        and isinstance(record["defaultCost"], int | float)
    )
    wire = json.loads(invoke("--sandbox", "get", "items", "1", "--wire").stdout)
    assert wire["itemID"] == "1" and wire["archived"] == "false"


def test_ndjson_has_real_types_and_nulls(invoke: Invoke) -> None:
    result = invoke("--sandbox", "list", "customers", "-n", "5", "-f", "ndjson")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(isinstance(r["customerID"], int) for r in records)
    assert all(r["dob"] is None or isinstance(r["dob"], str) for r in records)


# 10. one rule for errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "items", "--limit", "0"],
        ["list", "items", "--bogus"],
        ["nope"],
        ["get", "items", "x"],
    ],
)
def test_usage_errors_are_one_line_and_exit_2(invoke: Invoke, args: list[str]) -> None:
    result = invoke("--sandbox", *args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "--help`)" in result.stderr and "╭" not in result.stderr


def test_the_error_rule_is_documented() -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    assert "| a usage error (unknown option, bad value, missing argument) |" in text


# 11. the smaller ones ----------------------------------------------------------------------------------


def all_commands() -> list[list[str]]:
    group: Any = typer.main.get_command(build_app())
    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(group, [])
    return found


def test_help_shows_no_python_types(invoke: Invoke) -> None:
    for path in all_commands():
        result = invoke(*path, "--help")
        assert result.exit_code == 0, (path, result.stderr)
        for python_type in ("<bool>", "list[str]", "int range", "<int>", "<float>", "<str>", "<path>"):
            assert python_type not in result.stdout.lower(), (path, python_type)


def test_whoami_on_the_sandbox_says_it_is_the_sandbox(invoke: Invoke) -> None:
    result = invoke("--sandbox", "whoami")
    assert result.exit_code == 0, result.stderr
    assert "the in-process sandbox" in result.stdout


def test_locale_repr_names_once() -> None:
    with small_sandbox().client() as client:
        assert repr(client.locale()) == "<Locale name='en_US'>"


def test_not_logged_in_is_one_message(invoke: Invoke, tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    whoami = invoke("--client-id", "x", "--token-file", str(tokens), "whoami")
    listed = invoke("--client-id", "x", "--token-file", str(tokens), "list", "items")
    for result in (whoami, listed):
        assert result.exit_code == 1
        assert f"not logged in (no tokens in {tokens})" in result.stderr


def test_the_version_matches_the_changelog(invoke: Invoke) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert lightspeed_pos.__version__ == version
    assert invoke("--version").stdout == f"lightspeed {version}\n"
    assert invoke("-V").stdout == f"lightspeed {version}\n"
    changelog = (ROOT / "CHANGELOG.md").read_text()
    released = f"## [{version}]" in changelog
    assert released or ".dev" in version, "a release version needs its CHANGELOG section"


def test_short_help_and_completion(invoke: Invoke) -> None:
    assert invoke("-h").exit_code == 0 and "Usage:" in invoke("-h").stdout
    assert "--install-completion" in invoke("--help").stdout
    env = {
        **os.environ,
        "_LIGHTSPEED_COMPLETE": "complete_bash",
        "COMP_WORDS": "lightspeed ex",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from lightspeed_pos.cli import main; sys.argv[0] = 'lightspeed'; main()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "export" in done.stdout, done.stderr


def test_the_demo_summary_stays_one_line_when_piped() -> None:
    source = (ROOT / "src" / "lightspeed_pos" / "demo.py").read_text()
    assert "soft_wrap=True" in source


# the pager --------------------------------------------------------------------------------------------


def test_long_output_goes_through_the_pager(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    paged: list[str] = []
    monkeypatch.setattr(pydoc, "pager", paged.append)
    result = invoke("--sandbox", "list", "items", "--pager", "-n", "30")
    assert result.exit_code == 0, result.stderr
    assert len(paged) == 1 and "Classic T-Shirt" in paged[0] and result.stdout == ""
    plain = invoke("--sandbox", "list", "items", "-n", "30")
    assert "Classic T-Shirt" in plain.stdout and len(paged) == 1  # not a terminal: no pager


# 9. the sdist holds what `make test` needs --------------------------------------------------------------


def test_the_sdist_holds_what_make_test_needs() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = set(pyproject["tool"]["hatch"]["build"]["targets"]["sdist"]["include"])
    makefile = (ROOT / "Makefile").read_text()
    checked = re.search(r"ruff check (.+)", makefile)
    assert checked is not None
    needed = {*checked.group(1).split(), *pyproject["tool"]["mypy"]["files"], "Makefile", "docs", "README.md"}
    assert needed <= include, needed - include
