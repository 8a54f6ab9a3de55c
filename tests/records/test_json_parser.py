"""Responses are parsed by orjson when installed, by the standard library otherwise: same values."""

from __future__ import annotations

import builtins
import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2
import pytest

import lightspeed_pos
import lightspeed_pos as ls
from lightspeed_pos import _json
from lightspeed_pos._wire import decode_json

FIXTURE = Path(__file__).resolve().parents[2] / "benchmarks" / "fixtures" / "item_page.json"


def without_orjson(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``_json`` as loaded where orjson is not installed."""
    real_import = builtins.__import__

    def refuse(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "orjson":
            raise ImportError("no orjson here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)
    monkeypatch.delitem(sys.modules, "lightspeed_pos._json")
    fallback = importlib.import_module("lightspeed_pos._json")
    monkeypatch.undo()
    restore()
    return fallback


def restore() -> None:
    """The module every other part of the library holds, back in its place."""
    sys.modules["lightspeed_pos._json"] = _json
    lightspeed_pos._json = _json


def test_the_standard_library_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    fallback = without_orjson(monkeypatch)
    assert fallback.PARSER == "json" and fallback.loads is json.loads
    content = FIXTURE.read_bytes()
    assert fallback.loads(content) == _json.loads(content) == json.loads(content)


def test_orjson_is_used_when_installed() -> None:
    pytest.importorskip("orjson")
    assert _json.PARSER == "orjson"


@pytest.mark.parametrize(
    "content",
    [b'{"a": NaN}', b'{"a": -Infinity}', b'{"a": "\\u00e9", "a": 2}', b'{"n": 18446744073709551615}'],
)
def test_what_orjson_refuses_the_standard_library_decides(content: bytes) -> None:
    assert repr(_json.loads(content)) == repr(json.loads(content))


def test_unreadable_bodies_still_raise_invalid_response() -> None:
    request = httpx2.Request("GET", "https://api.lightspeedapp.com/API/V3/Account/1/Item.json")
    with pytest.raises(ls.InvalidResponseError, match="do not parse"):
        decode_json(httpx2.Response(200, content=b'{"Item": [', request=request))


def test_the_environment_can_choose_the_standard_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIGHTSPEED_POS_JSON", "json")
    monkeypatch.delitem(sys.modules, "lightspeed_pos._json")
    chosen = importlib.import_module("lightspeed_pos._json")
    monkeypatch.undo()
    restore()
    assert chosen.PARSER == "json" and chosen.loads is json.loads
