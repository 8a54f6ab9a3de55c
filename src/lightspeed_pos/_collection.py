"""The synchronous collection: every operation of one endpoint, driven by the sync client."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, TypeVar

from ._collection_base import PAGE_SIZE, CollectionBase, Op, QueryInput
from ._related import relation_op
from ._resource import RelationSpec, Resource

if TYPE_CHECKING:
    import httpx2

    from ._flow import RequestSpec
    from .models import CustomField

R = TypeVar("R", bound="Resource[Any]")
T = TypeVar("T")


class Driver(Protocol):
    """What a collection asks of its client (:class:`~lightspeed_pos.Client` is one)."""

    def send(self, spec: RequestSpec) -> httpx2.Response: ...

    def drive(self, op: Op[T]) -> T: ...

    def collection(
        self, name: str, *, account_id: int | None = None, **parent_ids: int
    ) -> Collection[Any]: ...


class Collection(CollectionBase[R]):
    """Every operation of one endpoint, synchronously. From an account: ``account.items``."""

    client: Driver

    def _drive(self, op: Op[T]) -> T:
        return self.client.drive(op)

    def each_page(self, params: QueryInput = None, *, page_size: int = PAGE_SIZE) -> Iterator[list[R]]:
        """``GET {path}.json``: yields lists of up to ``page_size`` records (one request each)."""
        pager = self.pager(params, page_size)
        while (page := self._drive(pager.page_op())) is not None:
            if page:
                yield page

    def each(self, params: QueryInput = None) -> Iterator[R]:
        """``GET {path}.json``: yields records one at a time (still one request per 100)."""
        for page in self.each_page(params):
            yield from page

    def all(self, params: QueryInput = None) -> list[R]:
        """``GET {path}.json``: every record, all pages."""
        return self._drive(self.all_op(params))

    def first(self, params: QueryInput = None) -> R | None:
        """``GET {path}.json?limit=1``: the first record, or ``None``."""
        return self._drive(self.first_op(params))

    def find(self, record_id: int | str, params: QueryInput = None) -> R:
        """``GET {path}.json?{idField}={id}&limit=1``, then with ``archived=true`` if none (archived
        records are found, as the API's single-record read returns them); :class:`NotFoundError`."""
        return self._drive(self.find_op(record_id, params))

    def count(self, params: QueryInput = None) -> int:
        """``GET {path}.json?count=1`` (``limit=1`` on the legacy API): how many records match."""
        return self._drive(self.count_op(params))

    def create(self, attributes: Mapping[str, Any] | None = None, /, **fields: Any) -> R:
        """``POST {path}.json`` with the fields (nested payloads such as SaleLines pass as given)."""
        return self._drive(self.create_op(self.payload(attributes, fields)))

    def update(
        self, record_id: int | str, attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> R:
        """``PUT {path}/{id}.json``: returns the updated record."""
        return self._drive(self.update_op(record_id, self.payload(attributes, fields)))

    def destroy(self, record_id: int | str) -> R:
        """``DELETE {path}/{id}.json``: deletes or archives, as the endpoint does; returns the record.

        When an attempt's answer was lost and the retry meets a 404, the delete counts as done (the
        lost attempt deleted it): an archived record is read back, a deleted one is returned with
        only its id.
        """
        return self._drive(self.destroy_op(record_id))

    def archive(self, record_id: int | str) -> R:
        """``DELETE {path}/{id}.json`` on an endpoint whose DELETE archives; returns the archived record."""
        return self._drive(self.destroy_op(record_id, archive=True))

    def action(
        self, record_id: int | str, name: str, attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Any:
        """An action on one record, ``POST|GET|DELETE {path}/{id}/{action}.json``
        (``sales.action(5, "refund")``).

        Returns the record(s) the action answers with, or the answer itself (a message)."""
        return self._drive(self.action_op(record_id, name, self.payload(attributes, fields)))

    def upload(
        self, file: bytes | BinaryIO | str | os.PathLike[str], *, filename: str | None = None, **fields: Any
    ) -> R:
        """``POST {path}.json`` as multipart: an image (bytes, a file or a path) with its fields
        (``description``, ``ordering``, ``itemID`` or ``itemMatrixID`` on ``Image``)."""
        return self._drive(self.upload_op(file, filename, fields))

    @property
    def custom_fields(self) -> Collection[CustomField]:
        """``{path}/CustomField.json``: the custom fields of items, customers or orders
        (``account.items.custom_fields``)."""
        collection: Collection[CustomField] = self.client.collection(
            self.custom_field_row(), account_id=self.account_id
        )
        return collection

    def load_relation(self, resource: Resource[Any], spec: RelationSpec) -> Any:
        """A relation of ``resource``, fetched when it is not embedded."""
        return self._drive(relation_op(self, resource, spec))
