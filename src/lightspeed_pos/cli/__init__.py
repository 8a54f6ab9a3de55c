"""The ``lightspeed`` command line (typer): ``lightspeed sandbox serve`` and friends.

It may import the rest of ``lightspeed_pos``; typer, and whatever a command needs (uvicorn for
the sandbox), are imported only when the command line runs, so importing this package is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

__all__ = ["build_app", "main"]


def build_app() -> typer.Typer:
    """The top-level typer application with every command group attached."""
    import typer

    from ._sandbox import build_sandbox_app

    app = typer.Typer(name="lightspeed", help="Lightspeed Retail (R-Series) tools.", no_args_is_help=True)
    app.add_typer(build_sandbox_app(), name="sandbox")
    return app


def main() -> None:
    """Entry point of the ``lightspeed`` script."""
    build_app()()
