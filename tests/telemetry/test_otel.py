"""OpenTelemetry: a span per API request with the listed attributes, metrics per account, a span
per sync stream run; and no token, secret or customer data in any of them."""

from __future__ import annotations

import inspect
import sys

import anyio
import pytest
from opentelemetry.trace import SpanKind, StatusCode

import lightspeed_pos as ls
from lightspeed_pos import F, Query
from lightspeed_pos._flow import request_flow
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.telemetry import path_template
from tests.support.holders import ExampleTokenHolder

from ._server import ACCOUNT, SECRET, FakeTime, Script, item_page
from .conftest import Otel

ITEM = f"Account/{ACCOUNT}/Item/42"
TEMPLATE = "/API/V3/Account/{accountID}/Item/{itemID}.json"


def _client(script: Script, time: FakeTime, otel: Otel) -> ls.Client:
    return ls.Client(
        ExampleTokenHolder(SECRET),
        transport=script.transport(),
        clock=time.clock,
        sleep=time.sleep,
        telemetry=otel.telemetry,
    )


def test_a_span_per_request_with_every_listed_attribute(otel: Otel) -> None:
    time = FakeTime()
    client = _client(Script(401, 429, 503, item_page), time, otel)
    client.request("GET", ITEM)
    (span,) = otel.spans()
    assert span.name == f"GET {TEMPLATE}" and span.kind == SpanKind.CLIENT
    attributes = dict(span.attributes or {})
    retry_wait = time.slept[-1]
    assert attributes == {
        "http.request.method": "GET",
        "url.template": TEMPLATE,
        "server.address": "api.lightspeedapp.com",
        "http.response.status_code": 200,
        "http.request.resend_count": 1,
        "lightspeed.account_id": str(ACCOUNT),
        "lightspeed.request.cost": 1.0,
        "lightspeed.bucket.level_before": 0.0,
        "lightspeed.bucket.level_after": 3.0,
        "lightspeed.bucket.size": 90.0,
        "lightspeed.wait.bucket": 0.0,
        "lightspeed.wait.rate_limited": 2.0,
        "lightspeed.wait.retry": pytest.approx(retry_wait, abs=1e-5),
        "lightspeed.rate_limited": 1,
        "lightspeed.token_refreshes": 1,
    }
    assert span.status.status_code == StatusCode.UNSET


def test_the_bucket_levels_and_the_wait_for_the_bucket(otel: Otel) -> None:
    time = FakeTime()
    client = _client(Script(lambda request: item_page(request, level="90/90")), time, otel)
    client.request("GET", ITEM)
    client.request("GET", ITEM)
    first, second = (dict(span.attributes or {}) for span in otel.spans())
    assert first["lightspeed.bucket.level_before"] == 0.0 and first["lightspeed.bucket.level_after"] == 90.0
    assert second["lightspeed.bucket.level_before"] == pytest.approx(90.0, abs=0.01)
    assert second["lightspeed.wait.bucket"] == pytest.approx(sum(time.slept)) and sum(time.slept) > 0
    waits = otel.metrics()["lightspeed.client.wait"]
    assert [(attributes["lightspeed.wait.reason"], count) for attributes, (count, _) in waits] == [
        ("bucket", 1)
    ]


def test_metrics_per_account(otel: Otel) -> None:
    time = FakeTime()
    client = _client(Script(429, item_page, 401, item_page, item_page), time, otel)
    client.request("GET", ITEM)
    client.request("GET", ITEM)
    client.request("GET", "Account/7/Item/1")
    metrics = otel.metrics()
    requests = {(a["lightspeed.account_id"], a["url.template"], a["http.response.status_code"]): v
                for a, v in metrics["lightspeed.client.requests"]}  # fmt: skip
    assert requests == {(str(ACCOUNT), TEMPLATE, 200): 2, ("7", TEMPLATE, 200): 1}
    assert metrics["lightspeed.client.rate_limited"] == [({"lightspeed.account_id": str(ACCOUNT)}, 1)]
    assert metrics["lightspeed.client.token_refreshes"] == [({"lightspeed.account_id": str(ACCOUNT)}, 1)]
    levels = {a["lightspeed.account_id"]: v for a, v in metrics["lightspeed.client.bucket.level"]}
    assert levels == {str(ACCOUNT): 3.0, "7": 3.0}
    waits = {a["lightspeed.wait.reason"]: v for a, v in metrics["lightspeed.client.wait"]}
    assert waits["429"] == (1, 2.0)
    durations = metrics["lightspeed.client.request.duration"]
    assert sum(count for _, (count, _) in durations) == 3


def test_a_failed_request_is_an_error_span(otel: Otel) -> None:
    client = _client(Script(404), FakeTime(), otel)
    with pytest.raises(ls.NotFoundError):
        client.request("GET", ITEM)
    (span,) = otel.spans()
    assert span.status.status_code == StatusCode.ERROR
    assert span.attributes and span.attributes["error.type"] == "NotFoundError"
    assert span.attributes["http.response.status_code"] == 404
    client = _client(Script(-1), FakeTime(), otel)
    with pytest.raises(ls.APIConnectionError):
        client.request("GET", ITEM)
    span = otel.spans()[-1]
    assert span.attributes and span.attributes["error.type"] == "APIConnectionError"
    assert span.attributes["http.request.resend_count"] == 2


def test_the_async_client_makes_the_same_spans(otel: Otel) -> None:
    time = FakeTime()

    async def main() -> None:
        client = ls.AsyncClient(
            ExampleTokenHolder(SECRET),
            transport=Script(503, item_page).transport(),
            clock=time.clock,
            sleep=time.asleep,
            telemetry=otel.telemetry,
        )
        async with client:
            await client.request("GET", ITEM)

    anyio.run(main)
    (span,) = otel.spans()
    assert span.name == f"GET {TEMPLATE}"
    assert span.attributes and span.attributes["http.request.resend_count"] == 1


def test_a_sync_stream_run_is_a_span_around_its_requests(otel: Otel) -> None:
    client = _client(Script(item_page), FakeTime(), otel)
    with client.stream_span("Item", account_id=ACCOUNT, mode="incremental") as run:
        client.request("GET", ITEM)
        run.records += 1
        run.pages += 1
    request, stream = otel.spans()
    assert stream.name == "lightspeed.sync Item"
    assert request.parent is not None and stream.context is not None
    assert request.parent.span_id == stream.context.span_id
    assert dict(stream.attributes or {}) == {
        "lightspeed.sync.stream": "Item",
        "lightspeed.account_id": str(ACCOUNT),
        "lightspeed.sync.records": 1,
        "lightspeed.sync.pages": 1,
        "lightspeed.sync.mode": "incremental",
    }
    with pytest.raises(RuntimeError), client.stream_span("Sale") as run:
        raise RuntimeError("the destination is gone")
    assert otel.spans()[-1].status.status_code == StatusCode.ERROR
    with client.stream_span("Customer") as run:
        run.error_type = "NotFoundError"  # a sync that records the failure and goes on
    failed = otel.spans()[-1]
    assert failed.status.status_code == StatusCode.ERROR
    assert failed.attributes and failed.attributes["error.type"] == "NotFoundError"


def test_without_telemetry_a_stream_span_is_a_no_op() -> None:
    client = ls.Client(ExampleTokenHolder(), telemetry=False)
    assert client.telemetry is None
    with client.stream_span("Item", account_id=1) as run:
        run.records += 5
    assert run.records == 5


A = "/API/V3/Account/{accountID}"


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/API/V3/Account/12/Item/5.json", TEMPLATE),
        ("/API/V3/Account/12/Item.json", f"{A}/Item.json"),
        ("/API/V3/Account/12/Sale/9/SaleLine/3.json", f"{A}/Sale/{{saleID}}/SaleLine/{{saleLineID}}.json"),
        ("/API/Account/12/Customer/4.json", "/API/Account/{accountID}/Customer/{customerID}.json"),
        ("/API/V3/Account/12/Item/CustomField/3/CustomFieldChoice.json",
         f"{A}/Item/CustomField/{{customFieldID}}/CustomFieldChoice.json"),
        ("/API/V3/Account/12/Customer/4/Anonymize.json", f"{A}/Customer/{{customerID}}/Anonymize.json"),
        ("/API/V3/Account/12/Customer/jane@example.com.json", f"{A}/Customer/{{customerID}}.json"),
        ("/API/V3/Account/12/Nope/x.json", f"{A}/{{unknown}}.json"),
        ("/API/V3/Account/12/Sale/x/SaleLine.json", f"{A}/{{unknown}}.json"),
        ("/API/V3/Account/12.json", f"{A}.json"),
        ("/API/V3/Account/12/Sale/7/refund.json", f"{A}/Sale/{{saleID}}/refund.json"),
        ("/API/Other/12.json", "/API/Other/{id}.json"),
        ("/API/Session.json", "/API/Session.json"),
        ("/API/Account.json", "/API/Account.json"),
    ],
)  # fmt: skip
def test_path_templates_come_from_the_catalogue(path: str, template: str) -> None:
    assert path_template(path) == template


def _every_attribute_text(otel: Otel) -> list[str]:
    texts: list[str] = []
    for span in otel.spans():
        texts.append(span.name)
        for value in (span.attributes or {}).values():
            texts.append(str(value))
        for event in span.events:
            texts.extend(str(value) for value in (event.attributes or {}).values())
        texts.append(str(span.status.description))
    for name, points in otel.metrics().items():
        texts.append(name)
        for attributes, _ in points:
            texts.extend(f"{key}={value}" for key, value in attributes.items())
    return texts


def test_no_token_secret_or_customer_data_in_any_span_or_metric(otel: Otel) -> None:
    now = [0.0]
    sandbox = Sandbox(items=10, token_lifetime=600, clock=lambda: now[0])
    holder = sandbox.token_holder()
    tokens = [holder.oauth_token, holder.refresh_token]
    client = ls.Client(
        holder, base_url=sandbox.base_url, transport=sandbox.transport(), telemetry=otel.telemetry
    )
    account = client.account(sandbox.account_id)
    customer = account.customers.create(firstName="Zebulon", lastName="Quaxley", company="Secret Widgets Ltd")
    found = account.customers.all(Query(F("firstName") == "Zebulon"))
    assert [c.id for c in found] == [customer.id]
    account.customers.find(customer.id)
    now[0] += 3600  # the access token expires: a 401, a refresh, a replay
    account.items.first()
    assert holder.refresh_count == 1
    tokens += [holder.oauth_token, holder.refresh_token]
    with pytest.raises(ls.NotFoundError):
        account.customers.find(987654321)
    texts = _every_attribute_text(otel)
    assert len(otel.spans()) == 6  # the find of a missing record asks again with archived=true
    assert any(dict(span.attributes or {}).get("lightspeed.token_refreshes") == 1 for span in otel.spans())
    secrets = [
        *tokens,
        sandbox.client_secret,
        "Zebulon",
        "Quaxley",
        "Secret Widgets",
        str(customer.id),
        "987654321",
    ]
    for secret in secrets:
        leaks = [text for text in texts if secret in text]
        assert not leaks, f"{secret!r} appears in {leaks}"
    assert any(str(sandbox.account_id) in text for text in texts)  # the account id is meant to be there


def test_telemetry_is_on_by_default_when_opentelemetry_is_installed() -> None:
    from lightspeed_pos.telemetry import Telemetry, default_telemetry

    client = ls.Client(ExampleTokenHolder())
    assert isinstance(client.telemetry, Telemetry) and client.telemetry is default_telemetry()
    assert ls.Client(ExampleTokenHolder(), telemetry=True).telemetry is not None


def test_the_global_providers_are_used_once_an_sdk_sets_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until an SDK is configured nothing would be recorded, so requests are not watched at all."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from lightspeed_pos.telemetry import Telemetry

    telemetry = Telemetry()
    assert not telemetry.active()
    client = ls.Client(ExampleTokenHolder(), transport=Script(item_page).transport(), telemetry=telemetry)
    flow = client._flow(client._spec("GET", ITEM, None, None))
    assert inspect.getgeneratorstate(flow) == "GEN_CREATED" and flow.gi_code is request_flow.__code__  # type: ignore[attr-defined]
    flow.close()
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: provider)
    assert telemetry.active()
    telemetry.tracer = provider.get_tracer("lightspeed_pos")  # what the proxy tracer resolves to
    client.request("GET", ITEM)
    assert [span.name for span in exporter.get_finished_spans()] == [f"GET {TEMPLATE}"]


def test_without_opentelemetry_installed_clients_work_and_the_error_is_clear(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lightspeed_pos import telemetry

    for name in ("opentelemetry", "opentelemetry.trace", "opentelemetry.metrics"):
        monkeypatch.setitem(sys.modules, name, None)
    telemetry.default_telemetry.cache_clear()
    try:
        assert not telemetry.available()
        client = ls.Client(ExampleTokenHolder(), transport=Script(item_page).transport())
        assert client.telemetry is None
        assert client.request("GET", ITEM)["Item"]["itemID"] == "42"
        with pytest.raises(ImportError, match=r"lightspeed-pos\[otel\]"):
            ls.Client(ExampleTokenHolder(), telemetry=True)
    finally:
        telemetry.default_telemetry.cache_clear()
