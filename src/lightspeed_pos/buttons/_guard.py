"""What the ASGI and WSGI middleware share: which paths they guard, and how they refuse."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from ._errors import ButtonError
from ._verify import ButtonVerifier

__all__ = ["PathGuard", "refusal"]

App = TypeVar("App")


class PathGuard(Generic[App]):
    """Verifies the requests under ``paths`` (prefixes) before ``app`` sees them; ``public_origin``
    (``https://app.example.com``) replaces the scheme and host the app sees behind a proxy."""

    def __init__(
        self,
        app: App,
        verifier: ButtonVerifier,
        *,
        paths: Iterable[str] = ("/",),
        public_origin: str | None = None,
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.paths = tuple(paths)
        self.public_origin = public_origin

    def guards(self, path: str) -> bool:
        return path.startswith(self.paths)


def refusal(refused: ButtonError) -> tuple[list[tuple[str, str]], bytes]:
    """The headers and plain-text body that answer a refused request."""
    body = f"{refused}\n".encode()
    return [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))], body
