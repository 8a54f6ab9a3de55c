"""A sandbox whose data outlives the process: the engine's stores kept in a state file.

The file is the pickled account stores (records, counters) with a header naming its format and the
package version; it is written atomically (a temporary file, fsync, ``os.replace``) with mode 0600
and read only when the header matches, so a file from another version asks for a reset instead of
loading half. A lock file beside it (``fcntl.flock``) keeps two processes from interleaving their
writes. Served sandboxes also leave ``<state>.served.json`` (port, pid, client credentials) so that
``lightspeed --sandbox`` finds a running ``lightspeed sandbox serve`` and talks to it instead of
starting a second copy of the data. Like any pickle, a state file is code: it lives in the user's
own data directory and is never read from anywhere else unless the user names it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["SandboxState", "ServedInfo", "WriteCounter", "default_state_path"]

FORMAT = "lightspeed-pos sandbox state 1"


def default_state_path() -> Path:
    """``sandbox.state`` in the user's data directory (``~/.local/share/lightspeed-pos`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("lightspeed-pos")) / "sandbox.state"


class WriteCounter:
    """The engine as the HTTP pipeline sees it, counting the requests that may change data (every
    method but GET), so that a state file is written only after a write."""

    def __init__(self, engine: Any) -> None:
        self.inner = engine
        self.account_ids: list[int] = engine.account_ids
        self.writes = 0

    def handle(self, request: Any, auth: Any) -> Any:
        if request.method != "GET":
            self.writes += 1
        return self.inner.handle(request, auth)

    def count(self, account_id: int, entity: str, *, include_archived: bool = True) -> int:
        return int(self.inner.count(account_id, entity, include_archived=include_archived))


@dataclass(frozen=True)
class ServedInfo:
    """Where a ``lightspeed sandbox serve`` holding a state file listens."""

    port: int
    pid: int
    client_id: str
    client_secret: str
    account_id: int

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class SandboxState:
    """The state file at ``path``: load, save when changed, lock, and the served-sandbox note."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self._saved_digest: str | None = None

    def __repr__(self) -> str:
        return f"<SandboxState path={str(self.path)!r}>"

    @property
    def served_path(self) -> Path:
        return self.path.with_name(self.path.name + ".served.json")

    # --- the data --------------------------------------------------------------------------------
    def load(self) -> list[Any] | None:
        """The account stores saved in the file; ``None`` when there is no file."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        from lightspeed_pos import __version__

        header, _, body = data.partition(b"\n")
        expected = f"{FORMAT} {__version__}".encode()
        if header != expected:
            raise ValueError(
                f"{self.path} is not a sandbox state of this version; run `lightspeed sandbox reset`"
            )
        try:
            stores: list[Any] = pickle.loads(body)
        except Exception:
            raise ValueError(f"{self.path} is damaged; run `lightspeed sandbox reset`") from None
        self._saved_digest = hashlib.sha256(body).hexdigest()
        return stores

    def save(self, stores: list[Any]) -> bool:
        """Write the stores if they changed since the last load or save; ``True`` when written."""
        from lightspeed_pos import __version__

        body = pickle.dumps(stores, protocol=pickle.HIGHEST_PROTOCOL)
        digest = hashlib.sha256(body).hexdigest()
        if digest == self._saved_digest:
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(f"{FORMAT} {__version__}\n".encode())
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._saved_digest = digest
        return True

    def reset(self) -> bool:
        """Remove the state file; ``True`` if there was one."""
        existed = self.path.exists()
        self.path.unlink(missing_ok=True)
        self._saved_digest = None
        return existed

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the state's lock file (other processes using the same state wait)."""
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- a served sandbox -------------------------------------------------------------------------
    def announce(self, info: ServedInfo) -> None:
        self.served_path.parent.mkdir(parents=True, exist_ok=True)
        self.served_path.write_text(json.dumps(asdict(info)), "utf-8")

    def withdraw(self) -> None:
        self.served_path.unlink(missing_ok=True)

    def served(self) -> ServedInfo | None:
        """The running ``sandbox serve`` that holds this state, if its process is alive."""
        try:
            info = ServedInfo(**json.loads(self.served_path.read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        try:
            os.kill(info.pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return info
