"""The ``lightspeed`` command under typer's CliRunner, with a clean environment and a small sandbox."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, cast

import click.testing
import pytest
import typer.main
from typer.testing import CliRunner, Result

from lightspeed_pos.cli import _context, build_app
from lightspeed_pos.sandbox import Sandbox, SandboxState, ServedSandbox

SANDBOX_ITEMS = 120
"""Items in the sandbox behind ``--sandbox`` in these tests (every run seeds the same store)."""

Invoke = Callable[..., Result]


def small_sandbox(state: SandboxState | None = None) -> Sandbox:
    return Sandbox(items=SANDBOX_ITEMS, time_scale=50, state=state)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No LIGHTSPEED_* from the outside, an empty config file, a small deterministic sandbox."""
    for name in list(os.environ):
        if name.startswith("LIGHTSPEED_"):
            monkeypatch.delenv(name)
    config = tmp_path / "config.toml"
    config.write_text("")
    monkeypatch.setenv("LIGHTSPEED_CONFIG", str(config))
    monkeypatch.setenv("LIGHTSPEED_SANDBOX_STATE", "off")  # each command a fresh sandbox, unless a test says
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setattr(_context, "make_sandbox", small_sandbox)
    yield config


@pytest.fixture
def invoke() -> Invoke:
    """``invoke("--sandbox", "list", "items")``: a fresh app, stdout and stderr apart."""

    def run(*args: str, input: str | IO[bytes] | None = None, env: dict[str, str] | None = None) -> Result:
        if input is None or isinstance(input, str):
            return CliRunner().invoke(build_app(), list(args), input=input, env=env)
        # typer's runner takes text only; click's also takes a stream read as the command goes
        command = typer.main.get_command(build_app())
        result: Any = click.testing.CliRunner().invoke(cast(Any, command), list(args), input=input, env=env)
        return cast(Result, result)

    return run


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Sandbox, ServedSandbox]]:
    """A served sandbox and the LIGHTSPEED_* variables for it (the setting of the login session)."""
    sandbox = Sandbox(items=30)
    with sandbox.serve() as where:
        monkeypatch.setenv("LIGHTSPEED_AUTH_URL", where.auth_url)
        monkeypatch.setenv("LIGHTSPEED_BASE_URL", where.base_url)
        monkeypatch.setenv("LIGHTSPEED_CLIENT_ID", sandbox.client_id)
        monkeypatch.setenv("LIGHTSPEED_CLIENT_SECRET", sandbox.client_secret)
        monkeypatch.setenv("LIGHTSPEED_TOKEN_FILE", str(tmp_path / "tokens.json"))
        yield sandbox, where
