"""The JSON parser of responses: orjson when installed (the ``fast`` extra), else the standard
library. Both give the same values; where orjson refuses a document the standard library reads
(``NaN``, integers beyond 64 bits), the standard library decides."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_stdlib_loads: Callable[[bytes], Any] = json.loads


def _loads_with_orjson() -> Callable[[bytes], Any] | None:
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
