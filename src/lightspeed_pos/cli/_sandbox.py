"""``lightspeed sandbox serve``: the sandbox on 127.0.0.1, with credentials ready to paste."""

from __future__ import annotations

import contextlib
import errno
import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from . import _button_cmd
from ._context import guarded

if TYPE_CHECKING:
    from lightspeed_pos.sandbox import Sandbox, ServedSandbox, TokenPair

__all__ = ["banner", "build_sandbox_app", "register", "run_server", "sandbox_group"]


def banner(sandbox: Sandbox, served: ServedSandbox, tokens: TokenPair) -> list[str]:
    """What ``sandbox serve`` prints once it listens: where, who, and a request to try."""
    example = f"{served.base_url}/Account/{sandbox.account_id}/Item.json?limit=2"
    return [
        f"Lightspeed sandbox listening on {served.origin} (Ctrl-C to stop)",
        f"  API base URL:         {served.base_url}",
        f"  Account ID:           {sandbox.account_id}",
        f"  OAuth client ID:      {sandbox.client_id}",
        f"  OAuth client secret:  {sandbox.client_secret}",
        f"  Authorize URL:        {served.auth_url}/authorize",
        f"  Token URL:            {served.auth_url}/token",
        f"  Access token:         {tokens.access_token}",
        f"  Refresh token:        {tokens.refresh_token}",
        f"  Token expires in:     {tokens.expires_in} s",
        "Try:",
        f"  curl -H 'Authorization: Bearer {tokens.access_token}' '{example}'",
    ]


def run_server(
    sandbox: Sandbox, port: int, echo: Callable[[str], None], stop: threading.Event | None = None
) -> None:
    """Serve ``sandbox`` on 127.0.0.1, print the banner, and block until ``stop`` is set or Ctrl-C."""
    stop = stop or threading.Event()
    with contextlib.ExitStack() as stack:
        try:
            served = stack.enter_context(sandbox.serve(port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise typer.BadParameter(str(exc), param_hint="'--port'") from None
            raise
        for line in banner(sandbox, served, sandbox.issue_tokens()):
            echo(line)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            echo("Stopping the sandbox.")


def _positive(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise typer.BadParameter(f"{value:g} is not a positive number")
    return value


def build_sandbox_app() -> typer.Typer:
    """The ``sandbox`` command group."""
    app = typer.Typer(help="A local emulator of the Lightspeed R-Series API.", no_args_is_help=True)

    @app.command("serve")
    @guarded
    def serve(
        port: Annotated[
            int, typer.Option(min=0, max=65535, metavar="PORT", help="Port on 127.0.0.1 (0 = any free port).")
        ] = 8080,
        items: Annotated[int, typer.Option(min=1, metavar="N", help="Items to seed per account.")] = 250,
        seed: Annotated[int, typer.Option(metavar="N", help="Seed of the generated data.")] = 1,
        accounts: Annotated[int, typer.Option(min=1, metavar="N", help="Number of accounts.")] = 1,
        time_scale: Annotated[
            float,
            typer.Option(
                metavar="X", callback=_positive, help="Run the rate limiter this many times faster (> 0)."
            ),
        ] = 1.0,
        rate_limit: Annotated[
            bool,
            typer.Option("--rate-limit/--no-rate-limit", help="Enforce the leaky bucket and burst limiter."),
        ] = True,
        token_lifetime: Annotated[
            float,
            typer.Option(
                metavar="SECONDS", callback=_positive, help="Access-token lifetime in seconds (> 0)."
            ),
        ] = 3600.0,
    ) -> None:
        """Serve the sandbox on 127.0.0.1 until Ctrl-C."""
        from lightspeed_pos.sandbox import Sandbox

        sandbox = Sandbox(
            seed=seed,
            items=items,
            accounts=accounts,
            time_scale=time_scale,
            rate_limit=rate_limit,
            token_lifetime=token_lifetime,
        )
        run_server(sandbox, port, lambda line: print(line, flush=True))

    _button_cmd.register(app)
    return app


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` group to ``app``."""
    app.add_typer(build_sandbox_app(), name="sandbox")


def sandbox_group(app: typer.Typer) -> typer.Typer:
    """The ``sandbox`` group of ``app``, for modules that add ``sandbox`` subcommands."""
    for info in app.registered_groups:
        if info.name == "sandbox" and info.typer_instance is not None:
            return info.typer_instance
    raise LookupError("the sandbox group is not registered")
