"""One refresh for any number of concurrent 401s; a second 401 raises."""

from __future__ import annotations

import threading

import httpx2
import pytest

import lightspeed_pos as ls
from tests.support.holders import ExampleTokenHolder, MethodTokenHolder
from tests.support.threads import run_threads

ACCOUNT = {"@attributes": {"count": "1"}, "Account": {"accountID": "7", "name": "Shop"}}
DENIED = {
    "error": "access_denied",
    "error_description": "The resource owner or authorization server denied the request.",
    "hint": "Access token could not be verified",
}


def accepting(valid: str) -> httpx2.MockTransport:
    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.headers["authorization"] == f"Bearer {valid}":
            return httpx2.Response(200, json=ACCOUNT)
        return httpx2.Response(401, json=DENIED)

    return httpx2.MockTransport(handler)


def test_refresh_once_then_replay() -> None:
    holder = ExampleTokenHolder("expired")
    client = ls.Client(holder, transport=accepting("expired_refreshed"))
    assert client.accounts.first() is not None
    assert holder.refresh_count == 1


def test_second_401_raises_with_the_auth_servers_message() -> None:
    holder = ExampleTokenHolder("expired")
    client = ls.Client(holder, transport=accepting("something-else"))
    with pytest.raises(ls.UnauthorizedError) as caught:
        client.accounts.first()
    assert holder.refresh_count == 1
    assert caught.value.status_code == 401
    assert caught.value.message == DENIED["error_description"]
    assert "expired" not in str(caught.value) and "expired" not in repr(caught.value)


def test_token_as_a_method() -> None:
    holder = MethodTokenHolder("abc")
    client = ls.Client(holder, transport=accepting("abc-1"))
    assert client.accounts.first() is not None
    assert holder.refresh_count == 1


def test_a_holder_without_the_methods_is_refused() -> None:
    with pytest.raises(TypeError, match="refresh_oauth_token"):
        ls.Client(object())


def test_concurrent_401s_refresh_once() -> None:
    holder = ExampleTokenHolder("stale")
    gate = threading.Barrier(10)
    seen_stale = threading.Event()

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.headers["authorization"] == "Bearer stale_refreshed":
            return httpx2.Response(200, json=ACCOUNT)
        seen_stale.set()
        return httpx2.Response(401, json=DENIED)

    client = ls.Client(holder, transport=httpx2.MockTransport(handler))
    errors: list[BaseException] = []

    def work() -> None:
        gate.wait()
        try:
            client.accounts.first()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    run_threads([work] * 10, timeout=30)
    assert not errors
    assert seen_stale.is_set()
    assert holder.refresh_count == 1


def test_a_token_refreshed_then_kept_waiting_by_the_bucket_may_be_refreshed_again() -> None:
    """A token that expired while its request waited for the bucket after the refresh is not
    evidence that refreshing fails: one more refresh (up to the flow's bound); refused at once, none."""
    from lightspeed_pos._flow import (
        FlowSettings,
        GetToken,
        Refresh,
        Release,
        RequestSpec,
        Reserve,
        Send,
        Sleep,
        request_flow,
    )

    def walk(wait_after_refresh: float) -> list[str]:
        client = ls.Client(ExampleTokenHolder("t"), transport=accepting("never"))
        settings: FlowSettings = client._settings
        flow = request_flow(settings, RequestSpec("GET", f"{client.base_url}/Account.json"))
        steps: list[str] = []
        answer: object = None
        refreshed = 0
        try:
            while True:
                step = flow.send(answer)
                steps.append(type(step).__name__)
                answer = None
                if isinstance(step, Reserve):
                    answer = wait_after_refresh if refreshed and steps.count("Sleep") < refreshed else 0.0
                elif isinstance(step, GetToken):
                    answer = "token"
                elif isinstance(step, Send):
                    answer = httpx2.Response(401, json=DENIED, request=step.request)
                elif isinstance(step, Refresh):
                    refreshed += 1
                    answer = True  # this request's own refresh
                assert isinstance(step, Reserve | Sleep | GetToken | Send | Release | Refresh)
        except ls.UnauthorizedError:
            pass
        finally:
            client.close()
        return steps

    assert walk(0.0).count("Refresh") == 1  # refused right after its own refresh: given up
    assert walk(5.0).count("Refresh") == 3  # kept waiting each time: refreshed up to the bound
