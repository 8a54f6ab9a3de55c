"""Client and AsyncClient expose exactly the same public methods, with the same signatures."""

from __future__ import annotations

import inspect
from typing import Any

import lightspeed_pos as ls


def public(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and (callable(member) or isinstance(member, property))
    }


def shape(member: Any) -> Any:
    if isinstance(member, property):
        return "property"
    signature = inspect.signature(member)
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def test_clients_have_the_same_surface() -> None:
    sync, asynchronous = public(ls.Client), public(ls.AsyncClient)
    assert sync.keys() == asynchronous.keys()
    for name in sync:
        assert shape(sync[name]) == shape(asynchronous[name]), name


def test_collections_have_the_same_surface() -> None:
    sync, asynchronous = public(ls.Collection), public(ls.AsyncCollection)
    assert sync.keys() == asynchronous.keys()
    for name in sync:
        assert shape(sync[name]) == shape(asynchronous[name]), name
        if name in {
            "each",
            "each_page",
            "all",
            "first",
            "find",
            "count",
            "create",
            "update",
            "destroy",
            "archive",
        }:
            member = asynchronous[name]
            assert inspect.iscoroutinefunction(member) or inspect.isasyncgenfunction(member), name


def test_accounts_have_the_same_collections() -> None:
    assert set(public(ls.Account)) == set(public(ls.AsyncAccount))
