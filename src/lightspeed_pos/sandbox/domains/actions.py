"""Action sub-resources (docs/reference.md#paths): ``Sale/{id}/refund``, ``Register/{id}/open`` and the like.

:func:`answer_action` is asked first for every account path; it answers the action paths (and
the multipart image uploads, ``_images.py``) and returns ``None`` for everything else, which the
engine then routes through the catalogue. An action on an unknown record is a 404, the wrong
method a 405; every write moves the ``timeStamp`` of what it changes.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..._catalog import catalog
from ..._paths import match
from ..engine.formatting import (
    ApiError,
    Record,
    bad_request,
    decimal,
    is_true,
    money,
    not_found,
    one_or_many,
    unwrap_children,
)
from ..engine.relations import answer
from ..engine.schema import table_key
from ..engine.store import AccountStore
from ..engine.writes import create, response_relations
from ..http.messages import ApiRequest, ApiResponse, AuthContext
from .action_call import Call, Handler
from .hooks import Ctx, make_contact
from .images import UPLOAD_PATH, upload_image
from .transfers import TRANSFER_ACTIONS

# -- sales ------------------------------------------------------------------------------------


def new_sale(call: Call, payload: dict[str, Any]) -> Record:
    """Create a sale through the ordinary Sale write (lines priced, totals computed)."""
    return create(call.ctx, catalog().get("Sale"), "Sale", payload, {})


def sale_answer(call: Call, sale: Record) -> ApiResponse:
    return answer(call.ctx.store, "Sale", "Sale", sale, {}, response_relations("Sale"))


def refund(call: Call) -> ApiResponse:
    """A new, open sale with the original lines at negative quantities (``parentSaleLineID``
    links each to its original line). ``SaleLines`` in the body may pick lines and quantities."""
    original, body = call.record, call.object()
    if not is_true(original["completed"]) or is_true(original.get("voided")):
        raise bad_request(f"Sale {original['saleID']} is not a completed sale and cannot be refunded.")
    lines = {
        line["saleLineID"]: line for line in call.ctx.store.children("SaleLine", "saleID", original["saleID"])
    }
    picked = body.get("SaleLines")
    wanted: dict[str, Decimal] = {key: decimal(line["unitQuantity"]) for key, line in lines.items()}
    if picked is not None:
        wanted = {}
        for entry in unwrap_children(picked, "SaleLine"):
            key = str(entry.get("saleLineID", ""))
            if key not in lines:
                raise bad_request(f"SaleLine {key} is not a line of sale {original['saleID']}.")
            quantity = abs(decimal(entry.get("unitQuantity", lines[key]["unitQuantity"])))
            if quantity > decimal(lines[key]["unitQuantity"]):
                raise bad_request(f"Cannot refund more than {lines[key]['unitQuantity']} of line {key}.")
            wanted[key] = quantity
    if not wanted:
        raise bad_request(f"Sale {original['saleID']} has no lines to refund.")
    refund_lines = []
    for key, quantity in wanted.items():
        line = lines[key]
        share = quantity / (decimal(line["unitQuantity"]) or 1)
        refund_lines.append(
            {
                "itemID": line["itemID"],
                "unitQuantity": money(-quantity),
                "unitPrice": line["unitPrice"],
                "discountAmount": money(-decimal(line["discountAmount"]) * share),
                "discountPercent": line["discountPercent"],
                "tax": line["tax"],
                "parentSaleLineID": key,
            }
        )
    fields = ("customerID", "shopID", "registerID", "taxCategoryID")
    payload = {key: body.get(key, original[key]) for key in fields}
    payload.update(employeeID=call.employee(body), SaleLines=refund_lines)
    return sale_answer(call, new_sale(call, payload))


def email_receipt(call: Call) -> ApiResponse:
    address = str(call.object().get("emailAddress") or "").strip()
    if "@" not in address:
        raise bad_request("emailAddress is required to email a receipt.")
    return ApiResponse.json_body(200, {"message": f"Receipt emailed to: {address}"})


# -- registers --------------------------------------------------------------------------------


def session_start(call: Call) -> str:
    """Since when the register's takings count: its openTime, else its last close, else ever."""
    register = call.record
    if is_true(register["open"]):
        return str(register["openTime"])
    counts = call.ctx.store.children("RegisterCount", "registerID", register["registerID"])
    return max((str(c["createTime"]) for c in counts), default="")


def takings(call: Call) -> dict[str, Decimal]:
    """paymentTypeID -> the register's payments (and adds/payouts) since the session began."""
    store, register_id, start = call.ctx.store, call.record["registerID"], session_start(call)
    totals: dict[str, Decimal] = {}
    rows = store.children("SalePayment", "registerID", register_id)
    rows += store.children("RegisterWithdraw", "registerID", register_id)
    for row in rows:
        if row.get("archived") != "true" and str(row["createTime"]) >= start:
            kind = row["paymentTypeID"]
            totals[kind] = totals.get(kind, Decimal(0)) + decimal(row["amount"])
    return dict(sorted(totals.items(), key=lambda pair: int(pair[0])))


def calculated(call: Call) -> ApiResponse:
    store = call.ctx.store
    rows = [
        {
            "paymentTypeID": kind,
            "calculated": money(amount),
            "PaymentType": store.get("PaymentType", kind) or "",
        }
        for kind, amount in takings(call).items()
    ]
    payload: dict[str, Any] = {"@attributes": {"count": str(len(rows))}}
    if rows:
        payload["RegisterCountAmount"] = one_or_many(rows)
    return ApiResponse.json_body(200, payload)


def open_register(call: Call) -> ApiResponse:
    register, body = call.record, call.object()
    if is_true(register["open"]):
        raise bad_request(f"Register {register['registerID']} is already open.")
    employee = call.employee(body, "openEmployeeID" if "openEmployeeID" in body else "employeeID")
    call.touch("Register", register, {"open": "true", "openTime": call.ctx.now, "openEmployeeID": employee})
    float_in = call.ctx.store.table("RegisterWithdraw").new(
        amount=money(body.get("amount", 0)),
        createTime=call.ctx.now,
        notes=str(body.get("notes", "")),
        employeeID=employee,
        paymentTypeID=str(body.get("paymentTypeID", "1")),
        registerID=register["registerID"],
    )
    return answer(call.ctx.store, "RegisterWithdraw", "RegisterWithdraw", float_in, {})


def close_register(call: Call) -> ApiResponse:
    register, body, store = call.record, call.object(), call.ctx.store
    if not is_true(register["open"]):
        raise bad_request(f"Register {register['registerID']} is not open.")
    actual = {
        str(row.get("paymentTypeID")): money(row.get("actual", 0))
        for row in unwrap_children(body.get("RegisterCountAmounts"), "RegisterCountAmount")
    }
    totals = takings(call)
    count = store.table("RegisterCount").new(
        createTime=call.ctx.now,
        openTime=register["openTime"],
        notes=str(body.get("notes", "")),
        registerID=register["registerID"],
        openEmployeeID=register["openEmployeeID"],
        closeEmployeeID=call.employee(body, "closeEmployeeID"),
    )
    for kind in sorted({*totals, *actual}, key=int):
        store.table("RegisterCountAmount").new(
            calculated=money(totals.get(kind, 0)),
            actual=actual.get(kind, money(totals.get(kind, 0))),
            registerCountID=count["registerCountID"],
            paymentTypeID=kind,
        )
    call.touch("Register", register, {"open": "false", "openTime": "", "openEmployeeID": "0"})
    return answer(store, "RegisterCount", "RegisterCount", count, {"RegisterCountAmounts": {}})


# -- customers --------------------------------------------------------------------------------

ANONYMISED = ("firstName", "lastName", "title", "company", "companyRegistrationNumber", "vatNumber", "dob")


def anonymize(call: Call) -> ApiResponse:
    """Blank the customer's names and contact details and archive it (and its credit accounts)."""
    customer, store = call.record, call.ctx.store
    changes: dict[str, Any] = {key: "" for key in ANONYMISED if key in customer}
    changes.update(archived="true", Contact=make_contact(None, call.ctx.now))
    if isinstance(customer.get("Note"), dict):
        changes["Note"] = {**customer["Note"], "note": "", "timeStamp": call.ctx.now}
    call.touch("Customer", customer, changes)
    for account in store.children("CreditAccount", "customerID", customer["customerID"]):
        call.touch("CreditAccount", account, {"archived": "true"})
    return answer(store, "Customer", "Customer", customer, {})


# -- workorders -------------------------------------------------------------------------------


def checkout(call: Call) -> ApiResponse:
    """A sale holding the workorder's items and labour lines; the workorder points at it."""
    workorder, store = call.record, call.ctx.store
    key = workorder["workorderID"]
    if workorder["saleID"] not in ("", "0"):
        raise bad_request(f"Workorder {key} is already checked out on sale {workorder['saleID']}.")
    items = store.children("WorkorderItem", "workorderID", key)
    labour = store.children("WorkorderLine", "workorderID", key)
    if not items and not labour:
        raise bad_request(f"Workorder {key} has no items or lines to check out.")
    lines = [
        {
            "itemID": row["itemID"],
            "unitQuantity": row["unitQuantity"],
            "unitPrice": row["unitPrice"],
            "tax": row["tax"],
            "isWorkorder": "true",
        }
        for row in items
    ]
    for row in labour:
        hours = decimal(row["hours"]) + decimal(row["minutes"]) / 60
        line = {"itemID": row["itemID"], "unitQuantity": row["unitQuantity"] or "1", "isWorkorder": "true"}
        if decimal(row["unitPriceOverride"]) or row["itemID"] in ("", "0"):
            line["unitPrice"] = money(decimal(row["unitPriceOverride"]) * (hours or 1))
            line.update(tax=row["tax"], taxClassID=row["taxClassID"])
        lines.append(line)
    shop = store.get("Shop", workorder["shopID"]) or {}
    registers = store.children("Register", "shopID", workorder["shopID"])
    sale = new_sale(
        call,
        {
            "customerID": workorder["customerID"],
            "employeeID": workorder["employeeID"],
            "shopID": workorder["shopID"],
            "registerID": registers[0]["registerID"] if registers else "0",
            "taxCategoryID": shop.get("taxCategoryID", "0"),
            "SaleLines": lines,
        },
    )
    sale_lines = store.children("SaleLine", "saleID", sale["saleID"])
    for table, row, line in zip(
        ["WorkorderItem"] * len(items) + ["WorkorderLine"] * len(labour),
        items + labour,
        sale_lines,
        strict=False,
    ):
        call.touch(table, row, {"saleID": sale["saleID"], "saleLineID": line["saleLineID"]})
    first = sale_lines[0]["saleLineID"] if sale_lines else "0"
    call.touch("Workorder", workorder, {"saleID": sale["saleID"], "saleLineID": first})
    return sale_answer(call, sale)


def clone(call: Call) -> ApiResponse:
    """A copy of the workorder (status back to open, no sale) with copies of its lines and items."""
    original, store, now = call.record, call.ctx.store, call.ctx.now
    opened = [s for s in store.table("WorkorderStatus") if s["systemValue"] == "open"]
    status = opened[0]["workorderStatusID"] if opened else original["workorderStatusID"]
    copy = store.table("Workorder").insert(
        {
            **original,
            "workorderID": "0",
            "timeIn": now,
            "timeStamp": now,
            "archived": "false",
            "saleID": "0",
            "saleLineID": "0",
            "workorderStatusID": status,
        }
    )
    for table in ("WorkorderLine", "WorkorderItem"):
        id_field = store.table(table).id_field
        for row in store.children(table, "workorderID", original["workorderID"]):
            store.table(table).insert(
                {
                    **row,
                    id_field: "0",
                    "workorderID": copy["workorderID"],
                    "saleID": "0",
                    "saleLineID": "0",
                    "timeStamp": now,
                }
            )
    return answer(store, "Workorder", "Workorder", copy, {"WorkorderLines": {}, "WorkorderItems": {}})


# -- routing ----------------------------------------------------------------------------------

HANDLERS: dict[tuple[str, str], Handler] = {
    ("Sale", "refund"): refund,
    ("Sale", "email_receipt"): email_receipt,
    ("Register", "open_register"): open_register,
    ("Register", "close_register"): close_register,
    ("Register", "calculated"): calculated,
    ("Customer", "anonymize"): anonymize,
    ("Workorder", "checkout"): checkout,
    ("Workorder", "clone"): clone,
    **{("InventoryTransfer", name): handler for name, handler in TRANSFER_ACTIONS.items()},
}
"""The handler of each action of the catalogue, by (row, action name)."""


def answer_action(
    store: AccountStore, rest: str, request: ApiRequest, auth: AuthContext, now: Callable[[], str]
) -> ApiResponse | None:
    """The answer to an action path (or image upload) below ``Account/{id}/``; None if ``rest``
    is not one. ``now`` gives the write's timestamp (asked only for an action)."""
    if request.method == "POST" and UPLOAD_PATH.fullmatch(rest):
        return upload_image(Ctx(store, now()), rest, request)
    found = match(rest)
    if found is None or found.action is None or found.record_id is None:
        return None
    action, spec = found.action, found.spec
    if request.method != action.method:
        segment = rest.rsplit("/", 1)[-1]
        raise ApiError(405, f"Method {request.method} is not allowed on {spec.path}/{segment}.")
    table = table_key(spec)
    record = store.get(table, found.record_id)
    if record is None:
        raise not_found(table, found.record_id)
    return HANDLERS[(spec.name, action.name)](Call(Ctx(store, now()), request, auth, record))
