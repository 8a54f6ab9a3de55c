"""``LIGHTSPEED_REDIS_URL``: the command shares the bucket and the tokens through Redis."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lightspeed_pos.cli import build_app
from lightspeed_pos.oauth import TokenSet
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.shared import RedisState

from ._support import peek_bucket
from .conftest import drop_namespace


@pytest.fixture
def client_id() -> str:
    return f"cli-{secrets.token_hex(4)}"


@pytest.fixture
def shared_for_cli(shared_redis_url: str, client_id: str) -> Iterator[RedisState]:
    state = RedisState(shared_redis_url, namespace=f"lightspeed-{client_id}")
    yield state
    drop_namespace(state)
    state.close()


def test_the_command_keeps_its_bucket_and_tokens_in_redis(
    tmp_path: Path, shared_redis_url: str, client_id: str, shared_for_cli: RedisState
) -> None:
    sandbox = Sandbox(items=30, client_id=client_id, time_scale=50)
    pair = sandbox.issue_tokens()
    token_file = tmp_path / "tokens.json"
    tokens = TokenSet(pair.access_token, pair.refresh_token, expires_at=time.time() + 3600, obtained_at=1.0)
    token_file.write_text(json.dumps(tokens.to_dict()))
    config = tmp_path / "config.toml"
    config.write_text("")
    with sandbox.serve() as where:
        env = {
            "LIGHTSPEED_CONFIG": str(config),
            "LIGHTSPEED_CLIENT_ID": client_id,
            "LIGHTSPEED_CLIENT_SECRET": sandbox.client_secret,
            "LIGHTSPEED_BASE_URL": where.base_url,
            "LIGHTSPEED_AUTH_URL": where.auth_url,
            "LIGHTSPEED_TOKEN_FILE": str(token_file),
            "LIGHTSPEED_ACCOUNT_ID": str(sandbox.account_id),
            "LIGHTSPEED_REDIS_URL": shared_redis_url,
        }
        result = CliRunner().invoke(build_app(), ["list", "items", "--limit", "3"], env=env)
        assert result.exit_code == 0, result.output
        shown = CliRunner().invoke(build_app(), ["config"], env=env)
    assert shared_redis_url not in shown.output and "redis_url" in shown.output
    stored = shared_for_cli.token_store(f"account-{sandbox.account_id}").load()
    assert stored is not None and stored.refresh_token == pair.refresh_token  # copied in from the file
    view = peek_bucket(shared_for_cli, sandbox.account_id)
    assert view[4] == b"1"  # the bucket in Redis learned from the answers' headers
