"""Which OAuth scopes each API endpoint needs (docs/reference.md#oauth-scopes): one table, read and write.

A request is allowed when the token holds ``employee:all``, ``employee:admin`` or one of the
scopes its endpoint lists for the method (``GET`` reads; ``POST``/``PUT``/``DELETE`` write).
The endpoint is the path below ``Account/{id}/`` up to the first id (``Sale``,
``Inventory/Transfer``, ``Customer/CustomField``); actions are their own rows
(``Sale/refund``, ``Customer/anonymize``). A missing scope is the API's 403.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ENDPOINT_SCOPES", "FULL_ACCESS", "ScopeRule", "required_scopes"]

FULL_ACCESS = frozenset({"employee:all", "employee:admin"})
"""Scopes that grant every endpoint."""


@dataclass(frozen=True)
class ScopeRule:
    read: frozenset[str]
    """Scopes any one of which allows a GET (empty: any valid token)."""
    write: frozenset[str]
    """Scopes any one of which allows a POST, PUT or DELETE."""


def _rule(read: str, write: str) -> ScopeRule:
    def scopes(names: str) -> frozenset[str]:
        return frozenset("employee:" + name for name in names.split())

    return ScopeRule(scopes(read), scopes(write))


_INVENTORY = _rule(
    "inventory inventory_read admin_inventory product_edit", "inventory admin_inventory product_edit"
)
_REGISTER = _rule("register register_read", "register")
_SETUP = _rule("", "admin_shops")
_PURCHASING = _rule("purchase_orders inventory inventory_read", "purchase_orders")

_TABLE: dict[ScopeRule, str] = {
    _INVENTORY: "Item Item/CustomField ItemMatrix ItemShop ItemAttributeSet ItemFee Image Inventory "
    "InventoryLog PriceLevel Season Option Catalog CatalogVendorItem Serialized",
    _rule("categories inventory inventory_read", "categories inventory"): "Category",
    _rule("manufacturers inventory inventory_read", "manufacturers inventory"): "Manufacturer",
    _rule("tags inventory inventory_read customers customers_read", "tags inventory"): "Tag TagGroup",
    _rule("vendors inventory inventory_read purchase_orders", "vendors"): "Vendor",
    _rule("customers customers_read", "customers"): "Customer Customer/CustomField CustomerType "
    "CreditAccount Customer/anonymize",
    _REGISTER: "Sale SaleLine SalePayment SaleVoid Register RegisterCount RegisterCountAmount "
    "RegisterWithdraw Quote PaymentType Discount CCCharge ProcessingFee ShipTo Sale/emailreceipt "
    "Register/open Register/close Register/calculated",
    _rule("register register_read", "register_refund"): "Sale/refund",
    _PURCHASING: "Order Order/CustomField OrderLine Shipment",
    _rule("vendor_returns", "vendor_returns"): "VendorReturn",
    _rule("transfers", "transfers"): "Transfer TransferItem Inventory/Transfer",
    _rule("inventory_counts inventory_counts_reconcile", "inventory_counts"): "InventoryCount "
    "InventoryCountItem InventoryCountCalc",
    _rule(
        "inventory_counts inventory_counts_reconcile", "inventory_counts_reconcile"
    ): "InventoryCountReconcile",
    _rule("special_orders", "special_orders"): "SpecialOrder",
    _rule("workbench", "workbench"): "Workorder WorkorderItem WorkorderLine WorkorderStatus WorkorderImage "
    "Workorder/checkout Workorder/clone",
    _rule("admin_employees", "admin_employees"): "Employee EmployeeHours",
    _SETUP: "Shop TaxCategory TaxCategoryClass TaxClass CurrencyRate Industry DisplayTemplate",
    _rule("reports", "admin"): "Reports",
    _rule("", "admin"): "Account Session Locale",
}

ENDPOINT_SCOPES: dict[str, ScopeRule] = {
    endpoint: rule for rule, endpoints in _TABLE.items() for endpoint in endpoints.split()
}
"""Endpoint (see the module docstring) -> the scopes it needs."""

_ACCOUNT_PATH = re.compile(r"/API/(?:V3/)?Account/[^/]+/(.+?)(?:\.json|\.xml)?/?")
_ID = re.compile(r"\d+")


def endpoint_of(path: str) -> str:
    """``/API/V3/Account/1/Sale/5/refund.json`` -> ``Sale/refund``; ``/API/Session.json`` -> ``Session``."""
    match = _ACCOUNT_PATH.fullmatch(path)
    if match is None:
        return "Account" if "/Account" in path else path.rstrip("/").rsplit("/", 1)[-1].split(".")[0]
    parts = match.group(1).split("/")
    head = [p for p in parts[:2] if not _ID.fullmatch(p)][:2]
    if len(parts) >= 3 and _ID.fullmatch(parts[1]) and not _ID.fullmatch(parts[2]):
        action = f"{parts[0]}/{parts[2].lower()}"
        if action in ENDPOINT_SCOPES:
            return action
    joined = "/".join(head)
    return joined if joined in ENDPOINT_SCOPES else head[0]


def required_scopes(method: str, path: str) -> frozenset[str] | None:
    """The scopes one of which the request needs (``None``: any valid token will do)."""
    rule = ENDPOINT_SCOPES.get(endpoint_of(path))
    if rule is None:
        return frozenset()  # not an endpoint of the API: only full access (then the engine's 404)
    needed = rule.read if method == "GET" else rule.write
    return needed or None


def allows(scope: str, method: str, path: str) -> bool:
    """Whether a token with ``scope`` (space-separated) may make this request."""
    granted = set(scope.split())
    if granted & FULL_ACCESS:
        return True
    needed = required_scopes(method, path)
    return needed is None or bool(granted & needed)
