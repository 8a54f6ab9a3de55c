"""Bad input: whatever the server sends, the client succeeds or raises a LightspeedError; whatever
query a user builds, it encodes to a valid query string or raises ValueError."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lightspeed_pos as ls
from lightspeed_pos.query import F, Query, encode_query

BASE = "https://api.lightspeedapp.com/API/V3"
NO_RETRY = ls.RetryPolicy(max_retries=1, backoff_base=0.0, max_rate_limit_retries=1)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12), st.just("")
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = ["itemID", "description", "defaultCost", "archived", "timeStamp", "categoryID", "Prices", "Category"]
records = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), values, max_size=6)
attributes = st.fixed_dictionaries(
    {},
    optional={
        "next": st.sampled_from(["", f"{BASE}/Account/1/Item.json?after=x", "https://evil.example/x", "?"])
        | values,
        "previous": st.just(""),
        "count": st.sampled_from(["1", "x", "-3", ""]) | values,
    },
)
envelopes = st.fixed_dictionaries(
    {},
    optional={
        "@attributes": attributes | values,
        "Item": records | st.lists(records, max_size=4) | values | st.just(""),
        "Sale": records | values,
    },
)
huge_page = st.integers(min_value=101, max_value=600).map(
    lambda n: {
        "@attributes": {"next": ""},
        "Item": [{"itemID": str(i), "description": "x"} for i in range(n)],
    }
)
bodies = st.one_of(
    envelopes.map(json.dumps),
    values.map(json.dumps),
    huge_page.map(json.dumps),
    envelopes.map(json.dumps).flatmap(lambda text: st.integers(0, len(text)).map(lambda cut: text[:cut])),
    st.just("<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"),
    st.text(max_size=30),
    st.binary(max_size=30).map(lambda raw: raw.decode("latin-1")),
)
HEADER_VALUES = st.sampled_from(["", "x", "1/90", "95/90", "-1/0", "3", "1e309", "NaN", "0"])
headers = st.dictionaries(
    st.sampled_from(["Retry-After", "X-LS-API-Bucket-Level", "X-LS-API-Drip-Rate", "X-LS-API-Burst-Level"]),
    HEADER_VALUES,
    max_size=4,
)
statuses = st.sampled_from(
    [200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 599]
)
content_types = st.sampled_from(["application/json", "text/html; charset=UTF-8", "text/plain", ""])

OPERATIONS: dict[str, Callable[[ls.Account], Any]] = {
    "all": lambda account: [item.to_dict() for item in account.items.all()],
    "each_page": lambda account: [len(page) for page in account.items.each_page()],
    "find": lambda account: account.items.find(1).to_dict(),
    "first": lambda account: account.items.first(),
    "count": lambda account: account.items.count(),
    "create": lambda account: account.sales.create(shopID=1).to_dict(),
    "relation": lambda account: account.items.build({"itemID": "1", "categoryID": "2"}).category,
}


class Holder:
    oauth_token = "token"

    def refresh_oauth_token(self) -> str:
        return "token"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=bodies,
    status=statuses,
    content_type=content_types,
    extra=headers,
    operation=st.sampled_from(sorted(OPERATIONS)),
)
def test_any_answer_gives_a_result_or_a_lightspeed_error(
    body: str, status: int, content_type: str, extra: dict[str, str], operation: str
) -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            status,
            content=body.encode("utf-8", "surrogatepass"),
            headers={**({"Content-Type": content_type} if content_type else {}), **extra},
        )

    client = ls.Client(
        Holder(),
        base_url=BASE,
        transport=httpx2.MockTransport(answer),
        retry_policy=NO_RETRY,
        sleep=lambda s: None,
    )
    try:
        OPERATIONS[operation](client.account(1))
    except ls.LightspeedError:
        pass
    finally:
        client.close()


OPERATORS: dict[str, Callable[[F, Any], Any]] = {
    "eq": F.eq,
    "ne": F.ne,
    "gt": F.gt,
    "ge": F.ge,
    "lt": F.lt,
    "le": F.le,
    "like": F.like,
    "not_like": F.not_like,
}
filter_values = st.one_of(
    st.text(),
    st.integers(),
    st.booleans(),
    st.decimals(allow_nan=False),
    st.floats(),
    st.dates(),
    st.datetimes(),
)


@settings(max_examples=150, deadline=None)
@given(
    field=st.text(max_size=12),
    operator=st.sampled_from([*sorted(OPERATORS), "between", "in"]),
    operands=st.lists(filter_values, min_size=0, max_size=4),
    sort=st.none() | st.text(max_size=8),
    limit=st.none() | st.integers(-5, 200),
    relations=st.none() | st.just("all") | st.lists(st.text(max_size=8), max_size=3),
)
def test_any_query_encodes_or_raises_value_error(
    field: str, operator: str, operands: list[Any], sort: str | None, limit: int | None, relations: Any
) -> None:
    try:
        target = F(field)
        if operator == "between":
            condition = target.between(*([*operands, 0, 0])[:2])
        elif operator == "in":
            condition = target.in_(operands)
        else:
            condition = OPERATORS[operator](target, operands[0] if operands else "")
        query = Query(condition, sort=sort, limit=limit, load_relations=relations)
        pairs = query.params()
        text = encode_query(pairs)
        query.check("Item")
    except ValueError:
        return
    assert parse_qsl(text, keep_blank_values=True) == [(k, v) for k, v in pairs]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=5))
def test_any_parameters_parse_into_a_query_or_raise_value_error(params: dict[str, str]) -> None:
    try:
        query = Query.from_params(params)
        encode_query(query.params())
    except ValueError:
        pass
