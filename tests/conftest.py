"""Test-wide settings: the network is blocked (loopback only) unless recording new traffic."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

RECORD_ENV = ("LIGHTSPEED_OAUTH_TOKEN", "LIGHTSPEED_OAUTH_REFRESH_TOKEN", "LIGHTSPEED_ACCOUNT_ID")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--record",
        action="store_true",
        default=False,
        help="record new interactions against the real API (needs " + ", ".join(RECORD_ENV) + ")",
    )


def recording(config: pytest.Config) -> bool:
    return bool(config.getoption("--record")) and all(os.environ.get(name) for name in RECORD_ENV)


def _loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX and friends
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _block_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never reach the internet: any connection off 127.0.0.0/8 or ::1 fails."""
    if recording(request.config):
        yield
        return
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(sock: socket.socket, address: Any) -> Any:
        if not _loopback(address):
            raise OSError(f"tests may not connect to {address!r}: the network is blocked")
        return real_connect(sock, address)

    def guarded_ex(sock: socket.socket, address: Any) -> Any:
        if not _loopback(address):
            raise OSError(f"tests may not connect to {address!r}: the network is blocked")
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)
    yield
