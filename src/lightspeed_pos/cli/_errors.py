"""How the ``lightspeed`` command ends: one rule for every failure, and quiet on a closed pipe.

* a usage error (an unknown option, a bad value, a missing argument): one line
  ``Error: ... (see `lightspeed CMD --help`)`` on stderr, exit status 2;
* any other failure: one line ``Error: ...`` on stderr, exit status 1 (``guarded`` in ``_context``);
* Ctrl-C: exit status 130;
* a reader that stops early (``lightspeed list items | head -1``): no message, exit status 0.
Never a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

__all__ = ["LightspeedGroup", "plain_placeholders", "silence_stdout"]


def silence_stdout() -> None:
    """After a broken pipe: send what is left on stdout nowhere, so that the exit is silent."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _usage_line(exc: typer.TyperException) -> str:
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    if exc.exit_code == 2 and ctx is not None:
        return f"Error: {message} (see `{ctx.command_path} --help`)"
    return f"Error: {message}"


def plain_placeholders(command: Any) -> None:
    """Help without Python types: a flag shows no placeholder (``--sandbox``, not ``--sandbox
    <bool>``), a value its name (``--client-id CLIENT_ID``) unless the option names its own, and
    an argument only its name (``RESOURCE``, not ``RESOURCE <str>``)."""
    command.get_help_option(typer.Context(command, help_option_names=["-h", "--help"]))
    helper = getattr(command, "_help_option", None)
    for param in [*getattr(command, "params", []), *([helper] if helper is not None else [])]:
        if param.param_type_name == "argument":
            setattr(param, "display_type_rich", _no_type)  # noqa: B010 - an instance override
        elif param.metavar is None:
            param.metavar = "" if getattr(param, "is_flag", False) else (param.name or "value").upper()
    for sub in getattr(command, "commands", {}).values():
        plain_placeholders(sub)


def _no_type(ctx: Any) -> None:
    return None


class LightspeedGroup(TyperGroup):
    """The top-level group: typer's, with the exit rule above instead of rich's error boxes."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        plain_placeholders(self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
            code = result if isinstance(result, int) else 0
            sys.stdout.flush()
        except typer.TyperException as exc:
            typer.echo(_usage_line(exc), err=True)
            code = exc.exit_code
        except KeyboardInterrupt:
            typer.echo("Error: interrupted", err=True)
            code = 130
        except typer.Abort:
            typer.echo("Error: interrupted", err=True)
            code = 130
        except BrokenPipeError:
            silence_stdout()
            code = 0
        sys.exit(code)
