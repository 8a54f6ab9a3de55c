"""Actions, uploads, nested collections and custom fields through the client, on the sandbox."""

from __future__ import annotations

from decimal import Decimal

import pytest

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox


@pytest.fixture
def account() -> ls.Account:
    sandbox = Sandbox(time_scale=1000)
    return sandbox.client().account(sandbox.account_id)


def completed_sale(account: ls.Account) -> ls.Sale:
    sale = account.sales.first({"completed": "true"})
    assert sale is not None
    return sale


def test_sale_refund_and_receipt(account: ls.Account) -> None:
    sale = completed_sale(account)
    refund = sale.refund()
    assert isinstance(refund, ls.Sale) and refund.id != sale.id
    assert refund.total is not None and refund.total <= 0
    answer = sale.email_receipt(emailAddress="shopper@example.com")
    assert answer["message"] == "Receipt emailed to: shopper@example.com"
    with pytest.raises(ls.BadRequestError):
        sale.email_receipt()
    again = account.sales.action(sale.id, "email_receipt", emailAddress="a@example.com")
    assert "a@example.com" in again["message"]


def test_unknown_actions_are_refused_before_sending(account: ls.Account) -> None:
    with pytest.raises(ls.OperationNotAllowedError, match="refund"):
        account.sales.action(1, "explode")


def test_register_open_calculated_close(account: ls.Account) -> None:
    register = account.registers.first()
    assert register is not None
    if register.open:
        register.close_register()
    withdraw = register.open_register()
    assert withdraw.__entity__ == "RegisterWithdraw"
    amounts = account.registers.action(register.id, "calculated")
    assert isinstance(amounts, list) and all(a.__entity__ == "RegisterCountAmount" for a in amounts)
    count = register.close_register()
    assert count.__entity__ == "RegisterCount"


def test_customer_anonymize(account: ls.Account) -> None:
    customer = account.customers.first()
    assert customer is not None
    anonymous = customer.anonymize()
    assert anonymous.id == customer.id and anonymous.archived is True and not anonymous.firstName


def test_transfer_lifecycle(account: ls.Account) -> None:
    shops = account.shops.all()
    transfer = account.inventory_transfers.create(sendingShopID=shops[0].id, receivingShopID=shops[1].id)
    assert transfer.status == "open"
    transfer.add_items(TransferItems=[{"itemID": 1, "toSend": 2}, {"itemID": 2, "toSend": 1}])
    items = transfer.load("transfer_items")
    assert sorted(i.itemID for i in items) == [1, 2]
    sent = transfer.send()
    assert sent.status == "sent"
    archived = transfer.archive()
    assert archived is transfer and transfer.archived is True


def test_workorder_checkout_and_clone(account: ls.Account) -> None:
    workorders = account.workorders.all()
    open_one = next(w for w in workorders if not w.saleID)
    clone = open_one.clone()
    assert clone.id != open_one.id
    sale = open_one.checkout()
    assert isinstance(sale, ls.Sale)


def test_image_upload(account: ls.Account, tmp_path) -> None:  # type: ignore[no-untyped-def]
    picture = tmp_path / "onesie.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    image = account.images.upload(picture, description="Onesie", itemID=1)
    assert isinstance(image, ls.Image) and image.itemID == 1 and image.filename == "onesie.png"
    item = account.items.find(1)
    nested = item.images.collection.upload(b"GIF89a....", filename="side.gif", description="Side")
    assert nested.itemID == 1 and nested.size == 10
    with pytest.raises(ls.OperationNotAllowedError):
        account.items.upload(b"x")


def test_sale_lines_are_a_list_and_a_collection(account: ls.Account) -> None:
    lines = [{"SaleLine": {"itemID": 1, "unitQuantity": 1, "unitPrice": "5", "tax": False}}]
    sale = account.sales.create(employeeID=1, shopID=1, registerID=1, SaleLines=lines)
    assert isinstance(sale.sale_lines, ls.RelatedList) and len(sale.sale_lines) == 1
    added = sale.sale_lines.create(itemID=2, unitQuantity=3, unitPrice="2")
    assert added.saleID == sale.id
    fresh = sale.reload()
    assert len(fresh.sale_lines) == 2
    assert fresh.total == Decimal("11")


def test_custom_fields_of_items(account: ls.Account) -> None:
    fields = account.items.custom_fields.all()
    assert fields and all(f.__entity__ == "CustomField" for f in fields)
    with pytest.raises(ls.OperationNotAllowedError):
        _ = account.vendors.custom_fields


def test_nested_shipments_and_their_items(account: ls.Account) -> None:
    orders = account.orders.all()
    with_shipments = [o for o in orders if o.load("shipments")]
    assert with_shipments
    shipment = with_shipments[0].shipments[0]
    assert isinstance(shipment.items, list)


def test_embedded_contacts_and_notes_are_typed(account: ls.Account) -> None:
    customer = account.customers.first()
    assert customer is not None
    contact = customer.contact  # fetched once with load_relations=["Contact"]
    assert isinstance(contact, ls.models.Contact)
    assert contact.email and "@" in contact.email
    assert all(isinstance(p, ls.models.ContactPhone) and p.number for p in contact.phones)
    assert customer.contact is contact
    loaded = account.customers.first({"load_relations": ["Contact"]})
    assert loaded is not None and loaded.contact is not None  # embedded: no request
    assert repr(contact.phones[0]).startswith("<ContactPhone number=")


def test_other_embedded_objects_are_typed(account: ls.Account) -> None:
    variant = account.items.find(1)  # a matrix variant
    attributes = variant.item_attributes
    assert isinstance(attributes, ls.models.ItemAttributes) and attributes.attribute1
    with_numbers = next(i for i in account.items.all({"load_relations": ["ItemVendorNums"]}) if i.vendor_nums)
    assert all(isinstance(n, ls.models.ItemVendorNum) and n.value for n in with_numbers.vendor_nums)
    vendor = account.vendors.first()
    assert vendor is not None and all(isinstance(r, ls.models.VendorRep) for r in vendor.reps)
    plain = account.items.build({"itemID": "0"})
    assert plain.vendor_nums == [] and plain.item_attributes is None  # unsaved: nothing to fetch
