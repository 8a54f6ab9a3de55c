"""Build ``src/lightspeed_pos/catalog.json`` from the endpoint catalogue.

The catalogue (``tools/data/endpoints.json``, see ``tools/data/README.md``) is parsed from
Lightspeed's endpoint pages and carries their typos; this script turns it into one clean row per
endpoint and applies the corrections listed in ``OVERRIDES`` (each with the reason). Run it with
``make generate``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tools" / "data" / "endpoints.json"
TARGET = ROOT / "src" / "lightspeed_pos" / "catalog.json"

TYPE_MAP = {
    "integer": "integer",
    "key": "integer",
    "reference": "integer",
    "float": "decimal",
    "boolean": "boolean",
    "bool": "boolean",
    "datetime": "datetime",
    "date": "datetime",
    "string": "string",
    "enum": "string",
    "object": "object",
    "collection": "object",
}

# Endpoints that are actions on one record: page -> (row, path segment, method, name, answer entity).
ACTIONS = {
    "sale-refund.md": ("Sale", "refund", "POST", "refund", "Sale"),
    "sale-emailreceipt.md": ("Sale", "EmailReceipt", "POST", "email_receipt", ""),
    # open/close are the register's own fields, hence the longer method names
    "register-open.md": ("Register", "open", "POST", "open_register", "RegisterWithdraw"),
    "register-close.md": ("Register", "close", "POST", "close_register", "RegisterCount"),
    "register-calculated.md": ("Register", "calculated", "GET", "calculated", "RegisterCountAmount"),
    "workorder-checkout.md": ("Workorder", "Checkout", "POST", "checkout", "Sale"),
    "workorder-clone.md": ("Workorder", "Clone", "POST", "clone", "Workorder"),
}
# Actions documented on their resource's page rather than a page of their own (docs/reference.md#paths).
PAGE_ACTIONS = [
    ("Customer", "Anonymize", "DELETE", "anonymize", "Customer", "customer.md"),
    ("InventoryTransfer", "Send", "POST", "send", "Transfer", "inventory-transfer.md"),
    ("InventoryTransfer", "Archive", "POST", "archive", "Transfer", "inventory-transfer.md"),
    ("InventoryTransfer", "Restore", "POST", "restore", "Transfer", "inventory-transfer.md"),
    ("InventoryTransfer", "AddItems", "POST", "add_items", "Transfer", "inventory-transfer-transferitems.md"),
    (
        "InventoryTransfer",
        "UpdateItems",
        "POST",
        "update_items",
        "Transfer",
        "inventory-transfer-transferitems.md",
    ),
    (
        "InventoryTransfer",
        "DeleteItems",
        "POST",
        "delete_items",
        "Transfer",
        "inventory-transfer-transferitems.md",
    ),
]

# name -> corrections. Reasons: docs/reference.md#endpoints and its list of the docs' typos (#doc-typos).
OVERRIDES: dict[str, dict[str, Any]] = {
    "Account": {
        "path": "",
        "id_field": "accountID",
        "scope": "global",
        "fields": [["accountID", "integer"], ["name", "string"], ["link", "object"]],
    },
    "Session": {
        "path": "Session",
        "id_field": "sessionID",
        "scope": "global",
        "entity": "Session",
        "operations": ["read"],
    },
    "Locale": {
        "path": "Locale",
        "id_field": "name",
        "scope": "global",
        "entity": "Locale",
        "operations": ["query"],
    },
    "Option": {"id_field": "optionID"},
    "PriceLevel": {"sortable": ["priceLevelID", "name"]},  # page copied OrderLine's list
    "Image": {
        "path": "Image",
        "id_field": "imageID",
        "fields": [
            ["imageID", "integer"],
            ["description", "string"],
            ["filename", "string"],
            ["ordering", "integer"],
            ["publicID", "string"],
            ["baseImageURL", "string"],
            ["size", "integer"],
            ["createTime", "datetime"],
            ["timeStamp", "datetime"],
            ["itemID", "integer"],
            ["itemMatrixID", "integer"],
        ],
    },
    "ItemImage": {
        "path": "Item/{itemID}/Image",
        "id_field": "imageID",
        "entity": "Image",
        "fields_from": "Image",
    },
    "ItemMatrixImage": {
        "path": "ItemMatrix/{itemMatrixID}/Image",
        "id_field": "imageID",
        "entity": "Image",
        "fields_from": "Image",
    },
    "CreditAccount": {"path": "CreditAccount", "id_field": "creditAccountID"},
    "TagGroup": {"path": "TagGroup", "id_field": "tagGroupID", "sortable": []},
    "TaxCategoryClass": {
        "path": "TaxCategoryClass",
        "id_field": "taxCategoryClassID",
        "fields": [
            ["taxCategoryClassID", "integer"],
            ["taxCategoryID", "integer"],
            ["taxClassID", "integer"],
            ["timeStamp", "datetime"],
        ],
    },
    "SalePaymentSalePaymentSignature": {
        "path": "SalePayment/{salePaymentID}/SalePaymentSignature",
        "entity": "SalePaymentSignature",
    },
    "CatalogSearch": {"path": "Catalog/Search", "entity": "CatalogVendorItem"},
    "Tag": {"path": "Tag"},
    "Employee": {"path": "Employee"},
    "ItemAttributeSet": {"operations": ["read", "query"]},  # actions table says read-only
    "Industry": {
        "id_field": "industryID",
        "fields": [["industryID", "integer"], ["name", "string"], ["enabled", "boolean"]],
    },
    "DisplayTemplateVendorReturn": {"path": "DisplayTemplate/VendorReturn"},
    "ProcessingFee": {"path": "ProcessingFee"},
    "Shipment": {"entity": "OrderShipment"},
    "ShipmentItem": {"entity": "OrderShipmentItem"},
    "Workorder": {"path": "Workorder"},
    "WorkorderWorkorderLine": {"path": "Workorder/{workorderID}/WorkorderLine", "entity": "WorkorderLine"},
    "WorkorderWorkorderItem": {"path": "Workorder/{workorderID}/WorkorderItem", "entity": "WorkorderItem"},
    "WorkorderWorkorderImage": {"path": "Workorder/{workorderID}/WorkorderImage", "entity": "WorkorderImage"},
    "WorkorderLine": {"path": "WorkorderLine"},
    "WorkorderItem": {"path": "WorkorderItem"},
    "WorkorderStatus": {"path": "WorkorderStatus"},
    "InventoryTransfer": {
        "entity": "Transfer",
        "path": "Inventory/Transfer",
        "operations": ["read", "query", "create", "update"],
    },
    "InventoryTransferTransferItems": {
        "entity": "TransferItem",
        "path": "Inventory/Transfer/{transferID}/TransferItems",
        "operations": ["read", "query"],
    },
    "ItemCustomField": {"entity": "CustomField", "id_field": "customFieldID"},
    "CustomerCustomField": {"entity": "CustomField", "id_field": "customFieldID"},
    "OrderCustomField": {"entity": "CustomField", "id_field": "customFieldID"},
    "ItemCustomFieldCustomFieldChoice": {"entity": "CustomFieldChoice", "id_field": "customFieldChoiceID"},
    "CustomerCustomFieldCustomFieldChoice": {
        "entity": "CustomFieldChoice",
        "id_field": "customFieldChoiceID",
        "path": "Customer/CustomField/{customFieldID}/CustomFieldChoice",
    },
    "OrderCustomFieldCustomFieldChoice": {"entity": "CustomFieldChoice", "id_field": "customFieldChoiceID"},
    "CurrencyRate": {"operations": ["read", "query", "create", "update"]},
    "InventoryLog": {"operations": ["query"]},
    "Register": {"operations": ["read", "query", "update"]},
}

CUSTOM_FIELD_FIELDS = [
    ["customFieldID", "integer"],
    ["name", "string"],
    ["type", "string"],
    ["uom", "string"],
    ["decimalPrecision", "integer"],
    ["archived", "boolean"],
    ["default", "string"],
    ["timeStamp", "datetime"],
]
CHOICE_FIELDS = [
    ["customFieldChoiceID", "integer"],
    ["name", "string"],
    ["value", "string"],
    ["canBeDeleted", "boolean"],
    ["customFieldID", "integer"],
    ["timeStamp", "datetime"],
]

# Relations the catalogue lists on one row but not another, or not at all (docs/reference.md#endpoints).
EXTRA_RELATIONS = {
    "Customer": ["TaxCategory", "CreditAccount", "Tags", "CustomFieldValues", "CustomFieldValues.value"],
    "Shop": ["Registers", "CCGateway", "PriceLevel"],
    "ItemMatrix": [
        "Manufacturer",
        "Season",
        "Images",
        "Items",
        "ItemECommerce",
        "TagRelations",
        "TagRelations.Tag",
    ],
    "Order": ["CustomFieldValues", "CustomFieldValues.value"],
    "SaleLine": ["Item", "InventorySales"],
    "VendorReturn": [
        "Vendor.Contact",
        "Vendor.Reps",
        "VendorReturnItems",
        "VendorReturnItems.Item",
        "VendorReturnItems.VendorReturnItemReason",
    ],
    "Workorder": [
        "WorkorderStatus",
        "WorkorderLines",
        "WorkorderLines.Discount",
        "WorkorderLines.TaxClass",
        "WorkorderItems",
        "WorkorderItems.Discount",
        "Images",
    ],
    "Employee": [],
    "Vendor": ["Reps"],  # embedded with the vendor's contact in the recordings
    "Sale": ["TaxClassTotals"],  # the per-tax-class breakdown of Sales/index.yml
}

# Fields the recordings and docs/reference.md#fields show but the endpoint pages leave out.
EXTRA_FIELDS = {
    "Sale": [
        ["isTaxInclusive", "boolean"],
        ["receiptPreference", "string"],
        ["displayableSubtotal", "decimal"],
        ["ticketNumber", "string"],
        ["taxTotal", "decimal"],
    ],
    # itemAttributesID and noteID: 2015 items in items/index.yml and Sales/index.yml
    # (docs/reference.md#item-fields)
    "Item": [["itemECommerceID", "integer"], ["itemAttributesID", "integer"], ["noteID", "integer"]],
    # "" in employees/*.yml (PINs left the output, docs/reference.md#core-endpoints)
    "Employee": [["accessPin", "string"]],
    "Customer": [["contactID", "integer"], ["employeeID", "integer"], ["noteID", "integer"]],  # Sales/index
    "CreditAccount": [["creditLimit", "decimal"]],  # customers/*.yml, docs/reference.md#customer-fields
    "Shop": [  # Sales/create.yml (the embedded Shop), docs/reference.md#other-fields
        ["timeStamp", "datetime"],
        ["companyRegistrationNumber", "string"],
        ["vatNumber", "string"],
        ["vendorID", "integer"],
        ["zebraBrowserPrint", "boolean"],
        ["gatewayConfigID", "integer"],
    ],
}

# THE list of corrected field types: (entity, field) -> (type, evidence). Every other type is
# the endpoint page's. A field named ``...ID`` is a key of this API, hence an integer, whatever
# its page says: ``build()`` fails on one that is neither integer, corrected here, nor listed in
# EXTERNAL_IDS (identifiers of other systems, which stay strings).
TYPE_CORRECTIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("ItemMatrix", "itemAttributeSetID"): (
        "integer",
        "page: '(string) Foreign key to the AttributeSet'; it is ItemAttributeSet's key, which that "
        "page types integer; recorded Item.ItemAttributes.itemAttributeSetID '2' (items/index.yml)",
    ),
    ("Category", "nodeDepth"): (
        "integer",
        "page: '(string) How many parent categories the category has'; "
        "docs/reference.md#category-fields 'string int, 0 = root'; recorded '0' and '1' (categories/*.yml)",
    ),
    ("Transfer", "archived"): (
        "boolean",
        "page: '(integer) Whether this transfer is archived/done.'; Inventory/Transfer's page and "
        "every other archived flag are boolean ('true'/'false', docs/reference.md#scalars)",
    ),
    ("Transfer", "note"): (
        "string",
        "page: '(integer)'; it is the transfer's free text, typed string on Inventory/Transfer's page",
    ),
}
EXTERNAL_IDS: dict[str, str] = {
    "gatewayTransID": "CCCharge: 'The ID assigned ... from the processing gateway'",
    "publicID": "Image/WorkorderImage: the image host's public id ('demo/item-1')",
    "b2bOrderUID": "Order: 'The unique identifier of the order in NuORDER'",
    "b2bSellerUID": "Vendor: 'The unique identifier of the vendor in NuORDER'",
    "paymentID": "SalePayment: 'A reference to the payment charge from the payment service'",
    "itemVendorID": "OrderShipmentItem: 'The vendor specific SKUs for this item'",
}


def corrected(entity: str, fields: list[list[str]]) -> list[list[str]]:
    """``fields`` with TYPE_CORRECTIONS applied; fails on an ``...ID`` field typed otherwise."""
    out = []
    for name, kind in fields:
        kind = TYPE_CORRECTIONS.get((entity, name), (kind, ""))[0]
        if name.endswith("ID") and kind != "integer" and name not in EXTERNAL_IDS:
            raise SystemExit(f"{entity}.{name} is typed {kind}: correct it in TYPE_CORRECTIONS")
        out.append([name, kind])
    return out


# The legacy Inventory endpoint (docs/reference.md#legacy-inventory): gone from the docs, still in the
# recordings.
LEGACY_ROWS = [
    {
        "name": "Inventory",
        "entity": "Inventory",
        "path": "Inventory",
        "id_field": "inventoryID",
        "scope": "account",
        "operations": ["read", "query"],
        "delete": None,
        "sortable": ["inventoryID"],
        "relations": ["Item"],
        "fields": [
            ["inventoryID", "integer"],
            ["qoh", "integer"],
            ["reorderPoint", "integer"],
            ["reorderLevel", "integer"],
            ["itemID", "integer"],
            ["shopID", "integer"],
            ["timeStamp", "datetime"],
        ],
        "kind": "resource",
        "legacy": True,
        "source": "recordings (2016), docs/reference.md#reports-and-misc",
    },
]


def _camel(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in title.split())


def _operations(actions: dict[str, str]) -> tuple[list[str], str | None]:
    ops: list[str] = []
    delete: str | None = None
    for label, value in actions.items():
        if "true" not in value.lower():
            continue
        clean = re.sub(r"[\[\]*]|\(http[^)]*\)", "", label).lower()
        if "(single)" in clean:
            ops.append("read")
        elif "(query)" in clean or "(multi)" in clean:
            ops.append("query")
        elif clean.startswith("post"):
            ops.append("create")
        elif clean.startswith("put"):
            ops.append("update")
        elif clean.startswith("delete"):
            if "anonymize" in clean:
                continue
            ops.append("delete")
            delete = "archive" if "archive" in clean else "delete"
    return sorted(set(ops)), delete


def _path(defs: list[str]) -> str | None:
    paths = []
    for definition in defs:
        match = re.search(r"/Account/\{accountID\}/?([^?]*?)\.(?:json|html)", definition)
        if match and match.group(1):
            paths.append(match.group(1))
    collection = [p for p in paths if not p.endswith("}")]
    if collection:
        return min(collection, key=len)
    if paths:
        return re.sub(r"/\{[^}]+\}$", "", min(paths, key=len))
    return None


def _clean_sortable(sortable: list[str]) -> list[str]:
    return [s for s in sortable if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", s)]


def _action(resource: str, segment: str, method: str, name: str, returns: str, src: str) -> dict[str, str]:
    keys = ("resource", "segment", "method", "name", "returns", "source")
    return dict(zip(keys, (resource, segment, method, name, returns, src), strict=True))


def build() -> dict[str, Any]:
    source = json.loads(SOURCE.read_text())
    rows: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for page, entry in sorted(source.items()):
        if page in ACTIONS:
            actions.append(_action(*ACTIONS[page], entry["src"]))
            continue
        if page.startswith(("displaytemplate-", "reports-")):
            kind = "display_template" if page.startswith("display") else "report"
        else:
            kind = "resource"
        name = _camel(entry["title"].replace("Catalog Search", "CatalogSearch"))
        # Capitalised names are embedded relations, whatever type the page gives them.
        fields = [
            [f[0], "object" if f[0][0].isupper() else TYPE_MAP.get(f[1], "string")]
            for f in entry["fields"]
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", f[0])
        ]
        ops, delete = _operations(entry["actions"])
        path = _path(entry["defs"]) or name
        row: dict[str, Any] = {
            "name": name,
            "entity": entry["title"].split()[-1],
            "path": path,
            "id_field": fields[0][0] if fields and fields[0][0].endswith("ID") else "",
            "scope": "account",
            "kind": kind,
            "operations": ops,
            "delete": delete,
            "sortable": _clean_sortable(entry["sortable"]),
            "relations": list(entry["relations"]),
            "fields": fields,
            "source": entry["src"],
        }
        if "CustomFieldChoice" in name:
            row["fields"] = CHOICE_FIELDS
        elif "CustomField" in name:
            row["fields"] = CUSTOM_FIELD_FIELDS
        if kind == "report":
            row["id_field"] = ""
            row["entity"] = entry["title"].split()[-1]
        if kind == "display_template":
            row["id_field"] = ""
        override = OVERRIDES.get(name, {})
        row.update({k: v for k, v in override.items() if k != "fields_from"})
        if row["delete"] is None and "delete" in row["operations"]:
            row["delete"] = "delete"
        if "delete" not in row["operations"]:
            row["delete"] = None
        known = {f[0] for f in row["fields"]}
        row["fields"] = row["fields"] + [f for f in EXTRA_FIELDS.get(name, []) if f[0] not in known]
        for relation in EXTRA_RELATIONS.get(name, []):
            if relation not in row["relations"]:
                row["relations"].append(relation)
        rows.append(row)
    by_name = {row["name"]: row for row in rows}
    for name, override in OVERRIDES.items():
        if "fields_from" in override:
            by_name[name]["fields"] = by_name[override["fields_from"]]["fields"]
    for row in rows:
        row["fields"] = corrected(row["entity"], row["fields"])
        if row["id_field"] and row["id_field"] not in {f[0] for f in row["fields"]}:
            row["fields"].insert(0, [row["id_field"], "integer"])  # Option, TagGroup: the page omits it
        if not row["id_field"] and row["kind"] == "resource" and row["name"] not in ("TagGroup",):
            raise SystemExit(f"no id field for {row['name']}")
    for resource, segment, method, name, returns, page in PAGE_ACTIONS:
        actions.append(_action(resource, segment, method, name, returns, source[page]["src"]))
    actions.sort(key=lambda a: (a["resource"], a["name"]))
    rows.extend(LEGACY_ROWS)
    return {"generated_from": "tools/data/endpoints.json", "resources": rows, "actions": actions}


def main() -> int:
    catalog = build()
    text = json.dumps(catalog, indent=1, sort_keys=True) + "\n"
    if "--check" in sys.argv:
        if TARGET.read_text() != text:
            print(f"{TARGET} is out of date: run make generate", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET} ({len(catalog['resources'])} resources, {len(catalog['actions'])} actions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
