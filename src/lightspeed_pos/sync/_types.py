"""SQL column types: one per kind of value, the same on SQLite and PostgreSQL.

PostgreSQL has them natively (``bigint``, ``numeric``, ``boolean``, ``timestamp with time zone``,
``json``). SQLite declares the same types; two decorators keep values exact there: money is
stored under NUMERIC affinity and read back as the ``Decimal`` it was (``Decimal(repr(float))`` is
exact for the 15 significant digits money has), and timestamps are stored in UTC and read back
aware.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class UtcDateTime(TypeDecorator[dt.datetime]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        when: dt.datetime = value
        return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


class Money(TypeDecorator[Decimal]):
    impl = sa.Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        chosen: TypeEngine[Any] = sa.Numeric(asdecimal=False) if dialect.name == "sqlite" else sa.Numeric()
        return chosen

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return float(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def sql_type(kind: str) -> TypeEngine[Any]:
    types: dict[str, TypeEngine[Any]] = {
        "integer": sa.BigInteger(),
        "decimal": Money(),
        "boolean": sa.Boolean(),
        "datetime": UtcDateTime(),
        "json": sa.JSON(),
    }
    return types.get(kind) or sa.Text()


def kind_of(column_type: TypeEngine[Any]) -> str:
    """The kind of a reflected column (the inverse of :func:`sql_type`)."""
    if isinstance(column_type, Money):
        return "decimal"
    if isinstance(column_type, UtcDateTime):
        return "datetime"
    name = type(column_type).__name__.upper()
    if "INT" in name:
        return "integer"
    if "NUMERIC" in name or "DECIMAL" in name:
        return "decimal"
    if "BOOL" in name:
        return "boolean"
    if "TIME" in name or "DATE" in name:
        return "datetime"
    if "JSON" in name:
        return "json"
    return "string"
