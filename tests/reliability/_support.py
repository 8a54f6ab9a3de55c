"""Shared by the reliability tests: a tolerant retry policy and reading every collection."""

from __future__ import annotations

from typing import Any

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox

TOLERANT = ls.RetryPolicy(
    max_retries=12, backoff_base=0.001, backoff_max=0.01, max_retry_after=5.0, max_rate_limit_retries=50
)
"""Enough retries for 20% failing attempts, with tiny backoff so a test takes seconds."""

COLLECTIONS = sorted(name for name, value in vars(ls.Account).items() if isinstance(value, property))
"""Every collection of an account (one per listable endpoint)."""


def live_counts(sandbox: Sandbox, account: Any) -> dict[str, int]:
    """The sandbox's own count of unarchived records, per collection."""
    return {
        name: sandbox.engine.count(
            sandbox.account_id, getattr(account, name).spec.name, include_archived=False
        )
        for name in COLLECTIONS
    }


def identity(record: ls.Resource) -> int | str:
    """A record's id; for the rows of id-less reports, the whole row."""
    return record.id or record.to_json()


def read_everything(account: ls.Account) -> dict[str, list[int | str]]:
    """The identity of every record of every collection, read with ``each()``, in order."""
    return {name: [identity(record) for record in getattr(account, name).each()] for name in COLLECTIONS}


async def read_everything_async(account: ls.AsyncAccount) -> dict[str, list[int | str]]:
    """:func:`read_everything` with an ``AsyncClient``."""
    found: dict[str, list[int | str]] = {}
    for name in COLLECTIONS:
        found[name] = [identity(record) async for record in getattr(account, name).each()]
    return found
