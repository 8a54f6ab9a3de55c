"""Categories: parents, and the nested set (leftNode/rightNode, nodeDepth, fullPathName) kept from them."""

from __future__ import annotations

from typing import Any

from ..engine.formatting import (
    ApiError,
    Record,
    bad_request,
    decimal,
)
from ..engine.store import AccountStore
from .hooks import After, Ctx


def category_before(
    ctx: Ctx, draft: Record, payload: dict[str, Any], existing: Record | None
) -> After | None:
    if not str(draft.get("name", "")).strip():
        raise bad_request("name cannot be blank.")
    parent_id = draft.get("parentID") or "0"
    if parent_id != "0":
        parent = ctx.store.get("Category", parent_id)
        if parent is None:
            raise bad_request(f"Parent category '{parent_id}' not found.")
        while existing is not None and parent is not None:
            if parent["categoryID"] == existing["categoryID"]:
                raise bad_request("A category cannot be moved below itself.")
            parent = ctx.store.get("Category", parent.get("parentID") or "0")
    if existing is None:
        draft["leftNode"] = str(10**12)  # sorts after its siblings until renumbered
    return lambda _record: renumber_categories(ctx.store)


def category_on_delete(ctx: Ctx, category: Record) -> After | None:
    if ctx.store.children("Category", "parentID", category["categoryID"]):
        raise ApiError(400, "Category cannot be deleted because it has child categories.")
    return None


def renumber_categories(store: AccountStore) -> None:
    """Recompute the nested set (leftNode/rightNode), nodeDepth and fullPathName from parentIDs."""
    table = store.table("Category")
    by_parent: dict[str, list[Record]] = {}
    for category in table:
        by_parent.setdefault(category.get("parentID") or "0", []).append(category)
    counter = 0

    def walk(parent_id: str, depth: int, path: str) -> None:
        nonlocal counter
        siblings = sorted(
            by_parent.get(parent_id, []), key=lambda c: (int(decimal(c["leftNode"])), int(c["categoryID"]))
        )
        for category in siblings:
            counter += 1
            left = counter
            full = f"{path}/{category['name']}" if path else category["name"]
            walk(category["categoryID"], depth + 1, full)
            counter += 1
            changes = {
                "leftNode": str(left),
                "rightNode": str(counter),
                "nodeDepth": str(depth),
                "fullPathName": full,
            }
            if any(category.get(k) != v for k, v in changes.items()):
                table.update(category, changes)

    walk("0", 0, "")
