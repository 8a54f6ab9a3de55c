"""Shops: what a Shop write completes."""

from __future__ import annotations

from typing import Any

from ..engine.formatting import (
    Record,
)
from .contacts import contact_hook
from .hooks import After, Ctx
from .items import SHOP_COUNTERS


def shop_before(ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None) -> After | None:
    contact_hook(ctx, draft, payload, existing)
    if existing is not None:
        return None

    def after(shop: Record) -> None:
        table = ctx.store.table("ItemShop")
        for summary in table.where("shopID", "0"):
            table.new(timeStamp=ctx.now, itemID=summary["itemID"], shopID=shop["shopID"], m=SHOP_COUNTERS)

    return after
