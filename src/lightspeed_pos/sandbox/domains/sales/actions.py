"""Sale actions: ``Sale/{id}/refund`` and ``Sale/{id}/email_receipt``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...._catalog import catalog
from ...engine.formatting import (
    Record,
    bad_request,
    decimal,
    is_true,
    money,
    unwrap_children,
)
from ...engine.relations import answer
from ...engine.writes import create, response_relations
from ...http.messages import ApiResponse
from ..action_call import Call


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
