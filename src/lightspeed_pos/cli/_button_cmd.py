"""``lightspeed sandbox button``: a custom-button URL signed by the sandbox, to test a handler offline.

The URL is signed with the sandbox's fixed key (``sandbox/http/buttons.py``); the key set that verifies
it is served by ``lightspeed sandbox serve`` at ``/.well-known/jwks`` and printed by ``--jwks``.
"""

from __future__ import annotations

import json
import webbrowser
from typing import Annotated

import typer

from ._context import fail, guarded

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Attach ``button`` to the ``sandbox`` command group."""

    @app.command("button")
    @guarded
    def button(
        url: Annotated[str, typer.Option("--url", help="The button's URL (your handler).")] = "",
        type_: Annotated[
            str, typer.Option("--type", help="Where the button is pressed: sale, refund, workorder...")
        ] = "sale",
        sale: Annotated[int, typer.Option("--sale", help="Sale (or work order) ID; 0 for none.")] = 0,
        customer: Annotated[int, typer.Option("--customer", help="Customer ID; 0 for none.")] = 0,
        account: Annotated[
            int | None, typer.Option("--account", help="Account ID (default: the sandbox's first, 100001).")
        ] = None,
        employee: Annotated[int, typer.Option("--employee", help="Employee ID.")] = 1,
        user: Annotated[int, typer.Option("--user", help="System user ID.")] = 1,
        shop: Annotated[int, typer.Option("--shop", help="Shop ID.")] = 1,
        register_id: Annotated[int, typer.Option("--register", help="Register ID.")] = 1,
        ttl: Annotated[float, typer.Option("--ttl", help="Seconds until the URL expires.")] = 600.0,
        open_browser: Annotated[bool, typer.Option("--open", help="Open the URL in a browser.")] = False,
        jwks: Annotated[
            bool, typer.Option("--jwks", help="Print the sandbox's public key set (JSON) instead.")
        ] = False,
    ) -> None:
        """Print a signed custom-button URL, as the POS would open it (the sandbox's key)."""
        from lightspeed_pos.sandbox.engine.engine import FIRST_ACCOUNT_ID
        from lightspeed_pos.sandbox.http.buttons import JWKS_PATH, SANDBOX_JWKS, ButtonSigner

        if jwks:
            typer.echo(json.dumps(SANDBOX_JWKS, indent=2))
            return
        if not url.startswith(("http://", "https://")):
            raise fail("--url must be an absolute http(s) URL, e.g. --url http://127.0.0.1:8000/app")
        if ttl <= 0:
            raise fail("--ttl must be a positive number of seconds")
        signed = ButtonSigner(lifetime=ttl).sign(
            url,
            type=type_,
            account_id=account if account is not None else FIRST_ACCOUNT_ID,
            employee_id=employee,
            user_id=user,
            sale_id=sale,
            customer_id=customer,
            shop_id=shop,
            register_id=register_id,
        )
        typer.echo(signed)
        typer.echo(
            f"Verify it with the key set at http://127.0.0.1:<port>{JWKS_PATH} "
            "(lightspeed sandbox serve) or `lightspeed sandbox button --jwks`.",
            err=True,
        )
        if open_browser:
            webbrowser.open(signed)
