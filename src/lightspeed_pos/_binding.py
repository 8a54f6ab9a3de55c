"""What a record is bound to, for the type checker and at run time.

A record (``Item``) is generic over its binding: ``Item[Sync]`` (plain ``Item``) came from a
:class:`~lightspeed_pos.Client`, and its methods answer at once; ``Item[Async]`` came from an
:class:`~lightspeed_pos.AsyncClient`, and its methods are awaited (``await item.update(...)``).
The markers exist for annotations only: at run time a record is the same class either way, and
what it does depends on the collection it holds (the methods a record calls on it are declared
on :class:`~lightspeed_pos._collection_base.CollectionBase`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, Self, overload

from typing_extensions import TypeVar

if TYPE_CHECKING:
    from ._async_collection import AsyncCollection
    from ._collection import Collection
    from ._resource import Resource


class Sync:
    """Records of a :class:`~lightspeed_pos.Client`: ``Item[Sync]``, the default (``Item``)."""


class Async:
    """Records of an :class:`~lightspeed_pos.AsyncClient`: ``Item[Async]``."""


B = TypeVar("B", Sync, Async, default=Sync)
"""A record's binding: :class:`Sync` or :class:`Async`."""


S = TypeVar("S", bound="Resource[Any]")
A = TypeVar("A", bound="Resource[Any]")


class Child(property, Generic[S, A]):
    """One of the account's collections (``account.items``): a ``Collection`` of ``S`` records on
    an account of a :class:`~lightspeed_pos.Client`, an ``AsyncCollection`` of ``A`` records on one
    of an :class:`~lightspeed_pos.AsyncClient`. Read-only, as a property is (and it is one, for
    whoever lists an account's properties); the client caches the collections."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        """The catalogue row (``Item``)."""

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: Resource[Sync], owner: type | None = None) -> Collection[S]: ...

    @overload
    def __get__(self, instance: Resource[Async], owner: type | None = None) -> AsyncCollection[A]: ...

    def __get__(self, instance: Resource[Any] | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return instance._bound().client.collection(self.name, account_id=instance.id)
