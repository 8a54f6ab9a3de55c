"""``--where`` expressions become exactly the query parameters the helpers would build."""

from __future__ import annotations

import pytest

from lightspeed_pos.cli._where import build_query, count_query, parse_where
from lightspeed_pos.query import F, Or, Query, encode_query

CASES = [
    ("itemID=5", [("itemID", "5")]),
    ("itemID = 5", [("itemID", "5")]),
    ("itemID!=5", [("itemID", "!=,5")]),
    ("itemID>5", [("itemID", ">,5")]),
    ("timeStamp>=2024-01-01", [("timeStamp", ">=,2024-01-01")]),
    ("itemID<5", [("itemID", "<,5")]),
    ("itemID<=5", [("itemID", "<=,5")]),
    ("itemID><1,10", [("itemID", "><,1,10")]),
    ("description~%shirt%", [("description", "~,%shirt%")]),
    ("description!~x%", [("description", "!~,x%")]),
    ("itemID=IN[1,2,3]", [("itemID", "IN,[1,2,3]")]),
    ('customSku=IN["a b","c"]', [("customSku", 'IN,["a b","c"]')]),
    ("customSku=IN[a,b]", [("customSku", 'IN,["a","b"]')]),
    ('description="two words"', [("description", "two words")]),
    ("ItemShops.qoh>0", [("ItemShops.qoh", ">,0")]),
    ("description=", [("description", "")]),
    ("itemID=1|description~x%", [("or", "itemID=1|description=~,x%")]),
]


@pytest.mark.parametrize(("expression", "params"), CASES)
def test_expression_to_query_params(expression: str, params: list[tuple[str, str]]) -> None:
    assert Query(parse_where(expression)).params() == params


def test_the_helpers_build_the_same_conditions() -> None:
    assert parse_where("itemID><1,10") == F("itemID").between("1", "10")
    assert parse_where("itemID=IN[1,2]") == F("itemID").in_(["1", "2"])
    assert parse_where("a=1|b~x") == Or(F("a") == "1", F("b").like("x"))


def test_build_query_combines_options_in_the_documented_order() -> None:
    query = build_query(
        ["timeStamp>=2024-01-01", "description~%shirt%"],
        relations=["ItemShops,Category"],
        sort="-timeStamp",
        archived=True,
    )
    assert encode_query(query.params()) == (
        "sort=-timeStamp&load_relations=%5B%22ItemShops%22%2C%22Category%22%5D"
        "&timeStamp=%3E%3D%2C2024-01-01&description=~%2C%25shirt%25&archived=true"
    )


def test_count_query_keeps_relations_only_for_relation_filters() -> None:
    plain = build_query(["itemID>5"], relations=["ItemShops"], sort="itemID")
    assert count_query(plain).params() == [("itemID", ">,5")]
    dotted = build_query(["ItemShops.qoh>0"], relations=["ItemShops"])
    assert count_query(dotted).params() == [("load_relations", '["ItemShops"]'), ("ItemShops.qoh", ">,0")]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("bogus", "expected FIELD OP VALUE"),
        ("=5", "expected FIELD OP VALUE"),
        ("itemID>", "needs a value"),
        ("itemID><1", "between takes two values"),
        ("itemID=IN[]", "IN needs a list"),
        ("limit=5", "is not a field"),
    ],
)
def test_bad_expressions_say_what_is_expected(expression: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_where(expression)
