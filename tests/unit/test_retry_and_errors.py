"""Retry decisions and the error map, through the client with a mock transport."""

from __future__ import annotations

import random

import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos._retry import (
    RetryPolicy,
    delay_after_error,
    delay_after_status,
    may_repeat,
    wait_for_rate_limit,
)
from lightspeed_pos.errors import error_from_response
from tests.support.holders import ExampleTokenHolder

ITEM = {"@attributes": {"count": "1"}, "Item": {"itemID": "1", "description": "Onesie"}}
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
RNG = random.Random(0)
POLICY = RetryPolicy()
ITEM_PATH = "/API/V3/Account/1/Item/1.json"


def repeatable(method: str) -> bool:
    return may_repeat(method, ITEM_PATH, {"description": "x"} if method in ("POST", "PUT") else None)


def scripted(*answers: httpx2.Response | Exception) -> tuple[httpx2.MockTransport, list[httpx2.Request]]:
    seen: list[httpx2.Request] = []
    queue = list(answers)

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx2.MockTransport(handler), seen


def client_for(transport: httpx2.MockTransport, sleeps: list[float] | None = None) -> ls.Client:
    return ls.Client(
        ExampleTokenHolder(), transport=transport, sleep=(sleeps if sleeps is not None else []).append
    )


# --- the pure decisions ----------------------------------------------------------------------------
def test_connection_errors_before_sending_are_retried_for_any_method() -> None:
    error = httpx2.ConnectError("refused")
    assert delay_after_error(POLICY, repeatable("POST"), error, 0, RNG) is not None
    assert delay_after_error(POLICY, repeatable("GET"), error, 0, RNG) is not None
    assert delay_after_error(POLICY, repeatable("GET"), error, 2, RNG) is None  # 2 retries by default


def test_a_post_that_may_have_been_sent_is_not_retried() -> None:
    for error in (
        httpx2.ReadTimeout("slow"),
        httpx2.RemoteProtocolError("dropped"),
        httpx2.ReadError("reset"),
    ):
        assert delay_after_error(POLICY, repeatable("POST"), error, 0, RNG) is None
        assert delay_after_error(POLICY, repeatable("PUT"), error, 0, RNG) is not None
        assert delay_after_error(POLICY, repeatable("DELETE"), error, 0, RNG) is not None


def test_gateway_errors_are_retried_except_for_post() -> None:
    for status in (500, 502, 503, 504):
        assert delay_after_status(POLICY, repeatable("GET"), status, 0, RNG) is not None
        assert delay_after_status(POLICY, repeatable("POST"), status, 0, RNG) is None
    assert delay_after_status(POLICY, repeatable("GET"), 501, 0, RNG) is None
    assert delay_after_status(POLICY, repeatable("GET"), 400, 0, RNG) is None


def test_backoff_is_jittered_and_bounded() -> None:
    delays = [
        delay_after_status(RetryPolicy(max_retries=10), True, 503, n, random.Random(n)) for n in range(10)
    ]
    assert all(d is not None and 0 < d <= 8.0 for d in delays)
    assert delays[0] is not None and delays[0] <= 0.5


def test_429_waits_retry_after_up_to_the_cap() -> None:
    assert wait_for_rate_limit(POLICY, 3.0, 0) == 3.0
    assert wait_for_rate_limit(POLICY, None, 0) == 1.0
    assert wait_for_rate_limit(POLICY, 500.0, 0) is None
    assert wait_for_rate_limit(POLICY, 3.0, 5) is None


# --- through the client ----------------------------------------------------------------------------
def test_get_is_retried_after_a_502_html_page() -> None:
    transport, seen = scripted(
        httpx2.Response(502, content=HTML_502, headers={"Content-Type": "text/html"}),
        httpx2.Response(200, json=ITEM),
    )
    sleeps: list[float] = []
    item = client_for(transport, sleeps).account(1).items.find(1)
    assert item.description == "Onesie"
    assert len(seen) == 2 and len(sleeps) == 1


def test_post_is_not_retried_after_a_502() -> None:
    transport, seen = scripted(httpx2.Response(502, content=HTML_502, headers={"Content-Type": "text/html"}))
    with pytest.raises(ls.ServerError) as caught:
        client_for(transport).account(1).items.create(description="x")
    assert len(seen) == 1
    assert caught.value.status_code == 502
    assert caught.value.message == "Bad Gateway"
    assert caught.value.body == HTML_502.decode()


def test_post_is_not_retried_after_a_dropped_answer() -> None:
    transport, seen = scripted(httpx2.RemoteProtocolError("Server disconnected without sending a response."))
    with pytest.raises(ls.APIConnectionError) as caught:
        client_for(transport).account(1).items.create(description="x")
    assert len(seen) == 1
    assert isinstance(caught.value.__cause__, httpx2.RemoteProtocolError)


def test_post_is_retried_when_it_never_left() -> None:
    transport, seen = scripted(httpx2.ConnectError("refused"), httpx2.Response(200, json=ITEM))
    assert client_for(transport).account(1).items.create(description="x").id == 1
    assert len(seen) == 2


def test_timeouts_become_api_timeout_error() -> None:
    transport, _ = scripted(*(httpx2.ReadTimeout("slow") for _ in range(3)))
    with pytest.raises(ls.APITimeoutError) as caught:
        client_for(transport).account(1).items.find(1)
    assert isinstance(caught.value, ls.APIConnectionError)
    assert isinstance(caught.value.__cause__, httpx2.ReadTimeout)


def test_429_is_waited_out_for_any_method() -> None:
    transport, seen = scripted(
        httpx2.Response(429, headers={"Retry-After": "3", "X-LS-API-Bucket-Level": "92.57/90"}, json={}),
        httpx2.Response(200, json=ITEM),
    )
    sleeps: list[float] = []
    client_for(transport, sleeps).account(1).items.create(description="x")
    assert len(seen) == 2
    assert 3.0 in sleeps


def test_429_past_the_cap_raises_rate_limit_error() -> None:
    transport, _ = scripted(
        httpx2.Response(429, headers={"Retry-After": "3600"}, json={"message": "Rate Limit"})
    )
    with pytest.raises(ls.RateLimitError) as caught:
        client_for(transport).account(1).items.find(1)
    assert caught.value.retry_after == 3600


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ls.BadRequestError),
        (401, ls.UnauthorizedError),
        (403, ls.ForbiddenError),
        (404, ls.NotFoundError),
        (409, ls.ConflictError),
        (422, ls.UnprocessableEntityError),
        (429, ls.RateLimitError),
        (500, ls.ServerError),
        (503, ls.ServerError),
        (418, ls.APIStatusError),
    ],
)
def test_error_map(status: int, cls: type[ls.APIStatusError]) -> None:
    body = {
        "httpCode": str(status),
        "httpMessage": "x",
        "message": f"message {status}",
        "errorClass": "Exception",
    }
    response = httpx2.Response(status, json=body, request=httpx2.Request("GET", "https://h/x"))
    error = error_from_response(response)
    assert type(error) is cls
    assert isinstance(error, ls.LightspeedError)
    assert error.status_code == status and error.message == f"message {status}"
    assert error.body == body and error.response is response
    assert f"message {status}" in str(error)


def test_error_message_from_the_auth_server_and_from_html() -> None:
    request = httpx2.Request("GET", "https://h/x")
    auth = httpx2.Response(
        400, json={"error": "invalid_grant", "error_description": "expired"}, request=request
    )
    assert error_from_response(auth).message == "expired"
    html = httpx2.Response(503, content=b"<html>down</html>", request=request)
    assert error_from_response(html).message == "Service Unavailable"
    json_as_html = httpx2.Response(
        400,
        content=b'{"httpCode":"400","message":"name cannot be blank."}',
        headers={"Content-Type": "text/html; charset=UTF-8"},
        request=request,
    )
    assert error_from_response(json_as_html).message == "name cannot be blank."


@pytest.mark.parametrize(
    "content",
    [b"<html>oops</html>", b'{"@attributes": {"count": "1"}, "Item": {"itemID": "1"', b"[1, 2]", b'"text"'],
)
def test_unreadable_success_bodies_raise_invalid_response(content: bytes) -> None:
    transport, _ = scripted(httpx2.Response(200, content=content))
    with pytest.raises(ls.InvalidResponseError):
        client_for(transport).account(1).items.find(1)


def test_wrongly_typed_fields_raise_invalid_response() -> None:
    bad = {"@attributes": {"count": "1"}, "Item": {"itemID": "1", "defaultCost": "lots"}}
    transport, _ = scripted(httpx2.Response(200, json=bad))
    with pytest.raises(ls.InvalidResponseError, match="defaultCost"):
        client_for(transport).account(1).items.find(1)
