"""Writes under faults: a create whose answer was lost is never silently duplicated."""

from __future__ import annotations

import threading

import httpx2

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Faults, Sandbox

from ._support import TOLERANT

SALE = {
    "shopID": 1,
    "employeeID": 1,
    "registerID": 1,
    "SaleLines": [{"SaleLine": {"itemID": 1, "unitQuantity": 1, "unitPrice": "1.00"}}],
}


class CountingPosts(httpx2.BaseTransport):
    """Counts the POSTs that reach the sandbox."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.posts = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.method == "POST":
            with self._lock:
                self.posts += 1
        return self.inner.handle_request(request)


def _create_many(sandbox: Sandbox, attempts: int) -> tuple[int, int, int, int]:
    """Create ``attempts`` sales: (sales before, successes, failures, POSTs sent)."""
    before = sandbox.engine.count(sandbox.account_id, "Sale")
    transport = CountingPosts(sandbox.transport())
    successes = failures = 0
    with sandbox.client(transport=transport, retry_policy=TOLERANT) as client:
        sales = client.account(sandbox.account_id).sales
        for _ in range(attempts):
            try:
                sales.create(SALE)
                successes += 1
            except (ls.APIConnectionError, ls.ServerError):
                failures += 1
    return before, successes, failures, transport.posts


def test_a_lost_answer_raises_and_is_not_retried() -> None:
    sandbox = Sandbox(items=20, rate_limit=False, faults=Faults(lost_write_rate=0.3, seed=3))
    before, successes, lost, posts = _create_many(sandbox, 40)
    assert lost > 0 and successes > 0
    assert posts == 40  # no POST was sent twice
    assert sandbox.engine.count(sandbox.account_id, "Sale") == before + successes + lost


def test_with_every_fault_the_sales_are_never_more_than_attempted() -> None:
    faults = Faults(error_rate=0.1, drop_rate=0.1, lost_write_rate=0.2, seed=4)
    sandbox = Sandbox(items=20, rate_limit=False, faults=faults)
    before, successes, failures, posts = _create_many(sandbox, 40)
    created = sandbox.engine.count(sandbox.account_id, "Sale") - before
    assert failures > 0
    assert successes <= created <= successes + failures
    assert posts == 40
