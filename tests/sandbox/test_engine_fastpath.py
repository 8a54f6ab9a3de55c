"""The id-order fast path of V3 listings answers exactly what the general path answers."""

from __future__ import annotations

from typing import Any

import pytest

from lightspeed_pos.sandbox import Sandbox


def walk(client: Any, url: str, direction: str) -> list[list[str]]:
    pages: list[list[str]] = []
    while url:
        answer = client.request("GET", url)
        records = answer.get("Item", [])
        pages.append([r["itemID"] for r in (records if isinstance(records, list) else [records])])
        url = answer["@attributes"][direction]
    return pages


@pytest.mark.parametrize("sort", ["itemID", "-itemID"])
@pytest.mark.parametrize("archived", ["false", "true", "only"])
def test_fast_and_general_paths_agree(sort: str, archived: str) -> None:
    sandbox = Sandbox(items=130, rate_limit=False)
    client = sandbox.client()
    items = client.account(sandbox.account_id).items
    for item_id in (3, 4, 5, 50, 51, 128, 129, 130):
        items.destroy(item_id)  # archive a few, at both ends and in the middle
    base = f"Account/{sandbox.account_id}/Item.json?sort={sort}&archived={archived}&limit=7"
    fast = walk(client, base, "next")
    general = walk(client, base + "&itemID=%3E%2C0", "next")  # a filter forces the general path
    assert fast == general and fast
    # and back again from the last page through the previous links
    last = client.request("GET", base)
    while last["@attributes"]["next"]:
        last = client.request("GET", last["@attributes"]["next"])
    previous = last["@attributes"]["previous"]
    back = walk(client, previous, "previous") if previous else []
    assert list(reversed(back)) == fast[:-1]
