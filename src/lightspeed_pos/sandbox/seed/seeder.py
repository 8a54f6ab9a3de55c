"""The seeder every domain's seeding writes through: the timeline, bulk rows and contacts.

Timestamps are spread over the half year before :data:`BASE` (2026-11-01). Bulk rows are built
by copying a table's layout dict and loaded without index upkeep.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from ..domains.contacts import make_contact
from ..engine.formatting import Record, stamp
from ..engine.schema import layout
from ..engine.store import AccountStore, Table
from .words import (
    CITIES,
    STREETS,
)

BASE = datetime(2026, 11, 1, tzinfo=UTC)
SPAN_DAYS = 180


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
