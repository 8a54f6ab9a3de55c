"""A sandbox that keeps what commands write (#13 item 12), a plain access token, ``--print-env``
and profiles (#13, "what users of the best tools expect")."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import lightspeed_pos as ls
from lightspeed_pos.cli import _context
from lightspeed_pos.cli._sandbox import run_server
from lightspeed_pos.errors import LoginRequiredError
from lightspeed_pos.sandbox import Sandbox, SandboxState

from .conftest import Invoke, small_sandbox


@pytest.fixture
def state_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "sandbox.state"
    monkeypatch.setenv("LIGHTSPEED_SANDBOX_STATE", str(path))
    monkeypatch.setattr(_context, "make_sandbox", small_sandbox)
    return path


def test_writes_persist_between_commands_until_reset(invoke: Invoke, state_file: Path) -> None:
    created = invoke("--sandbox", "create", "items", "-d", '{"description": "Kept"}', "-f", "ndjson")
    assert created.exit_code == 0, created.stderr
    item_id = json.loads(created.stdout)["itemID"]
    got = invoke("--sandbox", "get", "items", str(item_id), "--fields", "description")
    assert json.loads(got.stdout) == {"description": "Kept"}
    assert state_file.exists() and oct(state_file.stat().st_mode & 0o777) == "0o600"

    reset = invoke("sandbox", "reset")
    assert reset.exit_code == 0 and f"Removed {state_file}" in reset.stdout
    gone = invoke("--sandbox", "get", "items", str(item_id))
    assert gone.exit_code == 1 and "404" in gone.stderr
    assert "Nothing to reset" in invoke("sandbox", "reset").stdout


def test_a_read_leaves_the_state_file_alone(invoke: Invoke, state_file: Path) -> None:
    assert invoke("--sandbox", "list", "items", "-n", "1", "-f", "ndjson").exit_code == 0
    assert not state_file.exists()  # nothing written: the seeded store is made again alike
    assert invoke("--sandbox", "create", "items", "-d", '{"description": "x"}').exit_code == 0
    first = state_file.stat().st_mtime_ns
    assert invoke("--sandbox", "list", "items", "-n", "1", "-f", "ndjson").exit_code == 0
    assert state_file.stat().st_mtime_ns == first


def test_a_state_from_another_version_asks_for_a_reset(invoke: Invoke, state_file: Path) -> None:
    state_file.parent.mkdir(parents=True)
    state_file.write_bytes(b"lightspeed-pos sandbox state 1 0.0.1\n...")
    result = invoke("--sandbox", "list", "items")
    assert result.exit_code == 1
    assert "is not a sandbox state of this version; run `lightspeed sandbox reset`" in result.stderr


def test_sandbox_state_off_keeps_nothing(invoke: Invoke, state_file: Path) -> None:
    made = invoke("--sandbox-state", "off", "--sandbox", "create", "items", "-d", '{"description": "x"}')
    assert made.exit_code == 0, made.stderr
    assert not state_file.exists()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Sandbox, list[str]]]:
    """``sandbox serve --print-env`` on the test's state file, in a thread."""
    sandbox = Sandbox(items=20, time_scale=50, state=tmp_path / "data" / "sandbox.state")
    stop = threading.Event()
    env: list[str] = []
    banner: list[str] = []
    thread = threading.Thread(
        target=run_server,
        args=(sandbox, 0, banner.append, stop),
        kwargs={"print_env": env.append, "save_every": 0.05},
    )
    thread.start()
    while not env and thread.is_alive():
        stop.wait(0.01)
    yield sandbox, env
    stop.set()
    thread.join(10)


def test_sandbox_commands_use_a_running_serve(
    invoke: Invoke, state_file: Path, served: tuple[Sandbox, list[str]]
) -> None:
    sandbox, _ = served
    assert sandbox.state is not None and sandbox.state.served() is not None
    made = invoke("--sandbox", "create", "items", "-d", '{"description": "Over HTTP"}', "-f", "ndjson")
    assert made.exit_code == 0, made.stderr
    item_id = json.loads(made.stdout)["itemID"]
    with sandbox.client() as client:  # the served sandbox has it
        assert client.account(sandbox.account_id).items.find(item_id).attributes["description"] == "Over HTTP"
    whoami = invoke("--sandbox", "whoami")
    assert "the sandbox served on http://127.0.0.1:" in whoami.stdout


def test_serve_saves_and_withdraws_on_stop(tmp_path: Path) -> None:
    path = tmp_path / "kept.state"
    sandbox = Sandbox(items=5, state=path)
    stop = threading.Event()
    thread = threading.Thread(target=run_server, args=(sandbox, 0, lambda line: None, stop))
    thread.start()
    state = SandboxState(path)
    while state.served() is None and thread.is_alive():
        stop.wait(0.01)
    with sandbox.client() as client:
        client.account(sandbox.account_id).items.create({"description": "Saved at stop"})
    stop.set()
    thread.join(10)
    assert state.served() is None
    again = Sandbox(items=5, state=path)
    with again.client() as client:
        assert client.account(again.account_id).items.find(6).attributes["description"] == "Saved at stop"


def test_print_env_lines_work_with_a_plain_token(invoke: Invoke, served: tuple[Sandbox, list[str]]) -> None:
    _, lines = served
    env = dict(line.removeprefix("export ").split("=", 1) for line in lines)
    assert set(env) == {
        "LIGHTSPEED_BASE_URL",
        "LIGHTSPEED_AUTH_URL",
        "LIGHTSPEED_CLIENT_ID",
        "LIGHTSPEED_CLIENT_SECRET",
        "LIGHTSPEED_ACCOUNT_ID",
        "LIGHTSPEED_ACCESS_TOKEN",
    }
    listed = invoke("list", "items", "-n", "2", "-f", "ndjson", "--fields", "itemID", env=env)
    assert listed.exit_code == 0, listed.stderr
    assert [json.loads(line)["itemID"] for line in listed.stdout.splitlines()] == [1, 2]
    whoami = invoke("whoami", env=env)
    assert "a plain access token" in whoami.stdout
    token = env["LIGHTSPEED_ACCESS_TOKEN"]
    flagged = invoke("--token", token, "--base-url", env["LIGHTSPEED_BASE_URL"], "accounts", "-f", "ndjson")
    assert flagged.exit_code == 0 and "Bluebird Market" in flagged.stdout
    assert token not in invoke("config", env=env).stdout  # a secret: shown as ***


def test_access_token_in_python() -> None:
    sandbox = Sandbox(items=3)
    holder = ls.AccessToken(sandbox.issue_tokens().access_token)
    assert repr(holder) == "<AccessToken ***>"
    with ls.Client(oauth_token_holder=holder, transport=sandbox.transport()) as client:
        assert client.account(sandbox.account_id).items.count() == 3
    with (
        ls.Client(oauth_token_holder=ls.AccessToken("expired"), transport=sandbox.transport()) as client,
        pytest.raises(LoginRequiredError, match="cannot be refreshed"),
    ):
        client.account(sandbox.account_id).items.first()
    with pytest.raises(ValueError):
        ls.AccessToken("")


# profiles ----------------------------------------------------------------------------------------------


def test_profiles_for_several_stores(invoke: Invoke, clean_environment: Path) -> None:
    clean_environment.write_text(
        'client_id = "shared-app"\naccount_id = "1"\n\n'
        '[profiles.downtown]\naccount_id = "100001"\n\n[profiles.uptown]\naccount_id = "100002"\n'
    )
    base = invoke("config")
    assert "account_id     1 " in base.stdout
    downtown = invoke("--profile", "downtown", "config")
    assert "account_id     100001" in downtown.stdout and "[profiles.downtown]" in downtown.stdout
    assert "client_id      shared-app" in downtown.stdout
    uptown = invoke("config", env={"LIGHTSPEED_PROFILE": "uptown"})
    assert "account_id     100002" in uptown.stdout
    missing = invoke("--profile", "nope", "config")
    assert (
        missing.exit_code == 1
        and "no profile 'nope'" in missing.stderr
        and "profiles: downtown, uptown" in missing.stderr
    )
