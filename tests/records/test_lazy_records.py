"""Records of a listing are validated on their first typed access, and behave as eager ones."""

from __future__ import annotations

import copy
import pickle
import threading
import weakref
from decimal import Decimal
from typing import Any

import httpx2
import pytest

import lightspeed_pos as ls
from tests.support.holders import ExampleTokenHolder
from tests.support.threads import run_threads

RECORDS: list[dict[str, Any]] = [
    {
        "itemID": "1",
        "description": "Shirt",
        "defaultCost": "4.50",
        "tax": "true",
        "Prices": {"ItemPrice": []},
    },
    {"itemID": "2", "description": "Hat", "defaultCost": "", "timeStamp": "2026-06-11T17:53:00+00:00"},
]


def listing(records: list[dict[str, Any]]) -> ls.Client:
    body = {"@attributes": {"next": "", "previous": ""}, "Item": records}
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, json=body))
    return ls.Client(ExampleTokenHolder(), transport=transport)


def items(records: list[dict[str, Any]] = RECORDS) -> list[ls.Item]:
    return listing([dict(r) for r in records]).account(1).items.all()


def is_lazy(record: ls.Resource) -> bool:
    state = record.__pydantic_private__
    assert state is not None
    return bool(state["_lazy"])


def test_a_record_read_through_attributes_is_never_validated() -> None:
    first, second = items()
    assert first.attributes["description"] == "Shirt" and second.id == 2
    assert repr(first) == "<Item itemID='1' description='Shirt'>"
    assert is_lazy(first) and is_lazy(second)
    assert first.__dict__ == {}  # no typed value was built


def test_the_first_typed_access_validates_the_whole_record() -> None:
    first, _ = items()
    assert first.defaultCost == Decimal("4.50")
    assert not is_lazy(first)
    assert first.itemID == 1 and first.tax is True and first.description == "Shirt"
    assert first.model_extra == {"Prices": {"ItemPrice": []}}  # extras too
    assert first.attributes["defaultCost"] == "4.50"  # the raw record is untouched


def test_lazy_and_eager_records_are_equal_and_read_the_same() -> None:
    lazy = items()
    eager = [ls.Item.from_wire(dict(r)) for r in RECORDS]
    assert lazy == eager
    for a, b in zip(lazy, eager, strict=True):
        assert a.model_dump() == b.model_dump()
        assert a.model_dump_json() == b.model_dump_json()
        assert a.to_json() == b.to_json() and a.to_dict() == b.to_dict()


def test_a_wrongly_typed_field_fails_at_the_first_typed_access() -> None:
    (bad,) = items([{"itemID": "1", "defaultCost": "lots"}])
    assert bad.attributes["defaultCost"] == "lots"  # reading the raw record still works
    with pytest.raises(ls.InvalidResponseError, match="defaultCost"):
        _ = bad.itemID
    with pytest.raises(ls.InvalidResponseError, match="defaultCost"):
        bad.model_dump()


def unbound() -> ls.Item:
    """A lazy record with no collection (a bound one holds the client, which does not copy)."""
    return ls.Item.from_wire(dict(RECORDS[0]), lazy=True)


def test_pydantic_operations_validate_first() -> None:
    for operation in (
        lambda r: r.model_dump(),
        lambda r: r.model_fields_set,
        lambda r: r.model_copy(),
        lambda r: copy.copy(r),
        lambda r: copy.deepcopy(r),
        lambda r: dict(r),
        lambda r: pickle.loads(pickle.dumps(r)),
    ):
        record = unbound()
        result = operation(record)
        assert not is_lazy(record)
        assert result


def test_copies_and_pickles_keep_the_raw_record() -> None:
    record = unbound()
    for other in (copy.copy(record), copy.deepcopy(record), pickle.loads(pickle.dumps(record))):
        assert other.attributes == record.attributes and other.defaultCost == Decimal("4.50")


def test_assigning_a_field_on_a_lazy_record_keeps_it() -> None:
    record = items()[0]
    record.description = "Renamed"
    assert record.description == "Renamed" and record.defaultCost == Decimal("4.50")
    assert "description" in record.model_fields_set
    del record.description
    with pytest.raises(AttributeError):
        _ = record.description


def test_unknown_attributes_still_raise_attribute_error() -> None:
    record = items()[0]
    with pytest.raises(AttributeError):
        _ = record.noSuchField  # type: ignore[attr-defined]
    assert not hasattr(record, "alsoMissing")


def test_threads_validating_one_record_at_once_agree() -> None:
    records = items([{"itemID": str(n), "defaultCost": f"{n}.25"} for n in range(1, 200)])
    seen: list[tuple[int | None, Decimal | None, dict[str, Any]]] = []
    lock = threading.Lock()

    def read() -> None:
        for record in records:
            value = (record.itemID, record.defaultCost, record.attributes)
            with lock:
                seen.append(value)

    run_threads([read] * 4)
    assert len(seen) == 4 * len(records)
    for item_id, cost, attributes in seen:
        assert item_id is not None and cost == Decimal(f"{item_id}.25")
        assert attributes["itemID"] == str(item_id)


def test_a_model_built_by_pydantic_still_has_its_state() -> None:
    built = ls.Item(itemID=5)
    assert built.attributes == {} and built.itemID == 5 and built.id == 0
    validated = ls.Item.model_validate({"itemID": "7"})
    assert validated.itemID == 7 and validated.attributes == {}


def test_relations_of_a_lazy_record_load_from_its_raw_record() -> None:
    record = items([{"itemID": "1", "Prices": {"ItemPrice": [{"amount": "5", "useType": "Default"}]}}])[0]
    assert record.prices == {"default": Decimal("5")}
    assert is_lazy(record)  # a relation reads the raw record, not the typed fields


def test_find_still_validates_at_once() -> None:
    body = {"@attributes": {"count": "1"}, "Item": {"itemID": "1", "defaultCost": "4"}}
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, json=body))
    found = ls.Client(ExampleTokenHolder(), transport=transport).account(1).items.find(1)
    assert not is_lazy(found) and found.defaultCost == Decimal("4")


def test_records_share_a_fields_set_until_one_changes() -> None:
    first, second = items([{"itemID": "1", "description": "a"}, {"itemID": "2", "description": "b"}])
    assert first.itemID == 1 and second.itemID == 2
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    second.upc = "123"
    assert second.model_fields_set == {"itemID", "description", "upc"}
    assert first.model_fields_set == {"itemID", "description"}
    assert first.__pydantic_fields_set__ is not second.__pydantic_fields_set__
    first.model_fields_set.add("x")  # the set handed out is the record's own
    assert "x" not in items([{"itemID": "3", "description": "c"}])[0].model_fields_set


def one_page(records: list[dict[str, Any]] = RECORDS) -> list[ls.Item]:
    """The records of one page, as ``each_page`` gives them (the page held while it is read)."""
    return next(iter(listing([dict(r) for r in records]).account(1).items.each_page()))


def test_a_held_page_is_validated_together_on_its_first_typed_access() -> None:
    page = one_page()
    first, second = page
    assert first.itemID == 1 and not is_lazy(first)
    assert second.__dict__["itemID"] == 2  # its typed values too, from the same call
    assert second.timeStamp is not None and second.timeStamp.utcoffset() is not None
    assert second.model_extra == {} and second.model_fields_set == {
        "itemID",
        "description",
        "defaultCost",
        "timeStamp",
    }
    assert not is_lazy(second)
    assert second.model_dump() == ls.Item.from_wire(dict(RECORDS[1])).model_dump()


def test_records_validated_with_their_page_share_a_fields_set_and_keep_their_extras() -> None:
    page = one_page(
        [{"itemID": "1", "Prices": {"ItemPrice": []}}, {"itemID": "2", "Prices": {"ItemPrice": [1]}}]
    )
    assert page[0].itemID == 1
    assert page[1].__pydantic_fields_set__ is page[0].__pydantic_fields_set__ == {"itemID", "Prices"}
    assert page[1].Prices == {"ItemPrice": [1]}  # type: ignore[attr-defined]
    assert page[1].model_extra == {"Prices": {"ItemPrice": [1]}}
    page[1].description = "changed"
    assert page[0].model_fields_set == {"itemID", "Prices"}


def test_a_wrong_record_in_a_page_fails_alone_at_its_own_typed_access() -> None:
    page = one_page([{"itemID": "1"}, {"itemID": "2", "defaultCost": "lots"}, {"itemID": "3"}])
    good, bad, other = page
    assert good.itemID == 1 and other.itemID == 3
    assert bad.attributes["defaultCost"] == "lots" and is_lazy(bad)
    with pytest.raises(ls.InvalidResponseError, match="'defaultCost'"):
        _ = bad.itemID


def test_records_do_not_keep_their_page_alive_and_validate_alone_without_it() -> None:
    page = ls.Item.many_from_wire([dict(r) for r in RECORDS], None)
    held = weakref.ref(page)
    first, second = page
    del page
    assert held() is None  # the records refer to their page weakly: no cycle to collect
    assert first.defaultCost == Decimal("4.50") and not is_lazy(first)
    assert is_lazy(second)  # validated alone: its page is gone
    assert second.itemID == 2 and second.defaultCost is None


def test_a_record_read_only_through_attributes_in_a_held_page_is_never_validated() -> None:
    page = one_page()
    assert [record.attributes["itemID"] for record in page] == ["1", "2"] and repr(page[1])
    assert all(is_lazy(record) and record.__dict__ == {} for record in page)


def test_threads_validating_one_page_at_once_agree() -> None:
    page = one_page([{"itemID": str(n), "defaultCost": f"{n}.25", "Prices": {"n": n}} for n in range(1, 200)])
    seen: list[tuple[Any, ...]] = []
    lock = threading.Lock()

    def read() -> None:
        for record in page:
            value = (record.itemID, record.defaultCost, record.Prices, record.attributes)  # type: ignore[attr-defined]
            with lock:
                seen.append(value)

    run_threads([read] * 4)
    assert len(seen) == 4 * len(page)
    for item_id, cost, prices, attributes in seen:
        assert cost == Decimal(f"{item_id}.25") and prices == {"n": item_id}
        assert attributes["itemID"] == str(item_id)
    assert all(
        not is_lazy(record) and record.model_extra == {"Prices": record.attributes["Prices"]}
        for record in page
    )
