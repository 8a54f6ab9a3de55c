"""The sandbox in a process of its own, on a 127.0.0.1 socket: the server's work is not the
client's, as with the real API. Tokens for every account are minted there and sent back."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from lightspeed_pos.sandbox import Sandbox


@dataclass(frozen=True)
class Served:
    """What a client needs of a sandbox serving in another process."""

    base_url: str
    account_ids: list[int]
    tokens: dict[int, str]

    @property
    def account_id(self) -> int:
        return self.account_ids[0]


class StaticHolder:
    """A token holder for a token that outlives the run (the sandbox's lifetime is an hour)."""

    def __init__(self, token: str) -> None:
        self.oauth_token = token

    def refresh_oauth_token(self) -> None:
        raise RuntimeError("the benchmark's token expired")


def describe(sandbox: Sandbox, base_url: str) -> Served:
    """What a client of ``sandbox`` serving at ``base_url`` needs: a token for every account."""
    tokens = {a: sandbox.issue_tokens(a).access_token for a in sandbox.account_ids}
    return Served(base_url, sandbox.account_ids, tokens)


def _serve(connection: Connection, build: Callable[..., Sandbox], options: dict[str, Any]) -> None:
    sandbox = build(**options)
    with sandbox.serve() as served:
        connection.send(describe(sandbox, served.base_url))
        connection.recv()  # serve until told to stop


@contextmanager
def served(
    options: dict[str, Any], *, build: Callable[..., Sandbox] = Sandbox, start_timeout: float = 60
) -> Iterator[Served]:
    """A fresh sandbox, ``build(**options)`` (a module-level callable: it is pickled for the
    process), serving on 127.0.0.1 until the block ends."""
    context = multiprocessing.get_context("spawn")  # fork misbehaves under threads (pytest, the CLI)
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs, build, options), daemon=True)
    process.start()
    try:
        if not ours.poll(start_timeout):
            raise RuntimeError("the sandbox process did not start")
        info: Served = ours.recv()
        yield info
    finally:
        ours.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()
