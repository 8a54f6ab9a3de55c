"""Encodes to what the sandbox parses back identically (hypothesis), and end-to-end through the
sandbox: the records a query returns are the ones its conditions select."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lightspeed_pos import Client
from lightspeed_pos._catalog import catalog
from lightspeed_pos._querystring import ambiguous
from lightspeed_pos.query import Condition, F, Or, Query, encode_query
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sandbox.engine.query import parse_filters

ITEM = catalog().get("Item")
FIELDS = [(n, k) for n, k in ITEM.fields if k != "object"] + [
    ("itemCode", "string"),
    ("ItemShops.qoh", "integer"),
]
TEXT = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=8).filter(
    lambda v: v == v.strip().strip('"')  # the sandbox strips spaces and quotes around IN values
)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=-4)), timezone(timedelta(hours=5, minutes=30))])
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "integer": st.integers(-3, 10**6),
    "decimal": st.decimals(-1000, 1000, places=2),
    "boolean": st.booleans(),
    "datetime": st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1), timezones=ZONES),
    "string": TEXT,
}


@st.composite
def conditions(draw: st.DrawFn) -> Condition:
    name, kind = draw(st.sampled_from(FIELDS))
    value = draw(st.one_of(VALUES[kind], TEXT) if draw(st.booleans()) else VALUES[kind])
    field = F(name)
    op = draw(st.sampled_from(["eq", "ne", "gt", "ge", "lt", "le", "between", "like", "not_like", "in_"]))
    if op == "between":
        return field.between(value, draw(VALUES[kind]))
    if op in ("like", "not_like"):
        return getattr(field, op)(draw(TEXT))  # type: ignore[no-any-return]
    if op == "in_":
        return field.in_(draw(st.lists(VALUES[kind], min_size=1, max_size=4)))
    return getattr(field, op)(value)  # type: ignore[no-any-return]


@st.composite
def queries(draw: st.DrawFn) -> Query:
    filters = draw(st.lists(st.one_of(conditions(), st.builds(Or, conditions(), conditions())), max_size=4))
    return Query(
        *filters,
        load_relations=draw(st.sampled_from([None, ["ItemShops"], ["ItemShops", "Category"], "all"])),
        sort=draw(st.sampled_from([None, "itemID", "-timeStamp", "description", "upc"])),
        archived=draw(st.sampled_from([None, "true", "only"])),
        count=draw(st.booleans()),
        limit=draw(st.sampled_from([None, 1, 100])),
    )


def expected(cond: Condition) -> tuple[str, str, tuple[str, ...]]:
    op = "IN" if cond.op == "=" and ambiguous(cond.operands[0]) else cond.op
    return cond.field, op, cond.operands


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.data())
def test_encoding_is_what_the_sandbox_parses_back(data: st.DataObject) -> None:
    try:
        query = data.draw(queries())
        query.check(ITEM)
    except ValueError:
        return
    pairs = parse_qsl(encode_query(query.params()), keep_blank_values=True)
    assert pairs == query.params()
    parsed = [[(f, c.op, c.operands) for f, c in alts] for _, alts in parse_filters(pairs)]
    wanted = [[expected(c) for c in (f.conditions if isinstance(f, Or) else (f,))] for f in query.filters]
    assert parsed == wanted


# -- end to end ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def account() -> Iterator[Any]:
    sandbox = Sandbox(items=120, rate_limit=False)
    with sandbox.client() as client:
        assert isinstance(client, Client)
        yield client.account(sandbox.account_id)


def ids(records: list[Any]) -> list[int]:
    return sorted(int(r.attributes["itemID"]) for r in records)


def shops(record: Any) -> list[dict[str, str]]:
    found = record.attributes.get("ItemShops") or {}
    inner = found.get("ItemShop", []) if isinstance(found, dict) else []
    return inner if isinstance(inner, list) else [inner]


def run(account: Any, query: Query) -> list[int]:
    query.check(ITEM)
    return ids(account.items.all(params=query.params()))


def test_end_to_end_filters_select_the_same_records(account: Any) -> None:
    everything = account.items.all(params=Query(load_relations=["ItemShops"]).params())
    attrs = [r.attributes for r in everything]
    since = sorted(a["timeStamp"] for a in attrs)[len(attrs) // 2]
    cases: list[tuple[Query, list[int]]] = [
        (
            Query(F("itemID").in_([3, 9, 27, 81])),
            [int(a["itemID"]) for a in attrs if a["itemID"] in ("3", "9", "27", "81")],
        ),
        (
            Query(F("description").like("%a%"), F("defaultCost") > Decimal("10")),
            [
                int(a["itemID"])
                for a in attrs
                if "a" in a["description"].lower() and Decimal(a["defaultCost"]) > 10
            ],
        ),
        (
            Query(Or(F("itemID") < 5, F("itemID") > 115)),
            [int(a["itemID"]) for a in attrs if not 5 <= int(a["itemID"]) <= 115],
        ),
        (
            Query(F("timeStamp") >= datetime.fromisoformat(since)),
            [
                int(a["itemID"])
                for a in attrs
                if datetime.fromisoformat(a["timeStamp"]) >= datetime.fromisoformat(since)
            ],
        ),
        (
            Query(F("ItemShops.qoh") > 5, load_relations=["ItemShops"]),
            [int(r.attributes["itemID"]) for r in everything if any(int(s["qoh"]) > 5 for s in shops(r))],
        ),
    ]
    for query, want in cases:
        assert want, query
        assert run(account, query) == sorted(want), query
    archived = run(account, Query(archived="only"))
    assert set(archived).isdisjoint(ids(everything))


def test_end_to_end_split_in_merges_to_the_unsplit_result(account: Any) -> None:
    query = Query(F("itemID").in_(range(1, 31)), F("description").not_like("%z%"))
    parts = query.split_in(7)
    assert len(parts) == 5
    merged = sorted({i for part in parts for i in run(account, part)})
    assert merged == run(account, query)
    assert account.items.count(params=query.params()) == len(merged)
