"""The seeded demo store: deterministic, realistic, and cheap to build at 100 000 items.

Everything comes from ``random.Random(seed)`` and small word lists (``words.py``); timestamps are
spread over the half year before ``seeder.BASE`` (2026-11-01), so the same seed always gives the
same data. :func:`build_store` is the one entry: it runs each domain's seeding in a fixed order
(ids and random draws follow that order) -- set-up, catalogue, customers, sales, work orders and
stock.
"""

from __future__ import annotations

import gc
import random

from ..engine.store import AccountStore
from .catalog import seed_item_details, seed_items
from .customers import seed_accounts, seed_customers
from .sales import seed_orders, seed_registers, seed_sale_records, seed_sales
from .seeder import Seeder
from .setup import seed_lookups, seed_setup
from .words import COMPANIES
from .work import seed_stock_work, seed_workorders

__all__ = ["build_store"]


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
    seed_setup(seeder)
    seed_items(seeder, items)
    seed_customers(seeder, max(10, min(items // 5, 2000)))
    seed_sales(seeder, max(20, min(items, 3000)))
    seed_orders(seeder, max(3, min(items // 25, 400)))
    seed_lookups(seeder)
    seed_item_details(seeder)
    seed_accounts(seeder)
    seed_sale_records(seeder)
    seed_registers(seeder)
    seed_workorders(seeder)
    seed_stock_work(seeder)
    return store
