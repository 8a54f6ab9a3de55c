"""Answers a hostile or broken server may send (issue #10, items 4-8): garbage rate-limit headers,
listings that repeat themselves, JSON nested too deep, gzip bombs, tokens echoed back."""

from __future__ import annotations

import gzip
import json
import logging
import math
import os
import tracemalloc
import zlib
from pathlib import Path

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lightspeed_pos as ls
from lightspeed_pos._ratelimit import Throttler
from lightspeed_pos.oauth import FileTokenStore
from tests.support.holders import ExampleTokenHolder

QUICK = ls.RetryPolicy(backoff_base=0.001, backoff_max=0.002)
TOKEN = "s3cr3t-access-token-4242"
DEEP = b"[" * 200_000 + b"]" * 200_000


def client_for(handler: httpx2.MockTransport | object, **kwargs: object) -> ls.Client:
    transport = handler if isinstance(handler, httpx2.MockTransport) else httpx2.MockTransport(handler)  # type: ignore[arg-type]
    return ls.Client(ExampleTokenHolder(TOKEN), transport=transport, retry_policy=QUICK, **kwargs)  # type: ignore[arg-type]


# --- 4: garbage rate-limit headers -----------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        {"X-LS-API-Bucket-Level": "999999/1"},
        {"X-LS-API-Bucket-Level": "9" * 400 + "/90"},
        {"X-LS-API-Bucket-Level": "1/" + "9" * 400},
        {"X-LS-API-Burst-Level": "1/" + "9" * 400},
        {"X-LS-API-Bucket-Level": "nan/90", "X-LS-API-Drip-Rate": "nan"},
        {"X-LS-API-Bucket-Level": "inf/inf", "X-LS-API-Drip-Rate": "inf"},
        {"X-LS-API-Drip-Rate": "1e-300"},
        {"X-LS-API-Drip-Rate": "-1"},
        {"Retry-After": "1e400"},
    ],
)
def test_garbage_rate_limit_headers_never_make_the_client_wait_long(headers: dict[str, str]) -> None:
    sleeps: list[float] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={}, headers=headers)

    with ls.Client(
        ExampleTokenHolder(), transport=httpx2.MockTransport(handler), sleep=sleeps.append
    ) as client:
        for _ in range(3):
            client.request("GET", "Account/1/Item")
    assert all(wait <= 2.0 for wait in sleeps), sleeps


def test_every_bucket_wait_is_capped_like_retry_after() -> None:
    sleeps: list[float] = []
    clock = [0.0]

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, json={}, headers={"X-LS-API-Bucket-Level": "90/90", "X-LS-API-Drip-Rate": "0.1"}
        )

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    policy = ls.RetryPolicy(max_retry_after=5.0)
    with ls.Client(
        ExampleTokenHolder(),
        transport=httpx2.MockTransport(handler),
        sleep=sleep,
        clock=lambda: clock[0],
        retry_policy=policy,
    ) as client:
        client.request("GET", "Account/1/Item")
        client.request("GET", "Account/1/Item")
    assert sleeps and max(sleeps) <= 5.0


@settings(max_examples=100, deadline=None)
@given(
    level=st.text(max_size=40) | st.from_regex(r"[0-9.e+-]{1,30}/[0-9.e+-]{1,30}", fullmatch=True),
    drip=st.text(max_size=20) | st.floats().map(str),
    burst=st.text(max_size=40) | st.from_regex(r"[0-9]{1,30}/[0-9]{1,30}", fullmatch=True),
)
def test_no_header_breaks_the_throttler(level: str, drip: str, burst: str) -> None:
    throttler = Throttler(clock=lambda: 0.0)
    headers = {"X-LS-API-Bucket-Level": level, "X-LS-API-Drip-Rate": drip, "X-LS-API-Burst-Level": burst}
    throttler.release("1", 0.0, headers, sent_at=0.0)
    wait = throttler.reserve("1", 1.0)
    assert math.isfinite(wait) and wait >= 0.0  # the flow caps each wait (see above)


# --- 5: a listing that repeats itself --------------------------------------------------------------
def test_a_server_repeating_records_under_new_cursors_is_stopped() -> None:
    calls = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        page = {
            "@attributes": {
                "next": f"https://api.lightspeedapp.com/API/V3/Account/1/Item.json?after={len(calls)}"
            },
            "Item": [{"itemID": "1", "description": "a"}, {"itemID": "2", "description": "b"}],
        }
        return httpx2.Response(200, json=page)

    with client_for(handler) as client, pytest.raises(ls.InvalidResponseError, match="already had"):
        client.account(1).items.all()
    assert len(calls) == 2


def test_a_listing_that_brings_new_records_on_every_page_is_read_whole() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        after = int(request.url.params.get("after", "0"))
        page: dict[str, object] = {"@attributes": {"next": ""}, "Item": [{"itemID": str(after + 1)}]}
        if after < 4:
            page["@attributes"] = {
                "next": f"https://api.lightspeedapp.com/API/V3/Account/1/Item.json?after={after + 1}"
            }
        return httpx2.Response(200, json=page)

    with client_for(handler) as client:
        assert [item.id for item in client.account(1).items.all()] == [1, 2, 3, 4, 5]


# --- 6: JSON nested too deep -----------------------------------------------------------------------
def test_deeply_nested_json_answers_are_invalid_responses() -> None:
    with (
        client_for(lambda request: httpx2.Response(200, content=DEEP)) as client,
        pytest.raises(ls.InvalidResponseError, match="nested too deep"),
    ):
        client.request("GET", "Account/1/Item")
    with (
        client_for(lambda request: httpx2.Response(400, content=DEEP)) as client,
        pytest.raises(ls.BadRequestError),
    ):
        client.request("GET", "Account/1/Item")


@pytest.mark.parametrize("content", [DEEP, b'{"access_token": "\xff\xfe"}', b"\xff" * 10])
def test_a_corrupt_token_file_reads_as_no_tokens_and_says_so(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    store.path.write_bytes(content)
    os.chmod(store.path, 0o600)
    assert store.load() is None
    assert "unreadable" in caplog.text


# --- 7: a cap on the decoded body ------------------------------------------------------------------
def bomb(decoded: int) -> bytes:
    """``decoded`` zero bytes, gzipped (about a thousandth of the size)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(decoded // len(block))]
    return b"".join(parts) + compressor.flush()


def streamed(status: int, body: bytes, encoding: str = "gzip") -> httpx2.MockTransport:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, headers={"Content-Encoding": encoding}, stream=httpx2.ByteStream(body))

    return httpx2.MockTransport(handler)


def test_a_gzip_bomb_is_refused_past_the_cap_without_inflating_it() -> None:
    payload = bomb(128 * 1024 * 1024)  # 128 MiB of zeros in about 128 KB
    assert len(payload) < 256 * 1024
    with client_for(streamed(200, payload), max_response_size=8 * 1024 * 1024) as client:
        tracemalloc.start()
        try:
            with pytest.raises(ls.InvalidResponseError, match="larger than the client's cap"):
                client.request("GET", "Account/1/Item")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 32 * 1024 * 1024


def test_the_default_cap_refuses_a_bomb_and_reads_real_gzip() -> None:
    with client_for(streamed(200, bomb(65 * 1024 * 1024))) as client, pytest.raises(ls.InvalidResponseError):
        client.request("GET", "Account/1/Item")
    page = {"Item": [{"itemID": str(n), "description": "x" * 200} for n in range(1, 101)]}
    for encoding, body in (
        ("gzip", gzip.compress(json.dumps(page).encode())),
        ("deflate", zlib.compress(json.dumps(page).encode())),
        ("identity", json.dumps(page).encode()),
    ):
        with client_for(streamed(200, body, encoding)) as client:
            assert len(client.request("GET", "Account/1/Item")["Item"]) == 100
    with (
        client_for(streamed(200, b"not gzip at all")) as client,
        pytest.raises(ls.InvalidResponseError, match="does not inflate"),
    ):
        client.request("GET", "Account/1/Item")


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_the_async_client_caps_the_body_too(anyio_backend: str) -> None:
    payload = bomb(64 * 1024 * 1024)

    async def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx2.ByteStream(payload))

    async with ls.AsyncClient(
        ExampleTokenHolder(), transport=httpx2.MockTransport(handler), max_response_size=1024 * 1024
    ) as client:
        with pytest.raises(ls.InvalidResponseError, match="cap"):
            await client.request("GET", "Account/1/Item")
        assert client.throttler.snapshot("1").in_flight == 0.0


# --- 8: tokens echoed by the server are redacted ---------------------------------------------------
@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            400,
            {"httpCode": "400", "message": f"bad token {TOKEN} in Authorization: Bearer {TOKEN}"},
            ls.BadRequestError,
        ),
        (404, {"message": f"no such thing for {TOKEN}"}, ls.NotFoundError),
        (500, {"message": f"crash with refresh_token={TOKEN}x"}, ls.ServerError),
        (200, f"<html><body>Your token is {TOKEN}</body></html>", ls.InvalidResponseError),
    ],
)
def test_a_token_echoed_by_the_server_never_appears_in_an_error(
    status: int, body: object, error: type[ls.LightspeedError]
) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        if isinstance(body, str):
            return httpx2.Response(status, text=body, headers={"Content-Type": "text/html"})
        return httpx2.Response(status, json=body)

    with client_for(handler, max_retries=0) as client, pytest.raises(error) as caught:
        client.request("GET", "Account/1/Item")
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
    assert "***" in str(caught.value)


def test_a_connection_error_naming_the_token_is_redacted(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="lightspeed_pos")

    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"refused while sending Bearer {TOKEN}", request=request)

    with client_for(handler, max_retries=0) as client, pytest.raises(ls.APIConnectionError) as caught:
        client.request("GET", "Account/1/Item")
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)
