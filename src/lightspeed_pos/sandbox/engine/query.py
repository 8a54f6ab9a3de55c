"""Query reads: field filters with every operator, ``or``, dotted filters on loaded relations,
``archived`` modes, sorting, V3 cursor pagination and legacy offset pagination
(docs/reference.md#pagination, #queries).
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..._catalog import ResourceSpec
from ..._querystring import CONTROL_PARAMS  # shared with the client: parameters that are not filters
from ..http.jsonbody import bounded_decimal, parse_json
from .formatting import Record, bad_request, boolean, decimal, parse_datetime, record_id
from .relations import Tree, related_values, resolve
from .schema import field_types, layout, specs_by_table
from .store import AccountStore

Predicate = Callable[[Record], bool]


OPERATORS = ("><", ">=", "<=", "!=", "!~", "IN", ">", "<", "~", "=")
MAX_IN_VALUES = 100
VIRTUAL_FIELDS = {("Item", "itemCode"): ("itemID", "upc", "ean", "systemSku")}
"""Fields that match any of several real ones (Item ``itemCode``, docs/reference.md#filters)."""


@dataclass(frozen=True)
class Condition:
    op: str
    operands: tuple[str, ...]


def parse_condition(raw: str) -> Condition:
    """``>=,5`` -> (>=, 5); ``><,1,10`` -> between; ``IN,[1,2]`` / ``IN,1,2``; plain -> equals."""
    for op in OPERATORS:
        if raw.startswith(op + ","):
            rest = raw[len(op) + 1 :]
            if op == "><":
                low, _, high = rest.partition(",")
                return Condition(op, (low, high))
            if op == "IN":
                return Condition(op, _in_values(rest))
            if op in ("~", "!~") and len(rest) > MAX_LIKE_CHARS:
                raise bad_request(f"A LIKE pattern may hold at most {MAX_LIKE_CHARS} characters.")
            return Condition(op, (rest,))
    return Condition("=", (raw,))


def _in_values(rest: str) -> tuple[str, ...]:
    text = rest.strip()
    values: list[Any]
    if text.startswith("["):
        try:
            values = json.loads(text)
        except ValueError:
            values = text.strip("[]").split(",")
    else:
        values = text.split(",")
    if len(values) > MAX_IN_VALUES:
        raise bad_request(f"The IN operator accepts at most {MAX_IN_VALUES} values.")
    return tuple(str(v).strip().strip('"') for v in values)


def _typed(value: str, kind: str) -> Any:
    if kind in ("integer", "decimal"):
        return decimal(value)  # bounded: out-of-range text counts as zero
    if kind == "datetime":
        return parse_datetime(value)
    if kind == "boolean":
        return boolean(value)
    return value.casefold()


MAX_LIKE_CHARS = 256
"""The longest LIKE pattern (``~``/``!~``) accepted."""


def like(value: str, pattern: str) -> bool:
    """SQL LIKE, case-insensitive: ``%`` any run of characters, ``_`` one character.

    No regex backtracking: the pattern is cut at each ``%``; the first piece must match at the
    start, the last at the end, and each piece between is taken at its leftmost match (which is
    always right for ``%``). Work is at most len(value) x len(pattern), whatever the pattern.
    """
    text, pieces = value.casefold(), pattern.casefold().split("%")
    if len(pieces) == 1:
        return len(text) == len(pieces[0]) and _piece_at(text, pieces[0], 0)
    first, *middle, last = pieces
    if len(first) + len(last) > len(text) or not _piece_at(text, first, 0):
        return False
    if not _piece_at(text, last, len(text) - len(last)):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in middle:
        found = _find(text, piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _piece_at(text: str, piece: str, start: int) -> bool:
    """Whether ``piece`` (``_`` = any one character) matches ``text`` at ``start``."""
    if start < 0 or start + len(piece) > len(text):
        return False
    return all(p == "_" or p == text[start + i] for i, p in enumerate(piece))


def _find(text: str, piece: str, start: int, end: int) -> int:
    """The leftmost position >= ``start`` where ``piece`` fits before ``end``; -1 if none."""
    if "_" not in piece:
        return text.find(piece, start, end)
    for position in range(start, end - len(piece) + 1):
        if _piece_at(text, piece, position):
            return position
    return -1


def compare(value: str, cond: Condition, kind: str) -> bool:
    """Whether a stored wire value satisfies a condition, comparing by the field's type."""
    op = cond.op
    if op in ("~", "!~"):
        hit = like(value, cond.operands[0])
        return hit if op == "~" else not hit
    left = _typed(value, kind)
    rights = [_typed(v, kind) for v in cond.operands]
    if op == "IN":
        return left in rights
    if op == "=":
        return bool(left == rights[0])
    if op == "!=":
        return bool(left != rights[0])
    if left is None or any(r is None for r in rights):
        return False
    try:
        if op == "><":
            return bool(rights[0] <= left <= rights[1])
        return bool(
            {">": left > rights[0], ">=": left >= rights[0], "<": left < rights[0], "<=": left <= rights[0]}[
                op
            ]
        )
    except TypeError:
        return False


def any_of(predicates: list[Predicate]) -> Predicate:
    return lambda record: any(p(record) for p in predicates)


def equals(name: str, value: str) -> Predicate:
    return lambda record: record.get(name) == value


class FilterBuilder:
    """Turns query parameters into predicates over one table's records."""

    def __init__(self, store: AccountStore, spec: ResourceSpec, table: str, tree: Tree) -> None:
        self.store = store
        self.spec = spec
        self.table = table
        self.tree = tree
        self.types = field_types(table)

    def build(self, params: list[tuple[str, str]]) -> list[Predicate]:
        predicates: list[Predicate] = []
        for name, alternatives in parse_filters(params):
            found = [self.condition(field, cond) for field, cond in alternatives]
            predicates.append(any_of(found) if name == "or" else found[0])
        return predicates

    @staticmethod
    def _split(part: str) -> tuple[str, str]:
        name, sep, raw = part.partition("=")
        if not sep:
            raise bad_request(f"Invalid 'or' operand '{part}'.")
        return name, raw

    def field(self, name: str, raw: str) -> Predicate:
        return self.condition(name, parse_condition(raw))

    def condition(self, name: str, cond: Condition) -> Predicate:
        if "." in name:
            return self._dotted(name, cond)
        virtual = VIRTUAL_FIELDS.get((self.table, name))
        if virtual:
            return lambda r: any(compare(r.get(f, ""), cond, self.types.get(f, "string")) for f in virtual)
        if name not in self.types and name not in layout(self.table):
            if self.spec.kind == "report" and name in ("startDate", "endDate"):
                day = cond.operands[0][:10] if cond.operands else ""
                if name == "startDate":
                    return lambda r: str(r.get("date", ""))[:10] >= day
                return lambda r: str(r.get("date", ""))[:10] <= day
            if self.spec.kind != "resource":
                return lambda r: True  # other parameters of reports and display templates
            raise bad_request(f"Invalid field '{name}' for {self.spec.entity}.")
        kind = self.types.get(name, "string")
        return lambda r: compare(str(r.get(name, "")), cond, kind)

    def _dotted(self, name: str, cond: Condition) -> Predicate:
        relation, _, field = name.partition(".")
        if relation not in self.tree:
            raise bad_request(
                f"Cannot filter on '{name}': the relation '{relation}' must be loaded with load_relations."
            )
        store, table = self.store, self.table

        def predicate(record: Record) -> bool:
            link = resolve(table, relation, record)
            kind = field_types(link.table).get(field, "string") if link and link.table else "string"
            values = related_values(store, table, record, relation, field)
            return any(compare(v, cond, kind) for v in values)

        return predicate


def parse_filters(params: Iterable[tuple[str, str]]) -> list[tuple[str, list[tuple[str, Condition]]]]:
    """The filters among decoded query pairs, in order: ``(name, [(field, condition), ...])`` -
    one alternative for a field filter, the operands of an ``or`` (name ``"or"``) in turn."""
    found: list[tuple[str, list[tuple[str, Condition]]]] = []
    for name, raw in params:
        if name == "or":
            operands = (FilterBuilder._split(part) for part in raw.split("|") if part)
            found.append((name, [(field, parse_condition(value)) for field, value in operands]))
        elif name not in CONTROL_PARAMS:
            found.append((name, [(name, parse_condition(raw))]))
    return found


def archived_filter(table: str, mode: str | None) -> Predicate | None:
    """``archived=false`` (default) hides archived records, ``true`` shows all, ``only`` only them."""
    if "archived" not in layout(table):
        return None
    mode = (mode or "false").strip().lower()
    if mode in ("true", "1", "yes"):
        return None
    if mode == "only":
        return lambda r: r.get("archived") == "true"
    return lambda r: r.get("archived") != "true"


def select(records: list[Record], predicates: list[Predicate]) -> list[Record]:
    if not predicates:
        return records
    return [r for r in records if all(p(r) for p in predicates)]


def sort_key(table: str, field: str) -> Callable[[Record], tuple[Any, int]]:
    """Sort key: the field's typed value, then the primary id as tie-breaker."""
    spec = specs_by_table().get(table)
    # id-less tables (reports) number their rows like any table: ``reportsAccountingPaymentsByDayID``
    id_field = spec.id_field if spec and spec.id_field else table[:1].lower() + table[1:] + "ID"
    kind = field_types(table).get(field, "string")

    def typed(record: Record) -> Any:
        value = str(record.get(field, ""))
        if kind in ("integer", "decimal"):
            return decimal(value)
        return value if kind == "datetime" else value.casefold()

    return lambda r: (typed(r), int(r.get(id_field) or 0))


def order(records: list[Record], table: str, field: str, descending: bool, id_field: str) -> list[Record]:
    """Records ascending by (field, id); ``descending`` reverses. Id order is the table order."""
    if field != id_field:
        records = sorted(records, key=sort_key(table, field))
    return records[::-1] if descending else records


def encode_cursor(values: list[Any]) -> str:
    return base64.b64encode(json.dumps(values, separators=(",", ":")).encode()).decode()


MAX_CURSOR_CHARS = 2048


def decode_cursor(raw: str) -> list[Any]:
    """A cursor's ``[sortValue..., id]``, checked: short, a JSON list of strings or bounded numbers
    ending in a record id (400 ``Invalid pagination cursor.`` otherwise)."""
    invalid = bad_request("Invalid pagination cursor.")
    if len(raw) > MAX_CURSOR_CHARS:
        raise invalid
    try:
        values = parse_json(base64.b64decode(raw.encode(), validate=False))
    except (ValueError, binascii.Error) as exc:
        raise invalid from exc
    if not isinstance(values, list) or not 1 <= len(values) <= 4:
        raise invalid
    if any(not isinstance(v, str | int | Decimal) or isinstance(v, bool) for v in values):
        raise invalid
    if record_id(str(values[-1])) is None:
        raise invalid
    return values


def cursor_values(record: Record, table: str, field: str, id_field: str) -> list[Any]:
    """``[sortValue, id]``, or ``[id]`` when sorting by the id (docs/reference.md#cursor-pagination)."""
    own_id = int(record.get(id_field) or 0)
    if field == id_field:
        return [own_id]
    value: Any = record.get(field, "")
    if field_types(table).get(field) == "integer":
        value = int(decimal(value))
    return [value, own_id]


def cursor_key(values: list[Any], table: str, field: str, id_field: str) -> tuple[Any, int]:
    last = str(record_id(str(values[-1])) or 0)
    if field == id_field:
        return sort_key(table, field)({id_field: last, field: last})
    fake = {field: str(values[0]) if len(values) > 1 else "", id_field: last}
    return sort_key(table, field)(fake)


def window(
    ordered: list[Record], key: Callable[[Record], Any], cursor: Any, descending: bool, after: bool
) -> tuple[int, int]:
    """The slice of ``ordered`` strictly after (or before) a cursor: (start, end)."""
    ascending = ordered[::-1] if descending else ordered
    size = len(ordered)
    if after:
        start = (
            size - bisect_left(ascending, cursor, key=key)
            if descending
            else bisect_right(ascending, cursor, key=key)
        )
        return start, size
    end = (
        size - bisect_right(ascending, cursor, key=key)
        if descending
        else bisect_left(ascending, cursor, key=key)
    )
    return 0, end


def parse_limit(raw: str | None, default: int = 100) -> int:
    """``limit``: default 100. Above 100 it is clamped to 100 — the docs give a 0-100 range and an
    "automatic 100 limit", but not what happens above it (docs/reference.md#limit-above-100);
    clamping is the lenient reading. Negative, non-numeric or out-of-range limits (``NaN``,
    ``1e1000000``) are a 400, decided before any conversion."""
    if raw is None or raw == "":
        return default
    value = bounded_decimal(raw)
    if value is None or value < 0:
        raise bad_request(f"Invalid limit '{raw[:40]}'.")
    return min(int(value), 100)
