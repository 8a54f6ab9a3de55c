"""Where tokens live between runs: the :class:`TokenStore` protocol and three stores.

:class:`MemoryTokenStore` (one process), :class:`FileTokenStore` (a 0600 JSON file written
atomically, with a cross-process lock; the default) and :class:`KeyringTokenStore` (the system
keyring through the optional ``keyring`` package, imported only when the store is built).
A database or a secrets manager plugs in by implementing the four methods of the protocol.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import LightspeedError
from ._lock import FileLock
from ._tokens import TokenSet

__all__ = [
    "APP_NAME",
    "FileTokenStore",
    "KeyringTokenStore",
    "MemoryTokenStore",
    "TokenStore",
    "default_token_path",
]

logger = logging.getLogger("lightspeed_pos")

APP_NAME = "lightspeed-pos"
DEFAULT_FILE_NAME = "tokens.json"


def default_token_path() -> Path:
    """``tokens.json`` in the platform's config dir (``~/.config/lightspeed-pos`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / DEFAULT_FILE_NAME


@runtime_checkable
class TokenStore(Protocol):
    """Keeps one :class:`TokenSet`; ``lock()`` makes refreshes single-flight across its users.

    ``lock()`` must exclude every process sharing the store (a file lock, a database row lock, an
    advisory lock ...); it need not be reentrant: the session never nests it.
    """

    def load(self) -> TokenSet | None: ...

    def save(self, tokens: TokenSet) -> None: ...

    def clear(self) -> None: ...

    def lock(self) -> AbstractContextManager[None]: ...


class MemoryTokenStore:
    """Tokens in memory, for one process (tests, short scripts, tokens handed over by a caller)."""

    def __init__(self, tokens: TokenSet | None = None) -> None:
        self._tokens = tokens
        self._lock = threading.Lock()

    def load(self) -> TokenSet | None:
        return self._tokens

    def save(self, tokens: TokenSet) -> None:
        self._tokens = tokens

    def clear(self) -> None:
        self._tokens = None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        with self._lock:
            yield

    def __repr__(self) -> str:
        return f"<MemoryTokenStore {'with' if self._tokens is not None else 'without'} tokens>"


class FileTokenStore:
    """A JSON file readable by its owner only (mode 0600), replaced atomically on every save.

    A save writes a temporary file in the same directory, fsyncs it and ``os.replace``-s the old
    one, so a crash leaves either the old file or the new one, never half of one. ``lock()``
    holds a lock on the sibling ``<name>.lock`` file (``fcntl.flock``; an ``O_EXCL`` lock file where
    there is no fcntl) so that processes sharing the file refresh one at a time.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path) if path is not None else default_token_path()
        self._file_lock = FileLock(self.path.with_name(self.path.name + ".lock"), timeout=lock_timeout)

    def __repr__(self) -> str:
        return f"<FileTokenStore {str(self.path)!r}>"

    @property
    def lock_path(self) -> Path:
        return self._file_lock.path

    def lock(self) -> AbstractContextManager[None]:
        return self._file_lock()

    def load(self) -> TokenSet | None:
        """The stored tokens, or ``None`` when there is no file or it cannot be read as tokens."""
        try:
            with open(self.path, "rb") as file:
                mode = os.fstat(file.fileno()).st_mode
                data = file.read()
        except FileNotFoundError:
            return None
        if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
            logger.warning("the token file %s is readable by others (mode %o)", self.path, stat.S_IMODE(mode))
        tokens = _tokens_from(data)
        if tokens is None:
            # The message names the problem, never the content.
            logger.warning("the token file %s is unreadable (not token JSON): ignoring it", self.path)
        return tokens

    def save(self, tokens: TokenSet) -> None:
        """Write ``tokens`` atomically: temporary file (0600), fsync, ``os.replace``, fsync the dir."""
        directory = self.path.parent
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = json.dumps(tokens.to_dict(), indent=2).encode("utf-8")
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                if hasattr(os, "fchmod"):
                    os.fchmod(file.fileno(), 0o600)
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        _fsync_directory(directory)
        logger.debug("saved tokens to %s", self.path)

    def clear(self) -> None:
        """Delete the file (no error when there is none)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        logger.debug("cleared the tokens in %s", self.path)


def _tokens_from(data: bytes) -> TokenSet | None:
    """Tokens read from a stored JSON document, or ``None`` for anything corrupt: not UTF-8, not
    JSON, nested too deep to read, or JSON that is not tokens."""
    try:
        return TokenSet.from_dict(json.loads(data.decode("utf-8")))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(descriptor)
    except OSError:  # pragma: no cover - some filesystems refuse
        pass
    finally:
        os.close(descriptor)


class KeyringTokenStore:
    """Tokens in the system keyring (``pip install 'lightspeed-pos[keyring]'``), as one JSON secret.

    Keyrings have no locks, so ``lock()`` is a file lock (by default in the config dir, named
    after ``username``) that serialises refreshes across processes.
    """

    def __init__(
        self,
        service: str = APP_NAME,
        username: str = "default",
        *,
        lock_path: str | os.PathLike[str] | None = None,
        lock_timeout: float = 60.0,
    ) -> None:
        try:
            self._keyring: Any = importlib.import_module("keyring")
        except ImportError as exc:
            raise LightspeedError(
                "KeyringTokenStore needs the keyring package: pip install 'lightspeed-pos[keyring]' "
                "(or use FileTokenStore)"
            ) from exc
        self.service = service
        self.username = username
        if lock_path is None:
            lock_path = default_token_path().with_name(f"keyring-{username}.lock")
        self._file_lock = FileLock(lock_path, timeout=lock_timeout)

    def __repr__(self) -> str:
        return f"<KeyringTokenStore service={self.service!r} username={self.username!r}>"

    def lock(self) -> AbstractContextManager[None]:
        return self._file_lock()

    def load(self) -> TokenSet | None:
        secret = self._keyring.get_password(self.service, self.username)
        if not secret:
            return None
        tokens = _tokens_from(secret.encode("utf-8", "surrogatepass"))
        if tokens is None:
            logger.warning(
                "the keyring entry %s/%s is unreadable (not token JSON)", self.service, self.username
            )
        return tokens

    def save(self, tokens: TokenSet) -> None:
        self._keyring.set_password(self.service, self.username, json.dumps(tokens.to_dict()))
        logger.debug("saved tokens to the keyring (%s/%s)", self.service, self.username)

    def clear(self) -> None:
        errors = importlib.import_module("keyring.errors")
        try:
            self._keyring.delete_password(self.service, self.username)
        except errors.PasswordDeleteError:
            pass
