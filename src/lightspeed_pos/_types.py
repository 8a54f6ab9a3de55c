"""The wire's strings as Python values: the annotated types the models are declared with.

``"135"`` -> ``135``, ``"6.5"`` -> ``Decimal("6.5")``, ``"true"`` -> ``True``,
``"2015-11-06T02:26:11+00:00"`` -> an aware ``datetime``; ``""`` -> ``None`` for all but strings.

They also take what a user naturally writes in ``build()`` (``2`` for an id, ``Decimal("4.39")``
or ``4.39`` for money, ``True`` for a flag, a ``datetime`` or ``date``) and convert it the way the
wire would have carried it: ``4.39`` -> ``Decimal("4.39")``, an int into a text field -> ``"2"``,
``True`` into a text field -> ``"true"``. Only a value that cannot be converted is an error
(``"abc"`` for an id, ``1.5`` for an id, a dict for a date).

Each type also carries a native schema for the strings the API sends (:func:`wire_validator`):
pydantic-core reads ``"135"``, ``"6.5"``, ``"true"``, an ISO time with its offset and ``""``
without calling Python. A record read from the API is validated with it first; anything it does
not take (a value given by a user, a naive time, an unexpected form, a wrong value) goes through
the conversions above, which decide the value or word the error exactly as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, cast

from pydantic import AfterValidator, BeforeValidator, GetCoreSchemaHandler
from pydantic_core import CoreSchema, SchemaValidator
from pydantic_core import core_schema as cs

_NATIVE = "lightspeed_pos.wire"
"""The metadata key of a field type's native schema for the wire's strings."""


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _number(value: Any) -> Decimal | None:
    """A number given as text, int, float or Decimal (``None``: not a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def _to_int(value: Any) -> Any:
    if type(value) is str and value:
        try:
            return int(value)  # the wire's "135", at native speed (the same as the path below)
        except ValueError:
            pass
    if value == "" or value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    number = _number(value)
    if number is not None and number.is_finite() and number == number.to_integral_value():
        return int(number)
    return value  # pydantic names the problem ("abc", 1.5, True...)


def _to_decimal(value: Any) -> Any:
    if type(value) is str and value:
        try:
            return Decimal(value.strip())  # the wire's "6.5"
        except InvalidOperation:
            return value
    if value == "" or value is None:
        return None
    number = _number(value)
    return value if number is None else number


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        return None if text == "" else text
    return value  # pydantic takes True/False, 0/1 and rejects the rest


def wire_text(value: Any) -> Any:
    """A scalar as the wire writes it: ``True`` -> ``"true"``, ``4.50`` -> ``"4.5"``, dates in ISO."""
    if type(value) is str:  # what the wire sends: first, for speed
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        number = _number(value)
        if number is None or not number.is_finite():
            return str(value)
        if number == number.to_integral_value():
            return str(int(number))
        return format(number.normalize(), "f")
    if isinstance(value, dt.datetime):
        return _aware(value).isoformat()  # type: ignore[union-attr]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _to_datetime(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return value


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _blank_or(schema: CoreSchema) -> CoreSchema:
    """``schema``, ``""`` read as ``None``, or ``None``: all in pydantic-core. ``""`` matches the
    literal, then a step that refuses everything gives its default, ``None``."""
    blank = cs.chain_schema(
        [cs.literal_schema([""]), cs.with_default_schema(cs.none_schema(), default=None, on_error="default")]
    )
    return cs.nullable_schema(cs.union_schema([schema, blank], mode="left_to_right"))


@dataclass(frozen=True)
class _Wire:
    """Marks a field type with its native schema for the wire (``Annotated`` metadata, last)."""

    native: CoreSchema

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        schema = handler(source)
        return cast(
            "CoreSchema", {**schema, "metadata": {**schema.get("metadata", {}), _NATIVE: self.native}}
        )


def _native(schema: Any) -> Any:
    """``schema`` with each wire field type replaced by its native schema (copied where changed)."""
    if isinstance(schema, dict):
        native = (schema.get("metadata") or {}).get(_NATIVE)
        return native if native is not None else {key: _native(value) for key, value in schema.items()}
    if isinstance(schema, list | tuple):
        return type(schema)(_native(value) for value in schema)
    return schema


def wire_validator(model: type[Any], *, many: bool = False) -> SchemaValidator | None:
    """A validator of a record of ``model`` as the API sends it (of a list of them: ``many``),
    natively, with no instance built.

    Its output is a dict of the values of all the model's fields (a missing one at its default);
    keys that are not fields are left out (what they make, extras and the fields set, the caller
    knows from the keys alone). ``None`` when the model's schema is not a plain model of fields
    without aliases (its own validator is then the one).
    """
    schema = model.__pydantic_core_schema__
    if schema["type"] != "model" or schema["schema"]["type"] != "model-fields":
        return None
    model_fields = schema["schema"]["fields"]
    if any("validation_alias" in field for field in model_fields.values()):
        return None
    fields = {
        name: cs.typed_dict_field(_native(field["schema"]), required=False)
        for name, field in model_fields.items()
    }
    record = cs.typed_dict_schema(fields, extra_behavior="ignore", total=False)
    return SchemaValidator(cs.list_schema(record) if many else record)


_STRICT_TEXT = cs.str_schema(strict=True)

WireInt = Annotated[int | None, BeforeValidator(_to_int), _Wire(_blank_or(cs.int_schema()))]
WireDecimal = Annotated[
    Decimal | None,
    BeforeValidator(_to_decimal),
    _Wire(_blank_or(cs.decimal_schema())),
]
WireBool = Annotated[
    bool | None,
    BeforeValidator(_to_bool),
    _Wire(_blank_or(cs.bool_schema())),
]
WireDatetime = Annotated[
    dt.datetime | None,
    BeforeValidator(_to_datetime),
    AfterValidator(_aware),
    _Wire(_blank_or(cs.datetime_schema(tz_constraint="aware"))),
]
WireStr = Annotated[str | None, BeforeValidator(wire_text), _Wire(cs.nullable_schema(_STRICT_TEXT))]

__all__ = ["WireBool", "WireDatetime", "WireDecimal", "WireInt", "WireStr", "wire_text", "wire_validator"]
