"""Whether a write is sent again is decided once, from its method and body (issue #10, items 1-2)."""

from __future__ import annotations

import threading

import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos._retry import creates_children, may_repeat
from lightspeed_pos.sandbox import Sandbox
from tests.support.holders import ExampleTokenHolder

QUICK = ls.RetryPolicy(backoff_base=0.001, backoff_max=0.002)
SALE = "/API/V3/Account/1/Sale/5.json"
LINE = {"SaleLine": {"itemID": 1, "unitQuantity": 1, "unitPrice": "10"}}


class LoseAnswers(httpx2.BaseTransport):
    """Lets the sandbox apply a request, then loses its answer: the first ``count`` of ``method``."""

    def __init__(self, inner: httpx2.BaseTransport, method: str, count: int = 1) -> None:
        self.inner = inner
        self.method = method
        self.left = count
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        self.sent.append(request.method)
        with self._lock:
            lose = request.method == self.method and self.left > 0
            self.left -= lose
        if lose:
            raise httpx2.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        return response


# --- the one decision ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "body", "repeatable"),
    [
        ("GET", SALE, None, True),
        ("DELETE", SALE, None, True),
        ("POST", "/API/V3/Account/1/Sale.json", {"shopID": 1}, False),
        ("PUT", SALE, {"completed": True}, True),
        ("PUT", SALE, {"SaleLines": [LINE]}, False),
        ("PUT", SALE, {"SaleLines": {"SaleLine": [LINE["SaleLine"]]}}, False),
        ("PUT", SALE, {"SalePayments": {"SalePayment": {"amount": "10", "paymentTypeID": 1}}}, False),
        ("PUT", SALE, {"Sale": {"SaleLines": [LINE]}}, False),  # a wrapped body is looked into
        ("PUT", SALE, {"SaleLines": ""}, True),  # nothing nested
        ("PUT", "/API/V3/Account/1/Item/3.json", {"ItemShops": {"ItemShop": [{"shopID": 1}]}}, False),
        ("PUT", "/API/V3/Account/1/Order/3.json", {"OrderLines": {"OrderLine": {"itemID": 1}}}, False),
        ("PUT", "/API/V3/Account/1/Item/3.json", {"description": "x", "Prices": {"ItemPrice": []}}, True),
        ("PUT", "/API/V3/Account/1/Customer/3.json", {"Contact": {"custom": "x"}}, True),
        ("PUT", "/API/V3/Account/1/Unknown/3.json", {"Things": [{"a": 1}]}, False),
    ],
)
def test_whether_a_request_may_be_repeated_comes_from_method_and_body(
    method: str, path: str, body: object, repeatable: bool
) -> None:
    assert may_repeat(method, path, body) is repeatable


def test_the_children_creating_keys_come_from_the_catalogue() -> None:
    from lightspeed_pos._catalog import catalog

    sale = catalog().get("Sale")
    assert "SaleLines" in sale.relations and "SalePayments" in sale.relations
    # a key the catalogue does not list for the endpoint is a plain field to it
    assert not creates_children(SALE, {"Reasons": [{"x": 1}]})
    assert creates_children(SALE, {"SaleNotes": {"SaleNote": {"note": "n"}}})


# --- a PUT that adds nested records is not sent twice ----------------------------------------------
def test_a_put_adding_sale_lines_whose_answer_is_lost_is_not_sent_again() -> None:
    sandbox = Sandbox(items=10, rate_limit=False)
    transport = LoseAnswers(sandbox.transport(), "PUT")
    with sandbox.client(transport=transport, retry_policy=QUICK) as client:
        sales = client.account(sandbox.account_id).sales
        sale = sales.create({"shopID": 1, "employeeID": 1, "registerID": 1})
        with pytest.raises(ls.WriteOutcomeUnknownError) as caught:
            sales.update(sale.id, SaleLines=[LINE])
        assert caught.value.may_have_been_applied
        assert isinstance(caught.value, ls.APIConnectionError)
        assert "may have been applied" in str(caught.value)
        assert transport.sent.count("PUT") == 1
        after = sales.find(sale.id)
        assert len(after.sale_lines) == 1
        assert after.total is not None and float(after.total) == 10.0


def test_a_plain_field_put_whose_answer_is_lost_is_sent_again() -> None:
    sandbox = Sandbox(items=10, rate_limit=False)
    transport = LoseAnswers(sandbox.transport(), "PUT")
    with sandbox.client(transport=transport, retry_policy=QUICK) as client:
        items = client.account(sandbox.account_id).items
        item = items.update(1, description="Renamed twice, applied once")
        assert item.description == "Renamed twice, applied once"
        assert transport.sent.count("PUT") == 2


def test_a_post_whose_answer_is_lost_says_it_may_have_been_applied() -> None:
    sandbox = Sandbox(items=10, rate_limit=False)
    transport = LoseAnswers(sandbox.transport(), "POST")
    with (
        sandbox.client(transport=transport, retry_policy=QUICK) as client,
        pytest.raises(ls.WriteOutcomeUnknownError) as caught,
    ):
        client.account(sandbox.account_id).categories.create(name="Once")
    assert caught.value.may_have_been_applied and transport.sent.count("POST") == 1


def test_a_5xx_to_a_write_says_it_may_have_been_applied_and_to_a_read_does_not() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(502, text="<html>Bad Gateway</html>")

    with ls.Client(
        ExampleTokenHolder(), transport=httpx2.MockTransport(handler), retry_policy=QUICK
    ) as client:
        with pytest.raises(ls.ServerError) as post:
            client.request("POST", "Account/1/Category", json={"name": "x"})
        with pytest.raises(ls.ServerError) as get:
            client.request("GET", "Account/1/Category")
    assert post.value.may_have_been_applied and not get.value.may_have_been_applied
    assert not ls.LightspeedError("plain").may_have_been_applied


# --- a retried DELETE that meets a 404 is done -----------------------------------------------------
def test_a_retried_delete_that_meets_404_counts_as_done() -> None:
    sandbox = Sandbox(items=10, rate_limit=False)
    transport = LoseAnswers(sandbox.transport(), "DELETE")
    with sandbox.client(transport=transport, retry_policy=QUICK) as client:
        account = client.account(sandbox.account_id)
        archived = account.items.destroy(3)  # archives; the retry meets a 404
        assert archived.id == 3 and archived.archived is True and archived.description
        assert transport.sent.count("DELETE") == 2
        transport.left = 1
        category = account.categories.create(name="Gone")
        gone = account.categories.destroy(category.id)  # deletes for good
        assert gone.id == category.id
        with pytest.raises(ls.NotFoundError):
            account.categories.find(category.id)
        transport.left = 1
        assert client.request("DELETE", f"Account/{sandbox.account_id}/Category/{category.id}") == {}


def test_a_delete_of_a_missing_record_is_still_not_found() -> None:
    sandbox = Sandbox(items=10, rate_limit=False)
    with sandbox.client(retry_policy=QUICK) as client, pytest.raises(ls.NotFoundError):
        client.account(sandbox.account_id).categories.destroy(999_999)
