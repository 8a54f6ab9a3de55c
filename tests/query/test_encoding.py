"""Query strings: every example of docs/reference.md#pagination and #queries that a Query can
express, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, unquote

import pytest

from lightspeed_pos.query import F, Or, Query, encode_query


def wire(query: Query) -> str:
    return encode_query(query.params())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # #filters "amount=>=,5 => amount=%3E%3D%2C5"
        (Query(F("amount") >= 5), "amount=%3E%3D%2C5"),
        (Query(F("amount").ge(5)), "amount=%3E%3D%2C5"),
        # #filters table: between "itemID=><,1,10", "!=" as "!%3D", comparisons
        (Query(F("itemID").between(1, 10)), "itemID=%3E%3C%2C1%2C10"),
        (Query(F("itemID") != 5), "itemID=!%3D%2C5"),
        (Query(F("itemID") > 5), "itemID=%3E%2C5"),
        (Query(F("itemID") < 5), "itemID=%3C%2C5"),
        (Query(F("itemID") <= 5), "itemID=%3C%3D%2C5"),
        # "~" and "!~" literal, "%" wildcard as %25
        (Query(F("description").like("%shirt%")), "description=~%2C%25shirt%25"),
        (Query(F("description").not_like("%shirt%")), "description=!~%2C%25shirt%25"),
        # IN: itemID=IN,[1,2,3]
        (Query(F("itemID").in_([1, 2, 3])), "itemID=IN%2C%5B1%2C2%2C3%5D"),
        # or=description%3Dfoo|description%3Dbar ; operators inside
        (
            Query(Or(F("description") == "foo", F("description") == "bar")),
            "or=description%3Dfoo|description%3Dbar",
        ),
        (
            Query(Or(F("description").like("foo"), F("description").like("bar"))),
            "or=description%3D~,foo|description%3D~,bar",
        ),
        (Query((F("customSku") == "a") | (F("customSku") == "b")), "or=customSku%3Da|customSku%3Db"),
        (
            Query(Or(F("description") == "foo", F("description").like("bar"))),
            "or=description%3Dfoo|description%3D~,bar",
        ),
        # #filters getting started: Item.json?upc=123456789012 ; SKU: completed=true
        (Query(F("upc") == "123456789012"), "upc=123456789012"),
        (Query(F("completed") == True), "completed=true"),  # noqa: E712 - builds a condition
        # #cursor-pagination next URL: sort first, then the filters, then limit
        (
            Query(
                F("timeStamp") >= datetime(2021, 10, 5, 14, 18, 46, tzinfo=UTC), sort="-timeStamp", limit=100
            ),
            "sort=-timeStamp&timeStamp=%3E%3D%2C2021-10-05T14%3A18%3A46%2B00%3A00&limit=100",
        ),
        (Query(limit=100).sort("saleID"), "sort=saleID&limit=100"),
        # #related-filters Item.json?load_relations=["ItemShops"]&ItemShops.qoh=>,1
        (
            Query(F("ItemShops.qoh") > 1, load_relations=["ItemShops"]),
            "load_relations=%5B%22ItemShops%22%5D&ItemShops.qoh=%3E%2C1",
        ),
        # #related-filters Customer.json?load_relations=["Contact"]&Contact.email=!~,
        (
            Query(F("Contact.email").not_like(""), load_relations=["Contact"]),
            "load_relations=%5B%22Contact%22%5D&Contact.email=!~%2C",
        ),
        # #load-relations load_relations=["ItemShops","Images"] / all
        (
            Query(load_relations=["ItemShops", "Images"]),
            "load_relations=%5B%22ItemShops%22%2C%22Images%22%5D",
        ),
        (Query().load("all"), "load_relations=all"),
        # #archived archived, #cursor-pagination count
        (Query(archived="only"), "archived=only"),
        (Query().archived(), "archived=true"),
        (Query(archived=False), ""),
        (Query().count(), "count=1"),
    ],
)
def test_reference_examples(query: Query, expected: str) -> None:
    assert wire(query) == expected


def test_cursor_parameter_is_encoded_like_the_next_urls() -> None:
    assert encode_query([("sort", "saleID"), ("limit", "100"), ("after", "WzEwNV0=")]) == (
        "sort=saleID&limit=100&after=WzEwNV0%3D"
    )


@pytest.mark.parametrize(
    ("query", "raw"),
    [
        # client examples written unencoded (SKU, docs prose): same decoded pairs
        (Query(F("itemID").in_([1, 2])), "itemID=IN,[1,2]"),
        (
            Query(F("timeStamp").between(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC))),
            "timeStamp=><,2024-01-01T00:00:00+00:00,2024-02-01T00:00:00+00:00",
        ),
        (
            Query(F("ItemShops.qoh") > 1, load_relations=["ItemShops"]),
            'load_relations=["ItemShops"]&ItemShops.qoh=>,1',
        ),
    ],
)
def test_unencoded_examples_decode_to_the_same_pairs(query: Query, raw: str) -> None:
    assert parse_qsl(wire(query)) == [tuple(part.split("=", 1)) for part in raw.split("&")]


def test_timestamps_naive_is_utc_and_offsets_kept() -> None:
    eastern = timezone(timedelta(hours=-4))
    assert (
        wire(Query(F("timeStamp") > datetime(2016, 11, 1)))
        == "timeStamp=%3E%2C2016-11-01T00%3A00%3A00%2B00%3A00"
    )
    assert unquote(wire(Query(F("timeStamp") > datetime(2016, 11, 1, tzinfo=eastern)))) == (
        "timeStamp=>,2016-11-01T00:00:00-04:00"
    )


def test_pipe_and_specials_in_plain_values_are_encoded() -> None:
    assert wire(Query(F("description") == "a|b & c+d")) == "description=a%7Cb%20%26%20c%2Bd"
    assert wire(Query(Or(F("description") == "50%=x", F("customSku") == "é"))) == (
        "or=description%3D50%25%3Dx|customSku%3D%C3%A9"
    )


def test_equals_value_that_looks_like_an_operator_is_sent_as_a_one_value_in() -> None:
    assert Query(F("description") == "~,x").params() == [("description", 'IN,["~,x"]')]
    assert Query(F("description") == "in,1").params() == [("description", 'IN,["in,1"]')]
    assert Query(F("description") == "plain, comma").params() == [("description", "plain, comma")]


def test_in_values_integers_bare_strings_as_json() -> None:
    q = Query(F("customSku").in_(["a", "b,c", "007", 12, 12]))
    assert q.params() == [("customSku", 'IN,["a","b,c","007",12]')]


def test_params_order_and_builders_return_new_queries() -> None:
    base = Query(F("description").like("%shirt%"))
    built = base.where(F("categoryID") == 5).sort("timeStamp", descending=True).load("ItemShops").limit(50)
    assert base.params() == [("description", "~,%shirt%")]
    assert built.params() == [
        ("sort", "-timeStamp"),
        ("load_relations", '["ItemShops"]'),
        ("description", "~,%shirt%"),
        ("categoryID", "5"),
        ("limit", "50"),
    ]
    assert built == Query.from_params(built.params()) and hash(built) == hash(
        Query.from_params(built.params())
    )


def test_from_params_accepts_todays_plain_dicts() -> None:
    q = Query.from_params(
        {
            "itemMatrixID": 0,
            "timeStamp": ">=,2024-01-01T00:00:00+00:00",
            "itemID": [1, 2],
            "or": "description=foo|description=~,bar%",
            "load_relations": '["ItemShops"]',
            "archived": "only",
            "count": 1,
        }
    )
    assert q == Query(
        F("itemMatrixID") == 0,
        F("timeStamp") >= datetime(2024, 1, 1, tzinfo=UTC),
        F("itemID").in_([1, 2]),
        Or(F("description") == "foo", F("description").like("bar%")),
        load_relations=["ItemShops"],
        archived="only",
        count=True,
    )
    assert Query.from_params({"load_relations": "all"}).relations == "all"
    with pytest.raises(ValueError, match="managed by the collection"):
        Query.from_params({"after": "WzEwNV0="})
