"""The wire's strings as Python values: the annotated types the models are declared with.

``"135"`` -> ``135``, ``"6.5"`` -> ``Decimal("6.5")``, ``"true"`` -> ``True``,
``"2015-11-06T02:26:11+00:00"`` -> an aware ``datetime``; ``""`` -> ``None`` for all but strings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _to_int(value: Any) -> Any:
    if value == "" or value is None:
        return None
    if isinstance(value, str) and "." in value:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        if number == number.to_integral_value():
            return int(number)
    return value


def _to_decimal(value: Any) -> Any:
    if value == "" or value is None:
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


WireInt = Annotated[int | None, BeforeValidator(_to_int)]
WireDecimal = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
WireBool = Annotated[bool | None, BeforeValidator(_blank_to_none)]
WireDatetime = Annotated[dt.datetime | None, BeforeValidator(_blank_to_none), AfterValidator(_aware)]
WireStr = str | None

__all__ = ["WireBool", "WireDatetime", "WireDecimal", "WireInt", "WireStr"]
