"""``build()`` takes what a user naturally writes, for every model, and its relations then work.

For each endpoint's model, a real record is read from the sandbox and rebuilt from the Python
values its fields hold (ints for ids and keys, Decimals or floats for money, bools for flags,
datetimes and dates for times, ints for numeric text): the rebuilt record types every field
as the wire record did, and every relation reads the same records through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

import lightspeed_pos as ls
from lightspeed_pos._catalog import catalog
from lightspeed_pos._resource import Resource, relation
from lightspeed_pos.models import MODELS
from lightspeed_pos.sandbox import Sandbox

EMBEDDED = ["Contact", "ContactAddress", "ContactEmail", "ContactPhone", "ContactWebsite"]
EMBEDDED += ["CustomFieldValue", "ItemAttributes", "ItemComponent", "ItemECommerce", "ItemVendorNum"]
EMBEDDED += ["Note", "VendorRep"]


def endpoints() -> dict[str, str]:
    """Entity -> the catalogue row that lists it at the account's level (one per model)."""
    rows: dict[str, str] = {}
    for spec in catalog().resources:
        listed = spec.kind == "resource" and spec.scope == "account" and "{" not in spec.path
        if listed and spec.entity in MODELS and spec.id_field and spec.entity not in rows:
            rows[spec.entity] = spec.name
    return rows


ENDPOINTS = endpoints()


@pytest.fixture(scope="module")
def account() -> Iterator[ls.Account]:
    sandbox = Sandbox(rate_limit=False, items=60)
    client = sandbox.client()
    yield client.account(sandbox.account_id)
    client.close()


def relations_of(model: type[Resource]) -> list[str]:
    return [name for klass in model.__mro__ for name, v in vars(klass).items() if isinstance(v, relation)]


def user_values(record: Resource, flavour: int) -> dict[str, Any]:
    """The record's typed values as a user would pass them (``flavour`` varies float/Decimal...)."""
    values: dict[str, Any] = {}
    for name in type(record).model_fields:
        value = getattr(record, name)
        if value is None:
            continue
        if isinstance(value, Decimal) and flavour % 2:
            value = float(value)  # money as a float: 4.39, not Decimal("4.39")
        elif isinstance(value, dt.datetime) and flavour % 3 == 2:
            value = value.replace(tzinfo=None) if value.utcoffset() == dt.timedelta(0) else value
        elif isinstance(value, str) and value.isdigit() and not value.startswith("0") and len(value) < 15:
            value = int(value)  # numeric text (a UPC, a SKU) as a number
        values[name] = value
    return values


def same_ids(found: Any) -> Any:
    if isinstance(found, Resource):
        return (type(found).__name__, found.id, found.to_json() if not found.id else "")
    if isinstance(found, list):
        return [same_ids(x) for x in found]
    return found


@pytest.mark.parametrize("entity", sorted(ENDPOINTS))
def test_build_from_python_values_then_read_every_relation(account: ls.Account, entity: str) -> None:
    model = MODELS[entity]
    collection: ls.Collection[Any] = account._bound().client.collection(
        ENDPOINTS[entity], account_id=account.id
    )
    if "query" not in collection.spec.operations:
        pytest.skip(f"{entity} cannot be listed")  # pragma: no cover - every model lists today
    real = collection.first()
    if real is None:
        real = collection.build({collection.spec.id_field: 0})
    for flavour in range(3):
        given = user_values(real, flavour)
        built = collection.build(given)
        for name in model.model_fields:
            assert getattr(built, name) == getattr(real, name), f"{entity}.{name} from {given.get(name)!r}"
        assert built.id == real.id
        for name in relations_of(model):
            mine, theirs = getattr(built, name), getattr(real, name)
            if isinstance(theirs, list) and theirs and not isinstance(theirs[0], Resource):
                continue  # pragma: no cover
            assert same_ids(mine) == same_ids(theirs), f"{entity}.{name}"


@pytest.mark.parametrize("entity", EMBEDDED)
def test_embedded_models_take_python_values(entity: str) -> None:
    model = MODELS[entity]
    values: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        annotation = str(field.annotation)
        if "int" in annotation:
            values[name], expected[name] = Decimal(7), 7
        elif "Decimal" in annotation:
            values[name], expected[name] = 2.5, Decimal("2.5")
        elif "bool" in annotation:
            values[name], expected[name] = True, True
        elif "datetime" in annotation:
            values[name] = dt.date(2026, 1, 2)
            expected[name] = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
        else:
            values[name], expected[name] = 42, "42"
    built = model.from_wire(values, given=True)
    assert {name: getattr(built, name) for name in values} == expected


def test_item_matrix_with_int_keys_and_its_relations(account: ls.Account) -> None:
    """The issue's example: itemAttributeSetID was typed str from its endpoint page."""
    matrix = account.item_matrices.build({"itemMatrixID": 1, "itemAttributeSetID": 1, "categoryID": 5})
    assert matrix.itemAttributeSetID == 1
    attribute_set = matrix.item_attribute_set
    assert attribute_set is not None and attribute_set.id == 1
    assert all(item.itemMatrixID == 1 for item in matrix.items)


def test_user_values_are_converted_as_the_wire_would(account: ls.Account) -> None:
    when = dt.datetime(2026, 3, 4, 5, 6, 7)
    item = account.items.build(
        itemID=5,
        defaultCost=4.39,
        avgCost=Decimal("1.50"),
        tax=True,
        discountable="false",
        archived=0,
        description=12,
        upc=614121182479,
        createTime=when,
        timeStamp=dt.date(2026, 3, 4),
        modelYear=2008.0,
        categoryID="7",
    )
    assert item.itemID == 5 and item.categoryID == 7 and item.modelYear == 2008
    assert item.defaultCost == Decimal("4.39") and isinstance(item.defaultCost, Decimal)
    assert item.avgCost == Decimal("1.5")
    assert item.tax is True and item.discountable is False and item.archived is False
    assert item.description == "12" and item.upc == "614121182479"
    assert item.createTime == when.replace(tzinfo=dt.UTC)
    assert item.timeStamp == dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
    assert item.attributes["defaultCost"] == 4.39  # the record as given


@pytest.mark.parametrize(
    ("field", "value"),
    [("itemID", "abc"), ("itemID", 1.5), ("tax", "maybe"), ("defaultCost", "x"), ("createTime", {})],
)
def test_what_cannot_be_converted_is_a_clear_error(account: ls.Account, field: str, value: Any) -> None:
    with pytest.raises(ls.InvalidValueError, match=f"Item field '{field}' cannot take"):
        account.items.build({field: value})
    assert issubclass(ls.InvalidValueError, ValueError)
