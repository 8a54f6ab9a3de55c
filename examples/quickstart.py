"""Quickstart against the built-in sandbox: list, find, create, update, archive.

Run: .venv/bin/python examples/quickstart.py
Against the real API, build the client with your own token holder instead:
``ls.Client(oauth_token_holder=holder)``.
"""

from __future__ import annotations

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Sandbox


def main() -> None:
    sandbox = Sandbox()
    with sandbox.client() as client:
        account = client.accounts.first()
        assert account is not None
        print(f"account {account.id}: {account.name}")

        for item in account.items.all(params={"itemMatrixID": 0})[:5]:
            print(f"  {item.id:4d} {item.description:40s} {item.prices['default']:>8} in {item.category}")

        item = account.items.create(description="Onesie", defaultCost="4.50")
        item.update(description="Onesie, organic cotton")
        print(f"created {item!r}, archived={item.archive().archived}")

        try:
            account.items.find(999_999)
        except ls.NotFoundError as error:
            print(f"not found: {error}")


if __name__ == "__main__":
    main()
