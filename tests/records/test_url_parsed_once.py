"""A listing parses each URL once: the next page's URL when it arrives, nothing more per request."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from httpx2 import _urlparse

import lightspeed_pos as ls
from tests.support.holders import ExampleTokenHolder

BASE = "https://api.lightspeedapp.com/API/V3/Account/1/Item.json"


def test_one_url_parse_per_page(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = 5

    def answer(request: httpx2.Request) -> httpx2.Response:
        number = int(request.url.params.get("after", "0"))
        following = f"{BASE}?limit=100&after={number + 1}" if number + 1 < pages else ""
        body = {"@attributes": {"next": following, "previous": ""}, "Item": [{"itemID": str(number + 1)}]}
        return httpx2.Response(200, json=body)

    client = ls.Client(ExampleTokenHolder(), transport=httpx2.MockTransport(answer))
    items = client.account(1).items
    list(items.each())  # warm up
    parsed: list[str] = []
    real = _urlparse.urlparse

    def counting(url: str = "", **kwargs: Any) -> Any:
        parsed.append(url)
        return real(url, **kwargs)

    monkeypatch.setattr(_urlparse, "urlparse", counting)
    monkeypatch.setattr("httpx2._urls.urlparse", counting)
    assert [item.id for item in items.each()] == [1, 2, 3, 4, 5]
    # once per listing: the base URL (the guard's origin) and the first page's URL (the guard's
    # check); the first request with its query; after that each next URL once, when it arrives
    later = [url for url in parsed if "after=" in url]
    assert later == [f"{BASE}?limit=100&after={n}" for n in range(1, pages)]
    assert len(parsed) == 3 + (pages - 1)
