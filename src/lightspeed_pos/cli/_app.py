"""The top-level typer application: the global options, ``config``, and every command group."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from ._config import resolve_settings
from ._context import CliState, enable_debug, guarded, state_of
from ._errors import LightspeedGroup

__all__ = ["COMMAND_MODULES", "build_app"]

COMMAND_MODULES = (
    "_sandbox",
    "_login",
    "_records",
    "_export_cmd",
    "_rate",
    "_sync_cmd",
    "_worker_cmd",
)
"""The modules that add commands, in help order: each has ``register(app)``. A new command is a
module with ``register`` and one line here (a ``sandbox`` subcommand finds its group with
``_sandbox.sandbox_group(app)``)."""


def _show_version(value: bool) -> None:
    if value:
        from lightspeed_pos import __version__

        typer.echo(f"lightspeed {__version__}")
        raise typer.Exit()


def build_app() -> typer.Typer:
    """The top-level typer application with every command attached."""

    app = typer.Typer(
        name="lightspeed",
        help="Lightspeed Retail (R-Series) from the command line.",
        cls=LightspeedGroup,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    @guarded
    def main_options(
        ctx: typer.Context,
        sandbox: Annotated[
            bool,
            typer.Option(
                "--sandbox", help="Use an in-process sandbox (no account needed; tokens in memory)."
            ),
        ] = False,
        debug: Annotated[
            bool, typer.Option("--debug", help="Log the requests to stderr (tokens redacted).")
        ] = False,
        config: Annotated[
            str | None, typer.Option("--config", help="TOML config file (or LIGHTSPEED_CONFIG).")
        ] = None,
        client_id: Annotated[str | None, typer.Option("--client-id", help="OAuth client id.")] = None,
        client_secret: Annotated[
            str | None, typer.Option("--client-secret", help="OAuth client secret.")
        ] = None,
        account_id: Annotated[int | None, typer.Option("--account-id", help="Account to use.")] = None,
        base_url: Annotated[str | None, typer.Option("--base-url", help="API base URL.")] = None,
        auth_url: Annotated[
            str | None, typer.Option("--auth-url", help="OAuth base URL (.../auth/oauth).")
        ] = None,
        token_file: Annotated[
            str | None, typer.Option("--token-file", help="Where the tokens are kept.")
        ] = None,
        scope: Annotated[
            str | None, typer.Option("--scope", help="OAuth scopes to ask for at login.")
        ] = None,
        redirect_uri: Annotated[
            str | None, typer.Option("--redirect-uri", help="OAuth redirect URI.")
        ] = None,
        token: Annotated[
            str | None,
            typer.Option(
                "--token",
                metavar="TOKEN",
                help="A plain access token (no login, no refresh); LIGHTSPEED_ACCESS_TOKEN.",
            ),
        ] = None,
        profile: Annotated[
            str | None,
            typer.Option(
                "--profile",
                metavar="NAME",
                help="Settings of [profiles.NAME] in the config (LIGHTSPEED_PROFILE).",
            ),
        ] = None,
        sandbox_state: Annotated[
            str | None,
            typer.Option(
                "--sandbox-state",
                metavar="FILE",
                help="Where --sandbox keeps its data between commands ('off' for none).",
            ),
        ] = None,
        version: Annotated[
            bool,
            typer.Option(
                "--version", "-V", callback=_show_version, is_eager=True, help="Print the version and exit."
            ),
        ] = False,
    ) -> None:
        """Lightspeed Retail (R-Series) from the command line. Settings: flags, then LIGHTSPEED_*
        variables, then config.toml in the user config directory."""
        if debug:
            ctx.call_on_close(enable_debug())
        flags = {
            "client_id": client_id,
            "client_secret": client_secret,
            "account_id": account_id,
            "base_url": base_url,
            "auth_url": auth_url,
            "token_file": token_file,
            "scope": scope,
            "redirect_uri": redirect_uri,
            "access_token": token,
            "sandbox_state": sandbox_state,
        }
        settings = resolve_settings(flags, config_path=config, profile=profile)
        state = CliState(settings, sandbox_mode=sandbox, debug=debug)
        ctx.obj = state
        ctx.call_on_close(state.close)

    @app.command("config")
    @guarded
    def show_config(ctx: typer.Context) -> None:
        """The settings in force and where each comes from (secrets hidden)."""
        settings = state_of(ctx).settings
        typer.echo(f"config file: {settings.config_path}")
        for name, value, source in settings.describe():
            typer.echo(f"{name:14} {value or '-':50} {source}")

    for module in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{module}").register(app)
    return app
