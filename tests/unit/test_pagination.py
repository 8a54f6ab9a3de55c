"""Pagination stop conditions, legacy offsets and V3 cursors."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos._pagination import PageGuard, PageRequest, read_page
from tests.support.holders import ExampleTokenHolder

BASE = "https://api.lightspeedapp.com/API/V3"
FIRST = PageRequest(f"{BASE}/Account/1/Item.json", (("limit", "2"),))


def items(*ids: int) -> list[dict[str, str]]:
    return [{"itemID": str(i)} for i in ids]


def test_cursor_next_url_is_followed_until_empty() -> None:
    next_url = f"{BASE}/Account/1/Item.json?limit=2&after=WzJd"
    page = read_page({"@attributes": {"next": next_url, "previous": ""}, "Item": items(1, 2)}, "Item", FIRST)
    assert page.next == PageRequest(next_url)
    last = read_page({"@attributes": {"next": "", "previous": "x"}, "Item": items(3)}, "Item", FIRST)
    assert last.next is None and [r["itemID"] for r in last.records] == ["3"]


def test_cursor_with_no_records_stops() -> None:
    page = read_page({"@attributes": {"next": f"{BASE}/x", "previous": ""}}, "Item", FIRST)
    assert page.records == [] and page.next is None


def test_legacy_offsets() -> None:
    request = PageRequest("https://api.merchantos.com/API/Account/1/Item.json", (("limit", "2"),))
    page = read_page(
        {"@attributes": {"count": "5", "offset": "0", "limit": "2"}, "Item": items(1, 2)}, "Item", request
    )
    assert page.next == PageRequest(request.url, (("limit", "2"), ("offset", "2")))
    assert page.count == 5
    end = read_page(
        {"@attributes": {"count": "5", "offset": "4", "limit": "2"}, "Item": items(5)}, "Item", request
    )
    assert end.next is None
    empty = read_page({"@attributes": {"count": "0"}}, "Item", request)
    assert empty.records == [] and empty.next is None


def test_one_record_as_an_object() -> None:
    page = read_page(
        {"@attributes": {"count": "1", "offset": "0", "limit": "100"}, "Item": {"itemID": "9"}}, "Item", FIRST
    )
    assert page.records == [{"itemID": "9"}] and page.next is None


def test_guard_refuses_a_repeated_page_and_another_host() -> None:
    guard = PageGuard(httpx2.URL(BASE))
    guard.check(PageRequest(f"{BASE}/Account/1/Item.json?after=a"))
    with pytest.raises(ls.InvalidResponseError, match="same next page"):
        guard.check(PageRequest(f"{BASE}/Account/1/Item.json?after=a"))
    with pytest.raises(ls.InvalidResponseError, match="another host"):
        guard.check(PageRequest("https://evil.example/API/V3/Account/1/Item.json"))


def serving(pages: dict[str, dict[str, Any]]) -> tuple[httpx2.MockTransport, list[str]]:
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        key = request.url.params.get("after", "")
        seen.append(key)
        return httpx2.Response(200, json=pages[key])

    return httpx2.MockTransport(handler), seen


def test_client_follows_cursors() -> None:
    url = f"{BASE}/Account/1/Item.json?limit=100"
    pages = {
        "": {"@attributes": {"next": f"{url}&after=p2", "previous": ""}, "Item": items(1, 2)},
        "p2": {"@attributes": {"next": f"{url}&after=p3", "previous": "x"}, "Item": items(3)},
        "p3": {"@attributes": {"next": "", "previous": "x"}, "Item": items(4)},
    }
    transport, seen = serving(pages)
    client = ls.Client(ExampleTokenHolder(), transport=transport)
    assert [i.id for i in client.account(1).items.all()] == [1, 2, 3, 4]
    assert seen == ["", "p2", "p3"]


def test_client_stops_on_a_repeated_next_url() -> None:
    url = f"{BASE}/Account/1/Item.json?limit=100"
    pages = {
        "": {"@attributes": {"next": f"{url}&after=p2", "previous": ""}, "Item": items(1)},
        "p2": {"@attributes": {"next": f"{url}&after=p2", "previous": ""}, "Item": items(2)},
    }
    transport, seen = serving(pages)
    client = ls.Client(ExampleTokenHolder(), transport=transport)
    with pytest.raises(ls.InvalidResponseError, match="same next page"):
        client.account(1).items.all()
    assert seen == ["", "p2"]


def test_count_uses_count_1_on_v3() -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json={"@attributes": {"count": "764"}})

    client = ls.Client(ExampleTokenHolder(), transport=httpx2.MockTransport(handler))
    assert client.account(1).items.count() == 764
    assert seen[0].url.params["count"] == "1"
    assert "limit" not in seen[0].url.params


def test_guard_memory_stays_flat_over_a_long_listing() -> None:
    from lightspeed_pos._pagination import RECENT_PAGES

    guard = PageGuard(httpx2.URL(BASE))
    for number in range(RECENT_PAGES * 5):
        request = PageRequest(f"{BASE}/Account/1/Item.json?after={number}")
        guard.check(request)
        guard.brings_news([{"itemID": str(number * 100 + k)} for k in range(100)], "itemID", request)
    assert len(guard.recent) == RECENT_PAGES
    assert len(guard.counts) == RECENT_PAGES * 100
    # a page the recent pages already had is still refused; one of long ago is taken (its cursor is new)
    recent = [{"itemID": str((RECENT_PAGES * 5 - 1) * 100 + k)} for k in range(100)]
    with pytest.raises(ls.InvalidResponseError, match="already had"):
        guard.brings_news(recent, "itemID", PageRequest(f"{BASE}/Account/1/Item.json?after=again"))
    guard.brings_news([{"itemID": str(k)} for k in range(100)], "itemID", PageRequest(f"{BASE}/x"))


def test_guard_forgets_records_at_a_new_listing_but_not_requests() -> None:
    guard = PageGuard(httpx2.URL(BASE))
    request = PageRequest(f"{BASE}/Account/1/Item.json?after=a")
    guard.check(request)
    guard.brings_news([{"itemID": "1"}], "itemID", request)
    guard.new_listing()
    guard.brings_news([{"itemID": "1"}], "itemID", request)
    with pytest.raises(ls.InvalidResponseError, match="same next page"):
        guard.check(request)


def test_guard_reads_odd_ids() -> None:
    guard = PageGuard(httpx2.URL(BASE))
    odd: list[dict[str, Any]] = [{"itemID": ["1"]}, {"itemID": {"a": 1}}, {"itemID": "0", "x": "1"}, {}]
    guard.brings_news(odd, "itemID", PageRequest(f"{BASE}/a"))
    with pytest.raises(ls.InvalidResponseError, match="already had"):
        guard.brings_news(odd, "itemID", PageRequest(f"{BASE}/b"))
    guard.brings_news([{"itemID": "1"}, {"itemID": "1"}], "itemID", PageRequest(f"{BASE}/c"))
