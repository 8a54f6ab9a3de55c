"""Serving the sandbox on a real socket: uvicorn on 127.0.0.1, in a background thread."""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["ServedSandbox", "bind", "serve_asgi"]

STARTUP_TIMEOUT = 10.0


@dataclass(frozen=True)
class ServedSandbox:
    """Where a served sandbox listens."""

    host: str
    port: int

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base: ``http://127.0.0.1:PORT/API/V3``."""
        return f"{self.origin}/API/V3"

    @property
    def auth_url(self) -> str:
        """The OAuth base: ``http://127.0.0.1:PORT/auth/oauth`` (append ``/authorize``, ``/token`` ...)."""
        return f"{self.origin}/auth/oauth"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a clear ``OSError`` when the port is taken."""
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port must be between 0 and 65535 (0 = any free port), not {port!r}")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        reason = "is in use; try --port 0 for a free one" if exc.errno == errno.EADDRINUSE else exc.strerror
        failure = OSError(f"port {port} {reason}")
        failure.errno = exc.errno
        raise failure from None
    return sock


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "serving the sandbox on a socket needs uvicorn: pip install 'lightspeed-pos[sandbox]'",
            name="uvicorn",
        ) from None
    return uvicorn


@contextmanager
def serve_asgi(asgi: Any, port: int = 0, host: str = "127.0.0.1") -> Iterator[ServedSandbox]:
    """Run ``asgi`` under uvicorn until the block ends; ``port=0`` picks a free port."""
    uvicorn = _uvicorn()
    if port:
        bind(host, port).close()  # a taken port is one clear error here, not uvicorn's traceback
    config = uvicorn.Config(
        asgi,
        host=host,
        port=port,
        http="h11",
        lifespan="off",
        log_config=None,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="lightspeed-sandbox-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the sandbox server did not start on {host}:{port}")
        time.sleep(0.002)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield ServedSandbox(host=host, port=bound_port)
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT)
