"""A cross-process file lock: ``fcntl.flock`` on a lock file, or an ``O_EXCL`` lock file elsewhere.

``flock`` locks are released by the OS when their holder dies, so they never go stale. Where there
is no ``fcntl`` (Windows), the lock is the existence of the lock file, created with ``O_EXCL`` and
removed on release; a holder that crashed leaves it behind, so waiting has a timeout and the error
names the file to delete. Both wait by polling, at most ``timeout`` seconds.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from ..errors import LightspeedError

__all__ = ["FileLock", "LockTimeoutError"]

logger = logging.getLogger("lightspeed_pos")

POLL_INTERVAL = 0.005
MAX_POLL_INTERVAL = 0.05


class LockTimeoutError(LightspeedError):
    """Another process held the token store's lock for longer than the timeout."""


class FileLock:
    """An exclusive lock shared by every process (and thread) that names the same ``path``.

    Not reentrant: a thread that holds it and asks again waits until the timeout.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 60.0,
        use_fcntl: bool | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.use_fcntl = fcntl is not None if use_fcntl is None else use_fcntl
        if self.use_fcntl and fcntl is None:  # pragma: no cover - Windows
            raise ValueError("fcntl is not available on this platform")
        self._sleep = sleep
        self._thread_lock = threading.Lock()

    def __repr__(self) -> str:
        kind = "flock" if self.use_fcntl else "O_EXCL"
        return f"<FileLock {str(self.path)!r} ({kind})>"

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        """Hold the lock for the duration of the ``with`` block."""
        if not self._thread_lock.acquire(timeout=self.timeout):
            raise self._timeout_error()
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600) if self.use_fcntl else None
            try:
                self._wait(
                    lambda: self._try_flock(descriptor) if descriptor is not None else self._try_create()
                )
                logger.debug("took the token store lock %s", self.path)
                try:
                    yield
                finally:
                    self._release(descriptor)
            finally:
                if descriptor is not None:
                    os.close(descriptor)
        finally:
            self._thread_lock.release()

    def _timeout_error(self) -> LockTimeoutError:
        return LockTimeoutError(
            f"could not take the token store lock {str(self.path)!r} within {self.timeout:g} s; "
            "another process holds it (if none does, delete that file)"
        )

    def _wait(self, try_once: Callable[[], bool]) -> None:
        deadline = time.monotonic() + self.timeout
        interval = POLL_INTERVAL
        while not try_once():
            if time.monotonic() >= deadline:
                raise self._timeout_error()
            self._sleep(interval)
            interval = min(interval * 2, MAX_POLL_INTERVAL)

    @staticmethod
    def _try_flock(descriptor: int) -> bool:
        assert fcntl is not None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _try_create(self) -> bool:
        try:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return False
        try:
            os.write(descriptor, str(os.getpid()).encode("ascii"))
        finally:
            os.close(descriptor)
        return True

    def _release(self, descriptor: int | None) -> None:
        if descriptor is not None:
            assert fcntl is not None
            fcntl.flock(descriptor, fcntl.LOCK_UN)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
