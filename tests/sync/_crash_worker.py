"""One sync in a process of its own, to be killed: :func:`run` in a forked child (no import cost),
or ``python -m tests.sync._crash_worker BASE_URL TOKEN ACCOUNT DATABASE_URL STREAMS PAGE_SIZE``."""

from __future__ import annotations

import os
import sys

from lightspeed_pos import Client
from lightspeed_pos.sync import Destination, sync


class Holder:
    def __init__(self, token: str) -> None:
        self.oauth_token = token

    def refresh_oauth_token(self) -> None:
        raise RuntimeError("the test's token does not expire")


def run(base_url: str, token: str, account: str, database: str, streams: str, page_size: str) -> int:
    destination = Destination(database)
    with Client(oauth_token_holder=Holder(token), base_url=base_url) as client:
        report = sync(
            client,
            destination,
            streams=streams,
            accounts=[int(account)],
            page_size=int(page_size),
            sweep=True,
            lookback=0,
        )
    destination.close()
    if not report.ok:
        print(f"failed {report.errors}", file=sys.stderr, flush=True)
    return 0 if report.ok else 1


def child(*args: str) -> None:
    """The forked child's body: exit with :func:`run`'s status, skipping the parent's cleanup."""
    os._exit(run(*args))


if __name__ == "__main__":
    raise SystemExit(run(*sys.argv[1:]))
