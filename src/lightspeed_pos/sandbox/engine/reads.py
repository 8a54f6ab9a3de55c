"""GET answers: one record by id, V3 cursor-paginated queries and legacy offset queries."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from ..._catalog import ResourceSpec
from ..http.jsonbody import bounded_decimal
from ..http.messages import ApiRequest, ApiResponse
from .formatting import Record, bad_request, decimal, one_or_many
from .query import (
    FilterBuilder,
    Predicate,
    archived_filter,
    cursor_key,
    cursor_values,
    decode_cursor,
    encode_cursor,
    equals,
    order,
    parse_limit,
    select,
    sort_key,
    window,
)
from .relations import Tree, render
from .store import AccountStore, Table

PAGING_PARAMS = frozenset({"sort", "limit", "after", "before", "count"})


def primary(scope: Scope) -> str:
    """The id field: the endpoint's, or for id-less reports and templates the table's own row
    number (their rows are stored in date order, so id order is date order)."""
    return scope.spec.id_field or scope.store.table(scope.table).id_field


@dataclass(frozen=True)
class Scope:
    """What a query runs against: the store, the catalogue row and table, the request, the
    relations to load and the parent ids of a nested path."""

    store: AccountStore
    spec: ResourceSpec
    table: str
    request: ApiRequest
    tree: Tree
    parents: dict[str, str]

    def body(self, attributes: dict[str, str], page: list[Record]) -> ApiResponse:
        """The query envelope: ``@attributes`` plus the page's records (no key when empty)."""
        payload: dict[str, Any] = {"@attributes": attributes}
        if page:
            rendered = [render(self.store, self.table, r, self.tree) for r in page]
            if not self.spec.id_field:  # reports carry no id: drop the row number they are stored under
                row_number = self.store.table(self.table).id_field
                rendered = [{k: v for k, v in r.items() if k != row_number} for r in rendered]
            payload[self.spec.entity] = one_or_many(rendered)
        return ApiResponse.json_body(200, payload)


def filters(scope: Scope) -> list[Predicate]:
    """The query's field filters (not the ``archived`` mode, not the parent scope)."""
    return FilterBuilder(scope.store, scope.spec, scope.table, scope.tree).build(list(scope.request.query))


def matching(scope: Scope) -> list[Record]:
    """Records of the table that pass the parent scope, ``archived`` mode and every filter."""
    store, table, request = scope.store, scope.table, scope.request
    predicates = filters(scope)
    archived = archived_filter(table, request.param("archived"))
    if archived:
        predicates.insert(0, archived)
    if scope.parents:
        first, value = next(iter(scope.parents.items()))
        records = store.children(table, first, value)
        predicates += [equals(k, v) for k, v in scope.parents.items()]
    else:
        records = list(store.table(table))
    return select(records, predicates)


def wants_count(request: ApiRequest) -> bool:
    return request.param("count") not in (None, "", "0", "false")


def v3_query(scope: Scope) -> ApiResponse:
    """A V3 query: ``count=1``, or a page with absolute ``next``/``previous`` cursor URLs."""
    request, table, spec = scope.request, scope.table, scope.spec
    if wants_count(request):
        if any(request.param(p) is not None for p in ("limit", "sort", "after", "before")):
            raise bad_request("The count parameter cannot be combined with limit, sort, after or before.")
        return ApiResponse.json_body(200, {"@attributes": {"count": str(len(matching(scope)))}})
    id_field = primary(scope)
    sort_raw = request.param("sort") or id_field
    descending = sort_raw.startswith("-")
    field = sort_raw.lstrip("-")
    allowed = spec.sortable or (id_field,)
    if field not in allowed and field != id_field:
        raise bad_request(f"Cannot sort by '{field}'. Sortable fields: {', '.join(allowed)}.")
    limit = parse_limit(request.param("limit"))
    after, before = request.param("after"), request.param("before")
    if after and before:
        raise bad_request("Use either after or before, not both.")
    if field == id_field and not scope.parents and not filters(scope):
        # the common listing (every record by id, pages after pages): walk the ids from the
        # cursor instead of filtering and slicing the whole table
        cursor_id = int(decimal(decode_cursor(after or before or "")[-1])) if after or before else None
        archived = archived_filter(table, request.param("archived"))
        page, more_after, more_before = id_page(
            scope.store.table(table), archived, descending, limit, cursor_id, before=bool(before)
        )
    else:
        ordered = order(matching(scope), table, field, descending, id_field)
        start, end = 0, len(ordered)
        if after or before:
            cursor = cursor_key(decode_cursor(after or before or ""), table, field, id_field)
            start, end = window(ordered, sort_key(table, field), cursor, descending, after=bool(after))
        if before:
            start = max(0, end - limit)
        else:
            end = min(end, start + limit)
        page = ordered[start:end]
        more_after, more_before = end < len(ordered), start > 0

    def link(direction: str, record: Record) -> str:
        """Sort first, then the caller's other parameters, then limit and the cursor
        (docs/reference.md#cursor-pagination)."""
        pairs = [("sort", sort_raw)]
        pairs += [(k, v) for k, v in request.query if k not in PAGING_PARAMS]
        pairs += [
            ("limit", str(limit)),
            (direction, encode_cursor(cursor_values(record, table, field, id_field))),
        ]
        return f"{request.origin}{request.path}?{urlencode(pairs, quote_via=quote, safe='')}"

    return scope.body(
        {
            "next": link("after", page[-1]) if page and more_after else "",
            "previous": link("before", page[0]) if page and more_before else "",
        },
        page,
    )


def id_page(
    table: Table, keep: Predicate | None, descending: bool, limit: int, cursor_id: int | None, *, before: bool
) -> tuple[list[Record], bool, bool]:
    """One page in id order after (or ``before``) ``cursor_id``, and whether records that ``keep``
    accepts lie after and before it. Walks from the cursor: O(page), not O(table)."""
    ids, rows = table.sorted_ids(), table.rows
    size = len(ids)

    def at(position: int) -> Record:  # the position-th id in the query's order
        return rows[ids[size - 1 - position] if descending else ids[position]]

    def accepted(position: int) -> bool:
        return keep is None or keep(at(position))

    if cursor_id is None:
        start = end = 0
    elif descending:
        start = end = size - (bisect_left(ids, cursor_id) if not before else bisect_right(ids, cursor_id))
    else:
        start = end = bisect_right(ids, cursor_id) if not before else bisect_left(ids, cursor_id)
    page: list[Record] = []
    if before:
        position = end - 1
        while position >= 0 and len(page) < limit:
            if accepted(position):
                page.append(at(position))
            position -= 1
        page.reverse()
        more_before = any(accepted(p) for p in range(position, -1, -1))
        more_after = any(accepted(p) for p in range(end, size))
        return page, more_after, more_before
    position = start
    while position < size and len(page) < limit:
        if accepted(position):
            page.append(at(position))
        position += 1
    more_after = any(accepted(p) for p in range(position, size))
    more_before = any(accepted(p) for p in range(start - 1, -1, -1))
    return page, more_after, more_before


def legacy_query(scope: Scope) -> ApiResponse:
    """A V1/V2 query: ``limit``/``offset``, ``orderby``/``orderby_desc``, ``@attributes.count``."""
    request = scope.request
    limit = parse_limit(request.param("limit"))
    offset_value = bounded_decimal(request.param("offset") or "0")
    if offset_value is None:
        raise bad_request("Invalid offset.")
    offset = max(0, int(offset_value))
    id_field = primary(scope)
    field = request.param("orderby") or id_field
    descending = (request.param("orderby_desc") or "0") not in ("0", "", "false")
    found = order(matching(scope), scope.table, field, descending, id_field)
    if not found or (wants_count(request) and request.param("limit") is None):
        return ApiResponse.json_body(200, {"@attributes": {"count": str(len(found))}})
    attributes = {"count": str(len(found)), "offset": str(offset), "limit": str(limit)}
    return scope.body(attributes, found[offset : offset + limit])
