"""The query language wired into the collections: checked before sending, IN split and merged,
and the exact wire strings on the request line."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos import F, Or, Query
from lightspeed_pos.sandbox import Sandbox


class Recording(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.urls: list[str] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.urls.append(str(request.url))
        return self.inner.handle_request(request)


@pytest.fixture
def setup() -> tuple[Sandbox, Recording, ls.Account]:
    sandbox = Sandbox(time_scale=1000)
    recording = Recording(sandbox.transport())
    client = sandbox.client(transport=recording)
    return sandbox, recording, client.account(sandbox.account_id)


def test_a_long_in_list_is_split_and_merged(setup: tuple[Sandbox, Recording, ls.Account]) -> None:
    sandbox, recording, account = setup
    wanted = [*range(1, 251), 1, 2, 3]
    items = account.items.all(Query(F("itemID").in_(wanted)))
    expected = sandbox.engine.count(sandbox.account_id, "Item", include_archived=False)
    assert len(items) == len({i.id for i in items}) == expected
    assert len(recording.urls) == 3
    assert account.items.count(Query(F("itemID").in_(wanted))) == expected


def test_queries_are_checked_before_any_request(setup: tuple[Sandbox, Recording, ls.Account]) -> None:
    _, recording, account = setup
    with pytest.raises(ValueError, match="itemID, timeStamp, description"):
        account.items.all(Query(sort="-defaultCost"))
    with pytest.raises(ValueError, match="nope"):
        account.items.all(params={"nope": 1})
    with pytest.raises(ValueError, match="ItemShops"):
        account.items.all(Query(F("ItemShops.qoh") > 0))
    assert recording.urls == []


def test_the_wire_strings(setup: tuple[Sandbox, Recording, ls.Account]) -> None:
    _, recording, account = setup
    since = datetime(2026, 6, 1, tzinfo=UTC)
    query = Query(
        F("timeStamp") >= since,
        Or(F("description").like("%Shirt%"), F("description").like("%Hoodie%")),
        load_relations=["ItemShops"],
        sort="-timeStamp",
    ).where(F("ItemShops.qoh") > 0)
    items = account.items.all(query)
    url = recording.urls[0]
    assert "sort=-timeStamp" in url
    assert "timeStamp=%3E%3D%2C2026-06-01T00%3A00%3A00%2B00%3A00" in url
    # the form of docs/reference.md#filters
    assert "or=description%3D~,%25Shirt%25|description%3D~,%25Hoodie%25" in url
    assert "load_relations=%5B%22ItemShops%22%5D" in url
    assert items
    for item in items:
        assert item.timeStamp is not None and item.timeStamp >= since
        assert "Shirt" in (item.description or "") or "Hoodie" in (item.description or "")
        shops = item.attributes["ItemShops"]["ItemShop"]
        assert any(int(s["qoh"]) > 0 for s in (shops if isinstance(shops, list) else [shops]))
