"""The minimal server serves the real page with never-throttling headers, or a real bucket."""

from __future__ import annotations

import json

import httpx2
from benchmarks._minimal import FIXTURE, Options, minimal_server
from benchmarks._served import StaticHolder

import lightspeed_pos as ls


def test_open_mode_serves_the_fixture_page_and_its_cursor() -> None:
    fixture = json.loads(FIXTURE.read_text())
    with minimal_server(Options(mode="open", pages=3)) as server:
        with ls.Client(StaticHolder("t"), base_url=server.base_url) as client:
            pages = list(client.account(7).items.each_page())
            assert client.throttler.bucket_level == 1.0 and client.throttler.bucket_max == 90.0
        assert len(pages) == 3 and all(len(page) == 100 for page in pages)
        assert pages[0][5].attributes == fixture["Item"][5]
        assert server.stats()["statuses"] == {"200": 3}
        raw = httpx2.get(f"{server.base_url}/Account/7/Item.json")
        assert len(raw.content) > 70_000 and raw.headers["X-LS-API-Burst-Level"] == "1/1000000"


def test_limited_mode_keeps_a_full_bucket_per_account() -> None:
    with minimal_server(Options(mode="limited", pages=1000)) as server:
        url = f"{server.base_url}/Account/3/Item.json"
        first, second = httpx2.get(url), httpx2.get(url)
        assert first.status_code == 200 and first.headers["X-LS-API-Bucket-Level"] == "91/90"
        assert second.status_code == 429 and float(second.headers["Retry-After"]) >= 1
        assert httpx2.get(f"{server.base_url}/Account/4/Item.json").status_code == 200
        stats = server.stats()
        assert stats["statuses"] == {"200": 2, "429": 1} and stats["admitted"] == {"3": 1, "4": 1}
        server.reset()
        assert server.stats()["statuses"] == {}
