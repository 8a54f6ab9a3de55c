"""A minimal HTTP server in a process of its own: the client's cost measured against the least a
server can add. It serves one real 100-item Item page (``fixtures/item_page.json``, 75 KB, as the
sandbox sends it) at ``/API/V3/Account/{id}/Item.json``, its ``next`` cursor pointing at the next
page of a listing ``pages`` long, and answers in one of two ways:

* ``open``: bucket headers that never throttle (``1/90``, burst ``1/1000000``, drip 1);
* ``limited``: a real leaky bucket per account (the sandbox's :class:`RateLimiter`, drip 1/s,
  every bucket starting full, as for stores already read at full rate), 429 with ``Retry-After``
  when over.

It counts what it answered per status and account: ``GET /_stats`` (JSON), ``POST /_reset``.
HTTP/1.1 with keep-alive on a plain asyncio protocol; no framework, so that its work per request
is a few tens of microseconds.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Literal

from lightspeed_pos.sandbox.http.limiter import RateLimiter

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "item_page.json"
Mode = Literal["open", "limited"]
_PATH = re.compile(rb"^/API/V3/Account/(\d+)/Item\.json(?:\?(.*))?$")
_AFTER = re.compile(rb"(?:^|&)after=(\d+)")
OPEN_HEADERS = (
    b"X-LS-API-Bucket-Level: 1/90\r\nX-LS-API-Burst-Level: 1/1000000\r\n"
    b"X-LS-API-Drip-Rate: 1\r\nX-LS-API-Request-Cost: 1\r\n"
)


def page_parts() -> list[bytes]:
    """The fixture page split around its ``next`` cursor and around each record's ``itemID`` (every
    page of a listing brings records of its own, as the client's page guard expects): the cursor
    goes between the first two parts, the ids between the following ones."""
    page = json.loads(FIXTURE.read_text())
    page["@attributes"]["next"] = "@@MARK@@"
    for record in page["Item"]:
        record["itemID"] = "@@MARK@@"
    return json.dumps(page, separators=(",", ":"), ensure_ascii=False).encode().split(b"@@MARK@@")


@dataclass(frozen=True)
class Options:
    mode: Mode = "open"
    pages: int = 10
    """Pages in one listing (the last one has no ``next``)."""
    bucket_size: float = 90.0
    drip_rate: float = 1.0


class _State:
    def __init__(self, options: Options, port: int) -> None:
        self.options = options
        self.origin = f"http://127.0.0.1:{port}".encode()
        self.parts = page_parts()
        self.statuses: Counter[int] = Counter()
        self.admitted: Counter[str] = Counter()
        self.limiter = RateLimiter(
            bucket_size=options.bucket_size, drip_rate=options.drip_rate, initial_level=options.bucket_size
        )

    def page(self, account: bytes, query: bytes) -> bytes:
        found = _AFTER.search(query)
        number = int(found.group(1)) if found else 0
        following = b""
        if number + 1 < self.options.pages:
            following = (
                self.origin + b"/API/V3/Account/" + account + b"/Item.json?limit=100&after=%d" % (number + 1)
            )
        parts = self.parts
        size = len(parts) - 2
        pieces = [parts[0], following, parts[1]]
        for index, part in enumerate(parts[2:], number * size + 1):
            pieces += (b"%d" % index, part)
        return b"".join(pieces)

    def answer(self, method: bytes, target: bytes) -> tuple[int, bytes, bytes]:
        """Status, extra header lines and body for one request."""
        if target == b"/_stats":
            stats = {"statuses": dict(self.statuses), "admitted": dict(self.admitted)}
            return 200, b"", json.dumps(stats).encode()
        if target == b"/_reset" and method == b"POST":
            self.statuses.clear()
            self.admitted.clear()
            self.limiter = RateLimiter(
                bucket_size=self.options.bucket_size,
                drip_rate=self.options.drip_rate,
                initial_level=self.options.bucket_size,
            )
            return 200, b"", b"{}"
        answer = self.item_page(method, target)
        self.statuses[answer[0]] += 1
        return answer

    def item_page(self, method: bytes, target: bytes) -> tuple[int, bytes, bytes]:
        found = _PATH.match(target)
        if method != b"GET" or found is None:
            return 404, b"", b'{"httpCode":"404","message":"not served here"}'
        account, query = found.group(1), found.group(2) or b""
        if self.options.mode == "open":
            return 200, OPEN_HEADERS, self.page(account, query)
        decision = self.limiter.admit((int(account), "bench"), 1.0)
        headers = "".join(f"{k}: {v}\r\n" for k, v in decision.headers(int(account), "bench")).encode()
        if not decision.allowed:
            return 429, headers, b'{"httpCode":"429","message":"Rate Limit Exceeded"}'
        self.admitted[account.decode()] += 1
        return 200, headers, self.page(account, query)


_REASONS = {200: b"OK", 404: b"Not Found", 429: b"Too Many Requests"}


class _Protocol(asyncio.Protocol):
    def __init__(self, state: _State) -> None:
        self.state = state
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            lines = head.split(b"\r\n")
            method, target, _version = lines[0].split(b" ", 2)
            length = 0
            for line in lines[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            self.buffer = self.buffer[length:]  # the benchmarks send no bodies but _reset's empty one
            status, extra, body = self.state.answer(method, target)
            head_out = b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n" % (
                status,
                _REASONS[status],
                len(body),
                extra,
            )
            assert self.transport is not None
            self.transport.writelines((head_out, body))


async def _serve_forever(options: Options, connection: Connection) -> None:
    loop = asyncio.get_running_loop()
    holder: list[_State] = []
    server = await loop.create_server(lambda: _Protocol(holder[0]), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    holder.append(_State(options, port))
    connection.send(f"http://127.0.0.1:{port}")
    stop = asyncio.Event()
    loop.add_reader(connection.fileno(), stop.set)
    async with server:
        await stop.wait()


def _main(options: Options, connection: Connection) -> None:
    asyncio.run(_serve_forever(options, connection))


@dataclass(frozen=True)
class MinimalServer:
    """A running minimal server: its URL, and its counts."""

    url: str

    @property
    def base_url(self) -> str:
        """The client's ``base_url`` (``.../API/V3``)."""
        return f"{self.url}/API/V3"

    def stats(self) -> dict[str, Any]:
        import httpx2

        stats: dict[str, Any] = httpx2.get(f"{self.url}/_stats").json()
        return stats

    def reset(self) -> None:
        import httpx2

        httpx2.post(f"{self.url}/_reset").raise_for_status()


@contextmanager
def minimal_server(options: Options | None = None) -> Iterator[MinimalServer]:
    """A minimal server in its own process until the block ends."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_main, args=(options or Options(), theirs), daemon=True)
    process.start()
    try:
        if not ours.poll(60):
            raise RuntimeError("the minimal server did not start")
        yield MinimalServer(ours.recv())
    finally:
        ours.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()
