"""What a write hook is: per-entity write behaviour where the real API differs from plain storage.

Each table may have :class:`Hooks`: ``before`` validates and completes a draft record before it
is stored (and may return an ``after`` callback run once the record has its id), ``on_delete``
vetoes or reacts to a DELETE. The hooks live with their domain (``sales/totals.py``, ``items.py``,
``categories.py``, ``contacts.py``, ``shops.py``, ``transfers.py``); ``engine/writes.py``'s ``HOOKS``
says which table has which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine.formatting import (
    Record,
)
from ..engine.store import AccountStore

After = Callable[[Record], None]


@dataclass
class Ctx:
    """What a hook may use: the account's store and the write's timestamp."""

    store: AccountStore
    now: str


@dataclass(frozen=True)
class Hooks:
    before: Callable[[Ctx, Record, dict[str, Any], Record | None], After | None] | None = None
    on_delete: Callable[[Ctx, Record], After | None] | None = None
    response_relations: tuple[str, ...] = ()
    """Relations a POST/PUT answer carries without ``load_relations`` (Item ItemShops…)."""


# -- contacts ---------------------------------------------------------------------------------


# -- items ------------------------------------------------------------------------------------


# -- categories -------------------------------------------------------------------------------
