"""The asynchronous collection: the same operations as :class:`~lightspeed_pos.Collection`,
awaited. Both drive the ops written once in :mod:`._collection_base`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TypeVar

from ._collection_base import PAGE_SIZE, CollectionBase, Op, QueryInput
from ._related import embedded, relation_op
from ._resource import RelationSpec, Resource

if TYPE_CHECKING:
    import httpx2

    from ._flow import RequestSpec
    from .models import CustomField

R = TypeVar("R", bound="Resource[Any]")
T = TypeVar("T")


class AsyncDriver(Protocol):
    """What an async collection asks of its client (:class:`~lightspeed_pos.AsyncClient` is one)."""

    async def send(self, spec: RequestSpec) -> httpx2.Response: ...

    async def drive(self, op: Op[T]) -> T: ...

    def collection(
        self, name: str, *, account_id: int | None = None, **parent_ids: int
    ) -> AsyncCollection[Any]: ...


class AsyncCollection(CollectionBase[R]):
    """Every operation of one endpoint, awaited. From an account: ``account.items``."""

    client: AsyncDriver
    asynchronous = True

    async def _drive(self, op: Op[T]) -> T:
        return await self.client.drive(op)

    async def each_page(
        self, params: QueryInput = None, *, page_size: int = PAGE_SIZE
    ) -> AsyncIterator[list[R]]:
        """``GET {path}.json``: yields lists of up to ``page_size`` records (one request each)."""
        pager = self.pager(params, page_size)
        while (page := await self._drive(pager.page_op())) is not None:
            if page:
                yield page

    async def each(self, params: QueryInput = None) -> AsyncIterator[R]:
        """``GET {path}.json``: yields records one at a time (still one request per 100)."""
        async for page in self.each_page(params):
            for record in page:
                yield record

    async def all(self, params: QueryInput = None) -> list[R]:
        """``GET {path}.json``: every record, all pages."""
        return await self._drive(self.all_op(params))

    async def first(self, params: QueryInput = None) -> R | None:
        """``GET {path}.json?limit=1``: the first record, or ``None``."""
        return await self._drive(self.first_op(params))

    async def find(self, record_id: int | str, params: QueryInput = None) -> R:
        """``GET {path}.json?{idField}={id}&limit=1``, then with ``archived=true`` if none (archived
        records are found, as the API's single-record read returns them); :class:`NotFoundError`."""
        return await self._drive(self.find_op(record_id, params))

    async def count(self, params: QueryInput = None) -> int:
        """``GET {path}.json?count=1`` (``limit=1`` on the legacy API): how many records match."""
        return await self._drive(self.count_op(params))

    async def create(self, attributes: Mapping[str, Any] | None = None, /, **fields: Any) -> R:
        """``POST {path}.json`` with the fields (nested payloads such as SaleLines pass as given)."""
        return await self._drive(self.create_op(self.payload(attributes, fields)))

    async def update(
        self, record_id: int | str, attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> R:
        """``PUT {path}/{id}.json``: returns the updated record."""
        return await self._drive(self.update_op(record_id, self.payload(attributes, fields)))

    async def destroy(self, record_id: int | str) -> R:
        """``DELETE {path}/{id}.json``: deletes or archives, as the endpoint does; returns the record.

        When an attempt's answer was lost and the retry meets a 404, the delete counts as done (the
        lost attempt deleted it): an archived record is read back, a deleted one is returned with
        only its id.
        """
        return await self._drive(self.destroy_op(record_id))

    async def archive(self, record_id: int | str) -> R:
        """``DELETE {path}/{id}.json`` on an endpoint whose DELETE archives; returns the archived record."""
        return await self._drive(self.destroy_op(record_id, archive=True))

    async def action(
        self, record_id: int | str, name: str, attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Any:
        """An action on one record, ``POST|GET|DELETE {path}/{id}/{action}.json``
        (``sales.action(5, "refund")``).

        Returns the record(s) the action answers with, or the answer itself (a message)."""
        return await self._drive(self.action_op(record_id, name, self.payload(attributes, fields)))

    async def upload(
        self, file: bytes | BinaryIO | str | os.PathLike[str], *, filename: str | None = None, **fields: Any
    ) -> R:
        """``POST {path}.json`` as multipart: an image (bytes, a file or a path) with its fields
        (``description``, ``ordering``, ``itemID`` or ``itemMatrixID`` on ``Image``)."""
        return await self._drive(self.upload_op(file, filename, fields))

    @property
    def custom_fields(self) -> AsyncCollection[CustomField]:
        """``{path}/CustomField.json``: the custom fields of items, customers or orders
        (``account.items.custom_fields``)."""
        collection: AsyncCollection[CustomField] = self.client.collection(
            self.custom_field_row(), account_id=self.account_id
        )
        return collection

    def load_relation(self, resource: Resource[Any], spec: RelationSpec) -> Any | Awaitable[Any]:
        """A relation of ``resource``: the value when embedded, else an awaitable that fetches it."""
        value = embedded(self, resource, spec)
        if value is not ...:
            return value
        return self._drive(relation_op(self, resource, spec))
