"""``lightspeed sandbox serve``: the sandbox on 127.0.0.1, with credentials ready to paste."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import _button_cmd

if TYPE_CHECKING:
    import typer

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
    with sandbox.serve(port) as served:
        for line in banner(sandbox, served, sandbox.issue_tokens()):
            echo(line)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            echo("Stopping the sandbox.")


def build_sandbox_app() -> typer.Typer:
    """The ``sandbox`` command group."""
    import typer

    app = typer.Typer(help="A local emulator of the Lightspeed R-Series API.", no_args_is_help=True)

    @app.command("serve")
    def serve(
        port: int = typer.Option(8080, help="Port on 127.0.0.1 (0 = any free port)."),
        items: int = typer.Option(250, help="Items to seed per account."),
        seed: int = typer.Option(1, help="Seed of the generated data."),
        accounts: int = typer.Option(1, help="Number of accounts."),
        time_scale: float = typer.Option(1.0, help="Run the rate limiter this many times faster."),
        rate_limit: bool = typer.Option(True, help="Enforce the leaky bucket and burst limiter."),
        token_lifetime: float = typer.Option(3600.0, help="Access-token lifetime in seconds."),
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
