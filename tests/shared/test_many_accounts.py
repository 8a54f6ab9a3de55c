"""The many-accounts acceptance, small: 20 sandbox accounts synced by ``lightspeed sync --workers 2``
(tokens and buckets in Redis, the job queue in PostgreSQL): every account's tables equal the API
and the sandbox answered no request with 429. ``make bench`` runs it with 200 accounts and 4
processes (:func:`benchmarks.shared.measure_accounts`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from benchmarks.shared import Accounts, measure_accounts


@pytest.mark.timeout(240)
def test_twenty_accounts_two_worker_processes(
    postgres_url: str, shared_redis_url: str, tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text("")
    environment = {
        **os.environ,
        "LIGHTSPEED_CONFIG": str(tmp_path / "config.toml"),
        "LIGHTSPEED_TOKEN_FILE": str(tmp_path / "tokens.json"),
    }
    row = measure_accounts(
        Accounts(accounts=20, processes=2, items=10, time_scale=20), postgres_url, environment
    )
    assert row.details["exit"] == 0, row.details["stderr"]
    assert row.details["mismatched_accounts"] == 0 and row.value == 20
    assert row.details["429s"] == 0
    assert row.passed
