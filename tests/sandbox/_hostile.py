"""Helpers for the hostile-input tests: a sandbox with a raw HTTP client, and the error shapes."""

from __future__ import annotations

from typing import Any

import httpx2

from lightspeed_pos.sandbox import Sandbox

API = "https://api.lightspeedapp.com"
CLASSIC_KEYS = {"httpCode", "httpMessage", "message", "errorClass"}
"""docs/reference.md#error-body: the API's JSON error body."""
OAUTH_KEYS = {"error", "error_description"}
"""docs/reference.md#oauth-token-request: the auth server's error body (``hint`` optional)."""


def raw_client(sandbox: Sandbox, scope: str = "employee:all") -> httpx2.Client:
    """An httpx2 client onto ``sandbox`` in-process, with a Bearer token of ``scope``."""
    token = sandbox.app.oauth.issue(sandbox.client_id, scope=scope).access_token
    return httpx2.Client(
        transport=sandbox.transport(), base_url=API, headers={"Authorization": f"Bearer {token}"}
    )


def assert_api_error(response: httpx2.Response, status: int) -> dict[str, Any]:
    """``response`` is ``status`` with the API's JSON error body (never plain text, never a 500)."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.text[:300]
    payload: dict[str, Any] = response.json()
    if response.url.path.startswith("/auth/oauth/") or set(payload) >= OAUTH_KEYS:
        assert set(payload) >= OAUTH_KEYS, payload
    else:
        assert set(payload) == CLASSIC_KEYS, payload
        assert payload["httpCode"] == str(status)
    return payload
