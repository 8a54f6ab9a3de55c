"""Seeded set-up of the demo store: taxes, price levels, payment types, shops and registers,
employees, vendors, tags, discounts and categories (``seed_setup``), and the look-up rows the
other endpoints offer (seasons, workorder statuses, options, currency rates, fees, custom fields,
the vendor catalogue: ``seed_lookups``).
"""

from __future__ import annotations

from ..domains.categories import renumber_categories
from ..engine.formatting import money
from .seeder import Seeder
from .words import (
    CATEGORIES,
    COMPANIES,
    FIRST,
    LAST,
    PAYMENT_TYPES,
)

RIGHTS = [
    "allow_login", "register", "register_refund", "register_open", "register_withdraw", "register_close",
    "register_price", "register_reopen", "register_catalogs", "register_layaway", "register_line_discount",
    "register_transaction_discount",
]  # fmt: skip
"""Employee rights as the recordings name them (owners have all, other roles fewer)."""


def seed_setup(seeder: Seeder) -> None:
    t0 = seeder.when(0.0)
    seeder.rows("TaxClass", [{"name": n, "timeStamp": t0} for n in ("Item", "Labor", "Non-taxable")])
    seeder.rows(
        "TaxCategory",
        [
            {"tax1Name": "Sales Tax", "tax1Rate": "0.0825", "timeStamp": t0},
            {
                "tax1Name": "State Tax",
                "tax2Name": "City Tax",
                "tax1Rate": "0.0825",
                "tax2Rate": "0.05",
                "timeStamp": t0,
            },
            {"tax1Name": "Tax Exempt", "timeStamp": t0},
        ],
    )
    seeder.rows(
        "TaxCategoryClass",
        [{"taxCategoryID": "1", "taxClassID": str(c), "timeStamp": t0} for c in (1, 2)],
    )
    seeder.rows(
        "PriceLevel",
        [
            {"name": "Default", "type": "default", "canBeArchived": "false"},
            {"name": "MSRP", "type": "msrp", "canBeArchived": "false"},
            {"name": "Online", "type": "custom"},
        ],
    )
    seeder.rows(
        "PaymentType",
        [
            {
                "name": n,
                "type": k,
                "internalReserved": "true" if r else "false",
                "requireCustomer": "true" if k == "credit account" else "false",
            }
            for n, k, r in PAYMENT_TYPES
        ],
    )
    seeder.rows(
        "Shop",
        [
            {
                "name": name,
                "timeStamp": t0,
                "taxCategoryID": "1",
                "priceLevelID": "1",
                "receiptSetupID": "1",
                "contactID": str(i + 1),
                "Contact": seeder.contact(i, f"shop{i + 1}"),
            }
            for i, name in enumerate(("Downtown", "Harbor"))
        ],
    )
    seeder.rows(
        "Register",
        [{"name": f"Register {n}", "shopID": shop} for n, shop in ((1, "1"), (2, "1"), (3, "2"))],
    )
    roles = ("Owner", "Manager", "Sales", "Sales", "Sales", "Inventory")
    seeder.rows(
        "Employee",
        [
            {
                "firstName": FIRST[i],
                "lastName": LAST[i],
                "timeStamp": t0,
                "contactID": str(10 + i),
                "employeeRoleID": str(i % 3 + 1),
                "lastShopID": "1",
                "lastRegisterID": "1",
                "Contact": seeder.contact(i + 3, FIRST[i].lower(), contact_id=str(10 + i)),
                "EmployeeRole": {
                    "employeeRoleID": str(i % 3 + 1),
                    "name": role,
                    "EmployeeRights": {
                        "EmployeeRight": [
                            {"employeeRightID": str(n * 4), "name": right}
                            for n, right in enumerate(RIGHTS[: 12 - 4 * (i % 3)], start=1)
                        ]
                    },
                },
            }
            for i, role in enumerate(roles)
        ],
    )
    seeder.rows(
        "Manufacturer", [{"name": f"{c} Brands", "createTime": t0, "timeStamp": t0} for c in COMPANIES]
    )
    seeder.rows(
        "Vendor",
        [
            {
                "name": f"{c} Supply",
                "accountNumber": f"AC-{1000 + i}",
                "timeStamp": t0,
                "priceLevel": "default" if i == 0 else "",
                "Contact": seeder.contact(
                    i + 9, f"orders.{c.lower()}", website=f"https://www.{c.lower()}-supply.example.com"
                ),
                "Reps": {"VendorRep": {"firstName": FIRST[-i - 1], "lastName": LAST[-i - 1]}},
            }
            for i, c in enumerate(COMPANIES[:8])
        ],
    )
    seeder.rows(
        "ItemAttributeSet",
        [
            {"name": "Color/Size", "attributeName1": "Color", "attributeName2": "Size"},
            {"name": "Color", "attributeName1": "Color"},
            {"name": "Size", "attributeName1": "Size"},
        ],
    )
    seeder.rows(
        "Tag",
        [{"name": n} for n in ("new", "sale", "clearance", "summer", "winter", "gift", "eco", "local")],
    )
    seeder.rows("CustomerType", [{"name": n} for n in ("Retail", "Wholesale", "VIP")])
    seeder.rows(
        "Discount",
        [
            {"name": "10% off", "discountPercent": "0.1", "timeStamp": t0},
            {"name": "$5 off", "discountAmount": "5", "timeStamp": t0},
        ],
    )
    categories = [
        {"name": root, "parentID": "0", "leftNode": str(i), "createTime": t0, "timeStamp": t0}
        for i, root in enumerate(CATEGORIES)
    ]
    seeder.rows("Category", categories)
    children = [
        {"name": child, "parentID": str(i + 1), "leftNode": str(j), "createTime": t0, "timeStamp": t0}
        for i, kids in enumerate(CATEGORIES.values())
        for j, child in enumerate(kids)
    ]
    seeder.rows("Category", children)
    renumber_categories(seeder.store)


STATUSES = (
    ("Open", "open", "#3b82f6"),
    ("Waiting", "waiting", "#f59e0b"),
    ("Estimate", "estimate", "#8b5cf6"),
    ("Finished", "finished", "#10b981"),
    ("Done & Paid", "paid", "#6b7280"),
)


CUSTOM_FIELDS = {
    "Item": (("Material", "string"), ("Warranty months", "integer"), ("Fit", "single_choice")),
    "Customer": (("Birthday club", "boolean"), ("Preferred store", "single_choice")),
    "Order": (("Carrier", "string"), ("Priority", "single_choice")),
}


def seed_lookups(seeder: Seeder) -> None:
    t0 = seeder.when(0.0)
    seeder.rows("Season", [{"name": n} for n in ("Spring/Summer", "Fall/Winter", "Holiday")])
    seeder.rows(
        "WorkorderStatus",
        [
            {"name": name, "systemValue": value, "htmlColor": color, "sortOrder": str(n)}
            for n, (name, value, color) in enumerate(STATUSES)
        ],
    )
    seeder.rows(
        "Discount",
        [{"name": "Staff 20%", "discountPercent": "0.2", "requireCustomer": "true", "timeStamp": t0}],
    )
    seeder.rows("TagGroup", [{"name": n} for n in ("Seasonal", "Promotions")])
    seeder.rows(
        "Option",
        [
            {"name": n, "value": v}
            for n, v in (("currency_symbol", "$"), ("weight_units", "lb"), ("enable_ecom", "false"))
        ],
    )
    seeder.rows(
        "Industry", [{"name": n, "enabled": e} for n, e in (("Apparel", "true"), ("Outdoor", "false"))]
    )
    seeder.rows(
        "CurrencyRate",
        [
            {"currencyCode": c, "rate": r, "createTime": t0, "timeStamp": t0}
            for c, r in (("CAD", "1.36"), ("EUR", "0.92"))
        ],
    )
    seeder.rows(
        "ItemFee",
        [
            {"name": "Bottle deposit", "calculationMethod": "flat", "feeValue": "0.1", "createTime": t0},
            {"name": "Eco fee", "calculationMethod": "percent", "feeValue": "0.02", "createTime": t0},
        ],
    )
    for owner, fields in CUSTOM_FIELDS.items():
        seeder.rows(f"{owner}CustomField", [{"name": n, "type": k, "timeStamp": t0} for n, k in fields])
        choice_ids = [str(n + 1) for n, (_, kind) in enumerate(fields) if kind == "single_choice"]
        seeder.rows(
            f"{owner}CustomFieldChoice",
            [
                {"name": v, "value": v, "canBeDeleted": "true", "customFieldID": c, "timeStamp": t0}
                for c in choice_ids
                for v in ("Slim", "Regular", "Relaxed")
            ],
        )
    seeder.rows(
        "CatalogVendorItem",
        [
            {
                "vendorNumber": f"CV-{n:04d}",
                "description": f"Catalogue {noun}",
                "cost": money(5 + n),
                "msrp": money(12 + 2 * n),
                "upc": f"{700000000000 + n:012d}",
                "brand": "Northwind",
                "catalogVendorID": "1",
            }
            for n, noun in enumerate(("Tee", "Cap", "Mug", "Sock", "Tote"), start=1)
        ],
    )
