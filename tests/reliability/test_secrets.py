"""No token in the logs, error messages or reprs of a whole run, debug logging on."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Faults, Sandbox, SandboxTokenHolder

from ._support import TOLERANT


class RememberingHolder:
    """Wraps a sandbox holder and remembers every access and refresh token it ever held."""

    def __init__(self, inner: SandboxTokenHolder) -> None:
        self.inner = inner
        self.seen: set[str] = {inner.oauth_token, inner.refresh_token}

    @property
    def oauth_token(self) -> str:
        token = self.inner.oauth_token
        self.seen.add(token)
        return token

    def refresh_oauth_token(self) -> str:
        token = self.inner.refresh_oauth_token()
        self.seen.update({token, self.inner.refresh_token})
        return token


class RefusedHolder:
    """A token the sandbox never issued, refreshed into another: every request ends in a 401."""

    def __init__(self) -> None:
        self.oauth_token = "stale-access-token-0123456789"
        self.seen = {self.oauth_token}

    def refresh_oauth_token(self) -> str:
        self.oauth_token = f"{self.oauth_token}-again"
        self.seen.add(self.oauth_token)
        return self.oauth_token


def test_a_whole_run_leaks_no_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="lightspeed_pos")
    sandbox = Sandbox(items=150, time_scale=1000, token_lifetime=0.05)
    holder = RememberingHolder(sandbox.token_holder())
    texts: list[str] = []
    errors: list[ls.LightspeedError] = []
    with ls.Client(
        holder, base_url=sandbox.base_url, transport=sandbox.transport(), retry_policy=TOLERANT
    ) as client:
        account = client.account(sandbox.account_id)
        items = account.items.all()
        sandbox.faults = Faults(
            error_rate=0.2, drop_rate=0.1, lost_write_rate=0.2, rate_limit_storm=0.05, seed=5
        )
        for call in (
            lambda: account.items.find(999_999),
            lambda: account.sales.create(shopID=1, employeeID=1, registerID=1),
            lambda: account.customers.all(),
            lambda: account.categories.create(name=""),
            lambda: account.items.first(),
        ):
            try:
                texts.append(repr(call()))
            except ls.LightspeedError as error:
                errors.append(error)
        sandbox.faults = Faults(error_rate=1.0)
        strict = ls.Client(holder, base_url=sandbox.base_url, transport=sandbox.transport(), max_retries=0)
        with pytest.raises(ls.ServerError) as failed:
            strict.account(sandbox.account_id).shops.all()
        errors.append(failed.value)
        sandbox.faults = None
        refused = RefusedHolder()
        with pytest.raises(ls.UnauthorizedError) as unauthorized:
            ls.Client(refused, base_url=sandbox.base_url, transport=sandbox.transport()).accounts.all()
        errors.append(unauthorized.value)
        texts += [repr(client), repr(account), repr(account.items), repr(holder.inner), repr(items[:3])]
    assert holder.inner.refresh_count >= 1
    texts += [text for error in errors for text in (str(error), repr(error), repr(error.__cause__))]
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record.args) for record in caplog.records]
    haystack = "\n".join(texts)
    tokens: set[Any] = holder.seen | refused.seen
    assert len(tokens) > 4
    assert [token for token in tokens if token in haystack] == []
