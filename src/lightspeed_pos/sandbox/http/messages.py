"""The request and response types passed between the sandbox's layers, and the API's error body.

``SandboxApp`` (``http/app.py``) turns an HTTP request into an :class:`ApiRequest`, authenticates it,
applies faults and the rate limit, and hands resource requests to ``Engine.handle``
(``engine/engine.py``), which answers with an :class:`ApiResponse`. Both layers import only this
module from each other. :func:`reason_phrase` is the sandbox's one table of HTTP reason phrases and
:meth:`ApiResponse.api_error` its one builder of the ``{httpCode, httpMessage, message, errorClass}``
body.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from .jsonbody import parse_json

_API_PHRASES = {
    413: "Payload Too Large",
    414: "URI Too Long",
    422: "Unprocessable Entity",
    503: "Service Temporarily Unavailable",
}
"""Where the API (or the proxy in front of it) spells a status other than :class:`http.HTTPStatus`."""


def reason_phrase(status: int) -> str:
    """The reason phrase the API writes for ``status`` (``"Error"`` for a status with none)."""
    if status in _API_PHRASES:
        return _API_PHRASES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@dataclass(frozen=True)
class AuthContext:
    """Who is calling: the account and OAuth client the access token was issued for."""

    account_id: int
    client_id: str
    employee_id: int = 1
    scope: str = "employee:all"

    @property
    def api_client_number(self) -> str:
        """The client's numeric id, as ``X-LS-Oauth-Client-Id`` and ``Session.systemAPIClientID``
        show it (``51661``): the OAuth ``client_id`` itself when numeric, else a stable number."""
        if self.client_id.isdigit():
            return self.client_id
        return str(int(hashlib.sha256(self.client_id.encode()).hexdigest()[:6], 16) % 90000 + 10000)


@dataclass(frozen=True)
class ApiRequest:
    method: str
    """Upper-case HTTP method."""
    path: str
    """The raw path, no query string: ``/API/V3/Account/1/Item.json``."""
    query: tuple[tuple[str, str], ...]
    """Decoded query pairs, in the order sent."""
    headers: Mapping[str, str]
    """Header names in lower case."""
    body: bytes
    origin: str
    """Scheme and host the request was sent to (``http://127.0.0.1:8080``): absolute ``next`` URLs use it."""

    def param(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None

    def json(self) -> Any:
        """The body as JSON, read strictly (``jsonbody.parse_json``; ``InvalidBody`` when refused)."""
        return parse_json(self.body)


@dataclass
class ApiResponse:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop_connection: bool = False
    """Fault: the connection is closed without an answer (after the request was processed)."""
    delay: float = 0.0
    """Fault: seconds (real time) to wait before answering."""

    @classmethod
    def json_body(cls, status: int, payload: Any, content_type: str = "application/json") -> ApiResponse:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        return cls(status=status, body=text.encode("utf-8"), headers=[("Content-Type", content_type)])

    @classmethod
    def api_error(cls, status: int, message: str, error_class: str = "Exception") -> ApiResponse:
        """The API's error answer: ``{httpCode, httpMessage, message, errorClass}``."""
        body = {"httpCode": str(status), "httpMessage": reason_phrase(status), "message": message}
        return cls.json_body(status, {**body, "errorClass": error_class})

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None
