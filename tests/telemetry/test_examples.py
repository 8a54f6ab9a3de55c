"""The examples of this part run and say what they should."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_button_handler_example(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "button_handler.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "signed:   sale 12 of account 100001" in out
    assert "forged:   400 the button request's signature does not match" in out
    assert "expired:  400 the button request expired" in out


def test_telemetry_example(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLES / "telemetry.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "hook: " in out and "for the bucket" in out
    assert "GET /API/V3/Account/{accountID}/Item/{itemID}.json: bucket.level_before=" in out
    assert "lightspeed.sync Item: sync.records=" in out
    assert "lightspeed.client.requests" in out
