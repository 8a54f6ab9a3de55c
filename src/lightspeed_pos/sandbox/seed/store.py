"""The seeded demo store: deterministic, realistic, and cheap to build at 100 000 items.

Everything comes from ``random.Random(seed)`` and small word lists; timestamps are spread over
the half year before :data:`BASE` (2026-11-01), so the same seed always gives the same data.
Bulk rows are built by copying a table's layout dict and loaded without index upkeep.
"""

from __future__ import annotations

import gc
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from ..domains.categories import renumber_categories
from ..domains.contacts import make_contact
from ..domains.images import BASE_IMAGE_URL
from ..domains.items import SHOP_COUNTERS
from ..engine.formatting import Record, money, stamp
from ..engine.schema import layout
from ..engine.store import AccountStore, Table
from .details import seed_more
from .sales import seed_orders, seed_sales
from .words import (
    ADJECTIVES,
    CATEGORIES,
    CITIES,
    COLORS,
    COMPANIES,
    FIRST,
    LAST,
    NOUNS,
    PAYMENT_TYPES,
    SIZES,
    STREETS,
)

BASE = datetime(2026, 11, 1, tzinfo=UTC)
SPAN_DAYS = 180


def cent_text(cents: int) -> str:
    """Whole cents as a minimal decimal string (``650`` -> ``"6.5"``) without Decimal overhead."""
    whole, part = divmod(cents, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") if part else str(whole)


CUSTOMER_CONTACTS = 100
"""Customers' contactIDs start here (shops have 1-2, employees 10-15)."""

RIGHTS = [
    "allow_login", "register", "register_refund", "register_open", "register_withdraw", "register_close",
    "register_price", "register_reopen", "register_catalogs", "register_layaway", "register_line_discount",
    "register_transaction_discount",
]  # fmt: skip
"""Employee rights as the recordings name them (owners have all, other roles fewer)."""


class Seeder:
    """Fills one :class:`AccountStore` from a seed."""

    def __init__(self, store: AccountStore, seed: int) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.stamps = [
            stamp(BASE - timedelta(days=SPAN_DAYS) + timedelta(minutes=37 * i))
            for i in range(SPAN_DAYS * 24 * 60 // 37)
        ]

    def when(self, position: float) -> str:
        """A timestamp at ``position`` (0..1) through the seeded half year."""
        stamps = self.stamps
        return stamps[min(len(stamps) - 1, int(position * len(stamps)))]

    def rows(self, table: str, rows: list[dict[str, Any]]) -> list[Record]:
        """Build records from the layout with sequential ids and bulk-load them."""
        target: Table = self.store.table(table)
        base = layout(table)
        records = []
        for offset, values in enumerate(rows):
            record = dict(base)
            record.update(values)
            record[target.id_field] = str(target.next_id + offset)
            records.append(record)
        target.load(list(target) + records)
        return records

    def contact(
        self, index: int, email_name: str, contact_id: str | None = None, website: str = ""
    ) -> dict[str, Any]:
        city, state, zip_code = CITIES[index % len(CITIES)]
        identity: dict[str, Any] = {"contactID": contact_id} if contact_id else {}
        if website:
            identity["Websites"] = {"ContactWebsite": {"url": website}}
        return make_contact(
            {
                **identity,
                "noEmail": False,
                "noPhone": False,
                "noMail": False,
                "Addresses": {
                    "ContactAddress": {
                        "address1": f"{100 + index * 7} {STREETS[index % len(STREETS)]} St.",
                        "address2": "",
                        "city": city,
                        "state": state,
                        "zip": zip_code,
                        "country": "United States",
                        "countryCode": "US",
                        "stateCode": state,
                    }
                },
                "Phones": {
                    "ContactPhone": [
                        {"number": f"555-{index % 1000:03d}-{(index * 37) % 10000:04d}", "useType": "Work"}
                    ]
                },
                "Emails": {"ContactEmail": {"address": f"{email_name}@example.com", "useType": "Primary"}},
            },
            self.when(0.0),
        )

    # -- reference data -----------------------------------------------------------------------

    def reference(self) -> None:
        t0 = self.when(0.0)
        self.rows("TaxClass", [{"name": n, "timeStamp": t0} for n in ("Item", "Labor", "Non-taxable")])
        self.rows(
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
        self.rows(
            "TaxCategoryClass",
            [{"taxCategoryID": "1", "taxClassID": str(c), "timeStamp": t0} for c in (1, 2)],
        )
        self.rows(
            "PriceLevel",
            [
                {"name": "Default", "type": "default", "canBeArchived": "false"},
                {"name": "MSRP", "type": "msrp", "canBeArchived": "false"},
                {"name": "Online", "type": "custom"},
            ],
        )
        self.rows(
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
        self.rows(
            "Shop",
            [
                {
                    "name": name,
                    "timeStamp": t0,
                    "taxCategoryID": "1",
                    "priceLevelID": "1",
                    "receiptSetupID": "1",
                    "contactID": str(i + 1),
                    "Contact": self.contact(i, f"shop{i + 1}"),
                }
                for i, name in enumerate(("Downtown", "Harbor"))
            ],
        )
        self.rows(
            "Register",
            [{"name": f"Register {n}", "shopID": shop} for n, shop in ((1, "1"), (2, "1"), (3, "2"))],
        )
        roles = ("Owner", "Manager", "Sales", "Sales", "Sales", "Inventory")
        self.rows(
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
                    "Contact": self.contact(i + 3, FIRST[i].lower(), contact_id=str(10 + i)),
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
        self.rows(
            "Manufacturer", [{"name": f"{c} Brands", "createTime": t0, "timeStamp": t0} for c in COMPANIES]
        )
        self.rows(
            "Vendor",
            [
                {
                    "name": f"{c} Supply",
                    "accountNumber": f"AC-{1000 + i}",
                    "timeStamp": t0,
                    "priceLevel": "default" if i == 0 else "",
                    "Contact": self.contact(
                        i + 9, f"orders.{c.lower()}", website=f"https://www.{c.lower()}-supply.example.com"
                    ),
                    "Reps": {"VendorRep": {"firstName": FIRST[-i - 1], "lastName": LAST[-i - 1]}},
                }
                for i, c in enumerate(COMPANIES[:8])
            ],
        )
        self.rows(
            "ItemAttributeSet",
            [
                {"name": "Color/Size", "attributeName1": "Color", "attributeName2": "Size"},
                {"name": "Color", "attributeName1": "Color"},
                {"name": "Size", "attributeName1": "Size"},
            ],
        )
        self.rows(
            "Tag",
            [{"name": n} for n in ("new", "sale", "clearance", "summer", "winter", "gift", "eco", "local")],
        )
        self.rows("CustomerType", [{"name": n} for n in ("Retail", "Wholesale", "VIP")])
        self.rows(
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
        self.rows("Category", categories)
        children = [
            {"name": child, "parentID": str(i + 1), "leftNode": str(j), "createTime": t0, "timeStamp": t0}
            for i, kids in enumerate(CATEGORIES.values())
            for j, child in enumerate(kids)
        ]
        self.rows("Category", children)
        renumber_categories(self.store)

    # -- catalogue ----------------------------------------------------------------------------

    def items(self, count: int) -> None:
        rng = self.rng
        matrices = max(1, count // 50) if count >= 10 else 0
        matrix_rows = []
        for m in range(matrices):
            noun = NOUNS[m % len(NOUNS)]
            matrix_rows.append(
                {
                    "description": f"{ADJECTIVES[m % len(ADJECTIVES)]} {noun}",
                    "itemAttributeSetID": "1",
                    "categoryID": str(5 + m % 9),
                    "manufacturerID": str(1 + m % 10),
                    "defaultCost": money(8 + m % 20),
                    "tax": "true",
                    "taxClassID": "1",
                    "timeStamp": self.when(0.05 * (m / matrices)),
                }
            )
        self.rows("ItemMatrix", matrix_rows)
        shops = [s["shopID"] for s in self.store.table("Shop")]
        base, shop_base = layout("Item"), layout("ItemShop")
        item_rows, shop_rows, images = [], [], []
        shop_id = 1
        randrange, choice, random_ = rng.randrange, rng.choice, rng.random
        for i in range(1, count + 1):
            matrix = i <= matrices * 6
            m = (i - 1) // 6
            cost = randrange(200, 6000)
            price = cost * choice((18, 20, 22, 25)) // 10
            if matrix:
                color, size = COLORS[(m + (i - 1) % 6 // 3) % len(COLORS)], SIZES[(i - 1) % 3 + 1]
                description = f"{matrix_rows[m]['description']} {color} {size}"
            else:
                description = f"{choice(ADJECTIVES)} {choice(COLORS)} {choice(NOUNS)}"
            created = self.when(0.8 * i / count)
            changed = self.when(0.8 * i / count + random_() * 0.2)
            cost_text, price_text = cent_text(cost), cent_text(price)
            record = {
                **base,
                "itemID": str(i),
                "systemSku": f"21{i:010d}",
                "defaultCost": cost_text,
                "avgCost": cost_text,
                "description": description,
                "upc": f"{400000000000 + i * 7919 % 99999999:012d}",
                "customSku": f"SKU-{i:05d}",
                "createTime": created,
                "timeStamp": changed,
                "categoryID": str(5 + i % 9),
                "manufacturerID": str(1 + i % 10),
                "defaultVendorID": str(1 + i % 8),
                "Prices": {
                    "ItemPrice": [
                        {"amount": price_text, "useTypeID": "1", "useType": "Default"},
                        {"amount": cent_text(price * 11 // 10), "useTypeID": "2", "useType": "MSRP"},
                        {"amount": price_text, "useTypeID": "3", "useType": "Online"},
                    ]
                },
            }
            if matrix:
                record["itemMatrixID"] = str(m + 1)
                record["ItemAttributes"] = {
                    "attribute1": color,
                    "attribute2": size,
                    "attribute3": "",
                    "itemAttributeSetID": "1",
                }
            if i % 40 == 0:
                record["archived"] = "true"
            if i % 5 == 2:  # a note record, mostly empty (items/show.yml)
                note = f"Reorder from {COMPANIES[i % 8]}" if i % 20 == 2 else ""
                record["Note"] = {"note": note, "isPublic": "false", "timeStamp": created}
            if i % 20 == 17 and not matrix:  # boxes of another item (items/index.yml: box/assembly items)
                record["itemType"] = "box"
                record["ItemComponents"] = {
                    "ItemComponent": {
                        "itemComponentID": str(i // 20 + 1),
                        "quantity": str(6 + i % 4 * 6),
                        "componentGroup": "1",
                        "assemblyItemID": str(i),
                        "componentItemID": str(i - 6),
                    }
                }
            item_rows.append(record)
            stock = [randrange(40) for _ in shops]
            item_id = str(i)
            for sid, qoh in [("0", sum(stock)), *zip(shops, stock, strict=True)]:
                qoh_text = str(qoh)
                shop_rows.append(
                    {
                        **shop_base,
                        "itemShopID": str(shop_id),
                        "qoh": qoh_text,
                        "sellable": qoh_text,
                        "reorderPoint": "5",
                        "reorderLevel": "20",
                        "timeStamp": changed,
                        "itemID": item_id,
                        "shopID": sid,
                        "averageCost": cost_text,
                        "m": SHOP_COUNTERS,
                    }
                )
                shop_id += 1
            if i % 10 == 1:
                images.append(
                    {
                        "description": description,
                        "filename": f"item-{i}.jpg",
                        "ordering": "0",
                        "publicID": f"demo/item-{i}",
                        "size": "48213",
                        "itemID": item_id,
                        "baseImageURL": BASE_IMAGE_URL,
                        "createTime": created,
                        "timeStamp": created,
                    }
                )
        self.store.table("Item").load(item_rows)
        self.store.table("ItemShop").load(shop_rows)
        self.rows("Image", images)

    # -- people and transactions ----------------------------------------------------------------

    def customers(self, count: int) -> None:
        self.rows(
            "Customer",
            [
                {
                    "firstName": FIRST[i % len(FIRST)],
                    "lastName": LAST[(i * 7) % len(LAST)],
                    "title": "",
                    "company": COMPANIES[i % len(COMPANIES)] if i % 5 == 0 else "",
                    "customerTypeID": str(1 + i % 3),
                    "createTime": self.when(0.7 * i / count),
                    "timeStamp": self.when(0.7 * i / count + 0.1),
                    "archived": "true" if i % 25 == 24 else "false",
                    "contactID": str(CUSTOMER_CONTACTS + i),
                    "Contact": self.contact(
                        i, f"{FIRST[i % len(FIRST)].lower()}.{i}", contact_id=str(CUSTOMER_CONTACTS + i)
                    ),
                    "Note": {"note": "", "isPublic": "false", "timeStamp": self.when(0.7 * i / count)},
                    "Tags": "",
                }
                for i in range(count)
            ],
        )


def build_store(account_id: int, seed: int, items: int) -> AccountStore:
    """A complete, deterministic store for one account.

    The garbage collector is paused while building: the many new dicts are all live, and
    generational collections would otherwise dominate the build time of a large store.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _build(account_id, seed, items)
    finally:
        if paused:
            gc.enable()


def _build(account_id: int, seed: int, items: int) -> AccountStore:
    rng = random.Random(seed)
    store = AccountStore(
        account_id, f"{rng.choice(COMPANIES)} {rng.choice(('Outfitters', 'Goods', 'Market'))}"
    )
    seeder = Seeder(store, seed)
    seeder.reference()
    seeder.items(items)
    seeder.customers(max(10, min(items // 5, 2000)))
    seed_sales(seeder, max(20, min(items, 3000)))
    seed_orders(seeder, max(3, min(items // 25, 400)))
    seed_more(seeder)
    return store
