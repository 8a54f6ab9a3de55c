"""The wire format, read and written in one place.

The API answers with every scalar as a string, one record as an object instead of a one-element
list, an empty result without the resource key, and an empty relation as ``""``. These helpers
turn that into plain lists of dicts; :mod:`lightspeed_pos._types` turns the strings into typed
values. Payloads go out through :func:`encode_payload`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx2

from . import _json
from .errors import InvalidResponseError


def as_list(value: Any) -> list[Any]:
    """A collection as a list: ``""``/``None`` -> ``[]``, one object -> ``[object]``."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]


ALREADY_DONE = "lightspeed_pos.already_done"
"""The extension a response carries when it answers a retried DELETE with 404: done before."""


def already_done(response: httpx2.Response) -> bool:
    """Whether ``response`` is the 404 a retried DELETE met because an earlier attempt deleted."""
    return bool(response.extensions.get(ALREADY_DONE))


def decode_json(response: httpx2.Response) -> dict[str, Any]:
    """The JSON object of a successful response, or a clear :class:`InvalidResponseError`.

    A DELETE found done by an earlier attempt (:func:`already_done`) reads as ``{}``.
    """
    if already_done(response):
        return {}
    try:
        content = response.content
    except httpx2.StreamError as exc:  # pragma: no cover - responses are read before this point
        raise InvalidResponseError("the response body was not read", response=response) from exc
    if not content.strip():
        return {}
    try:
        payload = _json.loads(content)
    except RecursionError as exc:
        raise InvalidResponseError(
            f"the JSON from {response.request.method} {response.request.url.path} is nested too deep "
            f"to read ({len(content)} bytes)",
            response=response,
        ) from exc
    except ValueError as exc:
        kind = response.headers.get("content-type", "unknown content type")
        snippet = content[:80].decode("utf-8", "replace")
        raise InvalidResponseError(
            f"expected JSON from {response.request.method} {response.request.url.path}, got "
            f"{len(content)} bytes of {kind} that do not parse ({getattr(exc, 'msg', exc)}): {snippet!r}",
            response=response,
            body=content,
        ) from exc
    if not isinstance(payload, dict):
        raise InvalidResponseError(
            f"expected a JSON object from {response.request.url.path}, got {type(payload).__name__}",
            response=response,
            body=payload,
        )
    return payload


def records(
    payload: Mapping[str, Any], entity: str, *, response: httpx2.Response | None = None
) -> list[dict[str, Any]]:
    """The records under ``entity`` in an envelope (none when the key is missing)."""
    found = as_list(payload.get(entity))
    for record in found:
        if not isinstance(record, dict):
            raise InvalidResponseError(
                f"expected {entity} records to be JSON objects, got {type(record).__name__}",
                response=response,
                body=payload,
            )
    return found


def nested(record: Mapping[str, Any], container: str, key: str) -> list[dict[str, Any]] | None:
    """Records of an embedded relation (``SaleLines`` -> ``SaleLine``), or ``None`` when not embedded."""
    if container not in record:
        return None
    value = record[container]
    if value == "" or value is None:
        return []
    if isinstance(value, list):
        # the {"SaleLines": [{"SaleLine": {...}}]} shape some payloads use
        out: list[dict[str, Any]] = []
        for entry in value:
            inner = entry.get(key, entry) if isinstance(entry, dict) else None
            out.extend(r for r in as_list(inner) if isinstance(r, dict))
        return out
    if isinstance(value, dict):
        return [r for r in as_list(value.get(key)) if isinstance(r, dict)]
    return []


def attribute(payload: Mapping[str, Any], name: str) -> Any:
    """A value of the envelope's ``@attributes`` (``None`` when absent)."""
    attributes = payload.get("@attributes")
    if isinstance(attributes, dict):
        return attributes.get(name)
    return None


def to_int(value: Any) -> int | None:
    """A wire integer (``"135"``, ``"0"``, ``135``) as ``int``; ``None`` when blank or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            as_decimal = Decimal(str(value))
        except ArithmeticError:
            return None
        return int(as_decimal) if as_decimal == as_decimal.to_integral_value() else None


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"cannot send a {type(value).__name__} to the API")


def encode_payload(payload: Mapping[str, Any]) -> bytes:
    """A request body: compact JSON; Decimals as strings, datetimes as ISO 8601 with offset."""
    return json.dumps(payload, default=_default, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def param_value(value: Any) -> str:
    """A query parameter value as the API expects it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        aware: dt.datetime = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return aware.isoformat(timespec="seconds")
    if isinstance(value, Decimal):
        return str(format(value, "f"))
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), separators=(",", ":"))
    return str(value)


ParamsInput = Mapping[str, Any] | list[tuple[str, Any]] | tuple[tuple[str, Any], ...] | None


def encode_params(params: ParamsInput) -> tuple[tuple[str, str], ...]:
    """Query parameters as ordered string pairs (a mapping or a sequence of pairs)."""
    if not params:
        return ()
    items = params.items() if isinstance(params, Mapping) else params
    return tuple((str(key), param_value(value)) for key, value in items)
