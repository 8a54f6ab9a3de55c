"""Queries that are easy to write and checked against the endpoint table before they are sent.

>>> q = Query(F("description").like("%shirt%"), F("itemID").in_([1, 2, 3]), sort="-timeStamp")
>>> encode_query(q.params())
'sort=-timeStamp&description=~%2C%25shirt%25&itemID=IN%2C%5B1%2C2%2C3%5D'

``F(name)`` compared with a value (``==`` ``!=`` ``>`` ``>=`` ``<`` ``<=``, or ``.eq() .ne()
.gt() .ge() .lt() .le() .between() .like() .not_like() .in_()``) gives a :class:`Condition`;
``Or(a, b)`` (or ``a | b``) one ``or=`` parameter. :meth:`Query.params` gives the decoded pairs,
:func:`encode_query` the wire string (docs/reference.md#filters, see ``_querystring``), :meth:`Query.check`
raises ``ValueError`` for what the endpoint would refuse, :meth:`Query.split_in` turns an ``IN``
of more than 100 values into several queries whose results are to be merged by id.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, NoReturn, overload

from lightspeed_pos._catalog import ResourceSpec, catalog
from lightspeed_pos._cost import request_cost
from lightspeed_pos._querycheck import check_query
from lightspeed_pos._querystring import (
    CONTROL_PARAMS,
    MAX_IN_VALUES,
    OPERATORS,
    encode_query,
    format_condition,
    parse_value,
)
from lightspeed_pos._wire import param_value

__all__ = ["MAX_IN_VALUES", "Condition", "F", "Or", "Query", "encode_query", "estimate_cost"]

Value = str | int | Decimal | float | bool | dt.datetime | dt.date
ArchivedMode = Literal["true", "only"]


def _wire(value: Value) -> str:
    if value is None or isinstance(value, list | tuple | set | dict):
        raise TypeError(f"a filter value must be a scalar, not {type(value).__name__}")
    return param_value(value)


class Condition:
    """One filter: ``field`` ``op`` ``operands`` (wire strings). Immutable; ``a | b`` is ``Or``."""

    __slots__ = ("field", "op", "operands")
    field: str
    op: str
    operands: tuple[str, ...]

    def __init__(self, field: str, op: str, operands: Sequence[str]) -> None:
        arity = {"><": 2, "IN": len(operands) or -1}.get(op, 1)
        if op not in OPERATORS or len(operands) != arity:
            raise ValueError(
                f"{field}: {op!r} with {len(operands)} operands; operators: {', '.join(OPERATORS)}"
            )
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "operands", tuple(operands))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Condition is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.field, self.op, self.operands)

    def __repr__(self) -> str:
        return f"Condition({self.field!r}, {self.op!r}, {self.operands!r})"

    def __bool__(self) -> NoReturn:
        raise TypeError("a Condition is not a bool: pass conditions to Query(...) or Or(...)")

    def __or__(self, other: Condition | Or) -> Or:
        return Or(self, other)

    @property
    def value(self) -> str:
        """The decoded parameter value: ``>=,5``, ``IN,[1,2]``, ``foo``."""
        return format_condition(self.op, self.operands)


class F:
    """A field to filter on: ``F("itemID")``, or a loaded relation's ``F("ItemShops.qoh")``."""

    __slots__ = ("name",)
    name: str

    def __init__(self, name: str) -> None:
        if not name or name in CONTROL_PARAMS:
            raise ValueError(f"{name!r} is not a field: use Query(sort=, limit=, archived=, ...) for it")
        object.__setattr__(self, "name", name)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("F is immutable")

    def __hash__(self) -> int:
        return hash(("F", self.name))

    def __repr__(self) -> str:
        return f"F({self.name!r})"

    def _cond(self, op: str, *values: Value) -> Condition:
        return Condition(self.name, op, [_wire(v) for v in values])

    def eq(self, value: Value) -> Condition:
        return self._cond("=", value)

    def ne(self, value: Value) -> Condition:
        return self._cond("!=", value)

    def gt(self, value: Value) -> Condition:
        return self._cond(">", value)

    def ge(self, value: Value) -> Condition:
        return self._cond(">=", value)

    def lt(self, value: Value) -> Condition:
        return self._cond("<", value)

    def le(self, value: Value) -> Condition:
        return self._cond("<=", value)

    def between(self, low: Value, high: Value) -> Condition:
        """Inclusive: ``><,low,high``."""
        cond = self._cond("><", low, high)
        if any("," in v for v in cond.operands):
            raise ValueError(f"between bounds cannot contain a comma: {cond.operands}")
        return cond

    def like(self, pattern: str) -> Condition:
        """``~,pattern``: ``%`` any run of characters, ``_`` one character."""
        return self._cond("~", pattern)

    def not_like(self, pattern: str) -> Condition:
        return self._cond("!~", pattern)

    def in_(self, values: Iterable[Value]) -> Condition:
        """``IN,[...]`` (duplicates dropped); more than 100 values need :meth:`Query.split_in`."""
        wire = list(dict.fromkeys(_wire(v) for v in values))
        if not wire:
            raise ValueError(f"in_() on {self.name} needs at least one value")
        return Condition(self.name, "IN", wire)

    # F == value builds a condition; F == F compares the names, so F works in sets and dicts.
    @overload  # type: ignore[override]
    def __eq__(self, value: F) -> bool: ...
    @overload
    def __eq__(self, value: Value) -> Condition: ...
    def __eq__(self, value: F | Value) -> Condition | bool:
        return self.name == value.name if isinstance(value, F) else self.eq(value)

    @overload  # type: ignore[override]
    def __ne__(self, value: F) -> bool: ...
    @overload
    def __ne__(self, value: Value) -> Condition: ...
    def __ne__(self, value: F | Value) -> Condition | bool:
        return self.name != value.name if isinstance(value, F) else self.ne(value)

    __gt__, __ge__, __lt__, __le__ = gt, ge, lt, le


class Or:
    """Any of several conditions: one ``or=a=x|b=~,y`` parameter (no nesting, no ``|`` in values)."""

    __slots__ = ("conditions",)
    conditions: tuple[Condition, ...]

    def __init__(self, *conditions: Condition | Or) -> None:
        flat: list[Condition] = []
        for cond in conditions:
            if not isinstance(cond, Condition | Or):
                raise TypeError(f"Or() takes conditions, not {type(cond).__name__}")
            flat.extend(cond.conditions if isinstance(cond, Or) else (cond,))
        if not flat:
            raise ValueError("Or() needs at least one condition")
        for cond in flat:
            if "|" in cond.value:
                raise ValueError(f"{cond.field}: an 'or' operand cannot contain '|' (it separates operands)")
        object.__setattr__(self, "conditions", tuple(flat))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Or is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Or) and self.conditions == other.conditions

    def __hash__(self) -> int:
        return hash(("Or", self.conditions))

    def __repr__(self) -> str:
        return "Or(" + ", ".join(map(repr, self.conditions)) + ")"

    def __or__(self, other: Condition | Or) -> Or:
        return Or(self, other)

    @property
    def value(self) -> str:
        return "|".join(f"{c.field}={c.value}" for c in self.conditions)


class Query:
    """An immutable query: filters plus ``load_relations``, ``sort``, ``archived``, ``count``, ``limit``.

    ``sort`` is a field name, ``-name`` descending; ``archived`` is ``"true"`` (archived too) or
    ``"only"`` (``False``/``None``: the API's default, none); ``load_relations`` a list of names or
    ``"all"``. Builders (:meth:`where`, :meth:`load`, :meth:`sort`, ...) return new queries.
    """

    __slots__ = ("archived_mode", "filters", "is_count", "order", "page_size", "relations")
    filters: tuple[Condition | Or, ...]
    relations: tuple[str, ...] | Literal["all"]
    order: str | None
    archived_mode: ArchivedMode | None
    is_count: bool
    page_size: int | None

    def __init__(
        self,
        *filters: Condition | Or,
        load_relations: Iterable[str] | str | None = None,
        sort: str | None = None,
        archived: bool | str | None = None,
        count: bool = False,
        limit: int | None = None,
    ) -> None:
        for item in filters:
            if not isinstance(item, Condition | Or):
                raise TypeError(f"Query() takes conditions (F(...) == x), not {type(item).__name__}")
        if limit is not None and (isinstance(limit, bool) or not 0 <= int(limit) <= 100):
            raise ValueError(f"limit must be between 0 and 100, not {limit!r}")
        if sort is not None and not sort.lstrip("-"):
            raise ValueError("sort needs a field name")
        set_ = object.__setattr__
        set_(self, "filters", tuple(filters))
        set_(self, "relations", _relations(load_relations))
        set_(self, "order", sort)
        set_(self, "archived_mode", _archived(archived))
        set_(self, "is_count", bool(count))
        set_(self, "page_size", None if limit is None else int(limit))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Query is immutable: use where(), load(), sort(), ...")

    def _key(self) -> tuple[Any, ...]:
        return (self.filters, self.relations, self.order, self.archived_mode, self.is_count, self.page_size)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Query) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Query({encode_query(self.params())!r})"

    def _replace(self, **changes: Any) -> Query:
        state: dict[str, Any] = {
            "load_relations": self.relations or None,
            "sort": self.order,
            "archived": self.archived_mode,
            "count": self.is_count,
            "limit": self.page_size,
        }
        filters = changes.pop("filters", self.filters)
        state.update(changes)
        return Query(*filters, **state)

    # -- builders ------------------------------------------------------------------------------
    def where(self, *filters: Condition | Or) -> Query:
        return self._replace(filters=self.filters + filters)

    def load(self, *names: str) -> Query:
        """Add relations to ``load_relations`` (``load("all")`` for every one)."""
        if self.relations == "all" or "all" in names:
            return self._replace(load_relations="all")
        return self._replace(load_relations=[*self.relations, *names])

    def sort(self, field: str, *, descending: bool = False) -> Query:
        return self._replace(sort=f"-{field.lstrip('-')}" if descending else field)

    def archived(self, mode: bool | str = True) -> Query:
        return self._replace(archived=mode)

    def count(self) -> Query:
        return self._replace(count=True)

    def limit(self, limit: int | None) -> Query:
        return self._replace(limit=limit)

    # -- output --------------------------------------------------------------------------------
    def params(self) -> list[tuple[str, str]]:
        """Decoded pairs in the order the docs show: sort, load_relations, filters, archived,
        count, limit (``sort=-timeStamp&timeStamp=>=,...&limit=100``)."""
        pairs: list[tuple[str, str]] = []
        if self.order:
            pairs.append(("sort", self.order))
        if self.relations:
            rels = self.relations
            pairs.append(
                ("load_relations", "all" if rels == "all" else json.dumps(list(rels), separators=(",", ":")))
            )
        for item in self.filters:
            pairs.append(("or", item.value) if isinstance(item, Or) else (item.field, item.value))
        if self.archived_mode:
            pairs.append(("archived", self.archived_mode))
        if self.is_count:
            pairs.append(("count", "1"))
        if self.page_size is not None:
            pairs.append(("limit", str(self.page_size)))
        return pairs

    def split_in(self, max_values: int = MAX_IN_VALUES) -> list[Query]:
        """Queries of at most ``max_values`` values per ``IN`` whose union is this query's result
        (several long lists: every combination). Merge their records by id; re-sort if sorted."""
        if max_values < 1:
            raise ValueError("max_values must be at least 1")
        variants = [_split(item, max_values) for item in self.filters]
        return [self._replace(filters=tuple(combo)) for combo in itertools.product(*variants)]

    # -- validation ----------------------------------------------------------------------------
    def check(self, spec: ResourceSpec | str, *, counting: bool = False) -> None:
        """Raise ``ValueError`` (saying what is allowed) for what ``spec``'s endpoint refuses.

        ``counting``: the request will also carry ``count=1`` (``collection.count(...)``).
        """
        check_query(
            catalog().get(spec) if isinstance(spec, str) else spec,
            pairs=self.params(),
            order=self.order,
            relations=self.relations,
            archived=self.archived_mode is not None,
            counting=self.is_count or counting,
            limited=self.page_size is not None,
            conditions=[(c.field, c.op, c.operands) for c in _conditions(self.filters)],
        )

    # -- plain dicts ---------------------------------------------------------------------------
    @classmethod
    def from_params(cls, params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> Query:
        """A query from ``params=`` as users pass them today: ``{"itemMatrixID": 0}``,
        ``{"timeStamp": ">,2024-01-01T00:00:00+00:00"}``, ``{"or": "a=1|b=~,x%"}``,
        ``{"load_relations": ["ItemShops"]}``, ``{"sort": "-timeStamp"}``; a list value is ``IN``."""
        items = list(params.items() if isinstance(params, Mapping) else params or ())
        filters: list[Condition | Or] = []
        options: dict[str, Any] = {}
        for name, value in items:
            if name == "or":
                operands = (part.partition("=") for part in str(value).split("|") if part)
                filters.append(Or(*(_parsed(field, raw) for field, _, raw in operands)))
            elif name in ("load_relations", "sort", "archived", "limit"):
                options[name] = value if name != "limit" else int(value)
            elif name == "count":
                options["count"] = str(param_value(value)) not in ("", "0", "false")
            elif name in CONTROL_PARAMS:
                raise ValueError(f"{name!r} is managed by the collection (paging) or legacy; leave it out")
            elif isinstance(value, list | tuple | set | frozenset):
                filters.append(F(name).in_(value))
            elif isinstance(value, str):
                filters.append(_parsed(name, value))
            else:
                filters.append(F(name).eq(value))
        return cls(*filters, **options)


def _parsed(field: str, raw: str) -> Condition:
    op, operands = parse_value(raw)
    return Condition(field, op, operands)


def _relations(raw: Iterable[str] | str | None) -> tuple[str, ...] | Literal["all"]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        if raw.strip() == "all":
            return "all"
        parsed = json.loads(raw) if raw.strip().startswith("[") else [raw]
        raw = [str(name) for name in parsed]
    names = tuple(dict.fromkeys(str(name).strip() for name in raw))
    if "all" in names:
        raise ValueError('load_relations is either "all" or a list of relation names, not both')
    if "" in names:
        raise ValueError("load_relations: empty relation name")
    return names


def _archived(raw: bool | str | None) -> ArchivedMode | None:
    text = param_value(raw).lower() if raw is not None else "false"
    if text in ("false", "0", ""):
        return None
    if text in ("true", "1"):
        return "true"
    if text == "only":
        return "only"
    raise ValueError(f"archived is True/'true' (archived too), 'only' or False, not {raw!r}")


def _split(item: Condition | Or, size: int) -> list[Condition | Or]:
    if isinstance(item, Or):
        return [Or(*combo) for combo in itertools.product(*(_split(c, size) for c in item.conditions))]
    if item.op != "IN" or len(item.operands) <= size:
        return [item]
    chunks = [item.operands[i : i + size] for i in range(0, len(item.operands), size)]
    return [Condition(item.field, "IN", chunk) for chunk in chunks]


def _conditions(filters: Iterable[Condition | Or]) -> Iterable[Condition]:
    for item in filters:
        yield from item.conditions if isinstance(item, Or) else (item,)


def estimate_cost(
    spec_or_path: ResourceSpec | str,
    params: Query | Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
    *,
    method: str = "GET",
    body: Any | None = None,
    single: bool = False,
) -> float:
    """The drips a request costs (docs/reference.md#request-costs), as the throttler reserves them.

    ``spec_or_path``: a catalogue row or a path such as ``"Item"`` / ``"Sale/5/SaleLine"``;
    ``single``: a one-record read (``Item/1``), where relations cost half.
    """
    path = spec_or_path.path if isinstance(spec_or_path, ResourceSpec) else spec_or_path
    if single:
        path += "/1"
    if isinstance(params, Query):
        pairs = params.params()
    else:
        items = params.items() if isinstance(params, Mapping) else params or ()
        pairs = [(str(k), param_value(v)) for k, v in items]
    return request_cost(method, path, pairs, body)
