"""The account's collections as attributes (``account.items``): the :class:`Child` descriptor.

It belongs with the collections (it answers one), above the models: ``models/account.py`` uses it,
the record models do not.
"""

from __future__ import annotations

from typing import Any, Generic, Self, overload

from typing_extensions import TypeVar

from ._async_collection import AsyncCollection
from ._binding import Async, Sync
from ._collection import Collection
from ._resource import Resource

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
