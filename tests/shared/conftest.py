"""Real Redis for the shared-state tests: ``LIGHTSPEED_TEST_REDIS_URL`` (default 127.0.0.1:6379).

Each test gets its own namespace (a random key prefix) and its keys are deleted afterwards; the
shared server is never flushed. A test that restarts or flushes Redis starts a private
``redis-server`` on a free port (:func:`private_redis`).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lightspeed_pos.shared import RedisState

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def redis_url() -> str:
    return os.environ.get("LIGHTSPEED_TEST_REDIS_URL", DEFAULT_URL)


def unavailable(reason: str) -> None:
    """Skip with the reason, except under CI, where the servers must be there."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_redis_url() -> str:
    url = redis_url()
    if not RedisState(url, namespace="probe").ping():
        unavailable(f"no Redis at {url} (set LIGHTSPEED_TEST_REDIS_URL)")
    return url


def drop_namespace(state: RedisState) -> None:
    keys = list(state.redis.scan_iter(match=f"{state.namespace}:*", count=500))
    if keys:
        state.redis.delete(*keys)


@pytest.fixture
def state(shared_redis_url: str) -> Iterator[RedisState]:
    """A RedisState with a namespace of its own, removed after the test."""
    made = RedisState(shared_redis_url, namespace=f"test-{secrets.token_hex(6)}")
    yield made
    drop_namespace(made)
    made.close()


@pytest.fixture
def cli_state(shared_redis_url: str) -> Iterator[tuple[str, RedisState]]:
    """An OAuth client id of the test's own and the RedisState the command line uses for it
    (namespace ``lightspeed-<client id>``), its keys removed after the test."""
    client_id = f"workers-{secrets.token_hex(4)}"
    made = RedisState(shared_redis_url, namespace=f"lightspeed-{client_id}")
    yield client_id, made
    drop_namespace(made)
    made.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that may be stopped and started again."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("no redis-server binary to start a private Redis")
        assert binary is not None
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def postgres_server() -> str:
    return os.environ.get("LIGHTSPEED_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A database of this test's own on the test server (dropped afterwards)."""
    import psycopg

    conninfo = postgres_server
    try:
        admin = psycopg.connect(conninfo, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"no PostgreSQL at {postgres_server} ({type(exc).__name__})"
        unavailable(f"{reason}; set LIGHTSPEED_TEST_POSTGRES_URL")
        raise
    name = f"lightspeed_test_{secrets.token_hex(5)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _db = postgres_server.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
