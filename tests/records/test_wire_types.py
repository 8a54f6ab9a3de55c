"""Records from the API are read by the field types' native schemas, with the same result as the
types' own conversions: the same values, the same errors, and the conversions for what the
native schemas do not take."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import lightspeed_pos as ls
from lightspeed_pos import _json
from lightspeed_pos._catalog import catalog
from lightspeed_pos._types import wire_validator
from lightspeed_pos.models import MODELS
from lightspeed_pos.sandbox import Sandbox

FIXTURE = Path(__file__).resolve().parents[2] / "benchmarks" / "fixtures" / "item_page.json"

WIRE_VALUES: dict[str, list[Any]] = {
    # what the API sends, what it might send, and what no schema should take
    "itemID": [
        "135",
        "0",
        "",
        None,
        "00012",
        " 7 ",
        "+3",
        "-4",
        "1_000",
        "12.0",
        "1e3",
        "0x10",
        "abc",
        7,
        2.0,
        1.5,
        True,
        "١٢",
        "99999999999999999999",
        {},
        [],
    ],
    "defaultCost": [
        "6.5",
        "23.40",
        "0",
        "",
        None,
        " 4.5 ",
        "1e3",
        "-0.00",
        "NaN",
        "inf",
        "x",
        4,
        4.39,
        0.1 + 0.2,
        True,
        {},
    ],
    "tax": ["true", "false", "", None, "TRUE", " True ", "yes", "0", "1", "maybe", 1, 0, 2, 1.0],
    "createTime": [
        "2015-11-06T02:26:11+00:00",
        "2026-05-05T11:06:00-04:00",
        "2026-05-05T11:06:00Z",
        "2026-05-05T11:06:00.123456+02:00",
        "2026-05-05T11:06:00",
        "2026-05-05",
        "",
        None,
        " 2026-05-05T11:06:00+00:00",
        "yesterday",
        1700000000,
        {},
    ],
    "description": ["Shirt", "", None, " spaced ", "135", 12, 4.5, True, {}],
}


def outcome(read: Any) -> tuple[str, Any]:
    try:
        value = read()
    except (ValidationError, ls.InvalidResponseError) as exc:
        return "error", str(exc) if isinstance(exc, ls.InvalidResponseError) else None
    return type(value).__name__, value


def through_the_types(field: str, value: Any) -> Any:
    """The field's value as the types' own conversions make it (the model's validator)."""
    return getattr(ls.Item.model_validate({field: value}), field)


def as_read_from_a_listing(field: str, value: Any) -> Any:
    body = {field: value}
    return getattr(ls.Item.many_from_wire([body], None)[0], field)


@pytest.mark.parametrize(("field", "value"), [(f, v) for f, values in WIRE_VALUES.items() for v in values])
def test_the_native_schemas_agree_with_the_conversions(field: str, value: Any) -> None:
    expected_kind, expected = outcome(lambda: through_the_types(field, value))
    kind, found = outcome(lambda: as_read_from_a_listing(field, value))
    if expected_kind == "error":
        assert kind == "error" and f"Item field {field!r} has a value of the wrong type" in found
        return
    assert (kind, found) == (expected_kind, expected)
    if isinstance(found, dt.datetime):
        assert found.utcoffset() == expected.utcoffset() is not None  # aware, at the offset sent
    if isinstance(found, Decimal):
        assert str(found) == str(expected)  # exactly as sent: "23.40" stays 23.40


def test_the_wire_forms_are_read_natively() -> None:
    validator = wire_validator(ls.Item)
    assert validator is not None
    values = validator.validate_python(
        {
            "itemID": "135",
            "defaultCost": "23.40",
            "avgCost": "",
            "tax": "true",
            "archived": "false",
            "createTime": "2015-11-06T02:26:11-05:00",
            "timeStamp": "",
            "description": "",
            "Prices": {"ItemPrice": []},
        }
    )
    assert values["itemID"] == 135 and values["tax"] is True and values["archived"] is False
    assert str(values["defaultCost"]) == "23.40" and values["avgCost"] is None
    assert values["createTime"] == dt.datetime(2015, 11, 6, 7, 26, 11, tzinfo=dt.UTC)
    assert values["createTime"].utcoffset() == dt.timedelta(hours=-5)
    assert values["timeStamp"] is None and values["description"] == ""
    assert "Prices" not in values and values["upc"] is None  # extras left out, missing at default


def test_what_only_the_conversions_take_still_reads() -> None:
    (record,) = ls.Item.many_from_wire(
        [{"itemID": " 7 ", "tax": " True ", "createTime": "2026-05-05T11:06:00"}], None
    )
    assert record.itemID == 7 and record.tax is True
    assert record.createTime == dt.datetime(2026, 5, 5, 11, 6, tzinfo=dt.UTC)  # naive: UTC, as before


def test_a_wrong_wire_value_names_the_field_as_before() -> None:
    (record,) = ls.Item.many_from_wire([{"itemID": "1", "defaultCost": "lots"}], None)
    with pytest.raises(ls.InvalidResponseError) as raised:
        _ = record.itemID
    message = str(raised.value)
    assert message.startswith("Item field 'defaultCost' has a value of the wrong type: 'lots' (")
    assert "wire" not in message and "\n" not in message  # one field, one reason


def every_listed_record() -> dict[str, list[dict[str, Any]]]:
    """A page of the sandbox's records of every model listed at the account's level."""
    sandbox = Sandbox(rate_limit=False, items=20)
    client = sandbox.client()
    found: dict[str, list[dict[str, Any]]] = {}
    for spec in catalog().resources:
        listed = spec.kind == "resource" and spec.scope == "account" and "{" not in spec.path
        if listed and spec.entity in MODELS and "query" in spec.operations and spec.entity not in found:
            collection = client.collection(spec.name, account_id=sandbox.account_id)
            found[spec.entity] = [record.attributes for record in next(iter(collection.each_page()))]
    client.close()
    return found


def test_every_model_reads_the_sandbox_records_as_its_own_validator_does() -> None:
    records = every_listed_record()
    assert len(records) > 40 and sum(map(len, records.values())) > 100
    for entity, page in records.items():
        model = MODELS[entity]
        assert wire_validator(model) is not None, entity
        for lazy, attributes in zip(model.many_from_wire(page, None), page, strict=True):
            expected = model.model_validate(attributes)
            assert lazy.model_dump() == expected.model_dump(), entity
            assert (
                lazy.model_extra == expected.model_extra
                and lazy.model_fields_set == expected.model_fields_set
            )


def test_the_fixture_page_reads_as_the_models_own_validator_does() -> None:
    page = _json.loads(FIXTURE.read_bytes())["Item"]
    for lazy, attributes in zip(ls.Item.many_from_wire(page, None), page, strict=True):
        expected = ls.Item.model_validate(attributes)
        for name in ls.Item.model_fields:
            mine, theirs = getattr(lazy, name), getattr(expected, name)
            assert (type(mine), mine) == (type(theirs), theirs), name
        assert lazy.model_extra == expected.model_extra
