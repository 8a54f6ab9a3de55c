"""Request bodies read strictly: what the sandbox accepts as JSON, and numbers bounded by length.

Every JSON body (API writes, actions, OAuth requests, an image's ``data`` part) goes through
:func:`parse_json`, which refuses, with :class:`InvalidBody`, what would otherwise reach the engine
as a trap: bytes that are not UTF-8, lone surrogates (``"\\ud800"`` cannot be written back as
UTF-8), ``NaN``/``Infinity``, numbers longer than :data:`MAX_NUMBER_CHARS` or beyond
:data:`MAX_EXPONENT` (``1e999999999`` would take minutes to format), and nesting deeper than
:data:`MAX_DEPTH`. :func:`bounded_decimal` is the one parser of numbers written as text (query
parameters, cursors, field values): the length is checked before any conversion.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["MAX_DEPTH", "MAX_EXPONENT", "MAX_NUMBER_CHARS", "InvalidBody", "bounded_decimal", "parse_json"]

MAX_NUMBER_CHARS = 40
"""The longest number the sandbox converts (a money amount has at most about 20 digits)."""
MAX_EXPONENT = 24
"""Numbers are refused beyond 10**24 in size or below 10**-24 in precision."""
MAX_DEPTH = 32
"""The deepest nesting of objects and arrays in a body (a Sale with lines is 4 deep)."""

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidBody(ValueError):
    """A request body (or value) the sandbox refuses; ``str()`` is the message for the 400."""


def bounded_decimal(text: str) -> Decimal | None:
    """``text`` as a finite decimal of bounded size, or ``None`` (checked before converting)."""
    text = text.strip()
    if len(text) > MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        return None
    if value and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        return None
    return value


def _number(text: str) -> Decimal | int:
    value = bounded_decimal(text)
    if value is None:
        raise InvalidBody(f"The number '{text[:20]}' is out of range.")
    return int(value) if _is_int_literal(text) else value


def _is_int_literal(text: str) -> bool:
    return text.lstrip("+-").isdigit()


def _constant(name: str) -> Any:
    raise InvalidBody(f"'{name}' is not a valid JSON value here.")


def parse_json(body: bytes | str) -> Any:
    """The JSON value of ``body`` (``None`` when empty); :class:`InvalidBody` when it is refused.

    Floats arrive as :class:`~decimal.Decimal` (exact money), integers as ``int``.
    """
    if not body:
        return None
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidBody("The request body is not valid UTF-8.") from exc
    else:
        text = body
    if _too_deep(text):
        raise InvalidBody(f"The request body is nested deeper than {MAX_DEPTH} levels.")
    try:
        value = json.loads(text, parse_float=_number, parse_int=_number, parse_constant=_constant)
    except InvalidBody:
        raise
    except (ValueError, RecursionError) as exc:
        raise InvalidBody("The request body is not valid JSON.") from exc
    if _SURROGATE.search(json.dumps(value, ensure_ascii=False, default=str)):
        raise InvalidBody("The request body holds an invalid character (a lone UTF-16 surrogate).")
    return value


def _too_deep(text: str) -> bool:
    """Whether brackets (outside strings) nest deeper than :data:`MAX_DEPTH`, in one linear pass."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False
