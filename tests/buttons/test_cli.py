"""``lightspeed sandbox button`` prints a URL that verifies against the sandbox's key set."""

from __future__ import annotations

import json
import webbrowser

import pytest
from typer.testing import CliRunner

from lightspeed_pos import buttons
from lightspeed_pos.cli import build_app
from lightspeed_pos.sandbox.http.buttons import SANDBOX_JWKS


def test_sandbox_button_prints_a_signed_url() -> None:
    args = ["sandbox", "button", "--type", "sale", "--sale", "12", "--url", "http://127.0.0.1:8000/app"]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0, result.output
    url = result.stdout.strip().splitlines()[0]
    assert url.startswith("http://127.0.0.1:8000/app?accountID=100001&")
    button = buttons.verify(url, jwks=SANDBOX_JWKS)
    assert (button.type, button.sale_id, button.account_id) == ("sale", 12, 100001)
    assert ".well-known/jwks" in result.stderr


def test_sandbox_button_options_and_jwks() -> None:
    runner = CliRunner()
    args = ["sandbox", "button", "--type", "workorder", "--sale", "3", "--customer", "8", "--account", "7"]
    result = runner.invoke(build_app(), [*args, "--url", "https://app.example/#/w", "--ttl", "60"])
    button = buttons.verify(result.stdout.splitlines()[0], jwks=SANDBOX_JWKS)
    assert (button.type, button.sale_id, button.customer_id, button.account_id) == ("workorder", 3, 8, 7)
    assert (button.expires_at.timestamp() - __import__("time").time()) <= 60
    printed = runner.invoke(build_app(), ["sandbox", "button", "--jwks"])
    assert json.loads(printed.stdout) == SANDBOX_JWKS


def test_sandbox_button_refuses_bad_input_without_a_traceback() -> None:
    runner = CliRunner()
    for args in (["--url", "127.0.0.1:8000/app"], ["--url", "http://x/", "--ttl", "0"]):
        result = runner.invoke(build_app(), ["sandbox", "button", *args])
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: ") and "Traceback" not in result.output


def test_sandbox_button_open_opens_the_signed_url(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    args = ["sandbox", "button", "--sale", "5", "--url", "http://127.0.0.1:8000/app", "--open"]
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 0
    assert opened == [result.stdout.strip()]
    assert buttons.verify(opened[0], jwks=SANDBOX_JWKS).sale_id == 5
