"""Fault injection, and how the in-process transports show faults to the client."""

from __future__ import annotations

import httpx2
import pytest

from lightspeed_pos.sandbox import Faults, Sandbox
from lightspeed_pos.sandbox.http.messages import ApiRequest, ApiResponse, AuthContext

from ._http_fakes import FakeEngine, body, fake_sandbox


def client_for(sandbox: Sandbox, sleeps: list[float] | None = None, timeout: float = 5.0) -> httpx2.Client:
    token = sandbox.issue_tokens().access_token
    sleep = sleeps.append if sleeps is not None else (lambda seconds: None)
    return httpx2.Client(
        transport=sandbox.transport(sleep=sleep),
        base_url=sandbox.base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout,
    )


def test_error_faults_answer_html_5xx_without_reaching_the_engine() -> None:
    sandbox, engine, _ = fake_sandbox(faults=Faults(error_rate=1.0, seed=3))
    client = client_for(sandbox)
    responses = [client.get("/Account/1/Item.json") for _ in range(12)]
    assert {r.status_code for r in responses} <= {500, 502, 503}
    assert len({r.status_code for r in responses}) > 1
    assert all(r.headers["Content-Type"].startswith("text/html") for r in responses)
    assert "<title>" in responses[0].text
    assert engine.calls == []


def test_dropped_connection_is_a_remote_protocol_error() -> None:
    sandbox, engine, _ = fake_sandbox(faults=Faults(drop_rate=1.0))
    with pytest.raises(httpx2.RemoteProtocolError, match=r"Server disconnected without sending a response\."):
        client_for(sandbox).get("/Account/1/Item.json")
    assert engine.calls == []


def test_slow_answer_beyond_the_read_timeout_is_a_read_timeout() -> None:
    sandbox, _, _ = fake_sandbox(faults=Faults(slow_rate=1.0, slow_seconds=3.0))
    sleeps: list[float] = []
    with pytest.raises(httpx2.ReadTimeout):
        client_for(sandbox, sleeps, timeout=1.0).get("/Account/1/Item.json")
    assert sleeps == [1.0]
    sleeps.clear()
    response = client_for(sandbox, sleeps, timeout=10.0).get("/Account/1/Item.json")
    assert response.status_code == 200 and sleeps == [3.0]


def test_lost_write_commits_then_drops() -> None:
    sandbox, engine, _ = fake_sandbox(faults=Faults(lost_write_rate=1.0))
    client = client_for(sandbox)
    with pytest.raises(httpx2.RemoteProtocolError):
        client.post("/Account/1/Item.json", json={"description": "Widget"})
    assert engine.records == [{"description": "Widget"}]
    assert engine.count(1, "Item") == 1
    assert client.get("/Account/1/Item.json").status_code == 200  # reads are not affected


def test_faults_are_deterministic_by_seed() -> None:
    def run(seed: int) -> list[tuple[str | None, int]]:
        faults = Faults(error_rate=0.2, drop_rate=0.2, slow_rate=0.2, lost_write_rate=0.2, seed=seed)
        return [faults.draw("POST") for _ in range(50)]

    assert run(7) == run(7)
    assert run(7) != run(8)
    kinds = {kind for kind, _ in run(7)}
    assert kinds == {None, "error", "drop", "slow", "lost_write"}


def test_invalid_rates_are_refused() -> None:
    with pytest.raises(ValueError):
        Faults(error_rate=0.7, drop_rate=0.7)


def test_faults_can_change_on_a_live_sandbox() -> None:
    sandbox, _, _ = fake_sandbox()
    client = client_for(sandbox)
    assert client.get("/Account.json").status_code == 200
    sandbox.faults = Faults(drop_rate=1.0)
    with pytest.raises(httpx2.RemoteProtocolError):
        client.get("/Account.json")
    sandbox.faults = None
    assert client.get("/Account.json").status_code == 200 and sandbox.faults == Faults()


def test_rate_limit_storm_forces_429_for_a_while() -> None:
    sandbox, _, clock = fake_sandbox()
    client = client_for(sandbox)
    sandbox.faults = Faults(rate_limit_storm=5.0)
    stormy = client.get("/Account.json")
    assert stormy.status_code == 429 and stormy.headers["Retry-After"] == "5"
    assert stormy.headers["X-LS-API-RateLimit-Type"] == "api-leaky-bucket"
    assert body(stormy)["errorClass"] == "RateLimitedException"
    clock.advance(5.0)
    assert client.get("/Account.json").status_code == 200


def test_transport_answers_any_host_and_passes_the_origin() -> None:
    sandbox, engine, _ = fake_sandbox()
    client = client_for(sandbox)
    client.get("http://example.test:8123/API/V3/Account.json", params={"a": "1", "b": "x y"})
    request, auth = engine.calls[-1]
    assert request.origin == "http://example.test:8123"
    assert request.query == (("a", "1"), ("b", "x y"))
    assert request.headers["authorization"].startswith("Bearer ")
    assert (auth.account_id, auth.client_id) == (1, "sandbox-client")


def test_engine_exception_becomes_a_500_json_error() -> None:
    class Broken(FakeEngine):
        def handle(self, request: ApiRequest, auth: AuthContext) -> ApiResponse:
            raise RuntimeError("boom")

    sandbox = Sandbox(engine=Broken())
    response = client_for(sandbox).get("/Account.json")
    assert response.status_code == 500 and body(response)["httpCode"] == "500"
    assert "X-LS-API-Bucket-Level" in response.headers


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.anyio
async def test_async_transport_maps_faults_like_the_sync_one() -> None:
    sandbox, engine, _ = fake_sandbox(faults=Faults(slow_rate=1.0, slow_seconds=3.0))
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    token = sandbox.issue_tokens().access_token
    headers = {"Authorization": f"Bearer {token}"}
    transport = sandbox.async_transport(sleep=fake_sleep)
    async with httpx2.AsyncClient(transport=transport, base_url=sandbox.base_url, headers=headers) as client:
        with pytest.raises(httpx2.ReadTimeout):
            await client.get("/Account.json", timeout=1.0)
        assert (await client.get("/Account.json", timeout=10.0)).status_code == 200
        assert sleeps == [1.0, 3.0]
        sandbox.faults = Faults(lost_write_rate=1.0)
        with pytest.raises(httpx2.RemoteProtocolError):
            await client.post("/Account/1/Item.json", json={"description": "x"})
    assert engine.records == [{"description": "x"}]
