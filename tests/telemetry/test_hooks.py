"""Event hooks, as httpx has them: request, response, retry, throttle and refresh, the same on
Client and AsyncClient (they are written once, in the observed flow)."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos.events import RefreshEvent, RetryEvent, ThrottleEvent
from tests.support.holders import ExampleTokenHolder

from ._server import ACCOUNT, FakeTime, Script, item_page

ITEM = f"Account/{ACCOUNT}/Item/42"


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def hooks(self) -> dict[str, list[Any]]:
        return {
            name: [lambda payload, name=name: self.seen.append((name, payload))]
            for name in ("request", "response", "retry", "throttle", "refresh")
        }

    def names(self) -> list[str]:
        return [name for name, _ in self.seen]

    def of(self, kind: type[Any]) -> list[Any]:
        return [payload for _, payload in self.seen if isinstance(payload, kind)]


def _client(script: Script, time: FakeTime, recorder: Recorder, **options: Any) -> ls.Client:
    return ls.Client(
        ExampleTokenHolder("tok"),
        transport=script.transport(),
        clock=time.clock,
        sleep=time.sleep,
        event_hooks=recorder.hooks(),
        **options,
    )


def _async_client(script: Script, time: FakeTime, hooks: Any, **options: Any) -> ls.AsyncClient:
    return ls.AsyncClient(
        ExampleTokenHolder("tok"),
        transport=script.transport(),
        clock=time.clock,
        sleep=time.asleep,
        event_hooks=hooks,
        **options,
    )


def test_request_and_response_on_every_attempt() -> None:
    recorder, time = Recorder(), FakeTime()
    answer = _client(Script(item_page), time, recorder).request("GET", ITEM)
    assert answer["Item"]["itemID"] == "42"
    assert recorder.names() == ["request", "response"]
    request, response = recorder.seen[0][1], recorder.seen[1][1]
    assert isinstance(request, httpx2.Request) and request.url.path.endswith("/Item/42.json")
    assert isinstance(response, httpx2.Response) and response.status_code == 200


def test_a_5xx_retry_and_a_network_retry() -> None:
    recorder, time = Recorder(), FakeTime()
    client = _client(Script(503, -1, item_page), time, recorder)
    client.request("GET", ITEM)
    assert recorder.names() == [
        "request", "response", "retry",  # 503
        "request", "retry",  # connection refused: no response
        "request", "response",
    ]  # fmt: skip
    first, second = recorder.of(RetryEvent)
    assert (first.method, first.attempt, first.status_code, first.error) == ("GET", 1, 503, None)
    assert first.url == f"https://api.lightspeedapp.com/API/V3/Account/{ACCOUNT}/Item/42.json"
    assert second.attempt == 2 and second.status_code is None
    assert isinstance(second.error, httpx2.ConnectError)
    assert [event.delay for event in (first, second)] == time.slept


def test_a_429_is_a_throttle_event_with_its_wait() -> None:
    recorder, time = Recorder(), FakeTime()
    _client(Script(429, item_page), time, recorder).request("GET", ITEM)
    (throttle,) = recorder.of(ThrottleEvent)
    assert (throttle.reason, throttle.seconds, throttle.account) == ("429", 2.0, str(ACCOUNT))
    assert throttle.bucket_size == 90.0
    assert recorder.names() == ["request", "response", "throttle", "request", "response"]


def test_waiting_for_the_bucket_is_a_throttle_event() -> None:
    recorder, time = Recorder(), FakeTime()
    full = Script(lambda request: item_page(request, level="90/90"))
    client = _client(full, time, recorder)
    client.request("GET", ITEM)
    client.request("GET", ITEM)
    throttles = recorder.of(ThrottleEvent)
    assert throttles and {event.reason for event in throttles} == {"bucket"}
    assert throttles[0].bucket_level > 80 and throttles[0].seconds > 0
    assert sum(event.seconds for event in throttles) == pytest.approx(sum(time.slept))


def test_a_401_is_a_refresh_event() -> None:
    recorder, time = Recorder(), FakeTime()
    _client(Script(401, item_page), time, recorder).request("GET", ITEM)
    (refresh,) = recorder.of(RefreshEvent)
    assert (refresh.account, refresh.method) == (str(ACCOUNT), "GET")
    assert recorder.names() == ["request", "response", "refresh", "request", "response"]


def test_the_async_client_has_the_same_hooks_and_awaits_async_ones() -> None:
    seen: list[str] = []

    async def async_hook(payload: Any) -> None:
        await anyio.sleep(0)
        seen.append(f"async {type(payload).__name__}")

    hooks = {
        "request": [lambda request: seen.append("request")],
        "response": [async_hook],
        "retry": [async_hook],
        "refresh": [async_hook],
    }
    time = FakeTime()

    async def main() -> None:
        async with _async_client(Script(401, 502, item_page), time, hooks) as client:
            assert (await client.request("GET", ITEM))["Item"]["itemID"] == "42"

    anyio.run(main)
    assert seen == [
        "request", "async Response", "async RefreshEvent",
        "request", "async Response", "async RetryEvent",
        "request", "async Response",
    ]  # fmt: skip


def test_hooks_run_in_order_and_their_errors_reach_the_caller() -> None:
    order: list[int] = []

    def boom(response: httpx2.Response) -> None:
        raise RuntimeError("hook failed")

    hooks = {"response": [lambda r: order.append(1), lambda r: order.append(2), boom]}
    client = ls.Client(ExampleTokenHolder(), transport=Script(item_page).transport(), event_hooks=hooks)
    with pytest.raises(RuntimeError, match="hook failed"):
        client.request("GET", ITEM)
    assert order == [1, 2]
    assert client.throttler.snapshot(str(ACCOUNT)).in_flight == 0  # nothing left booked


@pytest.mark.parametrize(
    ("hooks", "message"),
    [
        ({"requests": [print]}, "unknown event 'requests'"),
        ({"request": print}, "a list of functions"),
        ({"request": ["not callable"]}, "not callable"),
    ],
)
def test_bad_hooks_are_refused_at_construction(hooks: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ls.Client(ExampleTokenHolder(), event_hooks=hooks)
    with pytest.raises(ValueError, match=message):
        ls.AsyncClient(ExampleTokenHolder(), event_hooks=hooks)


def test_hooks_can_be_read_and_replaced_as_in_httpx() -> None:
    seen: list[int] = []
    client = ls.Client(ExampleTokenHolder(), transport=Script(item_page).transport())
    assert client.event_hooks == {
        name: [] for name in ("request", "response", "retry", "throttle", "refresh")
    }
    client.request("GET", ITEM)
    client.event_hooks = {"response": [lambda response: seen.append(response.status_code)]}
    client.request("GET", ITEM)
    assert seen == [200] and len(client.event_hooks["response"]) == 1
    with pytest.raises(ValueError, match="unknown event"):
        client.event_hooks = {"sent": []}
