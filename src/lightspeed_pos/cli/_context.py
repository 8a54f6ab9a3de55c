"""What every command shares: the settings, the OAuth session, the client, errors and ``--debug``.

:class:`CliState` is built by the top-level callback from the global options and handed to the
commands (``ctx.obj``); it makes the session and the client on first use and closes them at the
end. With ``--sandbox`` both talk to an in-process :class:`~lightspeed_pos.sandbox.Sandbox` and
the session logs in through the sandbox's own authorize endpoint (tokens in memory unless
``--token-file``). :func:`guarded` turns any failure into one ``Error: ...`` line on stderr and
an exit status: 1, or 130 after Ctrl-C.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import httpx2
import typer

from lightspeed_pos._catalog import ResourceSpec
from lightspeed_pos.errors import LightspeedError, LoginRequiredError

from ._config import Settings
from ._errors import silence_stdout
from ._resources import resolve_resource

if TYPE_CHECKING:
    from lightspeed_pos import Client, Collection
    from lightspeed_pos.oauth import OAuthSession, TokenStore
    from lightspeed_pos.sandbox import Sandbox

__all__ = ["CliState", "enable_debug", "fail", "guarded", "make_sandbox", "sandbox_login", "state_of"]

P = ParamSpec("P")
T = TypeVar("T")

logger = logging.getLogger("lightspeed_pos.cli")

_SECRETS = [
    (re.compile(r"(?i)(bearer\s+)[^\s'\"]+"), r"\1***"),
    (re.compile(r"eyJ[\w-]*\.[\w-]*\.[\w-]*"), "***"),
    (re.compile(r"def50200\w+"), "***"),
    (
        re.compile(r"(?i)((?:access_token|refresh_token|client_secret|code_verifier|code)=)[^&\s'\"]+"),
        r"\1***",
    ),
]


def redact(text: str) -> str:
    """``text`` with anything that looks like a token, a secret or a code replaced by ``***``."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


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


def make_sandbox() -> Sandbox:
    """The in-process sandbox behind ``--sandbox`` (a seeded store, the default limits)."""
    from lightspeed_pos.sandbox import Sandbox

    return Sandbox()


def sandbox_login(session: OAuthSession, sandbox_transport: httpx2.BaseTransport) -> None:
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
    _session: OAuthSession | None = None
    _client: Client | None = None
    _account_id: int | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = make_sandbox()
        return self._sandbox

    def _transport(self) -> httpx2.BaseTransport | None:
        return self.sandbox.transport() if self.sandbox_mode else None

    def store(self) -> TokenStore:
        from lightspeed_pos.oauth import FileTokenStore, MemoryTokenStore

        path = self.settings.get("token_file")
        if self.sandbox_mode and path is None:
            return MemoryTokenStore()
        return FileTokenStore(path)

    def session(self, *, redirect_uri: str | None = None, login: bool = True) -> OAuthSession:
        """The OAuth session; with ``--sandbox`` it is logged in already (unless ``login=False``)."""
        if self._session is not None and redirect_uri is None:
            return self._session
        from lightspeed_pos.oauth import OAuthSession

        options: dict[str, Any] = {"store": self.store(), "transport": self._transport()}
        if self.settings.get("scope"):
            options["scope"] = self.settings.get("scope")
        if self.sandbox_mode:
            sandbox = self.sandbox
            session = OAuthSession(
                sandbox.client_id, sandbox.client_secret, auth_url=sandbox.auth_url, **options
            )
            if login:
                sandbox_login(session, sandbox.transport())
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

            base_url = self.sandbox.base_url if self.sandbox_mode else self.settings.get("base_url")
            http = httpx2.Client(
                transport=self._transport(), timeout=30.0, event_hooks={"request": [_log_request]}
            )
            self._closers.append(http.close)
            self._client = Client(self.session(), base_url=base_url or DEFAULT_BASE_URL, http_client=http)
        return self._client

    def account_id(self) -> int:
        """``--account-id`` / ``LIGHTSPEED_ACCOUNT_ID`` / config; else the token's account; else the
        first account the token sees (``GET /Account.json``)."""
        if self._account_id is None:
            configured = self.settings.account_id
            tokens = self.session().tokens
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
        spec = resolve_resource(resource)
        client = self.client()
        if spec.scope == "global":
            return spec, client.collection(spec.name)
        return spec, client.collection(spec.name, account_id=self.account_id())

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()


def state_of(ctx: typer.Context) -> CliState:
    state = ctx.find_root().obj
    if not isinstance(state, CliState):
        raise RuntimeError("the lightspeed callback did not run")
    return state


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``Error: message`` on stderr; return the ``typer.Exit`` to raise."""
    typer.echo(f"Error: {redact(message)}", err=True)
    return typer.Exit(code)


def error_message(exc: BaseException) -> str:
    """One line saying what went wrong."""
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
