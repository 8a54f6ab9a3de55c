"""Replay and record HTTP traffic in the Ruby-VCR layout of ``tests/cassettes/gem-v1``.

The gem's recordings anonymise the account id in paths (``/API/Account/-/Item.json``) and were
matched on method, path and body, not on the query string, with pages answered in recorded
order. :class:`ReplayTransport` does the same, and also checks the filter parameters the
client sends (everything but paging and ``load_relations``) and, where a recording carries a
Bearer token, the token. :class:`RecordingTransport` wraps a real transport and writes new
recordings in the same layout, with tokens and the account id filtered out.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx2
import yaml

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes" / "gem-v1"
IGNORED_PARAMS = frozenset(
    {"limit", "offset", "load_relations", "after", "before", "orderby", "orderby_desc"}
)
PLACEHOLDER = "OAuth Token"
"""What the gem's recordings wrote instead of a real token: any token matches it."""
_ACCOUNT = re.compile(r"/Account/(\d+)")


def normal_path(path: str) -> str:
    return _ACCOUNT.sub("/Account/-", path)


def _json_or_text(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


@dataclass
class Interaction:
    method: str
    path: str
    params: dict[str, str]
    offset: int
    body: Any
    authorization: str | None
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    used: bool = False

    def matches(self, request: httpx2.Request) -> bool:
        if request.method != self.method or normal_path(request.url.path) != self.path:
            return False
        sent = {k: v for k, v in request.url.params.multi_items() if k not in IGNORED_PARAMS}
        if sent != self.params:
            return False
        if int(request.url.params.get("offset", "0")) != self.offset:
            return False
        if (
            self.authorization
            and self.authorization.startswith("Bearer ")
            and PLACEHOLDER not in self.authorization
        ) and request.headers.get("authorization") != self.authorization:
            return False
        return bool(_json_or_text(request.content.decode()) == self.body)


def load_cassette(name: str | Path) -> list[Interaction]:
    """A recording by name below ``tests/cassettes/gem-v1`` (``"account/items/index"``) or by path."""
    path = name if isinstance(name, Path) else CASSETTES / f"{name}.yml"
    data = yaml.safe_load(path.read_text())
    interactions = []
    for entry in data["http_interactions"]:
        request, response = entry["request"], entry["response"]
        url = urlsplit(request["uri"])
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = []
        for key, values in response["headers"].items():
            if key.lower() in ("content-length", "content-encoding", "transfer-encoding"):
                continue
            for value in values if isinstance(values, list) else [values]:
                headers.append((key, str(value)))
        auth = (request.get("headers") or {}).get("Authorization")
        interactions.append(
            Interaction(
                method=request["method"].upper(),
                path=normal_path(url.path),
                params={k: v for k, v in query.items() if k not in IGNORED_PARAMS},
                offset=int(query.get("offset", "0")),
                body=_json_or_text(request["body"].get("string", "") or ""),
                authorization=auth[0] if isinstance(auth, list) else auth,
                status=int(response["status"]["code"]),
                headers=headers,
                content=(response["body"].get("string") or "").encode("utf-8"),
            )
        )
    return interactions


class CassetteMismatch(AssertionError):
    pass


@dataclass
class ReplayTransport(httpx2.BaseTransport):
    """Answers from a recording; a request nothing recorded matches fails the test."""

    interactions: list[Interaction]
    requests: list[httpx2.Request] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, *names: str) -> ReplayTransport:
        return cls([i for name in names for i in load_cassette(name)])

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        with self._lock:
            self.requests.append(request)
            candidates = [i for i in self.interactions if i.matches(request)]
            if not candidates:
                raise CassetteMismatch(
                    f"no recorded interaction matches {request.method} {request.url} {request.content!r}"
                )
            chosen = next((i for i in candidates if not i.used), candidates[-1])
            chosen.used = True
        return httpx2.Response(chosen.status, headers=chosen.headers, content=chosen.content, request=request)

    @property
    def unplayed(self) -> list[Interaction]:
        return [i for i in self.interactions if not i.used]


@dataclass
class RecordingTransport(httpx2.BaseTransport):
    """Sends through ``inner`` and writes each interaction to ``path``, secrets filtered out."""

    inner: httpx2.BaseTransport
    path: Path
    secrets: dict[str, str]
    """Secret value -> the placeholder written instead (tokens, the account id)."""
    interactions: list[dict[str, Any]] = field(default_factory=list)

    def _scrub(self, text: str) -> str:
        for secret, placeholder in self.secrets.items():
            if secret:
                text = text.replace(secret, placeholder)
        return text

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        response = self.inner.handle_request(request)
        response.read()
        now = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
        account = self.secrets.get("__account__", "")
        uri = self._scrub(str(request.url))
        if account:
            uri = uri.replace(f"/Account/{account}", "/Account/-")
        headers: dict[str, list[str]] = {}
        for key, value in response.headers.multi_items():
            headers.setdefault(key, []).append(self._scrub(value))
        self.interactions.append(
            {
                "request": {
                    "method": request.method.lower(),
                    "uri": uri,
                    "body": {"encoding": "UTF-8", "string": self._scrub(request.content.decode("utf-8"))},
                    "headers": {"Authorization": [self._scrub(request.headers.get("authorization", ""))]},
                },
                "response": {
                    "status": {"code": response.status_code, "message": response.reason_phrase},
                    "headers": headers,
                    "body": {"encoding": "UTF-8", "string": self._scrub(response.text)},
                },
                "recorded_at": now,
            }
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {"http_interactions": self.interactions, "recorded_with": "lightspeed-pos tests"}
        self.path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
        return httpx2.Response(
            response.status_code, headers=response.headers, content=response.content, request=request
        )
