"""One generic collection class serves every endpoint of the table.

:class:`CollectionBase` holds what the sync and async collections share: the path, the checks
against the catalogue, the query parameters of each operation, and reading answers into
resources. :class:`Collection` adds the synchronous calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx2

from ._catalog import ResourceSpec, catalog
from ._flow import RequestSpec
from ._pagination import Page, PageGuard, PageRequest, read_page, with_param
from ._resource import RelationSpec, Resource
from ._wire import ParamsInput, attribute, decode_json, encode_params, encode_payload, nested, records, to_int
from .errors import InvalidResponseError, NotFoundError, OperationNotAllowedError

if TYPE_CHECKING:
    from ._client import Client

R = TypeVar("R", bound=Resource)

PAGE_SIZE = 100
"""The API's maximum page size."""

_OPERATION_VERBS = {
    "read": "read one",
    "query": "list",
    "create": "create",
    "update": "update",
    "delete": "delete",
}


def model_for(entity: str) -> type[Resource]:
    """The model class of an entity (a plain :class:`Resource` for one without a model)."""
    from .models import MODELS

    return MODELS.get(entity, Resource)


class CollectionBase(Generic[R]):
    """A collection's shared, I/O-free half."""

    def __init__(
        self,
        client: Any,
        spec: ResourceSpec,
        model: type[R],
        account_id: int | None = None,
        parent_ids: Mapping[str, int] | None = None,
    ) -> None:
        self._client = client
        self.spec = spec
        self.model = model
        self.account_id = account_id
        self.parent_ids = dict(parent_ids or {})
        missing = [name for name in spec.parents if name not in self.parent_ids]
        if missing:
            raise ValueError(f"{spec.name} is nested: give {', '.join(missing)}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"

    # --- paths ----------------------------------------------------------------------------------
    @property
    def path(self) -> str:
        """The collection's path below the base URL, without ``.json``."""
        path = self.spec.path.format(**self.parent_ids) if self.spec.parents else self.spec.path
        if self.spec.scope == "global":
            return path or "Account"
        return f"Account/{self.account_id}/{path}"

    def url(self, record_id: int | str | None = None) -> str:
        base: str = self._client.base_url
        suffix = f"/{record_id}" if record_id is not None else ""
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
                f"{self.spec.name} cannot be archived: its DELETE deletes for good (use destroy)"
            )

    # --- requests -------------------------------------------------------------------------------
    def first_page(self, params: ParamsInput, limit: int = PAGE_SIZE) -> PageRequest:
        self.check("query")
        pairs = encode_params(params)
        if not any(key == "limit" for key, _ in pairs):
            pairs = (*pairs, ("limit", str(limit)))
        return PageRequest(self.url(), pairs)

    def find_request(self, record_id: int | str, params: ParamsInput) -> RequestSpec:
        self.check("query")
        pairs = with_param(encode_params(params), self.spec.id_field, str(record_id))
        return RequestSpec("GET", self.url(), with_param(pairs, "limit", "1"))

    def count_request(self, params: ParamsInput) -> RequestSpec:
        self.check("query")
        pairs = encode_params(params)
        if self._client.legacy:
            return RequestSpec("GET", self.url(), with_param(pairs, "limit", "1"))
        return RequestSpec("GET", self.url(), with_param(pairs, "count", "1"))

    def write_request(
        self, method: str, record_id: int | None, payload: Mapping[str, Any] | None
    ) -> RequestSpec:
        body = encode_payload(payload) if payload is not None else None
        return RequestSpec(method, self.url(record_id), None, body)

    @staticmethod
    def payload(attributes: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> dict[str, Any]:
        merged = dict(attributes or {})
        merged.update(fields)
        return merged

    # --- answers --------------------------------------------------------------------------------
    def wrap(self, record: dict[str, Any]) -> R:
        return self.model.from_wire(record, self)

    def read_page(
        self, response: httpx2.Response, request: PageRequest
    ) -> tuple[list[R], PageRequest | None]:
        page: Page = read_page(decode_json(response), self.spec.entity, request, response)
        return [self.wrap(r) for r in page.records], page.next

    def guard(self) -> PageGuard:
        return PageGuard(httpx2.URL(self._client.base_url))

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

    def read_found(self, response: httpx2.Response, record_id: int | str) -> R:
        found = records(decode_json(response), self.spec.entity, response=response)
        if not found:
            raise NotFoundError(
                f"Object of type '{self.spec.entity}' not found with primary ID '{record_id}'.",
                status_code=404,
                response=response,
            )
        return self.wrap(found[0])

    def read_count(self, response: httpx2.Response) -> int:
        payload = decode_json(response)
        count = to_int(attribute(payload, "count"))
        if count is None:
            raise InvalidResponseError(
                "the answer to a count carries no @attributes.count", response=response
            )
        return count

    def related(self, entity: str) -> CollectionBase[Any]:
        """The collection of another entity in the same account."""
        return self._client.collection(entity, account_id=self.account_id)  # type: ignore[no-any-return]

    def embedded(self, resource: Resource, spec: RelationSpec) -> Any:
        """A relation answered from the record itself, or ``...`` when it must be fetched."""
        attributes = resource.attributes
        if spec.kind == "prices":
            prices = nested(attributes, "Prices", "ItemPrice") or []
            return {
                str(p.get("useType", p.get("useTypeID", ""))).lower(): self._decimal(p.get("amount"))
                for p in prices
            }
        target = self.related(spec.target)
        if spec.kind == "one":
            raw = attributes.get(spec.container) if spec.container else None
            if isinstance(raw, dict) and raw:
                return target.wrap(raw)
            if not to_int(attributes.get(spec.key)):
                return None
            return ...
        inside = nested(attributes, spec.container, spec.inner) if spec.container else None
        if inside is not None:
            return [target.wrap(r) for r in inside]
        if not resource.id:
            return []
        return ...

    @staticmethod
    def _decimal(value: Any) -> Any:
        from decimal import Decimal, InvalidOperation

        try:
            return Decimal(str(value))
        except (InvalidOperation, ValueError):
            return None


class Collection(CollectionBase[R]):
    """Every operation of one endpoint, synchronously. Obtained from an account: ``account.items``."""

    _client: Client

    def each_page(self, params: ParamsInput = None, *, page_size: int = PAGE_SIZE) -> Iterator[list[R]]:
        """``GET {path}.json``: yields lists of up to ``page_size`` records (one request each)."""
        request: PageRequest | None = self.first_page(params, page_size)
        guard = self.guard()
        while request is not None:
            guard.check(request)
            response = self._client.send(RequestSpec("GET", request.url, request.params))
            page, request = self.read_page(response, request)
            if page:
                yield page

    def each(self, params: ParamsInput = None) -> Iterator[R]:
        """``GET {path}.json``: yields records one at a time (still one request per 100)."""
        for page in self.each_page(params):
            yield from page

    def all(self, params: ParamsInput = None) -> list[R]:
        """``GET {path}.json``: every record, all pages."""
        return [record for page in self.each_page(params) for record in page]

    def first(self, params: ParamsInput = None) -> R | None:
        """``GET {path}.json?limit=1``: the first record, or ``None``."""
        request = self.first_page(with_param(encode_params(params), "limit", "1"))
        response = self._client.send(RequestSpec("GET", request.url, request.params))
        page, _ = self.read_page(response, request)
        return page[0] if page else None

    def find(self, record_id: int | str, params: ParamsInput = None) -> R:
        """``GET {path}.json?{idField}={id}&limit=1``; :class:`NotFoundError` when there is none."""
        return self.read_found(self._client.send(self.find_request(record_id, params)), record_id)

    def count(self, params: ParamsInput = None) -> int:
        """``GET {path}.json?count=1`` (``limit=1`` on the legacy API): how many records match."""
        return self.read_count(self._client.send(self.count_request(params)))

    def create(self, attributes: Mapping[str, Any] | None = None, /, **fields: Any) -> R:
        """``POST {path}.json`` with the fields (nested payloads such as SaleLines pass as given)."""
        self.check("create")
        return self.read_one(
            self._client.send(self.write_request("POST", None, self.payload(attributes, fields)))
        )

    def update(
        self, record_id: int | str, attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> R:
        """``PUT {path}/{id}.json``: returns the updated record."""
        self.check("update")
        payload = self.payload(attributes, fields)
        return self.read_one(self._client.send(self.write_request("PUT", int(record_id), payload)))

    def destroy(self, record_id: int | str) -> R:
        """``DELETE {path}/{id}.json``: deletes or archives, as the endpoint does; returns the record."""
        self.check("delete")
        return self.read_one(self._client.send(self.write_request("DELETE", int(record_id), None)))

    def archive(self, record_id: int | str) -> R:
        """``DELETE {path}/{id}.json`` on an endpoint whose DELETE archives; returns the archived record."""
        self.check_archive()
        return self.destroy(record_id)

    def build(self, attributes: Mapping[str, Any] | None = None, /, **fields: Any) -> R:
        """A resource from attributes, bound to this collection; no request."""
        return self.wrap(self.payload(attributes, fields))

    def load_relation(self, resource: Resource, spec: RelationSpec) -> Any:
        value = self.embedded(resource, spec)
        if value is not ...:
            return value
        target = self.related(spec.target)
        assert isinstance(target, Collection)
        if spec.kind == "one":
            return target.find(to_int(resource.attributes.get(spec.key)) or 0)
        return target.all(params={spec.key: resource.id})


def spec_for(entity_or_name: str) -> ResourceSpec:
    """The catalogue row for a row name or, failing that, the row whose entity it is."""
    table = catalog()
    if entity_or_name in table:
        return table.get(entity_or_name)
    for spec in table.resources:
        if spec.entity == entity_or_name and not spec.nested:
            return spec
    raise KeyError(f"no endpoint named {entity_or_name!r}")
