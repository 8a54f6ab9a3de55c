"""``--where`` expressions, read into the query helpers (``F(...)`` conditions, ``Or``).

One expression is ``FIELD OP VALUE``:

=============================  ====================================
``itemID=5``                   ``F("itemID") == "5"``
``itemID!=5``                  ``F("itemID") != "5"``
``timeStamp>=2024-01-01``      ``F("timeStamp") >= "2024-01-01"`` (also ``>``, ``<``, ``<=``)
``itemID><1,10``               ``F("itemID").between("1", "10")``
``description~%shirt%``        ``F("description").like("%shirt%")``
``description!~%shirt%``       ``F("description").not_like("%shirt%")``
``itemID=IN[1,2,3]``           ``F("itemID").in_(["1", "2", "3"])``
``a=1|b~x%``                   ``Or(F("a") == "1", F("b").like("x%"))``
=============================  ====================================

Spaces around the operator are allowed; ``"..."`` or ``'...'`` around a value (or an ``IN``
item) are removed. Values stay strings: the endpoint check (``Query.check``) knows the types.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from lightspeed_pos._catalog import ResourceSpec
from lightspeed_pos.query import Condition, F, Or, Query

__all__ = ["build_query", "check_query", "cli_words", "parse_where"]

_EXPRESSION = re.compile(
    r"^\s*(?P<field>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*"
    r"(?P<op>><|>=|<=|!=|!~|=|>|<|~)\s*(?P<value>.*?)\s*$",
    re.S,
)
_IN = re.compile(r"^IN\s*,?\s*\[(?P<items>.*)\]$", re.I | re.S)
_OPTIONS = {
    "archived": "--archived",
    "sort": "--sort",
    "orderby": "--sort",
    "limit": "--limit",
    "load_relations": "--relations",
    "count": "`lightspeed rate list`",
    "offset": "--limit",
}
"""Query parameters that are options of the command, not fields."""
_SYNTAX = "FIELD=VALUE, != > >= < <=, FIELD><LOW,HIGH, FIELD~PATTERN, FIELD!~PATTERN, FIELD=IN[1,2]"


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _in_values(items: str, expression: str) -> list[str]:
    try:
        parsed = json.loads(f"[{items}]")
        values = [str(v) if not isinstance(v, str) else v for v in parsed]
    except ValueError:
        values = [_unquote(part) for part in items.split(",")]
    if not values or any(v == "" for v in values):
        raise ValueError(f"--where {expression!r}: IN needs a list of values, e.g. itemID=IN[1,2,3]")
    return values


def parse_condition(expression: str) -> Condition:
    """One ``FIELD OP VALUE`` expression as a :class:`Condition`."""
    match = _EXPRESSION.match(expression)
    if not match:
        raise ValueError(f"--where {expression!r}: expected FIELD OP VALUE ({_SYNTAX})")
    field, op, raw = match.group("field"), match.group("op"), match.group("value")
    if field in _OPTIONS:
        raise ValueError(f"--where {expression!r}: {field} is not a field; use {_OPTIONS[field]} instead")
    value = _unquote(raw)
    if value == "" and op != "=":
        raise ValueError(f"--where {expression!r}: {op} needs a value")
    target = F(field)
    if op == "=":
        listed = _IN.match(raw)
        return target.in_(_in_values(listed.group("items"), expression)) if listed else target.eq(value)
    if op == "><":
        low, sep, high = value.partition(",")
        if not sep or not low.strip() or not high.strip():
            raise ValueError(f"--where {expression!r}: between takes two values, e.g. itemID><1,10")
        return target.between(_unquote(low), _unquote(high))
    builders = {
        "!=": target.ne,
        ">": target.gt,
        ">=": target.ge,
        "<": target.lt,
        "<=": target.le,
        "~": target.like,
        "!~": target.not_like,
    }
    return builders[op](value)


def parse_where(expression: str) -> Condition | Or:
    """An expression, or several joined by ``|`` (any of them: one ``or=`` parameter)."""
    parts = expression.split("|")
    if len(parts) > 1 and all(_EXPRESSION.match(part) for part in parts):
        return Or(*(parse_condition(part) for part in parts))
    return parse_condition(expression)


_CLI_WORDS = (
    ("archived= does not apply", "--archived does not apply"),
    ("(load_relations=[", "(--relations ["),
    ("like/not_like", "~ and !~"),
    ("use ==, >, <, between() or in_() instead", "use =, >, <, >< or =IN[...] instead"),
    ("takes only equals, in_() or Or(...)", "takes only =, =IN[...] or a|b"),
    ("count cannot be combined with sort, limit", "a count cannot be combined with --sort, --limit"),
)


def cli_words(message: str) -> str:
    """A query error in the command line's words (``--archived``, ``><``) instead of Python's."""
    for python, cli in _CLI_WORDS:
        message = message.replace(python, cli)
    return message


def check_query(query: Query, spec: ResourceSpec) -> None:
    """``query.check(spec)``, with its complaint in the command line's words."""
    try:
        query.check(spec)
    except ValueError as exc:
        raise ValueError(cli_words(str(exc))) from None


def build_query(
    where: Iterable[str] = (),
    *,
    relations: Iterable[str] = (),
    sort: str | None = None,
    archived: bool = False,
) -> Query:
    """The :class:`Query` of ``list``'s options (the caller checks it against the endpoint)."""
    names = [name for raw in relations for name in raw.split(",") if name.strip()]
    return Query(
        *(parse_where(expression) for expression in where),
        load_relations=names or None,
        sort=sort,
        archived="true" if archived else None,
    )


def count_query(query: Query) -> Query:
    """The count request for ``query``'s listing: its filters (and its relations only when a
    filter needs them, ``ItemShops.qoh``), no sort."""
    conditions = (c for item in query.filters for c in (item.conditions if isinstance(item, Or) else (item,)))
    dotted = any("." in condition.field for condition in conditions)
    return Query(
        *query.filters,
        load_relations=(query.relations or None) if dotted else None,
        archived=query.archived_mode,
    )
