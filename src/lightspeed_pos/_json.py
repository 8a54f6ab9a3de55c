"""The JSON parser of responses: orjson when installed (the ``fast`` extra, twice as fast on a
100-item page), else the standard library. Both give the same values for what the API sends;
where orjson refuses a document (``NaN``, ``Infinity``), the standard library decides. One
difference remains: orjson reads an integer literal beyond 64 bits as a float, where the standard
library keeps an int; the API sends every number as a string, so its answers read the same.

orjson's dicts and strings take about 1 KB more per Item record than the standard library's (it
shares no one-character strings and sizes dicts larger): a program that keeps many records
(``all()`` over 100,000 items) may prefer the standard library, with ``LIGHTSPEED_POS_JSON=json``
in the environment (``orjson`` or unset: orjson when installed)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

_stdlib_loads: Callable[[bytes], Any] = json.loads


def _loads_with_orjson() -> Callable[[bytes], Any] | None:
    if os.environ.get("LIGHTSPEED_POS_JSON", "").strip().lower() == "json":
        return None
    try:
        import orjson
    except ImportError:
        return None
    fast: Callable[[bytes], Any] = orjson.loads

    def loads(content: bytes) -> Any:
        try:
            return fast(content)
        except ValueError:  # orjson.JSONDecodeError: the standard library's verdict, or value
            return _stdlib_loads(content)

    return loads


loads: Callable[[bytes], Any] = _loads_with_orjson() or _stdlib_loads
"""Parse a response body (bytes) into Python values."""

PARSER = "orjson" if loads is not _stdlib_loads else "json"
"""Which parser :func:`loads` uses."""
