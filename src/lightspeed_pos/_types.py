"""The wire's strings as Python values: the annotated types the models are declared with.

``"135"`` -> ``135``, ``"6.5"`` -> ``Decimal("6.5")``, ``"true"`` -> ``True``,
``"2015-11-06T02:26:11+00:00"`` -> an aware ``datetime``; ``""`` -> ``None`` for all but strings.

They also take what a user naturally writes in ``build()`` (``2`` for an id, ``Decimal("4.39")``
or ``4.39`` for money, ``True`` for a flag, a ``datetime`` or ``date``) and convert it the way the
wire would have carried it: ``4.39`` -> ``Decimal("4.39")``, an int into a text field -> ``"2"``,
``True`` into a text field -> ``"true"``. Only a value that cannot be converted is an error
(``"abc"`` for an id, ``1.5`` for an id, a dict for a date).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator


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


WireInt = Annotated[int | None, BeforeValidator(_to_int)]
WireDecimal = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
WireBool = Annotated[bool | None, BeforeValidator(_to_bool)]
WireDatetime = Annotated[dt.datetime | None, BeforeValidator(_to_datetime), AfterValidator(_aware)]
WireStr = Annotated[str | None, BeforeValidator(wire_text)]

__all__ = ["WireBool", "WireDatetime", "WireDecimal", "WireInt", "WireStr", "wire_text"]
