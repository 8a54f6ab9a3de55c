"""The gem's specs (as replayed in tests/recorded) once more, against the sandbox.

Where the recordings fix the data (234 items, item 417...), these use the sandbox's seeded store;
the behaviour checked is the same, on both the V3 (cursor) and legacy (offset) paths.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox
from tests.integration.conftest import Store


def test_accounts_all_count_first(store: Store) -> None:
    accounts = store.client.accounts.all()
    assert [a.id for a in accounts] == [store.sandbox.account_id]
    assert store.client.accounts.count() == 1
    first = store.client.accounts.first()
    assert first is not None and first.name


def test_bucket_headers_are_read(store: Store) -> None:
    store.client.accounts.first()
    assert store.client.throttler.bucket_max == 90.0
    assert store.client.throttler.bucket_level is not None and store.client.throttler.bucket_level > 0


@pytest.mark.parametrize("base", ["v3", "legacy"])
def test_an_expired_token_is_refreshed_once(base: str) -> None:
    now = [1000.0]
    sandbox = Sandbox(token_lifetime=60, clock=lambda: now[0])
    client = sandbox.client(base_url=sandbox.base_url if base == "v3" else sandbox.legacy_base_url)
    holder = client._tokens._holder
    assert client.accounts.first() is not None
    now[0] += 61
    assert client.accounts.first() is not None
    assert holder.refresh_count == 1


def test_items_all_each_page_each(store: Store) -> None:
    expected = store.sandbox.engine.count(store.sandbox.account_id, "Item", include_archived=False)
    items = store.account.items.all()
    assert len(items) == expected == store.account.items.count()
    assert len({i.id for i in items}) == expected
    sizes = [len(page) for page in store.account.items.each_page()]
    assert sizes == [100] * (expected // 100) + ([expected % 100] if expected % 100 else [])
    assert len({i.id for i in store.account.items.each()}) == expected


def test_items_without_matrix(store: Store) -> None:
    items = store.account.items.all(params={"itemMatrixID": 0})
    assert items and all(i.itemMatrixID == 0 for i in items)
    assert items[0].item_matrix is None


def test_find_and_not_found(store: Store) -> None:
    item = store.account.items.find(5)
    assert isinstance(item, ls.Item) and item.id == 5
    with pytest.raises(ls.NotFoundError, match="'99999'"):
        store.account.items.find(99999)


def test_item_create_update_archive(store: Store) -> None:
    item = store.account.items.create(description="Onesie")
    assert item.id > 0 and item.description == "Onesie" and item.archived is False
    assert item.prices["default"] == Decimal("0")
    assert (
        store.account.items.update(item.id, description="T-Shirt Red Small").description
        == "T-Shirt Red Small"
    )
    item.update(description="Onesie, blue")
    assert item.description == "Onesie, blue"
    with pytest.raises(
        ls.BadRequestError, match=re.escape("Item not created. An Item must have a description.")
    ):
        store.account.items.create(description="")
    with pytest.raises(
        ls.BadRequestError, match=re.escape("Item not updated. An Item must have a description.")
    ):
        item.update(description="")
    assert store.account.items.archive(item.id).archived is True
    other = store.account.items.create(description="Item to destroy")
    other.archive()
    assert other.archived is True


def test_categories(store: Store) -> None:
    before = store.account.categories.count()
    category = store.account.categories.create(name="Category One")
    assert category.name == "Category One" and category.parent is None
    child = store.account.categories.create(name="Child", parentID=category.id)
    assert child.parent is not None and child.parent.id == category.id
    assert child.fullPathName == "Category One/Child"
    with pytest.raises(ls.BadRequestError, match=re.escape("name cannot be blank.")):
        store.account.categories.create(name="")
    with pytest.raises(ls.BadRequestError, match=re.escape("name cannot be blank.")):
        child.update(name="")
    assert store.account.categories.update(child.id, name="Category Two").name == "Category Two"
    store.account.categories.destroy(child.id)
    with pytest.raises(ls.NotFoundError, match=f"'{child.id}'"):
        store.account.categories.find(child.id)
    assert store.account.categories.count() == before + 1


def test_customers_employees_vendors(store: Store) -> None:
    customers = store.account.customers.all()
    assert customers and store.account.customers.find(customers[0].id).firstName == customers[0].firstName
    employees = store.account.employees.all()
    assert employees and store.account.employees.find(employees[0].id).id == employees[0].id
    vendors = store.account.vendors.all()
    assert len({v.id for v in vendors}) == len(vendors) > 0
    vendor = store.account.vendors.create(accountNumber="testAccountNumber123", name="Test Vendor 1A")
    assert store.account.vendors.update(vendor.id, accountNumber="456").accountNumber == "456"
    vendor.update(accountNumber="789")
    assert vendor.accountNumber == "789"
    assert store.account.vendors.archive(vendor.id).archived is True


def test_sales(store: Store) -> None:
    sales = store.account.sales.all()
    assert sales and sales[0].id == 1
    assert store.account.sales.find(sales[3].id).id == sales[3].id
    bare = store.account.sales.create(taxCategoryID=0, employeeID=1, shopID=1, registerID=1)
    assert bare.id > 0
    lines = [{"SaleLine": {"itemID": 1, "unitQuantity": 2, "unitPrice": "1.23", "tax": True}}]
    sale = store.account.sales.create(taxCategoryID=0, employeeID=1, shopID=1, registerID=1, SaleLines=lines)
    assert sale.total == Decimal("2.46")
    line = sale.sale_lines[0]
    assert isinstance(line, ls.SaleLine) and line.unitQuantity == 2
    item = line.item
    assert item is not None and item.id == 1 and line.item is item


def test_sale_line_item_is_fetched_once(store: Store) -> None:
    transport = store.client._http._transport
    calls: list[str] = []
    real = transport.handle_request

    def counting(request):  # type: ignore[no-untyped-def]
        calls.append(str(request.url))
        return real(request)

    transport.handle_request = counting  # type: ignore[method-assign]
    line = store.account.sale_lines.build({"saleLineID": "1", "itemID": "3"})
    assert line.item is not None and line.item is line.item and line.item.id == 3
    assert len(calls) == 1
    zero = store.account.sale_lines.build({"saleLineID": "2", "itemID": "0"})
    assert zero.item is None
    assert len(calls) == 1
