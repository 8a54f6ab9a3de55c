"""``login`` (browser + a redirect caught on 127.0.0.1, or paste the redirect URL), ``logout``, ``whoami``.

The browser flow listens with a tiny ``http.server`` on 127.0.0.1 (a free port, or the port of
a configured loopback ``redirect_uri``) and uses ``http://127.0.0.1:PORT/callback`` as the
redirect URI; the first request that carries ``code`` or ``error`` ends the wait. With
``--no-browser`` the authorize URL is printed and the URL the browser was redirected to is read
from stdin. With ``--sandbox`` the sandbox's authorize endpoint approves at once.
"""

from __future__ import annotations

import datetime as dt
import http.server
import sys
import threading
import time
import webbrowser
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

import typer

from lightspeed_pos.errors import LoginRequiredError
from lightspeed_pos.oauth._session import not_logged_in

from ._context import CliState, guarded, sandbox_login, state_of

__all__ = ["RedirectCatcher", "register"]

_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>lightspeed login</title>"
    b"<p>%s You can close this tab and return to the terminal.</p>"
)


class RedirectCatcher:
    """An HTTP server on 127.0.0.1 that waits for the OAuth redirect (``?code=...`` or ``?error=``)."""

    def __init__(self, port: int = 0, path: str = "/callback") -> None:
        catcher = self
        self.path = path
        self.redirect: str | None = None
        self._done = threading.Event()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = parse_qs(urlsplit(self.path).query)
                if "code" not in query and "error" not in query:
                    self.send_response(404)
                    self.end_headers()
                    return
                catcher.redirect = f"http://127.0.0.1:{catcher.port}{self.path}"
                message = b"Logged in." if "code" in query else b"The login was refused."
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(_PAGE % message)
                catcher._done.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the query holds the code: never log it

        self._server = http.server.HTTPServer(("127.0.0.1", port), Handler)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def __enter__(self) -> RedirectCatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait(self, timeout: float) -> str:
        """The redirect URL, once the browser has come back; ``LoginRequiredError`` after ``timeout``."""
        deadline = time.monotonic() + timeout
        while not self._done.wait(0.2):
            if time.monotonic() > deadline:
                raise LoginRequiredError(f"no redirect reached {self.redirect_uri} within {timeout:g} s")
        assert self.redirect is not None
        return self.redirect


def _loopback_port(redirect_uri: str | None) -> int | None:
    """The port to listen on for a configured redirect URI on 127.0.0.1/localhost over http."""
    if not redirect_uri:
        return 0
    parts = urlsplit(redirect_uri)
    if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost"):
        return parts.port or 80
    return None


def _browser_login(state: CliState, timeout: float) -> None:
    port = _loopback_port(state.settings.get("redirect_uri"))
    if port is None:
        typer.echo("The configured redirect URI is not on 127.0.0.1: paste the redirect instead.", err=True)
        _paste_login(state)
        return
    path = urlsplit(state.settings.get("redirect_uri") or "/callback").path or "/callback"
    with RedirectCatcher(port, path) as catcher:
        session = state.session(redirect_uri=catcher.redirect_uri)
        request = session.authorization_url()
        typer.echo("Opening the browser to log in. If it does not open, visit:", err=True)
        typer.echo(request.url)
        webbrowser.open(request.url)
        session.exchange_code(catcher.wait(timeout))


def _paste_login(state: CliState) -> None:
    session = state.session()
    request = session.authorization_url()
    typer.echo("Open this URL in a browser and log in:", err=True)
    typer.echo(request.url)
    typer.echo("Then paste the URL you were redirected to (or the code):", err=True)
    line = sys.stdin.readline()
    if not line.strip():
        raise LoginRequiredError("no redirect URL was pasted")
    session.exchange_code(line.strip())


def _expiry(expires_at: float | None) -> str:
    if expires_at is None:
        return "unknown"
    left = expires_at - time.time()
    when = dt.datetime.fromtimestamp(expires_at).astimezone().isoformat(timespec="seconds")
    if left <= 0:
        return f"{when} (expired; refreshed on the next request)"
    return f"{when} (in {int(left // 60)} min {int(left % 60)} s)"


def register(app: typer.Typer) -> None:
    """Add ``login``, ``logout`` and ``whoami`` to ``app``."""

    @app.command("login")
    @guarded
    def login(
        ctx: typer.Context,
        no_browser: Annotated[
            bool, typer.Option("--no-browser", help="Print the URL and read the redirect URL from stdin.")
        ] = False,
        timeout: Annotated[float, typer.Option(help="Seconds to wait for the browser's redirect.")] = 300.0,
    ) -> None:
        """Log in with OAuth (authorization code + PKCE) and store the tokens."""
        state = state_of(ctx)
        if state.sandbox_mode:
            session = state.session(login=False)
            sandbox_login(session, state.sandbox_target().transport)
        elif no_browser:
            _paste_login(state)
        else:
            _browser_login(state, timeout)
        tokens = state.session().tokens
        assert tokens is not None
        store = state.session().store
        where = getattr(store, "path", None) or "memory (this process only)"
        typer.echo(f"Logged in to account {tokens.account_id}; scope {tokens.scope}.")
        typer.echo(f"Tokens saved to {where}.")

    @app.command("logout")
    @guarded
    def logout(ctx: typer.Context) -> None:
        """Revoke the tokens (POST /auth/oauth/revoke) and clear the token store."""
        session = state_of(ctx).session()
        if session.tokens is None:
            typer.echo("Not logged in.")
            return
        session.revoke()
        typer.echo("Logged out: the tokens are revoked and the store is cleared.")

    @app.command("whoami")
    @guarded
    def whoami(ctx: typer.Context) -> None:
        """The account, the scopes and the expiry of the access token."""
        state = state_of(ctx)
        if state.plain_token:
            account_id = state.account_id()
            account = state.client().accounts.find(account_id)
            typer.echo(f"Account:    {account_id} ({account.attributes.get('name', '')})")
            typer.echo("Token:      a plain access token (--token / LIGHTSPEED_ACCESS_TOKEN; not refreshed)")
            typer.echo(f"Base URL:   {state.client().base_url}")
            return
        session = state.session()
        tokens = session.tokens
        if tokens is None:
            raise not_logged_in(session.store)
        account_id = state.account_id()
        account = state.client().accounts.find(account_id)
        typer.echo(f"Account:    {account_id} ({account.attributes.get('name', '')})")
        typer.echo(f"Scopes:     {tokens.scope or 'unknown'}")
        current = state.session().tokens or tokens
        typer.echo(f"Expires:    {_expiry(current.expires_at)}")
        where = f" ({state.sandbox_target().description})" if state.sandbox_mode else ""
        typer.echo(f"Base URL:   {state.client().base_url}{where}")
