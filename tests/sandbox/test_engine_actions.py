"""The sandbox's action endpoints: refunds, receipts, registers, anonymising, transfers,
workorders and multipart image uploads."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx2
import pytest

from lightspeed_pos.sandbox.http.messages import ApiRequest
from tests.sandbox._engine_support import ORIGIN, Client, all_scalars_are_strings, as_list


@pytest.fixture
def client() -> Client:
    return Client()


def error(client: Client, method: str, path: str, status: int, body: Any = None) -> str:
    payload = client.call(method, client.base + path, body, status=status)
    assert set(payload) == {"httpCode", "httpMessage", "message", "errorClass"}
    assert payload["httpCode"] == str(status)
    return str(payload["message"])


def completed_sale(client: Client) -> dict[str, Any]:
    sales = as_list(
        client.get('/Sale.json?completed=true&voided=false&limit=1&load_relations=["SaleLines"]')["Sale"]
    )
    return dict(sales[0])


# -- sales ------------------------------------------------------------------------------------


def test_refund_creates_a_linked_negative_sale(client: Client) -> None:
    original = completed_sale(client)
    lines = as_list(original["SaleLines"]["SaleLine"])
    refund = client.call("POST", f"{client.base}/Sale/{original['saleID']}/refund.json")["Sale"]
    assert all_scalars_are_strings(refund)
    assert refund["saleID"] != original["saleID"] and refund["completed"] == "false"
    assert Decimal(refund["total"]) == -Decimal(original["total"])
    refunded = as_list(refund["SaleLines"]["SaleLine"])
    assert [r["parentSaleLineID"] for r in refunded] == [line["saleLineID"] for line in lines]
    assert [Decimal(r["unitQuantity"]) for r in refunded] == [
        -Decimal(line["unitQuantity"]) for line in lines
    ]
    assert refund["customerID"] == original["customerID"] and refund["shopID"] == original["shopID"]


def test_partial_refund_and_errors(client: Client) -> None:
    original = completed_sale(client)
    line = as_list(original["SaleLines"]["SaleLine"])[0]
    body = {"SaleLines": {"SaleLine": [{"saleLineID": line["saleLineID"], "unitQuantity": 1}]}}
    refund = client.call("POST", f"{client.base}/Sale/{original['saleID']}/refund.json", body)["Sale"]
    only = as_list(refund["SaleLines"]["SaleLine"])
    assert len(only) == 1 and only[0]["unitQuantity"] == "-1"
    too_many = {"SaleLines": [{"saleLineID": line["saleLineID"], "unitQuantity": 99}]}
    assert "more than" in error(client, "POST", f"/Sale/{original['saleID']}/refund.json", 400, too_many)
    open_sale = as_list(client.get("/Sale.json?completed=false&limit=1")["Sale"])[0]
    error(client, "POST", f"/Sale/{open_sale['saleID']}/refund.json", 400)
    error(client, "POST", "/Sale/999999/refund.json", 404)
    error(client, "GET", f"/Sale/{original['saleID']}/refund.json", 405)


def test_email_receipt(client: Client) -> None:
    answer = client.call(
        "POST", f"{client.base}/Sale/1/EmailReceipt.json", {"emailAddress": "ann@example.com"}
    )
    assert answer == {"message": "Receipt emailed to: ann@example.com"}
    error(client, "POST", "/Sale/1/EmailReceipt.json", 400, {})
    error(client, "POST", "/Sale/999999/EmailReceipt.json", 404, {"emailAddress": "ann@example.com"})


# -- registers --------------------------------------------------------------------------------


def test_register_open_calculated_close(client: Client) -> None:
    opened = client.call("POST", f"{client.base}/Register/2/open.json", {"amount": 150, "notes": "float"})
    assert opened["RegisterWithdraw"]["amount"] == "150" and opened["RegisterWithdraw"]["registerID"] == "2"
    register = client.get("/Register/2.json")["Register"]
    assert register["open"] == "true" and register["openEmployeeID"] == "1" and register["openTime"]
    error(client, "POST", "/Register/2/open.json", 400)
    sale = {
        "employeeID": 1,
        "shopID": 1,
        "registerID": 2,
        "completed": True,
        "SaleLines": {"SaleLine": {"itemID": 2, "unitQuantity": 1, "unitPrice": 10, "tax": False}},
        "SalePayments": {"SalePayment": {"amount": 10, "paymentTypeID": 3}},
    }
    client.call("POST", f"{client.base}/Sale.json", sale)
    totals = as_list(client.get("/Register/2/calculated.json")["RegisterCountAmount"])
    assert {t["paymentTypeID"]: t["calculated"] for t in totals} == {"1": "150", "3": "10"}
    count = client.call(
        "POST",
        f"{client.base}/Register/2/close.json",
        {"notes": "end of day", "RegisterCountAmounts": [{"paymentTypeID": 1, "actual": 149}]},
    )["RegisterCount"]
    amounts = {a["paymentTypeID"]: a for a in as_list(count["RegisterCountAmounts"]["RegisterCountAmount"])}
    assert amounts["1"]["calculated"] == "150" and amounts["1"]["actual"] == "149"
    assert amounts["3"]["actual"] == "10" and count["openTime"] == register["openTime"]
    assert client.get("/Register/2.json")["Register"]["open"] == "false"
    assert (
        client.get(f"/RegisterCount/{count['registerCountID']}.json")["RegisterCount"]["notes"]
        == "end of day"
    )
    error(client, "POST", "/Register/2/close.json", 400)
    error(client, "POST", "/Register/2/calculated.json", 405)
    error(client, "POST", "/Register/99/open.json", 404)


# -- customers --------------------------------------------------------------------------------


def test_anonymize_customer(client: Client) -> None:
    before = client.get("/Customer/3.json")["Customer"]
    after = client.call("DELETE", f"{client.base}/Customer/3/Anonymize.json")["Customer"]
    assert after["firstName"] == after["lastName"] == "" and after["archived"] == "true"
    assert after["timeStamp"] > before["timeStamp"]
    contact = client.get('/Customer/3.json?load_relations=["Contact"]')["Customer"]["Contact"]
    assert contact["Emails"] == contact["Phones"] == contact["Addresses"] == ""
    credit = as_list(client.get("/CreditAccount.json?customerID=3&archived=true")["CreditAccount"])
    assert credit and all(c["archived"] == "true" for c in credit)
    error(client, "GET", "/Customer/3/Anonymize.json", 405)
    error(client, "DELETE", "/Customer/999999/Anonymize.json", 404)


# -- inventory transfers ----------------------------------------------------------------------


def qoh(client: Client, item_id: str, shop_id: str) -> Decimal:
    rows = as_list(client.get(f"/ItemShop.json?itemID={item_id}&shopID={shop_id}")["ItemShop"])
    return Decimal(rows[0]["qoh"])


def test_transfer_lifecycle(client: Client) -> None:
    base = f"{client.base}/Inventory/Transfer"
    created = client.call("POST", f"{base}.json", {"sendingShopID": 1, "receivingShopID": 2, "note": "x"})
    transfer = created["Transfer"]
    tid = transfer["transferID"]
    assert transfer["status"] == "open" and transfer["archived"] == "false"
    renamed = client.call("PUT", f"{base}/{tid}.json", {"note": "restock", "status": "received"})["Transfer"]
    assert renamed["note"] == "restock" and renamed["status"] == "open"
    assert renamed["timeStamp"] > transfer["timeStamp"]
    added = client.call(
        "POST",
        f"{base}/{tid}/AddItems.json",
        {"TransferItems": [{"itemID": 2, "toSend": 3}, {"itemID": 3, "toSend": 1}]},
    )
    items = as_list(added["Transfer"]["TransferItems"]["TransferItem"])
    assert [(i["itemID"], i["toSend"]) for i in items] == [("2", "3"), ("3", "1")]
    first, second = items[0]["transferItemID"], items[1]["transferItemID"]
    client.call(
        "POST",
        f"{base}/{tid}/UpdateItems.json",
        {"TransferItem": [{"transferItemID": first, "toSend": 4, "comment": "c"}]},
    )
    client.call("POST", f"{base}/{tid}/DeleteItems.json", {"TransferItems": [{"transferItemID": second}]})
    listed = as_list(client.get(f"/Inventory/Transfer/{tid}/TransferItems.json")["TransferItem"])
    assert [(i["transferItemID"], i["toSend"], i["comment"]) for i in listed] == [(first, "4", "c")]
    before = qoh(client, "2", "1")
    sent = client.call("POST", f"{base}/{tid}/Send.json")["Transfer"]
    assert sent["status"] == "sent" and sent["sentOn"] and sent["sentByEmployeeID"] == "1"
    assert as_list(sent["TransferItems"]["TransferItem"])[0]["sent"] == "4"
    assert qoh(client, "2", "1") == before - 4
    error(client, "POST", f"/Inventory/Transfer/{tid}/AddItems.json", 400, [{"itemID": 4, "toSend": 1}])
    error(client, "POST", f"/Inventory/Transfer/{tid}/Send.json", 400)
    assert client.call("POST", f"{base}/{tid}/Archive.json")["Transfer"]["archived"] == "true"
    assert client.call("POST", f"{base}/{tid}/Restore.json")["Transfer"]["archived"] == "false"


def test_transfer_errors(client: Client) -> None:
    error(client, "POST", "/Inventory/Transfer.json", 400, {"sendingShopID": 1, "receivingShopID": 1})
    error(client, "POST", "/Inventory/Transfer.json", 400, {"sendingShopID": 1, "receivingShopID": 9})
    error(client, "POST", "/Inventory/Transfer/99999/Send.json", 404)
    error(client, "GET", "/Inventory/Transfer/1/Send.json", 405)
    open_id = as_list(client.get("/Inventory/Transfer.json?status=open")["Transfer"])[0]["transferID"]
    error(
        client,
        "POST",
        f"/Inventory/Transfer/{open_id}/AddItems.json",
        400,
        {"TransferItems": [{"itemID": 999999}]},
    )
    error(
        client, "POST", f"/Inventory/Transfer/{open_id}/UpdateItems.json", 400, [{"transferItemID": 999999}]
    )
    error(client, "POST", f"/Inventory/Transfer/{open_id}/DeleteItems.json", 400, {})


# -- workorders -------------------------------------------------------------------------------


def test_workorder_checkout(client: Client) -> None:
    workorder = client.get('/Workorder/1.json?load_relations=["WorkorderItems","WorkorderLines"]')[
        "Workorder"
    ]
    parts = as_list(workorder["WorkorderItems"]["WorkorderItem"])
    labour = as_list(workorder["WorkorderLines"]["WorkorderLine"])
    sale = client.call("POST", f"{client.base}/Workorder/1/Checkout.json")["Sale"]
    lines = as_list(sale["SaleLines"]["SaleLine"])
    assert len(lines) == len(parts) + len(labour) and all(line["isWorkorder"] == "true" for line in lines)
    assert sale["customerID"] == workorder["customerID"] and sale["completed"] == "false"
    assert client.get("/Workorder/1.json")["Workorder"]["saleID"] == sale["saleID"]
    items = as_list(client.get("/Workorder/1/WorkorderItem.json")["WorkorderItem"])
    assert {i["saleID"] for i in items} == {sale["saleID"]}
    error(client, "POST", "/Workorder/1/Checkout.json", 400)
    error(client, "POST", "/Workorder/99999/Checkout.json", 404)
    empty = client.call("POST", f"{client.base}/Workorder.json", {"customerID": 1, "shopID": 1})["Workorder"]
    error(client, "POST", f"/Workorder/{empty['workorderID']}/Checkout.json", 400)


def test_workorder_clone(client: Client) -> None:
    client.call("POST", f"{client.base}/Workorder/2/Checkout.json")
    copy = client.call("POST", f"{client.base}/Workorder/2/Clone.json")["Workorder"]
    original = client.get("/Workorder/2.json")["Workorder"]
    assert copy["workorderID"] != "2" and copy["customerID"] == original["customerID"]
    assert copy["saleID"] == "0" and copy["workorderStatusID"] == "1"
    assert len(as_list(copy["WorkorderItems"]["WorkorderItem"])) == len(
        as_list(client.get("/Workorder/2/WorkorderItem.json")["WorkorderItem"])
    )
    assert as_list(copy["WorkorderLines"]["WorkorderLine"])[0]["workorderID"] == copy["workorderID"]
    error(client, "PUT", "/Workorder/2/Clone.json", 405)


# -- image uploads ----------------------------------------------------------------------------


def upload(
    client: Client, path: str, data: dict[str, Any] | None, image: bytes | None = b"\xff\xd8\xff fake"
) -> Any:
    """POST ``path`` the way an httpx2 client sends a multipart form."""
    files = {"image": ("shirt.jpg", image, "image/jpeg")} if image is not None else {"other": ("x.txt", b"x")}
    form = {"data": json.dumps(data)} if data is not None else {}
    built = httpx2.Request("POST", ORIGIN + client.base + path, files=files, data=form)
    headers = {"content-type": built.headers["content-type"]}
    answer = client.engine.handle(
        ApiRequest("POST", client.base + path, (), headers, built.read(), ORIGIN), client.auth
    )
    return answer.status, json.loads(answer.body)


def test_multipart_image_upload(client: Client) -> None:
    status, body = upload(client, "/Item/7/Image.json", {"description": "Front", "ordering": 2})
    assert status == 200, body
    image = body["Image"]
    assert image["itemID"] == "7" and image["filename"] == "shirt.jpg" and image["size"] == "8"
    assert image["description"] == "Front" and image["ordering"] == "2"
    assert image["publicID"] and image["baseImageURL"].startswith("https://")
    assert client.get(f"/Image/{image['imageID']}.json")["Image"]["filename"] == "shirt.jpg"
    status, body = upload(client, "/Image.json", {"itemID": 8, "description": "Side"})
    assert status == 200 and body["Image"]["itemID"] == "8"
    status, body = upload(client, "/ItemMatrix/1/Image.json", None)
    assert status == 200 and body["Image"]["itemMatrixID"] == "1"


def test_image_upload_errors(client: Client) -> None:
    error(client, "POST", "/Item/7/Image.json", 400, {"description": "json is not an upload"})
    assert upload(client, "/Item/7/Image.json", {"description": "x"}, image=None)[0] == 400
    assert upload(client, "/Image.json", {"description": "no owner"})[0] == 400
    assert upload(client, "/Item/999999/Image.json", {})[0] == 404
