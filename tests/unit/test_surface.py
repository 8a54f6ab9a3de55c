"""The public surface is exactly ``__all__``; secrets never leak into logs, errors or reprs."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx2
import pytest
import yaml

import lightspeed_pos as ls
from tests.support.cassette import RecordingTransport, ReplayTransport, load_cassette
from tests.support.holders import ExampleTokenHolder

EXPECTED = {
    "DEFAULT_BASE_URL", "APIConnectionError", "APIStatusError", "APITimeoutError", "Account",
    "AsyncAccount", "AsyncClient", "AsyncCollection",
    "BadRequestError",
    "Category", "Client", "Collection", "ConflictError", "Customer", "Employee", "ForbiddenError", "Image",
    "InvalidResponseError", "InvalidValueError", "Inventory", "Item", "ItemAttributeSet", "ItemMatrix",
    "LightspeedError",
    "NotFoundError", "OperationNotAllowedError", "Order", "PriceLevel", "RateLimitError", "Resource",
    "RetryPolicy", "Sale", "SaleLine", "ServerError", "Shop", "SpecialOrder", "Throttler", "TokenHolder",
    "UnauthorizedError", "UnprocessableEntityError", "Vendor", "__version__", "errors",
    "WriteOutcomeUnknownError",
    "F", "Or", "Query", "estimate_cost", "oauth", "query", "LoginRequiredError", "RelatedList",
    "Sync", "Async", "AccessToken",
}  # fmt: skip

COLLECTIONS = [
    "categories", "customers", "employees", "images", "inventories", "item_attribute_sets", "item_matrices",
    "items", "orders", "price_levels", "sale_lines", "sales", "shops", "special_orders", "vendors",
]  # fmt: skip


def test_public_surface_is_pinned() -> None:
    assert set(ls.__all__) == EXPECTED
    for name in ls.__all__:
        assert hasattr(ls, name)
    for name in ("LightspeedError", "NotFoundError", "RateLimitError", "APIConnectionError", "ServerError"):
        assert getattr(ls.errors, name) is getattr(ls, name)
        assert issubclass(getattr(ls, name), ls.LightspeedError)


def test_account_collections_and_paths() -> None:
    client = ls.Client(ExampleTokenHolder())
    account = client.account(120645)
    for name in COLLECTIONS:
        collection = getattr(account, name)
        assert isinstance(collection, ls.Collection)
        assert collection.url().startswith("https://api.lightspeedapp.com/API/V3/Account/120645/")
    assert account.items.url() == "https://api.lightspeedapp.com/API/V3/Account/120645/Item.json"
    assert client.accounts.url() == "https://api.lightspeedapp.com/API/V3/Account.json"
    assert account.item_matrices.spec.entity == "ItemMatrix"


def test_operations_the_endpoint_does_not_allow_fail_before_any_request() -> None:
    transport = ReplayTransport([])
    account = ls.Client(ExampleTokenHolder(), transport=transport).account(1)
    with pytest.raises(ls.OperationNotAllowedError, match="SpecialOrder does not allow create"):
        account.special_orders.create(x=1)
    with pytest.raises(ls.OperationNotAllowedError):
        account.shops.destroy(1)
    with pytest.raises(ls.OperationNotAllowedError, match="cannot be archived"):
        account.categories.archive(1)
    assert transport.requests == []


def test_tls_verification_is_on_by_default() -> None:
    client = ls.Client(ExampleTokenHolder())
    pool = client._http._transport._pool  # type: ignore[attr-defined]
    assert pool._ssl_context.verify_mode.name == "CERT_REQUIRED"


def test_tokens_never_appear_in_logs_errors_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    secret = "eyJsecret-access-token"

    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("Item.json"):
            return httpx2.Response(401, json={"error": "access_denied", "error_description": "denied"})
        return httpx2.Response(200, json={"@attributes": {"count": "1"}, "Account": {"accountID": "1"}})

    holder = ExampleTokenHolder(secret)
    client = ls.Client(holder, transport=httpx2.MockTransport(handler))
    with caplog.at_level(logging.DEBUG, logger="lightspeed_pos"):
        account = client.accounts.first()
        with pytest.raises(ls.UnauthorizedError) as caught:
            client.account(1).items.all()
    texts = [
        caplog.text,
        str(caught.value),
        repr(caught.value),
        repr(client),
        repr(account),
        repr(client.throttler),
    ]
    texts += (
        [repr(caught.value.response), repr(caught.value.response.request.headers)]
        if caught.value.response
        else []
    )
    assert caplog.records, "debug logging should have said something"
    for text in texts:
        assert secret not in text and "refreshed" not in text


def test_recording_filters_tokens_and_the_account_id(tmp_path: Path) -> None:
    def upstream(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200,
            headers={"X-LS-Acct-Id": "98765", "X-LS-API-Bucket-Level": "1/90"},
            json={
                "@attributes": {"count": "1"},
                "Item": {"itemID": "1", "link": "/API/V3/Account/98765/Item/1"},
            },
        )

    target = tmp_path / "recorded.yml"
    recorder = RecordingTransport(
        httpx2.MockTransport(upstream),
        target,
        {"real-access": "OAuth Token", "real-refresh": "Refresh Token", "98765": "-", "__account__": "98765"},
    )
    client = ls.Client(ExampleTokenHolder("real-access"), transport=recorder)
    client.account(98765).items.find(1)
    text = target.read_text()
    assert "real-access" not in text and "98765" not in text
    assert yaml.safe_load(text)["http_interactions"][0]["request"]["uri"].startswith(
        "https://api.lightspeedapp.com/API/V3/Account/-/Item.json"
    )
    replayed = ReplayTransport(load_cassette(target))
    again = ls.Client(ExampleTokenHolder("another-token"), transport=replayed)
    assert again.account(5).items.find(1).id == 1
