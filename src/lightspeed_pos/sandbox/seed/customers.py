"""Seeded customers with their contacts (``seed_customers``), and their credit accounts and gift
cards (``seed_accounts``).
"""

from __future__ import annotations

from typing import Any

from ..engine.formatting import money
from .seeder import Seeder
from .words import (
    COMPANIES,
    FIRST,
    LAST,
)

CUSTOMER_CONTACTS = 100
"""Customers' contactIDs start here (shops have 1-2, employees 10-15)."""


def seed_customers(seeder: Seeder, count: int) -> None:
    seeder.rows(
        "Customer",
        [
            {
                "firstName": FIRST[i % len(FIRST)],
                "lastName": LAST[(i * 7) % len(LAST)],
                "title": "",
                "company": COMPANIES[i % len(COMPANIES)] if i % 5 == 0 else "",
                "customerTypeID": str(1 + i % 3),
                "createTime": seeder.when(0.7 * i / count),
                "timeStamp": seeder.when(0.7 * i / count + 0.1),
                "archived": "true" if i % 25 == 24 else "false",
                "contactID": str(CUSTOMER_CONTACTS + i),
                "Contact": seeder.contact(
                    i, f"{FIRST[i % len(FIRST)].lower()}.{i}", contact_id=str(CUSTOMER_CONTACTS + i)
                ),
                "Note": {"note": "", "isPublic": "false", "timeStamp": seeder.when(0.7 * i / count)},
                "Tags": "",
            }
            for i in range(count)
        ],
    )


def seed_accounts(seeder: Seeder) -> None:
    """Store credit for one customer in five, three gift cards (one unassigned)."""
    customers = seeder.store.table("Customer")
    picked = [c for c in customers if int(c["customerID"]) % 10 in (1, 3)][:30]
    rows: list[dict[str, Any]] = [
        {
            "name": f"{c['firstName']} {c['lastName']}",
            "customerID": c["customerID"],
            "balance": money(-(int(c["customerID"]) % 7) * 5),
            "timeStamp": seeder.when(0.5),
        }
        for c in picked
    ]
    rows += [
        {
            "name": f"Gift card {n}",
            "code": f"GC{n:02d}{7391 * n:08d}",
            "giftCard": "true",
            "customerID": picked[n]["customerID"] if n and n < len(picked) else "0",
            "balance": money(-25 * (n + 1)),
            "timeStamp": seeder.when(0.6 + 0.1 * n),
        }
        for n in range(3)
    ]
    for account in seeder.rows("CreditAccount", rows):
        customer = customers.get(int(account["customerID"]))
        if customer is not None and account["giftCard"] == "false":
            customer["creditAccountID"] = account["creditAccountID"]
    for n, customer in enumerate(picked[:5], start=1):
        customer["CustomFieldValues"] = {
            "CustomFieldValue": {
                "customFieldValueID": str(n),
                "customFieldID": "1",
                "name": "Birthday club",
                "type": "boolean",
                "value": "true",
            }
        }
