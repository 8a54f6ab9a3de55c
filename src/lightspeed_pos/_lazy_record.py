"""A pydantic model that keeps the record as the API sent it and validates it when first read.

A record's own state (its raw dict, the collection it came from, its relations cache, whether it
is validated yet) is one dict in pydantic's ``__pydantic_private__`` slot, not ``PrivateAttr``s:
pydantic would build their defaults on every validation, only for them to be replaced.

:meth:`LazyRecord.many_from_wire` builds a listing page's records without validating them; the
first typed access (``item.defaultCost``, in ``__getattr__``) or a pydantic operation that reads
the fields (``model_dump``, copies, assignment) validates the record, and with it, in one call,
the records of its page still waiting, while the caller holds the page (a record refers to it
weakly). A record read only through its raw dict (an export, a sync), in a page no typed access
touched, is never validated. Records with the same keys share one fields set until one of them
changes.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from pydantic import BaseModel, ValidationError

from ._types import wire_validator
from .errors import InvalidResponseError, InvalidValueError

_SHAPES: dict[tuple[type, tuple[str, ...]], tuple[set[str], tuple[str, ...], bool]] = {}
"""(model, a record's keys in order) -> the fields set and the extras' names of such records (and
``True``: the fields set is shared)."""
_MAX_SHAPES = 1024
_READERS: dict[type, _WireReader] = {}
_TYPED = "typed"
"""``_lazy`` of a record whose typed values are set (validated with its page), its extras and
fields set not yet."""
_SLOTS_SET_LAST = frozenset({"__pydantic_extra__", "__pydantic_fields_set__"})


class _Page(list[Any]):
    """A listing page's records, as :meth:`LazyRecord.many_from_wire` returns them; each record
    refers to it weakly, to validate the page's records together on the first typed access."""

    __slots__ = ("__weakref__",)


class _WireReader:
    """How the records of one model are validated as the API sent them, into records of it.

    The field types' native schemas (:func:`~lightspeed_pos._types.wire_validator`) read the
    values without building an instance, a record or a page of them in one call. What a record's
    keys make of it, its fields set (all its keys: the models have no aliases) and its extras'
    names, is worked out once for all the records with the same keys, and the fields set shared
    by them (2 KB saved a record).
    """

    __slots__ = ("fields", "many", "model", "one")

    def __init__(self, model: type[LazyRecord]) -> None:
        self.model = model
        self.fields = frozenset(model.model_fields)
        self.one = wire_validator(model)
        self.many = wire_validator(model, many=True)

    def read(self, record: LazyRecord, attributes: dict[str, Any]) -> bool:
        """Set ``attributes``' validated values on ``record``; whether its fields set is shared.

        A record the native schemas do not take goes through the field types' own conversions,
        which give the value or raise the error as for any record.
        """
        if self.one is not None:
            try:
                values = self.one.validate_python(attributes)
            except ValidationError:
                pass
            else:
                object.__setattr__(record, "__dict__", values)
                return self.complete(record, attributes)
        done = self.model._validated(attributes)
        set_slot = object.__setattr__
        set_slot(record, "__dict__", done.__dict__)
        set_slot(record, "__pydantic_extra__", done.__pydantic_extra__)
        set_slot(record, "__pydantic_fields_set__", done.__pydantic_fields_set__)
        return False

    def read_page(self, page: list[Any], mark: Any) -> None:
        """Set the typed values of the records of ``page`` still waiting with ``mark``, validated
        in one call (their ``_lazy`` becomes ``_TYPED``). When one of them is not taken natively,
        each is left to be validated alone (``_lazy`` True): its error is its own."""
        model = self.model
        records: list[LazyRecord] = []
        states: list[dict[str, Any]] = []
        for record in page:
            state = record.__pydantic_private__ if type(record) is model else None
            if state is not None and state["_lazy"] is mark:
                records.append(record)
                states.append(state)
        found = None
        if self.many is not None:
            try:
                found = self.many.validate_python([state["_attributes"] for state in states])
            except ValidationError:
                pass
        if found is None:
            for state in states:
                state["_lazy"] = True
            return
        set_slot = object.__setattr__
        for record, state, values in zip(records, states, found, strict=True):
            set_slot(record, "__dict__", values)
            state["_lazy"] = _TYPED

    def complete(self, record: LazyRecord, attributes: dict[str, Any]) -> bool:
        """Set the extras and the fields set of a record whose typed values are set; whether
        its fields set is shared."""
        keys = tuple(attributes)
        fields_set, extras, shared = _SHAPES.get((self.model, keys)) or self._shape(keys)
        set_slot = object.__setattr__
        set_slot(record, "__pydantic_extra__", {name: attributes[name] for name in extras})
        set_slot(record, "__pydantic_fields_set__", fields_set)
        return shared

    def _shape(self, keys: tuple[str, ...]) -> tuple[set[str], tuple[str, ...], bool]:
        extras = tuple(key for key in keys if key not in self.fields)
        if len(_SHAPES) >= _MAX_SHAPES:  # too many different ones seen: each record its own
            return set(keys), extras, False
        return _SHAPES.setdefault((self.model, keys), (set(keys), extras, True))


def _reader(model: type[LazyRecord]) -> _WireReader:
    found = _READERS.get(model)
    if found is None:
        found = _READERS.setdefault(model, _WireReader(model))
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
        shared = False
        if lazy:
            resource = cls.__new__(cls)
        elif given:
            resource = cls._validated(attributes, given=True)
        else:
            resource = cls.__new__(cls)
            shared = _reader(cls).read(resource, attributes)
        object.__setattr__(
            resource,
            "__pydantic_private__",
            {
                "_attributes": attributes,
                "_collection": collection,
                "_relations": {},
                "_lazy": lazy,
                "_shared_fields": shared,
            },
        )
        return resource

    @classmethod
    def many_from_wire(cls, records: list[dict[str, Any]], collection: Any) -> list[Self]:
        """The records of a listing page, validated together on the first typed access of one
        of them while the page is held (else each on its own first typed access). The hot path of
        every listing: one allocation of the record and one of its state, nothing else."""
        new = cls.__new__
        set_slot = object.__setattr__
        found = _Page()
        mark = weakref.ref(found)
        for attributes in records:
            resource = new(cls)
            set_slot(
                resource,
                "__pydantic_private__",
                {"_attributes": attributes, "_collection": collection, "_relations": None, "_lazy": mark},
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
        if state["_lazy"]:
            self._validate_now(state)

    def _validate_now(self, state: dict[str, Any]) -> None:
        # ``_lazy``: True (to be validated alone), a weak reference to the record's page (to be
        # validated with it), or ``_TYPED`` (the typed values set, the rest to do). The values are
        # set slot by slot; the record's private state is never touched but for its flags, so a
        # thread reading ``attributes`` meanwhile sees it whole. A shared fields set is copied by
        # the first assignment (``_own_fields_set``).
        reader = _reader(type(self))
        mark = state["_lazy"]
        if mark is not True and mark is not _TYPED:
            page = mark()
            if page is not None:
                reader.read_page(page, mark)
        if state["_lazy"] is _TYPED:
            state["_shared_fields"] = reader.complete(self, state["_attributes"])
        else:
            state["_shared_fields"] = reader.read(self, state["_attributes"])
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
            # The extras and the fields set are read from their slots, by pydantic too: they are
            # set with the rest of the record's validation, typed values set or not.
            if not name.startswith("__") or name in _SLOTS_SET_LAST:
                state = self.__pydantic_private__
                if state is not None and state["_lazy"]:
                    self._validate_now(state)
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
