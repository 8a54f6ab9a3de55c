"""The whole login flow over a real socket, the browser flow, logout, whoami, and ``--debug``."""

from __future__ import annotations

import io
import json
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest

from lightspeed_pos.oauth import FileTokenStore
from lightspeed_pos.sandbox import Sandbox, ServedSandbox

from .conftest import Invoke


class TypedLater(io.RawIOBase):
    """Stdin whose line is computed when the command first reads it (after it printed the URL)."""

    def __init__(self, answer: Callable[[], str]) -> None:
        self._answer = answer
        self._left: bytes | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._left is None:
            self._left = (self._answer() + "\n").encode()
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


def printed_so_far() -> str:
    """What the command under CliRunner has written to stdout until now."""
    sys.stdout.flush()
    buffer = sys.stdout.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode()


def follow_authorize(url: str) -> str:
    """What a browser does: GET the authorize URL (auto-approved) and take the redirect."""
    response = httpx2.get(url, follow_redirects=False)
    assert response.status_code == 302
    return response.headers["location"]


def test_login_no_browser_whoami_list_logout_over_a_socket(
    invoke: Invoke, served: tuple[Sandbox, ServedSandbox], tmp_path: Path
) -> None:
    _, where = served

    def paste() -> str:
        url = next(line for line in printed_so_far().splitlines() if line.startswith("http"))
        assert url.startswith(f"{where.auth_url}/authorize?") and "code_challenge=" in url
        return follow_authorize(url)

    login = invoke("login", "--no-browser", input=io.BufferedReader(TypedLater(paste)))
    assert login.exit_code == 0, login.stderr
    assert "Logged in to account 100001; scope employee:all." in login.stdout
    assert FileTokenStore(tmp_path / "tokens.json").load() is not None

    whoami = invoke("whoami")
    assert whoami.exit_code == 0, whoami.stderr
    assert "Account:    100001 (Bluebird Market)" in whoami.stdout
    assert "Scopes:     employee:all" in whoami.stdout and "min" in whoami.stdout
    assert where.base_url in whoami.stdout

    listed = invoke("list", "items", "-n", "3", "-f", "json")
    assert listed.exit_code == 0, listed.stderr
    assert [r["itemID"] for r in json.loads(listed.stdout)] == [1, 2, 3]

    logout = invoke("logout")
    assert logout.exit_code == 0, logout.stderr
    assert "Logged out" in logout.stdout
    assert FileTokenStore(tmp_path / "tokens.json").load() is None

    after = invoke("whoami")
    assert after.exit_code == 1
    assert "not logged in" in after.stderr and "lightspeed login" in after.stderr
    assert invoke("logout").stdout == "Not logged in.\n"


def test_login_refused_or_empty_paste_is_one_line(
    invoke: Invoke, served: tuple[Sandbox, ServedSandbox]
) -> None:
    empty = invoke("login", "--no-browser", input="\n")
    assert empty.exit_code == 1
    assert empty.stderr.splitlines()[-1].startswith("Error: 401: login required: no redirect URL was pasted")
    refused = invoke(
        "login", "--no-browser", input="https://localhost/callback?error=access_denied&state=x\n"
    )
    assert refused.exit_code == 1
    assert "Error: " in refused.stderr and "Traceback" not in refused.stderr


def test_login_with_the_browser_catches_the_redirect_on_loopback(
    invoke: Invoke, served: tuple[Sandbox, ServedSandbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def browser(url: str) -> bool:
        opened.append(url)
        assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in url
        landing = httpx2.get(follow_authorize(url))
        assert landing.status_code == 200 and b"Logged in." in landing.content
        return True

    monkeypatch.setattr(webbrowser, "open", browser)
    result = invoke("login", "--timeout", "10")
    assert result.exit_code == 0, result.stderr
    assert opened and "Logged in to account 100001" in result.stdout


def test_browser_login_times_out_with_one_line(
    invoke: Invoke, served: tuple[Sandbox, ServedSandbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda url: True)
    result = invoke("login", "--timeout", "0.3")
    assert result.exit_code == 1
    assert "no redirect reached http://127.0.0.1:" in result.stderr


def test_sandbox_login_runs_the_flow_in_process(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("--sandbox", "login")
    assert result.exit_code == 0, result.stderr
    assert "Tokens saved to memory (this process only)." in result.stdout
    saved = invoke("--sandbox", "--token-file", str(tmp_path / "t.json"), "login")
    assert saved.exit_code == 0, saved.stderr
    assert f"Tokens saved to {tmp_path / 't.json'}." in saved.stdout


def test_debug_logs_requests_without_tokens(invoke: Invoke, served: tuple[Sandbox, ServedSandbox]) -> None:
    sandbox, where = served
    login = invoke(
        "--debug",
        "login",
        "--no-browser",
        input=io.BufferedReader(
            TypedLater(
                lambda: follow_authorize(
                    next(line for line in printed_so_far().splitlines() if line.startswith("http"))
                )
            )
        ),
    )
    assert login.exit_code == 0, login.stderr
    result = invoke("--debug", "list", "items", "-n", "1", "-f", "ndjson", "-w", "itemID>0")
    assert result.exit_code == 0, result.stderr
    assert f"debug: GET {where.base_url}/Account/100001/Item.json?itemID=%3E%2C0&limit=1" in result.stderr
    assert "-> 200" in result.stderr
    tokens = FileTokenStore(Path(__import__("os").environ["LIGHTSPEED_TOKEN_FILE"])).load()
    assert tokens is not None and tokens.refresh_token is not None
    for secret in (tokens.access_token, tokens.refresh_token, sandbox.client_secret):
        assert secret not in login.stderr + login.stdout + result.stderr


def test_redaction_of_anything_token_like() -> None:
    from lightspeed_pos.cli._context import redact

    line = "Authorization: Bearer abc.def refresh_token=def50200aa&code=xyz eyJa.eyJb.sig"
    assert redact(line) == "Authorization: Bearer *** refresh_token=***&code=*** ***"
