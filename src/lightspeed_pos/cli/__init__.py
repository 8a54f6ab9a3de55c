"""The ``lightspeed`` command line (typer): log in, list, get, write, export, rate, and the sandbox.

Commands: ``login``/``logout``/``whoami`` (``_login``), ``accounts``/``resources``/``list``/``get``/
``create``/``update``/``archive`` (``_records``), ``export`` (``_export_cmd``, resumable through
``_export``), ``rate`` (``_rate``), ``config`` and ``sandbox serve`` (``_sandbox``). Global options
(``--sandbox``, ``--debug``, credentials) are read in :func:`build_app`'s callback into a
``CliState`` (``_context``); settings come from flags, then ``LIGHTSPEED_*``, then a TOML file
(``_config``). It may import the rest of ``lightspeed_pos``; typer and rich (and uvicorn, for
``sandbox serve``) are imported only when the command line runs, so importing this package is
cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

__all__ = ["build_app", "main"]


def build_app() -> typer.Typer:
    """The top-level typer application with every command attached."""
    from ._app import build_app as build

    return build()


def main() -> None:
    """Entry point of the ``lightspeed`` script."""
    build_app()()
