"""`lightspeed export` under faults: interrupted, resumed, and still exactly the sandbox's records."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos.cli._export import ResourceExport
from lightspeed_pos.sandbox import Faults, Sandbox


class Interrupt(KeyboardInterrupt):
    pass


class Statuses(httpx2.BaseTransport):
    """Counts what came back (or did not: a dropped connection counts as 0)."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.seen: list[int] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        try:
            response = self.inner.handle_request(request)
        except httpx2.TransportError:
            self.seen.append(0)
            raise
        self.seen.append(response.status_code)
        return response


@pytest.mark.parametrize("fmt", ["ndjson", "json"])
def test_export_under_faults_interrupted_and_resumed(tmp_path: Path, fmt: str) -> None:
    sandbox = Sandbox(items=450, time_scale=1000, faults=Faults(error_rate=0.1, drop_rate=0.05, seed=11))
    seen = Statuses(sandbox.transport())
    client = sandbox.client(
        transport=seen, retry_policy=ls.RetryPolicy(max_retries=10, backoff_base=0.001, backoff_max=0.01)
    )
    account = client.account(sandbox.account_id)
    spec = account.items.spec

    def stop_after_two_pages(state: object) -> None:
        if getattr(state, "pages", 0) == 2:
            raise Interrupt

    first = ResourceExport(spec, account.items, tmp_path, fmt, page_size=25)
    first.prepare()
    with pytest.raises(Interrupt):
        first.run(stop_after_two_pages)
    with first.data_path.open("ab") as out:
        out.write(b'{"itemID": "torn')  # a page half-written when the process died

    second = ResourceExport(spec, account.items, tmp_path, fmt, page_size=25)
    second.prepare()
    state = second.run()
    assert state.complete

    text = second.data_path.read_text()
    exported = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    ids = [int(record["itemID"]) for record in exported]
    expected = sandbox.engine.count(sandbox.account_id, "Item", include_archived=False)
    assert len(ids) == len(set(ids)) == expected
    assert any(status != 200 for status in seen.seen), "the faults should have struck"
    sandbox.faults = Faults()  # read the truth without faults
    assert set(ids) == {item.id for item in account.items.all()}
