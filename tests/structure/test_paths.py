"""One path matcher: the catalogue rows, ids and actions a path addresses."""

from __future__ import annotations

import pytest

from lightspeed_pos._catalog import catalog
from lightspeed_pos._paths import below_account, match, match_url, row_at
from lightspeed_pos.sandbox.domains.actions import HANDLERS


def test_a_collection_a_record_and_a_nested_path() -> None:
    collection = match("Item")
    assert collection is not None and collection.spec.name == "Item"
    assert collection.record_id is None and not collection.one_record
    record = match("Item/5")
    assert record is not None and record.record_id == "5" and record.one_record
    nested = match("Sale/7/SaleLine/9")
    assert nested is not None
    assert nested.spec.path == "Sale/{saleID}/SaleLine"
    assert nested.parents == {"saleID": "7"} and nested.record_id == "9"


def test_parent_ids_are_digits_and_unknown_paths_match_nothing() -> None:
    assert match("Sale/abc/SaleLine") is None
    assert match("NoSuchThing") is None
    assert match("Item/5/6/7") is None


@pytest.mark.parametrize("segment", ["refund", "Refund", "REFUND"])
def test_actions_come_from_the_catalogue(segment: str) -> None:
    found = match(f"Sale/12/{segment}")
    assert found is not None and found.action is not None
    assert found.action.name == "refund" and found.spec.name == "Sale"
    assert found.record_id == "12" and not found.one_record
    transfer = match("Inventory/Transfer/3/AddItems")
    assert transfer is not None and transfer.action is not None
    assert transfer.action.name == "add_items" and transfer.spec.name == "InventoryTransfer"


def test_every_catalogue_action_has_a_sandbox_handler() -> None:
    assert set(HANDLERS) == {(action.resource, action.name) for action in catalog().actions}


def test_whole_paths() -> None:
    assert below_account("/API/V3/Account/5/Sale/7.json?x=1") == ("5", "Sale/7")
    assert below_account("/API/Account/5.json") == ("5", None)
    assert below_account("/API/V3/Account.json") is None
    found = match_url("/API/V3/Account/5/Customer/8/Anonymize.json")
    assert found is not None and found.action is not None and found.action.name == "anonymize"
    assert match_url("/API/V3/Account.json") is None


def test_a_match_owns_its_parents() -> None:
    first = match("Sale/7/SaleLine")
    assert first is not None
    first.parents["saleID"] = "changed"
    again = match("Sale/7/SaleLine")
    assert again is not None and again.parents == {"saleID": "7"}


def test_rows_by_template() -> None:
    row = row_at("Sale/{saleID}/SaleLine")
    assert row is not None and row.entity == "SaleLine"
    assert row_at("Nope/{x}") is None
