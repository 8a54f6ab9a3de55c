"""The client's behaviour, the same in both modes (Client and AsyncClient)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Faults, Sandbox
from tests.both.conftest import Api

pytestmark = pytest.mark.anyio


async def test_accounts(api: Api) -> None:
    accounts = await api.run(api.client.accounts.all())
    assert [a.id for a in accounts] == [api.sandbox.account_id]
    assert await api.run(api.client.accounts.count()) == 1
    first = await api.run(api.client.accounts.first())
    assert isinstance(first, ls.Account | ls.AsyncAccount) and first.name


async def test_listing_three_ways(api: Api) -> None:
    expected = api.sandbox.engine.count(api.sandbox.account_id, "Item", include_archived=False)
    items = await api.run(api.account.items.all())
    assert len({i.id for i in items}) == expected == await api.run(api.account.items.count())
    pages = await api.collect(api.account.items.each_page())
    assert sum(len(p) for p in pages) == expected and all(len(p) <= 100 for p in pages)
    each = await api.collect(api.account.items.each(params={"itemMatrixID": 0}))
    assert each and all(i.itemMatrixID == 0 for i in each)


async def test_find_first_not_found(api: Api) -> None:
    item = await api.run(api.account.items.find(3))
    assert isinstance(item, ls.Item) and item.id == 3
    assert (await api.run(api.account.items.first())).id == 1
    with pytest.raises(ls.NotFoundError, match="'424242'"):
        await api.run(api.account.items.find(424242))


async def test_writes_and_in_place_updates(api: Api) -> None:
    item = await api.run(api.account.items.create(description="Onesie"))
    assert item.description == "Onesie"
    updated = await api.run(api.account.items.update(item.id, description="Onesie, blue"))
    assert updated.description == "Onesie, blue"
    same = await api.run(item.update(description="Onesie, green"))
    assert same is item and item.description == "Onesie, green"
    await api.run(item.archive())
    assert item.archived is True
    with pytest.raises(ls.BadRequestError, match="must have a description"):
        await api.run(api.account.items.create(description=""))
    with pytest.raises(ls.OperationNotAllowedError):
        await api.run(api.account.categories.archive(1))


async def test_relations(api: Api) -> None:
    item = await api.run(api.account.items.find(1))
    matrix = await api.load(item, "item_matrix")
    assert isinstance(matrix, ls.ItemMatrix) and item.item_matrix is matrix
    assert item.prices["default"] > 0
    lines = [{"SaleLine": {"itemID": 1, "unitQuantity": 2, "unitPrice": "1.23", "tax": True}}]
    sale = await api.run(
        api.account.sales.create(taxCategoryID=0, employeeID=1, shopID=1, registerID=1, SaleLines=lines)
    )
    assert sale.total == Decimal("2.46")
    line = sale.sale_lines[0]  # embedded: no request, in both modes
    item_of_line = await api.load(line, "item")
    assert item_of_line.id == 1
    zero = api.account.items.build({"itemID": "9", "itemMatrixID": "0"})
    assert zero.item_matrix is None


async def test_async_relations_need_load(api: Api) -> None:
    if api.mode == "sync":
        pytest.skip("only AsyncClient defers relations to load()")
    item = await api.run(api.account.items.find(1))
    with pytest.raises(ls.LightspeedError, match=r"await record.load\('category'\)"):
        _ = item.category
    category = await item.load("category")
    assert item.category is category


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_expired_token_is_refreshed_once(mode: str) -> None:
    now = [0.0]
    api = Api(mode, Sandbox(token_lifetime=60, clock=lambda: now[0], rate_limit=False))
    await api.run(api.account.items.first())
    now[0] = 61.0
    await api.run(api.account.items.first())
    assert api.holder.refresh_count == 1
    await api.close()


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_faults_are_retried_for_reads(mode: str) -> None:
    sandbox = Sandbox(time_scale=1000, faults=Faults(error_rate=0.2, drop_rate=0.1, seed=3))
    api = Api(mode, sandbox, retry_policy=ls.RetryPolicy(max_retries=8, backoff_base=0.001))
    items = await api.run(api.account.items.all())
    expected = sandbox.engine.count(sandbox.account_id, "Item", include_archived=False)
    assert len({i.id for i in items}) == len(items) == expected
    await api.close()
