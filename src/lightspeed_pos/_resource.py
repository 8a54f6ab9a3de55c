"""The base of every record: typed fields, the raw attributes, relations and instance methods.

A :class:`Resource` is a pydantic model whose fields carry the API's own names with real types
(``item.defaultCost`` is a ``Decimal``); ``.attributes`` keeps the dict exactly as given or
returned, unknown fields included. Relations (``item.item_matrix``) are :class:`relation`
descriptors: loaded on first use through the collection the record came from, then cached.

Records are generic over their binding (:mod:`._binding`): the instance methods of an
``Item[Async]`` return coroutines, those of an ``Item`` (``Item[Sync]``) their answer.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Self, TypeVar, cast, overload

from pydantic import ConfigDict

from ._binding import B, Host
from ._lazy_record import LazyRecord
from ._wire import to_int
from .errors import LightspeedError

if TYPE_CHECKING:
    from ._binding import Async, Sync

T = TypeVar("T")
SR = TypeVar("SR", bound="Resource[Sync]")
"""A record of the sync client (its methods answer)."""
AR = TypeVar("AR", bound="Resource[Async]")
"""A record of the async client (its methods return coroutines)."""


@dataclass(frozen=True)
class RelationSpec:
    """How to reach a related record: by a foreign key, a filter, or embedded data."""

    kind: Literal["one", "many", "prices", "embedded"]
    target: str
    """The related entity (``ItemMatrix``)."""
    key: str = ""
    """``one``: the foreign key on this record; ``many``: the field on the related records."""
    container: str = ""
    """Where ``load_relations`` embeds it: ``"ItemMatrix"`` or ``"SaleLines"``."""
    inner: str = ""
    """For to-many containers, the singular key inside (``"SaleLine"``)."""
    segment: str = ""
    """For a nested endpoint, the last segment of its path (``Sale/{saleID}/SaleLine``)."""


def one(target: str, key: str, container: str = "") -> RelationSpec:
    return RelationSpec("one", target, key, container)


def many(target: str, key: str, container: str = "", inner: str = "", segment: str = "") -> RelationSpec:
    return RelationSpec("many", target, key, container, inner or target, segment)


class RelatedList(list[T]):
    """A to-many relation's records that is also the nested collection they belong to.

    ``sale.sale_lines`` is a list of SaleLines, and ``sale.sale_lines.create(...)`` posts to
    ``Sale/{saleID}/SaleLine.json``. The collection methods return what the collection's do
    (coroutines for the records of an AsyncClient: ``RelatedList[SaleLine[Async]]``).
    """

    def __init__(self, records: list[T], collection: Any) -> None:
        super().__init__(records)
        self.collection = collection
        """The nested collection (``Collection`` or ``AsyncCollection``)."""

    @overload
    def create(
        self: RelatedList[SR], attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> SR: ...
    @overload
    def create(
        self: RelatedList[AR], attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Coroutine[Any, Any, AR]: ...
    def create(self, attributes: Mapping[str, Any] | None = None, /, **fields: Any) -> Any:
        """``POST {parent}/{id}/{segment}.json``."""
        return self.collection.create(attributes, **fields)

    @overload
    def find(self: RelatedList[SR], record_id: int | str, params: Any = None) -> SR: ...
    @overload
    def find(self: RelatedList[AR], record_id: int | str, params: Any = None) -> Coroutine[Any, Any, AR]: ...
    def find(self, record_id: int | str, params: Any = None) -> Any:
        """``GET {parent}/{id}/{segment}.json?{idField}={id}``."""
        return self.collection.find(record_id, params)

    @overload
    def update(
        self: RelatedList[SR],
        record_id: int | str,
        attributes: Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> SR: ...
    @overload
    def update(
        self: RelatedList[AR],
        record_id: int | str,
        attributes: Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> Coroutine[Any, Any, AR]: ...
    def update(
        self, record_id: int | str, attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Any:
        """``PUT {parent}/{id}/{segment}/{id}.json``."""
        return self.collection.update(record_id, attributes, **fields)

    @overload
    def destroy(self: RelatedList[SR], record_id: int | str) -> SR: ...
    @overload
    def destroy(self: RelatedList[AR], record_id: int | str) -> Coroutine[Any, Any, AR]: ...
    def destroy(self, record_id: int | str) -> Any:
        """``DELETE {parent}/{id}/{segment}/{id}.json``."""
        return self.collection.destroy(record_id)

    @overload
    def all(self: RelatedList[SR], params: Any = None) -> list[SR]: ...
    @overload
    def all(self: RelatedList[AR], params: Any = None) -> Coroutine[Any, Any, list[AR]]: ...
    def all(self, params: Any = None) -> Any:
        """``GET {parent}/{id}/{segment}.json``: fetched again, all pages."""
        return self.collection.all(params)

    @overload
    def count(self: RelatedList[SR], params: Any = None) -> int: ...
    @overload
    def count(self: RelatedList[AR], params: Any = None) -> Coroutine[Any, Any, int]: ...
    def count(self, params: Any = None) -> Any:
        """``GET {parent}/{id}/{segment}.json?count=1``."""
        return self.collection.count(params)


class relation(Generic[T]):
    """A lazily loaded, cached relation. ``@relation`` over a method that returns the value."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> relation[T]: ...

    @overload
    def __get__(self, instance: Resource[Any], owner: type | None = None) -> T: ...

    def __get__(self, instance: Resource[Any] | None, owner: type | None = None) -> relation[T] | T:
        if instance is None:
            return self
        cache = instance._relations
        if self.name not in cache:
            value = self.func(instance)
            if inspect.isawaitable(value):
                if inspect.iscoroutine(value):
                    value.close()
                raise LightspeedError(
                    f"{self.name} is not loaded yet: with AsyncClient, use "
                    f"`await record.load({self.name!r})` (after that, the attribute reads from the cache)"
                )
            cache[self.name] = value
        found: T = cache[self.name]
        return found


class Resource(LazyRecord, Generic[B]):
    """One record of the API; ``Resource[Async]`` for one of an AsyncClient."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        ignored_types=(relation, property),
        protected_namespaces=(),
        revalidate_instances="never",
    )

    __entity__: ClassVar[str] = ""
    """The record's key in the API's envelopes (``Item``)."""
    __id_field__: ClassVar[str] = ""
    """The primary key field (``itemID``)."""

    # --- the raw record -------------------------------------------------------------------------
    @property
    def attributes(self) -> dict[str, Any]:
        """The record exactly as given or returned by the API."""
        state = self.__pydantic_private__
        found: dict[str, Any] = (state if state is not None else self._state())["_attributes"]
        return found

    @property
    def id(self) -> int:
        """The primary key as an int (0 for a record not saved yet)."""
        return to_int(self._attributes.get(self.__id_field__)) or 0

    def to_dict(self) -> dict[str, Any]:
        """A deep copy of :attr:`attributes`."""
        copied: dict[str, Any] = json.loads(json.dumps(self._attributes, default=str))
        return copied

    def to_json(self) -> str:
        """The attributes as compact JSON."""
        return json.dumps(self._attributes, separators=(",", ":"), ensure_ascii=False, default=str)

    def __repr__(self) -> str:
        parts = (
            [f"{self.__id_field__}={self._attributes.get(self.__id_field__)!r}"] if self.__id_field__ else []
        )
        for name in ("name", "description", "firstName", "title", "number", "address", "url", "city", "note"):
            if name == self.__id_field__:
                continue  # already shown first (Locale's id is its name)
            value = self._attributes.get(name)
            if isinstance(value, str) and value:
                parts.append(f"{name}={value[:40]!r}")
                break
        if not parts:  # no id, no label: the first values it has
            shown = [(k, v) for k, v in self._attributes.items() if isinstance(v, str) and v][:2]
            parts = [f"{key}={value[:40]!r}" for key, value in shown]
        return f"<{type(self).__name__} {' '.join(parts)}>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resource):
            return NotImplemented
        return type(self) is type(other) and self._attributes == other._attributes

    __hash__ = None  # type: ignore[assignment]

    # --- instance methods ----------------------------------------------------------------------
    def _bound(self) -> Host:
        """The collection this record came from (sync or async: their methods share names)."""
        if self._collection is None:
            raise LightspeedError(
                f"this {type(self).__name__} is not bound to a client (build it from a collection)"
            )
        bound: Host = self._collection
        return bound

    def _replace(self, other: Resource[Any]) -> None:
        """Take ``other``'s state in place (after an update); relations are reloaded on next use."""
        other._ensure_validated()
        object.__setattr__(self, "__dict__", other.__dict__)
        object.__setattr__(self, "__pydantic_extra__", other.__pydantic_extra__)
        object.__setattr__(self, "__pydantic_fields_set__", other.__pydantic_fields_set__)
        state = self._state()
        shared = other._state().get("_shared_fields", False)
        state.update(_attributes=other._attributes, _relations={}, _lazy=False, _shared_fields=shared)

    def _take(self, result: object) -> Any:
        """Adopt an answer in place and return this record; with the async client, a coroutine
        that does."""
        if inspect.isawaitable(result):
            return self._take_later(result)
        self._replace(cast("Resource[Any]", result))
        return self

    async def _take_later(self, result: Awaitable[object]) -> Self:
        self._replace(cast("Resource[Any]", await result))
        return self

    @overload
    def update(self: SR, attributes: Mapping[str, Any] | None = None, /, **fields: Any) -> SR: ...
    @overload
    def update(
        self: AR, attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> Coroutine[Any, Any, AR]: ...
    def update(self, attributes: Mapping[str, Any] | None = None, /, **fields: Any) -> Any:
        """``PUT /Account/{accountID}/{Resource}/{id}.json``; updates this object in place.

        With AsyncClient, ``await record.update(...)``."""
        return self._take(self._bound().update(self.id, attributes, **fields))

    @overload
    def destroy(self: SR) -> SR: ...
    @overload
    def destroy(self: AR) -> Coroutine[Any, Any, AR]: ...
    def destroy(self) -> Any:
        """``DELETE /Account/{accountID}/{Resource}/{id}.json``; this object takes the answer."""
        return self._take(self._bound().destroy(self.id))

    @overload
    def archive(self: SR) -> SR: ...
    @overload
    def archive(self: AR) -> Coroutine[Any, Any, AR]: ...
    def archive(self) -> Any:
        """``DELETE /Account/{accountID}/{Resource}/{id}.json`` where the API archives; in place."""
        return self._take(self._bound().archive(self.id))

    def _action(self, name: str, attributes: Mapping[str, Any] | None, fields: dict[str, Any]) -> Any:
        """An action on this record (``sale.refund()``); a coroutine with AsyncClient."""
        return self._bound().action(self.id, name, attributes, **fields)

    @overload
    def reload(self: SR) -> SR: ...
    @overload
    def reload(self: AR) -> Coroutine[Any, Any, AR]: ...
    def reload(self) -> Any:
        """``GET /Account/{accountID}/{Resource}.json?{idField}={id}``; refreshes this object in place."""
        return self._take(self._bound().find(self.id))

    # --- relations ------------------------------------------------------------------------------
    def _load(self, spec: RelationSpec) -> Any:
        """The related value (the async client gives an awaitable instead)."""
        return self._bound().load_relation(self, spec)

    @overload
    def load(self: Resource[Sync], name: str) -> Any: ...
    @overload
    def load(self: Resource[Async], name: str) -> Coroutine[Any, Any, Any]: ...
    def load(self, name: str) -> Any:
        """The relation ``name``, loaded now and cached.

        On the sync client this is ``getattr(record, name)``; on AsyncClient it is awaitable
        (``await item.load("item_matrix")``), after which ``item.item_matrix`` reads the cache.
        """
        descriptor = getattr(type(self), name, None)
        if not isinstance(descriptor, relation):
            raise AttributeError(f"{type(self).__name__} has no relation {name!r}")
        if not self._bound().asynchronous:
            return getattr(self, name)
        return self._load_later(descriptor)

    async def _load_later(self, descriptor: relation[Any]) -> Any:
        if descriptor.name not in self._relations:
            value = descriptor.func(self)
            self._relations[descriptor.name] = await value if inspect.isawaitable(value) else value
        return self._relations[descriptor.name]
