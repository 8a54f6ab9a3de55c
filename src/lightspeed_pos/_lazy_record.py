"""A pydantic model that keeps the record as the API sent it and validates it when first read.

A record's own state (its raw dict, the collection it came from, its relations cache, whether it
is validated yet) is one dict in pydantic's ``__pydantic_private__`` slot, not ``PrivateAttr``s:
pydantic would build their defaults on every validation, only for them to be replaced.

:meth:`LazyRecord.many_from_wire` builds a listing page's records without validating them; the
first typed access (``item.defaultCost``, in ``__getattr__``) or a pydantic operation that reads
the fields (``model_dump``, copies, assignment) validates the record. A record read only through
its raw dict (an export, a sync) is never validated. Records with the same keys share one fields
set until one of them changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ValidationError

from .errors import InvalidResponseError, InvalidValueError

_FIELDS_SETS: dict[tuple[type, tuple[str, ...]], set[str]] = {}
_MAX_FIELDS_SETS = 1024


def _shared_fields_set(model: type, keys: tuple[str, ...], fields_set: set[str]) -> set[str] | None:
    """The one fields set of the records of ``model`` whose raw keys are ``keys`` (``None`` once
    too many different ones were seen: the record then keeps its own)."""
    found = _FIELDS_SETS.get((model, keys))
    if found is None and len(_FIELDS_SETS) < _MAX_FIELDS_SETS:
        found = _FIELDS_SETS.setdefault((model, keys), fields_set)
    return found


def _state_getter(name: str) -> Callable[[Any], Any]:
    def get(resource: Any) -> Any:
        return resource._state()[name]

    get.__name__ = name
    return get


class LazyRecord(BaseModel):
    """The base of :class:`~lightspeed_pos._resource.Resource`: raw dict, lazy validation."""

    # The record's own state lives in pydantic's ``__pydantic_private__`` slot, as one dict, but
    # is not declared with ``PrivateAttr``: pydantic would then build defaults for it on every
    # validation (a sixth of a listing's validation time), only for ``from_wire`` to replace them.
    if TYPE_CHECKING:
        _attributes: dict[str, Any]
        _collection: Any
        _relations: dict[str, Any]
    else:
        _attributes = property(_state_getter("_attributes"))
        _collection = property(_state_getter("_collection"))
        _relations = property(lambda self: self._relations_cache())

    @classmethod
    def from_wire(
        cls,
        attributes: dict[str, Any],
        collection: Any = None,
        *,
        lazy: bool = False,
        given: bool = False,
    ) -> Self:
        """A resource from a record as the API sent it, or as the user gave it (``given``: then
        ints, Decimals, floats, bools and datetimes are converted as the wire would carry them,
        and what cannot be is an :class:`InvalidValueError`).

        ``lazy=True`` (the records of a listing) defers validation to the first typed access
        (``item.defaultCost``): a record read only through :attr:`attributes` (an export, a sync)
        is never validated. A value of the wrong type then raises :class:`InvalidResponseError`
        at that first access instead of here.
        """
        resource = cls.__new__(cls) if lazy else cls._validated(attributes, given=given)
        object.__setattr__(
            resource,
            "__pydantic_private__",
            {"_attributes": attributes, "_collection": collection, "_relations": {}, "_lazy": lazy},
        )
        return resource

    @classmethod
    def many_from_wire(cls, records: list[dict[str, Any]], collection: Any) -> list[Self]:
        """The records of a listing page, each validated on its first typed access (the hot path of
        every listing: one allocation of the record and one of its state, nothing else)."""
        new = cls.__new__
        set_slot = object.__setattr__
        found = []
        for attributes in records:
            resource = new(cls)
            set_slot(
                resource,
                "__pydantic_private__",
                {"_attributes": attributes, "_collection": collection, "_relations": None, "_lazy": True},
            )
            found.append(resource)
        return found

    @classmethod
    def _validated(cls, attributes: dict[str, Any], *, given: bool = False) -> Self:
        """``attributes`` validated into a new instance (its private state not set)."""
        try:
            return cls.__pydantic_validator__.validate_python(attributes)  # type: ignore[no-any-return]
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            entity = getattr(cls, "__entity__", "") or cls.__name__
            if given:
                raise InvalidValueError(
                    f"{entity} field {where!r} cannot take {first['input']!r} ({first['msg']})"
                ) from exc
            raise InvalidResponseError(
                f"{entity} field {where!r} has a value of the wrong type: "
                f"{first['input']!r} ({first['msg']})",
                body=attributes,
            ) from exc

    def _relations_cache(self) -> dict[str, Any]:
        """The relations loaded so far (made on first use: most records never load one)."""
        state = self._state()
        cache: dict[str, Any] | None = state["_relations"]
        if cache is None:
            cache = state["_relations"] = {}
        return cache

    def _state(self) -> dict[str, Any]:
        """The private state, created empty for a model built by pydantic (``Item(...)``)."""
        state = self.__pydantic_private__
        if state is None:
            state = {"_attributes": {}, "_collection": None, "_relations": {}, "_lazy": False}
            object.__setattr__(self, "__pydantic_private__", state)
        return state

    def _ensure_validated(self) -> None:
        """Validate a lazily built record now (once): its typed fields and extras appear."""
        state = self._state()
        if not state["_lazy"]:
            return
        # Validated into a fresh instance, whose parts are then taken: the record's private state
        # is never touched, so a thread reading ``attributes`` meanwhile sees it whole.
        attributes = state["_attributes"]
        done = type(self)._validated(attributes)
        object.__setattr__(self, "__dict__", done.__dict__)
        object.__setattr__(self, "__pydantic_extra__", done.__pydantic_extra__)
        # Records with the same keys have the same fields set: they share one (2 KB saved a
        # record), copied by the first assignment (``_own_fields_set``).
        fields_set = done.__pydantic_fields_set__
        shared = _shared_fields_set(type(self), tuple(attributes), fields_set)
        object.__setattr__(self, "__pydantic_fields_set__", fields_set if shared is None else shared)
        state["_shared_fields"] = shared is not None
        state["_lazy"] = False

    def _own_fields_set(self) -> None:
        """Validate, and give the record a fields set of its own before it changes."""
        self._ensure_validated()
        state = self._state()
        if state.get("_shared_fields"):
            object.__setattr__(self, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
            state["_shared_fields"] = False

    if not TYPE_CHECKING:  # as pydantic's own: a type checker still refuses unknown attributes

        def __getattr__(self, name: str) -> Any:
            if not name.startswith("__"):
                state = self.__pydantic_private__
                if state is not None and state["_lazy"]:
                    self._ensure_validated()
                    return getattr(self, name)
            return super().__getattr__(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._own_fields_set()
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        self._own_fields_set()
        super().__delattr__(name)

    # pydantic's methods that read the fields directly: the record is validated first
    def model_dump(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._ensure_validated()
        return super().model_dump(*args, **kwargs)

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        self._ensure_validated()
        return super().model_dump_json(*args, **kwargs)

    def model_copy(self, *args: Any, **kwargs: Any) -> Self:
        self._ensure_validated()
        return super().model_copy(*args, **kwargs)

    @property
    def model_fields_set(self) -> set[str]:
        self._own_fields_set()
        return self.__pydantic_fields_set__

    def __copy__(self) -> Self:
        self._ensure_validated()
        return super().__copy__()

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        self._ensure_validated()
        return super().__deepcopy__(memo)

    def __getstate__(self) -> dict[Any, Any]:
        self._ensure_validated()
        return super().__getstate__()

    def __iter__(self) -> Any:
        self._ensure_validated()
        return super().__iter__()
