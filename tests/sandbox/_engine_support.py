"""Helpers for the engine tests: build :class:`ApiRequest` objects and call ``Engine.handle``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from lightspeed_pos.sandbox.engine.engine import Engine
from lightspeed_pos.sandbox.http.messages import ApiRequest, ApiResponse, AuthContext

ORIGIN = "http://sandbox.test"
CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "gem-v1" / "account"


class Clock:
    """A controllable ``now`` that advances one second per call."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment


def request(method: str, url: str, body: Any = None) -> ApiRequest:
    """An :class:`ApiRequest` for ``url`` (path plus query string, decoded as the HTTP layer does)."""
    parts = urlsplit(url)
    raw = json.dumps(body).encode() if body is not None else b""
    query = tuple(parse_qsl(parts.query, keep_blank_values=True))
    return ApiRequest(method, parts.path, query, {}, raw, ORIGIN)


class Client:
    """Calls an engine as the demo account's token would."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.clock = Clock()
        self.engine = engine or Engine.create(now=self.clock)
        self.account = self.engine.account_ids[0]
        self.auth = AuthContext(account_id=self.account, client_id="client-1")
        self.base = f"/API/V3/Account/{self.account}"
        self.legacy = f"/API/Account/{self.account}"

    def raw(self, method: str, url: str, body: Any = None) -> ApiResponse:
        return self.engine.handle(request(method, url, body), self.auth)

    def call(self, method: str, url: str, body: Any = None, status: int = 200) -> Any:
        response = self.raw(method, url, body)
        payload = json.loads(response.body)
        assert response.status == status, payload
        return payload

    def get(self, path: str, status: int = 200) -> Any:
        return self.call("GET", self.base + path, status=status)

    def all_pages(self, path: str) -> list[dict[str, Any]]:
        """Follow ``next`` links from ``path``; every record seen, in order."""
        url = self.base + path
        seen: list[dict[str, Any]] = []
        while url:
            page = self.call("GET", url.removeprefix(ORIGIN))
            seen += as_list(page.get(entity_of(path)))
            url = page["@attributes"]["next"]
        return seen


def entity_of(path: str) -> str:
    return path.split("?")[0].split("/")[-1].removesuffix(".json")


def as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def all_scalars_are_strings(value: Any) -> bool:
    if isinstance(value, dict):
        return all(all_scalars_are_strings(v) for v in value.values())
    if isinstance(value, list):
        return all(all_scalars_are_strings(v) for v in value)
    return isinstance(value, str)


def recorded(name: str) -> list[tuple[str, int, Any]]:
    """(method + uri, status, parsed body) of every interaction of a cassette."""
    data = yaml.safe_load((CASSETTES / name).read_text())
    found = []
    for interaction in data["http_interactions"]:
        req, resp = interaction["request"], interaction["response"]
        body = json.loads(resp["body"]["string"])
        found.append((f"{req['method'].upper()} {req['uri']}", resp["status"]["code"], body))
    return found


def scalar_keys(record: dict[str, Any]) -> set[str]:
    return {k for k, v in record.items() if isinstance(v, str)}
