"""Real destinations: an SQLite file per test and, on the PostgreSQL server of
``LIGHTSPEED_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``), a database
of its own per test, dropped afterwards. Without a reachable server the PostgreSQL cases skip with
the reason - except under ``CI=true``, where they fail."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    return os.environ.get("LIGHTSPEED_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(
        "postgresql+psycopg://" + url.split("://", 1)[1], isolation_level="AUTOCOMMIT", pool_pre_ping=True
    )


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine]:
    url = postgres_admin_url()
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        message = f"no PostgreSQL server at {url.split('@')[-1]} ({type(exc).__name__})"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI=true requires one")
        pytest.skip(message + "; set LIGHTSPEED_TEST_POSTGRES_URL")
    yield engine
    engine.dispose()


def new_postgres_database(admin: sa.Engine) -> tuple[str, str]:
    """A fresh database: (its URL, its name)."""
    name = f"lightspeed_sync_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = postgres_admin_url().rsplit("/", 1)[0]
    return f"{base}/{name}", name


def drop_postgres_database(admin: sa.Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def postgres_url(postgres_admin: sa.Engine) -> Iterator[str]:
    url, name = new_postgres_database(postgres_admin)
    yield url
    drop_postgres_database(postgres_admin, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes it runs once on an SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
