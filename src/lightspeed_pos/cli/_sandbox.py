"""``lightspeed sandbox serve``: the sandbox on 127.0.0.1, with credentials ready to paste."""

from __future__ import annotations

import contextlib
import errno
import math
import os
import shlex
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from . import _button_cmd
from ._context import guarded, state_of

if TYPE_CHECKING:
    from lightspeed_pos.sandbox import Sandbox, ServedSandbox, TokenPair

__all__ = ["banner", "build_sandbox_app", "env_lines", "register", "run_server", "sandbox_group"]


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


def env_lines(sandbox: Sandbox, served: ServedSandbox, tokens: TokenPair) -> list[str]:
    """``export LIGHTSPEED_...`` lines: paste them and ``lightspeed`` (no ``--sandbox``) talks to it."""
    values = {
        "LIGHTSPEED_BASE_URL": served.base_url,
        "LIGHTSPEED_AUTH_URL": served.auth_url,
        "LIGHTSPEED_CLIENT_ID": sandbox.client_id,
        "LIGHTSPEED_CLIENT_SECRET": sandbox.client_secret,
        "LIGHTSPEED_ACCOUNT_ID": str(sandbox.account_id),
        "LIGHTSPEED_ACCESS_TOKEN": tokens.access_token,
    }
    return [f"export {name}={shlex.quote(value)}" for name, value in values.items()]


def run_server(
    sandbox: Sandbox,
    port: int,
    echo: Callable[[str], None],
    stop: threading.Event | None = None,
    *,
    print_env: Callable[[str], None] | None = None,
    save_every: float = 1.0,
) -> None:
    """Serve ``sandbox`` on 127.0.0.1, print the banner (and the ``export`` lines to ``print_env``),
    and block until ``stop`` is set or Ctrl-C. With a state file, the data is saved every
    ``save_every`` seconds when it changed and at the end, and the served sandbox is announced
    beside the state so that ``lightspeed --sandbox`` uses it."""
    from lightspeed_pos.sandbox import ServedInfo

    stop = stop or threading.Event()
    with contextlib.ExitStack() as stack:
        state = sandbox.state
        if state is not None:
            running = state.served()
            if running is not None and running.pid != os.getpid():
                raise ValueError(
                    f"a sandbox on this state is already served on {running.origin} (pid {running.pid}); "
                    "stop it first, or pass --state FILE or --fresh"
                )
            stack.enter_context(state.lock())
        try:
            served = stack.enter_context(sandbox.serve(port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise typer.BadParameter(str(exc), param_hint="'--port'") from None
            raise
        if state is not None:
            info = ServedInfo(
                served.port, os.getpid(), sandbox.client_id, sandbox.client_secret, sandbox.account_id
            )
            state.announce(info)
            stack.callback(state.withdraw)
            stack.callback(sandbox.save_state)
        tokens = sandbox.issue_tokens()
        for line in banner(sandbox, served, tokens):
            echo(line)
        if state is not None:
            echo(f"  State file:           {state.path} (saved as it changes; `lightspeed sandbox reset`)")
        if print_env is not None:
            for line in env_lines(sandbox, served, tokens):
                print_env(line)
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, lambda number, frame: stop.set())  # kill: stop cleanly
            stack.callback(signal.signal, signal.SIGTERM, previous)
        try:
            while not stop.wait(save_every):
                sandbox.save_state()
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
        ctx: typer.Context,
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
        state_file: Annotated[
            str | None,
            typer.Option(
                "--state", metavar="FILE", help="Keep the data in FILE (default: the --sandbox state)."
            ),
        ] = None,
        fresh: Annotated[
            bool, typer.Option("--fresh", help="A throwaway store: no state file is read or written.")
        ] = False,
        print_env: Annotated[
            bool,
            typer.Option(
                "--print-env", help="Print `export LIGHTSPEED_...` lines on stdout (the banner on stderr)."
            ),
        ] = False,
    ) -> None:
        """Serve the sandbox on 127.0.0.1 until Ctrl-C; its data persists in the state file that
        `lightspeed --sandbox` uses (or --state FILE), unless --fresh."""
        from lightspeed_pos.sandbox import Sandbox, SandboxState

        cli = state_of(ctx)
        if fresh:
            kept = None
        elif state_file is not None:
            kept = SandboxState(state_file)
        else:
            kept = cli.sandbox_state()
        sandbox = Sandbox(
            seed=seed,
            items=items,
            accounts=accounts,
            time_scale=time_scale,
            rate_limit=rate_limit,
            token_lifetime=token_lifetime,
            state=kept,
        )
        if print_env:
            run_server(sandbox, port, lambda line: typer.echo(line, err=True), print_env=typer.echo)
        else:
            run_server(sandbox, port, lambda line: print(line, flush=True))

    @app.command("reset")
    @guarded
    def reset(ctx: typer.Context) -> None:
        """Forget what --sandbox commands wrote: remove the sandbox's state file."""
        kept = state_of(ctx).sandbox_state()
        if kept is None:
            typer.echo("The sandbox keeps no state (sandbox_state is off).")
            return
        running = kept.served()
        if running is not None:
            raise ValueError(
                f"the sandbox served on {running.origin} (pid {running.pid}) uses it; stop it first"
            )
        with kept.lock():
            removed = kept.reset()
        if removed:
            typer.echo(f"Removed {kept.path}: the next --sandbox command starts from the seeded store.")
        else:
            typer.echo(f"Nothing to reset: there is no {kept.path}.")

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
