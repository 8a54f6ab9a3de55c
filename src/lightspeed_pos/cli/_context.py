"""What every command shares: the settings, the OAuth session, the client, errors and ``--debug``.

:class:`CliState` is built by the top-level callback from the global options and handed to the
commands (``ctx.obj``); it makes the session and the client on first use and closes them at the
end. With ``--sandbox`` both talk to an in-process :class:`~lightspeed_pos.sandbox.Sandbox` and
the session logs in through the sandbox's own authorize endpoint (tokens in memory unless
``--token-file``). :func:`guarded` turns any failure into one ``Error: ...`` line on stderr and
an exit status: 1, or 130 after Ctrl-C.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import httpx2
import typer

from lightspeed_pos._catalog import ResourceSpec, catalog
from lightspeed_pos._redact import redact
from lightspeed_pos.errors import LightspeedError, LoginRequiredError

from ._config import Settings
from ._errors import silence_stdout
from ._resources import resolve_resource

if TYPE_CHECKING:
    from lightspeed_pos import Client, Collection
    from lightspeed_pos.oauth import OAuthSession, TokenStore
    from lightspeed_pos.sandbox import Sandbox, SandboxState
    from lightspeed_pos.shared import RedisState

__all__ = [
    "CliState",
    "enable_debug",
    "fail",
    "guarded",
    "make_sandbox",
    "redact",
    "sandbox_login",
    "state_of",
]

P = ParamSpec("P")
T = TypeVar("T")

logger = logging.getLogger("lightspeed_pos.cli")


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts: a token never reaches the terminal, even by accident."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def enable_debug(stream: Any = None) -> Callable[[], None]:
    """Log ``lightspeed_pos`` (requests, waits, retries, refreshes) at DEBUG to stderr; returns
    the function that undoes it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter("debug: %(message)s"))
    root = logging.getLogger("lightspeed_pos")
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)

    def undo() -> None:
        root.removeHandler(handler)
        root.setLevel(level)

    return undo


def make_sandbox(state: SandboxState | None = None) -> Sandbox:
    """The in-process sandbox behind ``--sandbox`` (a seeded store, the default limits), keeping its
    data in ``state`` when given."""
    from lightspeed_pos.sandbox import Sandbox

    return Sandbox(state=state)


@dataclass(frozen=True)
class SandboxTarget:
    """What ``--sandbox`` talks to: the in-process sandbox, or a running ``sandbox serve``."""

    client_id: str
    client_secret: str
    auth_url: str
    base_url: str
    transport: httpx2.BaseTransport | None
    """The in-process transport; ``None`` for a served sandbox (plain HTTP to 127.0.0.1)."""
    description: str


def sandbox_login(session: OAuthSession, sandbox_transport: httpx2.BaseTransport | None) -> None:
    """The authorization-code flow against the sandbox's authorize endpoint, with no browser:
    ``GET /auth/oauth/authorize`` (auto-approved), then the code from its redirect is exchanged."""
    request = session.authorization_url()
    with httpx2.Client(transport=sandbox_transport) as http:
        answer = http.get(request.url, follow_redirects=False)
    location = answer.headers.get("location")
    if answer.status_code != 302 or not location:
        raise LoginRequiredError(f"the sandbox's authorize endpoint answered {answer.status_code}")
    session.exchange_code(location)


def _log_request(request: httpx2.Request) -> None:
    logger.debug("%s %s", request.method, request.url)


@dataclass
class CliState:
    """The global options, and the session and client made from them on first use."""

    settings: Settings
    sandbox_mode: bool = False
    debug: bool = False
    _sandbox: Sandbox | None = None
    _target: SandboxTarget | None = None
    _session: OAuthSession | None = None
    _client: Client | None = None
    _account_id: int | None = None
    _closers: list[Callable[[], object]] = field(default_factory=list)
    _shared: RedisState | None = None

    def sandbox_state(self) -> SandboxState | None:
        """The state file of ``--sandbox`` (``sandbox_state``; ``off`` for none)."""
        from lightspeed_pos.sandbox import SandboxState, default_state_path

        raw = self.settings.get("sandbox_state")
        if raw is not None and raw.strip().lower() in ("", "off", "none"):
            return None
        return SandboxState(raw or default_state_path())

    @property
    def sandbox(self) -> Sandbox:
        """The in-process sandbox; with a state file, its data is loaded now and saved at the end
        (the state's lock is held in between, so two commands never interleave)."""
        if self._sandbox is None:
            state = self.sandbox_state()
            if state is None:
                self._sandbox = make_sandbox()
            else:
                locked = contextlib.ExitStack()
                locked.enter_context(state.lock())
                self._closers.append(locked.close)
                self._sandbox = make_sandbox(state)
                self._closers.append(self._sandbox.save_state)
        return self._sandbox

    def sandbox_target(self) -> SandboxTarget:
        """A running ``lightspeed sandbox serve`` on the same state, else the in-process sandbox."""
        if self._target is None:
            state = self.sandbox_state()
            served = state.served() if state is not None else None
            if served is not None:
                self._target = SandboxTarget(
                    served.client_id,
                    served.client_secret,
                    f"{served.origin}/auth/oauth",
                    f"{served.origin}/API/V3",
                    None,
                    f"the sandbox served on {served.origin} by process {served.pid}",
                )
            else:
                sandbox = self.sandbox
                self._target = SandboxTarget(
                    sandbox.client_id,
                    sandbox.client_secret,
                    sandbox.auth_url,
                    sandbox.base_url,
                    sandbox.transport(),
                    "the in-process sandbox: no request leaves this process",
                )
        return self._target

    def _transport(self) -> httpx2.BaseTransport | None:
        return self.sandbox_target().transport if self.sandbox_mode else None

    def store(self) -> TokenStore:
        from lightspeed_pos.oauth import FileTokenStore, MemoryTokenStore

        path = self.settings.get("token_file")
        if self.sandbox_mode and path is None:
            return MemoryTokenStore()
        shared = self.shared_state()
        if shared is not None:
            return shared_token_store(shared, self.settings.get("account_id"), FileTokenStore(path))
        return FileTokenStore(path)

    def shared_state(self) -> RedisState | None:
        """The Redis state of ``LIGHTSPEED_REDIS_URL`` (or ``redis_url`` in the config): the bucket
        and the tokens shared with every other process using it. Not with ``--sandbox`` (an
        in-process sandbox is this process's own)."""
        url = self.settings.get("redis_url")
        if not url or self.sandbox_mode:
            return None
        if self._shared is None:
            from lightspeed_pos.shared import RedisState

            client_id = self.settings.get("client_id") or "default"
            self._shared = RedisState(url, namespace=f"lightspeed-{client_id}")
            self._closers.append(self._shared.close)
        return self._shared

    def session(self, *, redirect_uri: str | None = None, login: bool = True) -> OAuthSession:
        """The OAuth session; with ``--sandbox`` it is logged in already (unless ``login=False``)."""
        if self._session is not None and redirect_uri is None:
            return self._session
        from lightspeed_pos.oauth import OAuthSession

        options: dict[str, Any] = {"store": self.store(), "transport": self._transport()}
        if self.settings.get("scope"):
            options["scope"] = self.settings.get("scope")
        if self.sandbox_mode:
            target = self.sandbox_target()
            session = OAuthSession(
                target.client_id, target.client_secret, auth_url=target.auth_url, **options
            )
            if login:
                sandbox_login(session, target.transport)
        else:
            client_id = self.settings.get("client_id")
            if not client_id:
                raise ValueError(
                    "no OAuth client id: pass --client-id, set LIGHTSPEED_CLIENT_ID or add client_id "
                    "to the config file (or try --sandbox)"
                )
            from lightspeed_pos.oauth import DEFAULT_AUTH_URL

            session = OAuthSession(
                client_id,
                self.settings.get("client_secret"),
                auth_url=self.settings.get("auth_url") or DEFAULT_AUTH_URL,
                redirect_uri=redirect_uri or self.settings.get("redirect_uri"),
                **options,
            )
        self._closers.append(session.close)
        self._session = session
        return session

    def client(self) -> Client:
        if self._client is None:
            from lightspeed_pos import DEFAULT_BASE_URL, Client

            base_url = self.sandbox_target().base_url if self.sandbox_mode else self.settings.get("base_url")
            http = httpx2.Client(
                transport=self._transport(), timeout=30.0, event_hooks={"request": [_log_request]}
            )
            self._closers.append(http.close)
            holder: Any
            if self.plain_token:
                from lightspeed_pos import AccessToken

                holder = AccessToken(self.settings.get("access_token") or "")
            else:
                holder = self.session()
            self._client = Client(
                holder, base_url=base_url or DEFAULT_BASE_URL, http_client=http, shared=self.shared_state()
            )
        return self._client

    @property
    def plain_token(self) -> bool:
        """Whether a plain access token (``--token`` / ``LIGHTSPEED_ACCESS_TOKEN``) is in force."""
        return bool(self.settings.get("access_token")) and not self.sandbox_mode

    def account_id(self) -> int:
        """``--account-id`` / ``LIGHTSPEED_ACCOUNT_ID`` / config; else the token's account; else the
        first account the token sees (``GET /Account.json``)."""
        if self._account_id is None:
            configured = self.settings.account_id
            tokens = None if self.plain_token else self.session().tokens
            if configured is not None:
                self._account_id = configured
            elif tokens is not None and tokens.account_id is not None:
                self._account_id = tokens.account_id
            else:
                first = self.client().accounts.first()
                if first is None:
                    raise ValueError("the token sees no account")
                self._account_id = int(first.id)
        return self._account_id

    def collection(self, resource: str) -> tuple[ResourceSpec, Collection[Any]]:
        """The catalogue row and the collection for a name given on the command line."""
        spec = catalog().get(resource) if resource in catalog() else resolve_resource(resource)
        client = self.client()
        if spec.scope == "global":
            return spec, client.collection(spec.name)
        return spec, client.collection(spec.name, account_id=self.account_id())

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()


def shared_token_store(shared: RedisState, account_id: str | None, local: TokenStore) -> TokenStore:
    """The tokens in Redis, named after the account; the first use copies in the local file's."""
    store = shared.token_store(f"account-{account_id}" if account_id else "default")
    if store.load() is None:
        tokens = local.load()
        if tokens is not None:
            with store.lock():
                if store.load() is None:
                    store.save(tokens)
    return store


def state_of(ctx: typer.Context) -> CliState:
    state = ctx.find_root().obj
    if not isinstance(state, CliState):
        raise RuntimeError("the lightspeed callback did not run")
    return state


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``Error: message`` on stderr; return the ``typer.Exit`` to raise."""
    typer.echo(f"Error: {redact(message)}", err=True)
    return typer.Exit(code)


EXTRAS = {
    "sqlalchemy": "sync",
    "psycopg": "sync",
    "redis": "redis",
    "uvicorn": "sandbox",
    "keyring": "keyring",
    "cryptography": "buttons",
    "opentelemetry": "otel",
    "orjson": "fast",
}
"""Optional packages and the extra of lightspeed-pos that brings each (README, "Extras")."""


def missing_extra(exc: BaseException) -> str | None:
    """For a missing optional package, the line that names the extra to install."""
    if not isinstance(exc, ModuleNotFoundError) or "pip install" in str(exc):
        return None  # not a missing package, or the library's own message names the extra already
    package = (exc.name or "").split(".")[0]
    extra = EXTRAS.get(package)
    return f"this command needs {package}: pip install 'lightspeed-pos[{extra}]'" if extra else None


def error_message(exc: BaseException) -> str:
    """One line saying what went wrong."""
    if (extra := missing_extra(exc)) is not None:
        return extra
    if isinstance(exc, LoginRequiredError) and "lightspeed login" not in str(exc):
        return f"{exc} (run `lightspeed login`)"
    if isinstance(exc, LightspeedError | ValueError | OSError | ImportError):
        text = str(exc) or type(exc).__name__
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def guarded(command: Callable[P, T]) -> Callable[P, T]:
    """Run a command so that it ends with one clear line and an exit status, never a traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # an exit status already chosen, or a usage error (exit 2) shown by the app
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
            silence_stdout()
            raise typer.Exit(0) from None
        except Exception as exc:  # every failure becomes one line: the point of this wrapper
            if logging.getLogger("lightspeed_pos").isEnabledFor(logging.DEBUG):
                logger.debug("%s", type(exc).__name__, exc_info=exc)
            raise fail(error_message(exc)) from None

    return run
