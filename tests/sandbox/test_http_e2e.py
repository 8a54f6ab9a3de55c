"""End to end: the HTTP layer on the real engine, with httpx2 and with ``lightspeed_pos.Client``."""

from __future__ import annotations

import time
from typing import Any

import httpx2
import pytest

from lightspeed_pos import APIConnectionError, Client
from lightspeed_pos.sandbox import Faults, Sandbox
from lightspeed_pos.sandbox.pytest_plugin import SANDBOX_TIME_SCALE

from ._http_fakes import FakeClock


def raw_client(sandbox: Sandbox) -> httpx2.Client:
    token = sandbox.issue_tokens().access_token
    return httpx2.Client(
        transport=sandbox.transport(), base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"}
    )


def test_engine_answers_through_the_pipeline_with_costs_and_headers() -> None:
    sandbox = Sandbox(items=30)
    with raw_client(sandbox) as http:
        items = http.get(
            f"/Account/{sandbox.account_id}/Item.json",
            params={"load_relations": '["ItemShops"]', "limit": "10"},
        )
        assert items.status_code == 200 and items.json()["Item"]
        assert items.headers["X-LS-API-Request-Cost"] == "1.4"
        assert items.headers["X-LS-API-Bucket-Level"] == "1.4/90"
        assert items.json()["@attributes"]["next"].startswith("https://api.lightspeedapp.com/API/V3/")
        missing = http.get(f"/Account/{sandbox.account_id}/Item/999999.json")
        assert missing.status_code == 404 and missing.headers["X-LS-Acct-Id"] == str(sandbox.account_id)
        assert http.get("/Account.json").status_code == 200
        assert http.get("/Session.json").status_code == 200
        count = http.get(f"/Account/{sandbox.account_id}/Item.json", params={"count": "1"})
        assert count.headers["X-LS-API-Request-Cost"] == "10"


def client_for(sandbox: Sandbox, **kwargs: Any) -> Client:
    return sandbox.client(sleep=lambda seconds: None, **kwargs)


def test_client_smoke_reads_every_page() -> None:
    sandbox = Sandbox(items=130)
    client = client_for(sandbox)
    try:
        items = client.account(sandbox.account_id).items
        live = sandbox.engine.count(sandbox.account_id, "Item", include_archived=False)
        assert live > 100  # more than one page
        assert len(items.all()) == live
        assert items.count() == live
    finally:
        client.close()


def test_client_refreshes_an_expired_token_through_the_sandbox() -> None:
    clock = FakeClock()
    sandbox = Sandbox(items=5, token_lifetime=5.0, clock=clock)
    holder = sandbox.token_holder()
    client = Client(oauth_token_holder=holder, base_url=sandbox.base_url, transport=sandbox.transport())
    try:
        first = holder.oauth_token
        assert client.account(sandbox.account_id).items.count() == 5
        clock.advance(10)
        assert client.account(sandbox.account_id).items.count() == 5
        assert holder.refresh_count == 1 and holder.oauth_token != first
    finally:
        client.close()


def test_lost_write_exists_though_the_client_saw_a_failure() -> None:
    sandbox = Sandbox(items=5, faults=Faults(lost_write_rate=1.0))
    client = client_for(sandbox)
    try:
        before = sandbox.engine.count(sandbox.account_id, "Item")
        with pytest.raises(APIConnectionError):
            client.account(sandbox.account_id).items.create(description="Lost but saved")
        assert sandbox.engine.count(sandbox.account_id, "Item") == before + 1  # POSTs are not retried
    finally:
        client.close()


def test_client_stays_within_the_rate_limit_on_a_scaled_bucket() -> None:
    sandbox = Sandbox(items=5, time_scale=SANDBOX_TIME_SCALE)
    client = sandbox.client()
    try:
        started = time.monotonic()
        counts = [client.account(sandbox.account_id).items.count() for _ in range(15)]  # 150 drips
        assert counts == [5] * 15
        assert time.monotonic() - started < 10
    finally:
        client.close()


def test_pytest_plugin_fixture(lightspeed_sandbox: Sandbox) -> None:
    assert lightspeed_sandbox.app.limiter.time_scale == SANDBOX_TIME_SCALE
    assert lightspeed_sandbox.app.limiter.enabled
    with raw_client(lightspeed_sandbox) as http:
        assert http.get("/Account.json").headers["X-LS-API-Drip-Rate"] == "100"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.anyio
async def test_async_transport_on_the_engine() -> None:
    sandbox = Sandbox(items=12)
    headers = {"Authorization": f"Bearer {sandbox.issue_tokens().access_token}"}
    async with httpx2.AsyncClient(
        transport=sandbox.async_transport(), base_url=sandbox.base_url, headers=headers
    ) as http:
        response = await http.get(f"/Account/{sandbox.account_id}/Item.json", params={"limit": "5"})
        assert response.status_code == 200 and len(response.json()["Item"]) == 5
