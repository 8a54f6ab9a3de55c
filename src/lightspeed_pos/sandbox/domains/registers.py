"""Register actions: ``open_register``, ``close_register`` and the takings ``calculated`` since the
session began.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..engine.formatting import (
    bad_request,
    decimal,
    is_true,
    money,
    one_or_many,
    unwrap_children,
)
from ..engine.relations import answer
from ..http.messages import ApiResponse
from .action_call import Call


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
