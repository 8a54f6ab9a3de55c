"""What a record is bound to, for the type checker and at run time.

A record (``Item``) is generic over its binding: ``Item[Sync]`` (plain ``Item``) came from a
:class:`~lightspeed_pos.Client`, and its methods answer at once; ``Item[Async]`` came from an
:class:`~lightspeed_pos.AsyncClient`, and its methods are awaited (``await item.update(...)``).
The markers exist for annotations only: at run time a record is the same class either way, and
what it does depends on the collection it holds (the methods a record calls on it are declared
by :class:`Host`, which :class:`~lightspeed_pos._collection_base.CollectionBase` implements).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from typing_extensions import TypeVar

if TYPE_CHECKING:
    from ._resource import RelationSpec, Resource


class Sync:
    """Records of a :class:`~lightspeed_pos.Client`: ``Item[Sync]``, the default (``Item``)."""


class Async:
    """Records of an :class:`~lightspeed_pos.AsyncClient`: ``Item[Async]``."""


B = TypeVar("B", Sync, Async, default=Sync)
"""A record's binding: :class:`Sync` or :class:`Async`."""


class Host(Protocol):
    """What a record calls on the collection it came from: a ``Collection`` answers, an
    ``AsyncCollection`` returns coroutines (each declares these with its own return types)."""

    asynchronous: bool
    client: Any

    def find(self, record_id: int | str, params: Any = None) -> object: ...

    def update(
        self, record_id: int | str, attributes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> object: ...

    def destroy(self, record_id: int | str) -> object: ...

    def archive(self, record_id: int | str) -> object: ...

    def action(
        self,
        record_id: int | str,
        name: str,
        attributes: Mapping[str, Any] | None = None,
        /,
        **fields: Any,
    ) -> object: ...

    def load_relation(self, resource: Resource[Any], spec: RelationSpec) -> object: ...
