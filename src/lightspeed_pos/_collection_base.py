"""What the sync and async collections share: everything but sending.

A collection operation is written once, here, as an *op*: a generator that yields the
:class:`RequestSpec` it needs sent and receives the response (``find_op``, ``create_op``...).
:class:`~lightspeed_pos.Collection` drives ops with the sync client, the async collection with
``await``. Listings page with a :class:`Pager`. Nothing in this module does I/O.
"""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, TypeVar

import httpx2

from ._binding import Host
from ._catalog import ResourceSpec, catalog
from ._flow import RequestSpec
from ._pagination import PageGuard, PageRequest, read_page
from ._resource import Resource
from ._wire import ParamsInput, already_done, attribute, decode_json, encode_payload, records, to_int
from .errors import InvalidResponseError, NotFoundError, OperationNotAllowedError
from .query import F, Query

if TYPE_CHECKING:
    pass

QueryInput = Query | ParamsInput
"""What ``params=`` takes: a :class:`Query`, a mapping or a sequence of pairs."""

R = TypeVar("R", bound="Resource[Any]")
T = TypeVar("T")
Op = Generator[RequestSpec, httpx2.Response, T]
"""An operation: yields requests to send, receives their responses, returns its result."""

PAGE_SIZE = 100
"""The API's maximum page size."""

_OPERATION_VERBS = {
    "read": "read one",
    "query": "list",
    "create": "create",
    "update": "update",
    "delete": "delete",
}


def model_for(entity: str, *, asynchronous: bool = False) -> type[Resource[Any]]:
    """The model class of an entity (a plain :class:`Resource` for one without a model)."""
    from .models import MODELS

    if asynchronous and entity == "Account":
        from .models.account import AsyncAccount

        return AsyncAccount
    return MODELS.get(entity, Resource)


def spec_for(entity_or_name: str) -> ResourceSpec:
    """The catalogue row for a row name or, failing that, the plain row whose entity it is."""
    table = catalog()
    if entity_or_name in table:
        return table.get(entity_or_name)
    for spec in table.resources:
        if spec.entity == entity_or_name and not spec.nested:
            return spec
    raise KeyError(f"no endpoint named {entity_or_name!r}")


class Pager(Generic[R]):
    """Walks the pages of one listing: the next request, then the records of its answer.

    A query whose ``IN`` list was split (more than 100 values) is several listings in a row;
    their records are merged by id.
    """

    def __init__(self, collection: CollectionBase[R], parts: list[Query], page_size: int) -> None:
        self._collection = collection
        self._parts = list(parts)
        self._page_size = page_size
        self._next: PageRequest | None = None
        self._current: PageRequest | None = None
        self._guard = PageGuard(httpx2.URL(collection.client.base_url))
        self._seen: set[int] | None = set() if len(parts) > 1 else None
        self._start_next_part()

    def _start_next_part(self) -> None:
        if self._parts:
            self._next = self._collection.first_page(self._parts.pop(0), self._page_size)
            self._guard.new_listing()

    def request(self) -> RequestSpec | None:
        """The request for the next page, or ``None`` after the last one."""
        if self._next is None:
            return None
        self._guard.check(self._next)
        self._current = self._next
        return RequestSpec("GET", self._next.url, self._next.params, parsed=self._next.parsed)

    def page_op(self) -> Op[list[R] | None]:
        """The next page, one request (``None`` after the last page): the one walk of a listing,
        for ``all_op`` and both collections' ``each_page``."""
        request = self.request()
        if request is None:
            return None
        return self.read((yield request))

    def read(self, response: httpx2.Response) -> list[R]:
        """The records of the page just fetched."""
        assert self._current is not None
        page = read_page(decode_json(response), self._collection.spec.entity, self._current, response)
        self._guard.brings_news(page.records, self._collection.spec.id_field, self._current)
        self._next = page.next
        if self._next is None:
            self._start_next_part()
        found = self._collection.model.many_from_wire(page.records, self._collection)
        if self._seen is None:
            return found
        fresh = [r for r in found if r.id not in self._seen]
        self._seen.update(r.id for r in fresh)
        return fresh


class CollectionBase(Host, Generic[R]):
    """One endpoint's collection, minus the sending; what records call on it is declared by
    :class:`~lightspeed_pos._binding.Host` (Collection answers, AsyncCollection returns coroutines)."""

    asynchronous = False

    def __init__(
        self,
        client: Any,
        spec: ResourceSpec,
        model: type[R],
        account_id: int | None = None,
        parent_ids: Mapping[str, int] | None = None,
    ) -> None:
        self.client = client
        self.spec = spec
        self.model = model
        self.account_id = account_id
        self.parent_ids = dict(parent_ids or {})
        missing = [name for name in spec.parents if name not in self.parent_ids]
        if missing:
            raise ValueError(f"{spec.name} is nested: give {', '.join(missing)}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"

    # --- paths and checks -----------------------------------------------------------------------
    @property
    def path(self) -> str:
        """The collection's path below the base URL, without ``.json``."""
        path = self.spec.path.format(**self.parent_ids) if self.spec.parents else self.spec.path
        if self.spec.scope == "global":
            return path or "Account"
        return f"Account/{self.account_id}/{path}"

    def url(self, record_id: int | str | None = None, action: str | None = None) -> str:
        """``{base_url}/{path}[/{id}][/{action}].json``."""
        suffix = f"/{record_id}" if record_id is not None else ""
        suffix += f"/{action}" if action else ""
        base: str = self.client.base_url
        if self.spec.scope == "global" and self.spec.name != "Account":
            # GET /API/Session.json, /API/Locale.json (docs/reference.md#paths)
            base = re.sub(r"/V\d+$", "", base)
        return f"{base}/{self.path}{suffix}.json"

    def check(self, operation: str) -> None:
        """Refuse, before any request, an operation the endpoint does not allow."""
        if not self.spec.allows(operation):
            allowed = ", ".join(sorted(_OPERATION_VERBS[o] for o in self.spec.operations)) or "nothing"
            raise OperationNotAllowedError(
                f"{self.spec.name} does not allow {_OPERATION_VERBS.get(operation, operation)} "
                f"(it allows: {allowed})"
            )

    def check_archive(self) -> None:
        self.check("delete")
        if self.spec.delete != "archive":
            raise OperationNotAllowedError(
                f"{self.spec.name} cannot be archived: its DELETE deletes for good"
            )

    # --- requests -------------------------------------------------------------------------------
    def queries(self, params: QueryInput, *, counting: bool = False) -> list[Query]:
        """``params`` as checked queries (several when an ``IN`` list is longer than 100 values).

        Raises ``ValueError`` before any request for what the endpoint would refuse.
        """
        self.check("query")
        query = params if isinstance(params, Query) else Query.from_params(params)
        parts = query.split_in()
        for part in parts:
            part.check(self.spec, counting=counting)
        return parts

    def first_page(self, query: Query, limit: int = PAGE_SIZE) -> PageRequest:
        pairs = tuple(query.params())
        if not any(key == "limit" for key, _ in pairs):
            pairs = (*pairs, ("limit", str(limit)))
        return PageRequest(self.url(), pairs)

    def pager(self, params: QueryInput, page_size: int = PAGE_SIZE) -> Pager[R]:
        return Pager(self, self.queries(params), page_size)

    @staticmethod
    def payload(attributes: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any]:
        merged = dict(attributes or {})
        merged.update(fields)
        return merged

    def write(self, method: str, record_id: int | None, payload: Mapping[str, Any] | None) -> RequestSpec:
        body = encode_payload(payload) if payload is not None else None
        return RequestSpec(method, self.url(record_id), None, body)

    def build(self, attributes: Mapping[str, Any] | None = None, /, **fields: Any) -> R:
        """A resource from attributes, bound to this collection; no request."""
        return self.model.from_wire(self.payload(attributes, fields), self, given=True)

    # --- answers --------------------------------------------------------------------------------
    def wrap(self, record: dict[str, Any]) -> R:
        return self.model.from_wire(record, self)

    def read_one(self, response: httpx2.Response) -> R:
        payload = decode_json(response)
        found = records(payload, self.spec.entity, response=response)
        if not found:
            raise InvalidResponseError(
                f"expected one {self.spec.entity} in the answer to {response.request.method} "
                f"{response.request.url.path}, got none",
                response=response,
                body=payload,
            )
        return self.wrap(found[0])

    # --- the operations, written once -----------------------------------------------------------
    def all_op(self, params: QueryInput) -> Op[list[R]]:
        pager = self.pager(params)
        found: list[R] = []
        while (page := (yield from pager.page_op())) is not None:
            found.extend(page)
        return found

    def first_op(self, params: QueryInput) -> Op[R | None]:
        for part in self.queries(params):
            request = self.first_page(part.limit(1))
            response = yield RequestSpec("GET", request.url, request.params)
            found = records(decode_json(response), self.spec.entity, response=response)
            if found:
                return self.wrap(found[0])
        return None

    def find_op(self, record_id: int | str, params: QueryInput) -> Op[R]:
        query = params if isinstance(params, Query) else Query.from_params(params)
        (part,) = self.queries(query.where(F(self.spec.id_field) == str(record_id)).limit(1))
        response = yield RequestSpec("GET", self.url(), tuple(part.params()))
        found = records(decode_json(response), self.spec.entity, response=response)
        if not found and query.archived_mode is None and self.spec.field_type("archived") is not None:
            # a listing leaves archived records out; the API's single-record read returns them
            response = yield RequestSpec("GET", self.url(), tuple(part.archived(True).params()))
            found = records(decode_json(response), self.spec.entity, response=response)
        if not found:
            raise NotFoundError(
                f"Object of type '{self.spec.entity}' not found with primary ID '{record_id}'.",
                status_code=404,
                response=response,
            )
        return self.wrap(found[0])

    def count_op(self, params: QueryInput) -> Op[int]:
        total = 0
        for part in self.queries(params, counting=not self.client.legacy):
            paging = part.limit(1) if self.client.legacy else part.count()
            response = yield RequestSpec("GET", self.url(), tuple(paging.params()))
            count = to_int(attribute(decode_json(response), "count"))
            if count is None:
                raise InvalidResponseError(
                    "the answer to a count carries no @attributes.count", response=response
                )
            total += count
        return total

    def create_op(self, payload: Mapping[str, Any]) -> Op[R]:
        self.check("create")
        return self.read_one((yield self.write("POST", None, payload)))

    def update_op(self, record_id: int | str, payload: Mapping[str, Any]) -> Op[R]:
        self.check("update")
        return self.read_one((yield self.write("PUT", int(record_id), payload)))

    def destroy_op(self, record_id: int | str, *, archive: bool = False) -> Op[R]:
        if archive and catalog().action(self.spec.name, "archive"):
            archived: R = yield from self.action_op(record_id, "archive", {})
            return archived  # endpoints that archive through an action (Inventory/Transfer)
        if archive:
            self.check_archive()
        self.check("delete")
        response = yield self.write("DELETE", int(record_id), None)
        if already_done(response):
            # an earlier attempt, whose answer was lost, deleted it: read the archived record back
            if self.spec.delete == "archive" and self.spec.allows("query"):
                try:
                    found: R = yield from self.find_op(record_id, {"archived": "only"})
                    return found
                except NotFoundError:
                    pass
            return self.wrap({self.spec.id_field: str(record_id)})
        return self.read_one(response)

    def get_op(self) -> Op[R]:
        """``GET {path}.json`` of an endpoint that answers one object (Session, Locale)."""
        self.check("read" if self.spec.allows("read") else "query")
        answer = decode_json((yield RequestSpec("GET", self.url())))
        found = records(answer, self.spec.entity)
        record = found[0] if found else {k: v for k, v in answer.items() if k != "@attributes"}
        return self.wrap(record)

    def custom_field_row(self) -> str:
        """The row of this endpoint's custom fields (``ItemCustomField`` for Item)."""
        name = f"{self.spec.name}CustomField"
        if name not in catalog():
            raise OperationNotAllowedError(
                f"{self.spec.name} has no custom fields (Item, Customer and Order do)"
            )
        return name

    def action_op(self, record_id: int | str, name: str, payload: Mapping[str, Any]) -> Op[Any]:
        """An action on one record: ``{method} {path}/{id}/{segment}.json`` (refund, open, send...)."""
        action = catalog().action(self.spec.name, name)
        if action is None:
            known = ", ".join(a.name for a in catalog().actions_for(self.spec.name)) or "none"
            raise OperationNotAllowedError(f"{self.spec.name} has no action {name!r} (its actions: {known})")
        body = encode_payload(payload) if payload and action.method == "POST" else None
        response = yield RequestSpec(action.method, self.url(record_id, action.segment), None, body)
        answer = decode_json(response)
        if not action.returns or action.returns not in answer:
            return answer
        target = self.related(action.returns) if action.returns != self.spec.entity else self
        found = [target.wrap(r) for r in records(answer, action.returns, response=response)]
        return found if action.method == "GET" else found[0]

    def upload_op(
        self, file: bytes | BinaryIO | str | os.PathLike[str], filename: str | None, fields: Mapping[str, Any]
    ) -> Op[R]:
        """``POST {path}.json`` as multipart/form-data: a ``data`` JSON part and the ``image`` file."""
        self.check("create")
        if self.spec.entity != "Image":
            raise OperationNotAllowedError(f"{self.spec.name} takes no uploads (images do)")
        if isinstance(file, str | os.PathLike):
            path = Path(file)
            content, filename = path.read_bytes(), filename or path.name
        else:
            content = file if isinstance(file, bytes) else file.read()
        name = filename or "image.jpg"
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        form = httpx2.Request(
            "POST",
            self.url(),
            data={"data": encode_payload(fields).decode("utf-8")},
            files={"image": (name, content, kind)},
        )
        body = form.read()
        spec = RequestSpec("POST", self.url(), None, body, form.headers["content-type"])
        return self.read_one((yield spec))

    # --- relations ------------------------------------------------------------------------------
    def related(self, entity: str) -> CollectionBase[Any]:
        """The collection of another entity in the same account."""
        collection: CollectionBase[Any] = self.client.collection(entity, account_id=self.account_id)
        return collection
