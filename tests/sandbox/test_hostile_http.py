"""The HTTP layer under attack: every error is the documented JSON shape with the right 4xx
(docs/reference.md#error-body), a request is authenticated before its body is read, and a body over the
limit is a 413 (an unauthenticated one is never buffered)."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import anyio
import httpx2
import pytest

from lightspeed_pos.sandbox import Sandbox

from ._hostile import API, assert_api_error, raw_client

pytestmark = pytest.mark.timeout(30)


def test_unreadable_api_bodies_are_a_json_400(sandbox: Sandbox, http: httpx2.Client) -> None:
    path = f"/API/V3/Account/{sandbox.account_id}/Item.json"
    for raw in (b"\xc3\x28", b'{"description": "\xff"}', b"[" * 50_000, b'{"a":' * 5000 + b"1" + b"}" * 5000):
        assert_api_error(http.post(path, content=raw), 400)
        assert_api_error(http.put(f"/API/V3/Account/{sandbox.account_id}/Item/1.json", content=raw), 400)
    assert_api_error(
        http.post(f"/API/V3/Account/{sandbox.account_id}/Sale/1/refund.json", content=b"\xff"), 400
    )


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (
            b"grant_type=refresh_token&refresh_token=\xff\xfe",
            {"Content-Type": "application/x-www-form-urlencoded"},
        ),
        (b'{"grant_type": ' + b"[" * 50_000, {"Content-Type": "application/json"}),
        (b'{"grant_type": "refresh_token", "client_id": {"a": [1]}}', {"Content-Type": "application/json"}),
        (b'{"grant_type": "\xff"}', {"Content-Type": "application/json"}),
        (b"--x\r\ngarbage\r\n\r\n\xff--", {"Content-Type": "multipart/form-data; boundary=x"}),
        (b"\x00\x01\x02", {"Content-Type": "multipart/form-data"}),
        (
            b'--b\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\n\xff\xfe\r\n--b--\r\n',
            {"Content-Type": "multipart/form-data; boundary=b"},
        ),
    ],
    ids=[
        "bad-utf8-form",
        "nested-json",
        "object-field",
        "bad-utf8-json",
        "garbage-multipart",
        "no-boundary",
        "bad-utf8-part",
    ],
)
def test_unreadable_token_requests_are_a_json_400(
    sandbox: Sandbox, content: bytes, headers: dict[str, str]
) -> None:
    with httpx2.Client(transport=sandbox.transport()) as http:
        answer = http.post(f"{sandbox.auth_url}/token", content=content, headers=headers)
        payload = assert_api_error(answer, 400)
        assert payload["error"] == "invalid_request"
        revoke = http.post(f"{sandbox.auth_url}/revoke", content=content, headers=headers)
        assert revoke.status_code in (400, 401) and revoke.json()["error"]


def test_authorize_with_odd_account_ids_is_a_json_400(sandbox: Sandbox) -> None:
    with httpx2.Client(transport=sandbox.transport()) as http:
        for account in ("²", "٣", "9" * 5000, "-1", "1e3"):
            answer = http.get(
                f"{sandbox.auth_url}/authorize",
                params={"response_type": "code", "client_id": sandbox.client_id, "account_id": account},
            )
            assert assert_api_error(answer, 400)["error"] == "access_denied"


def test_unknown_paths_and_methods_answer_json(sandbox: Sandbox, http: httpx2.Client) -> None:
    assert_api_error(http.get("/nothing/here"), 404)
    assert_api_error(http.get(f"/API/V3/Account/{sandbox.account_id}/Nope.json"), 404)
    assert_api_error(http.patch(f"/API/V3/Account/{sandbox.account_id}/Item/1.json"), 405)


def test_a_body_over_the_limit_is_a_413_after_authentication(sandbox: Sandbox, http: httpx2.Client) -> None:
    path = f"/API/V3/Account/{sandbox.account_id}/Item.json"
    huge = b'{"description": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    assert_api_error(http.post(path, content=huge), 413)
    with httpx2.Client(transport=sandbox.transport(), base_url=API) as anonymous:
        assert anonymous.post(path, content=huge).status_code == 401
    assert sandbox.engine.count(sandbox.account_id, "Item") == 10
    small = Sandbox(items=5, rate_limit=False, max_body_bytes=1000)
    with raw_client(small) as client:
        path = f"/API/V3/Account/{small.account_id}/Item.json"
        assert_api_error(client.post(path, json={"description": "y" * 2000}), 413)
        assert client.post(path, json={"description": "y" * 900}).status_code == 200


class Upload:
    """An ASGI ``receive`` that hands out a 50 MB body in 64 KB chunks and counts what was read."""

    def __init__(self, size: int = 50 * 1024 * 1024, chunk: int = 64 * 1024) -> None:
        self.left, self.chunk, self.read = size, chunk, 0

    async def __call__(self) -> MutableMapping[str, Any]:
        if self.left <= 0:
            return {"type": "http.disconnect"}
        part = min(self.chunk, self.left)
        self.left -= part
        self.read += part
        return {"type": "http.request", "body": b"x" * part, "more_body": self.left > 0}


def asgi_post(sandbox: Sandbox, token: str | None, upload: Upload) -> int:
    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    headers = [(b"host", b"api.lightspeedapp.com"), (b"content-type", b"application/json")]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope: MutableMapping[str, Any] = {
        "type": "http",
        "method": "POST",
        "path": f"/API/V3/Account/{sandbox.account_id}/Item.json",
        "query_string": b"",
        "headers": headers,
        "scheme": "https",
    }
    anyio.run(sandbox.app.asgi, scope, upload, send)
    status: int = sent[0]["status"]
    return status


def test_the_asgi_server_authenticates_before_it_reads_and_stops_at_the_limit(sandbox: Sandbox) -> None:
    anonymous = Upload()
    assert asgi_post(sandbox, None, anonymous) == 401
    assert anonymous.read == 0
    authenticated = Upload()
    assert asgi_post(sandbox, sandbox.issue_tokens().access_token, authenticated) == 413
    assert authenticated.read <= sandbox.app.max_body_bytes + authenticated.chunk
