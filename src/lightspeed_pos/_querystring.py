"""The R-Series query string, written in one place (docs/reference.md#filters).

A filter is ``field=<op>,<value>``; the decoded values are:

* equals: ``description=foo`` (a value that itself starts with an operator and a comma, e.g.
  ``~,x``, is sent as the one-value list ``IN,["~,x"]`` so the server cannot misread it);
* ``>,5`` ``>=,5`` ``<,5`` ``<=,5``; between ``><,1,10``; ``!=,5``; like ``~,%shirt%``;
  not like ``!~,%shirt%``; in ``IN,[1,2,3]`` (integers bare, anything else a JSON string:
  ``IN,["a","b"]``);
* ``or``: ``description=foo|description=~,bar`` (operands joined by ``|``).

On the wire (:func:`encode_query`) the operator and comma are percent-encoded
(``amount=%3E%3D%2C5``, ``itemID=%3E%3C%2C1%2C10``), ``!`` and ``~`` stay literal (``!%3D``,
``~%2C``, ``!~%2C``), a ``%`` wildcard is ``%25``, ``+`` in a timestamp offset is ``%2B``,
``load_relations=%5B%22ItemShops%22%5D``; inside ``or`` each operand's ``=`` is ``%3D``, its
commas stay literal and the operands are joined by a literal ``|``:
``or=description%3Dfoo|description%3D~,bar``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

__all__ = ["CONTROL_PARAMS", "MAX_IN_VALUES", "OPERATORS", "encode_query", "format_condition", "parse_value"]

MAX_IN_VALUES = 100
"""The most values one ``IN`` filter may carry (docs/reference.md#filters, since 2022-05-20)."""

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "><", "~", "!~", "IN")
_PREFIXES = ("><", ">=", "<=", "!=", "!~", "IN", ">", "<", "~", "=")
"""Operators as a value's prefix, longest first (the order the server tries them)."""

CONTROL_PARAMS = frozenset(
    {
        "limit",
        "after",
        "before",
        "sort",
        "count",
        "load_relations",
        "archived",
        "offset",
        "orderby",
        "orderby_desc",
        "pretty_print",
        "or",
        "oauth_token",
        "format",
    }
)
"""Query parameters that are not field filters (the sandbox's list; docs/reference.md#other-params)."""

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")


def ambiguous(value: str) -> bool:
    """Whether a plain equals value would read as an operator (``~,x``, ``in,1``, ``=,x``)."""
    return any(value.upper().startswith(op + ",") for op in _PREFIXES)


def in_list(values: Sequence[str]) -> str:
    """``[1,2,"a b"]``: canonical integers bare, everything else as a JSON string."""
    parts = (v if _INTEGER.fullmatch(v) else json.dumps(v, ensure_ascii=False) for v in values)
    return "[" + ",".join(parts) + "]"


def format_condition(op: str, operands: Sequence[str]) -> str:
    """The decoded value of one filter: ``>=,5``, ``><,1,10``, ``IN,[1,2]``, ``foo``."""
    if op == "=":
        return "IN," + in_list(operands) if ambiguous(operands[0]) else operands[0]
    if op == "IN":
        return "IN," + in_list(operands)
    return op + "," + ",".join(operands)


def parse_value(raw: str) -> tuple[str, tuple[str, ...]]:
    """A decoded filter value as (operator, operands) - the inverse of :func:`format_condition`."""
    for op in _PREFIXES:
        if raw.startswith(op + ","):
            rest = raw[len(op) + 1 :]
            if op == "><":
                low, _, high = rest.partition(",")
                return op, (low, high)
            if op == "IN":
                return op, _in_values(rest)
            return op, (rest,)
    return "=", (raw,)


def _in_values(rest: str) -> tuple[str, ...]:
    text = rest.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return tuple(v if isinstance(v, str) else json.dumps(v) for v in parsed)
        text = text.strip("[]")
    return tuple(part.strip() for part in text.split(","))


def encode_query(pairs: Iterable[tuple[str, str]]) -> str:
    """The exact query string (no leading ``?``) for decoded ``(name, value)`` pairs.

    Everything but letters, digits and ``_.-~!`` is percent-encoded (``%20`` for a space). An
    ``or`` value is split on ``|``; each operand is encoded keeping its commas literal and the
    operands are re-joined with a literal ``|`` - so a ``|`` can never be part of an operand.
    """
    return "&".join(f"{quote(name, safe='')}={_encode_value(name, value)}" for name, value in pairs)


def _encode_value(name: str, value: str) -> str:
    if name == "or":
        return "|".join(quote(operand, safe="!~,") for operand in value.split("|"))
    return quote(value, safe="!~")
