"""Reading a response body under a cap on its decoded size, written once for both clients.

The clients stream every answer and feed its raw bytes to a :class:`BodyReader`, which inflates
``gzip`` and ``deflate`` itself, at most :data:`STEP` bytes at a time: a small compressed answer
that would inflate to gigabytes (a "gzip bomb") is refused with :class:`InvalidResponseError` as
soon as it passes the cap, having held no more than the cap in memory. The client asks for
``gzip, deflate`` only; an answer in another encoding is refused the same way.
"""

from __future__ import annotations

import zlib

import httpx2

from .errors import InvalidResponseError

DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024
"""64 MiB: the largest real page (100 records with every relation) is a few megabytes."""
ACCEPT_ENCODING = "gzip, deflate"
STEP = 256 * 1024
"""The most bytes one inflate step produces."""

_GZIP = ("gzip", "x-gzip")


class BodyReader:
    """Collects one response's decoded body, refusing it past ``limit`` bytes.

    ``done`` is true when the transport handed over an answer already read (in-process transports,
    mocks): its size is checked at once and nothing is to be fed.
    """

    def __init__(self, response: httpx2.Response, limit: int) -> None:
        self._response = response
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = 0
        self.done = response.is_stream_consumed
        if self.done:
            self._count(len(response.content))
            return
        encodings = [
            part.strip().lower()
            for part in response.headers.get("content-encoding", "").split(",")
            if part.strip() and part.strip().lower() != "identity"
        ]
        if len(encodings) > 1 or (encodings and encodings[0] not in (*_GZIP, "deflate")):
            raise self._error(f"an answer in an encoding the client did not ask for ({', '.join(encodings)})")
        self._encoding = encodings[0] if encodings else ""
        wbits = 16 + zlib.MAX_WBITS if self._encoding in _GZIP else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits) if self._encoding else None
        self._first = True

    def feed(self, raw: bytes) -> None:
        """Take the next raw chunk of the body."""
        if self._inflater is None:
            self._keep(raw)
            return
        try:
            self._inflate(raw)
        except zlib.error as exc:
            if not (self._first and self._encoding == "deflate"):
                raise self._error(f"a {self._encoding} body that does not inflate ({exc})") from exc
            # "deflate" is often sent without its zlib header: retry as raw deflate
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                self._inflate(raw)
            except zlib.error as again:
                raise self._error(f"a deflate body that does not inflate ({again})") from again
        self._first = False

    def response(self) -> httpx2.Response:
        """The answer with its decoded body in memory (the given one when it was already read)."""
        if self.done:
            return self._response
        if self._inflater is not None:
            try:
                self._keep(self._inflater.flush())
            except zlib.error as exc:
                raise self._error(f"a truncated {self._encoding} body ({exc})") from exc
        original = self._response
        headers = [
            (name, value)
            for name, value in original.headers.multi_items()
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx2.Response(
            original.status_code,
            headers=headers,
            content=b"".join(self._chunks),
            request=original.request,
            extensions=original.extensions,
        )

    def _inflate(self, data: bytes) -> None:
        assert self._inflater is not None
        self._keep(self._inflater.decompress(data, STEP))
        while self._inflater.unconsumed_tail:
            self._keep(self._inflater.decompress(self._inflater.unconsumed_tail, STEP))

    def _keep(self, piece: bytes) -> None:
        self._count(len(piece))
        if piece:
            self._chunks.append(piece)

    def _count(self, size: int) -> None:
        self._size += size
        if self._size > self._limit:
            self._chunks.clear()
            raise self._error(f"a body larger than the client's cap of {self._limit:,} bytes decoded")

    def _error(self, what: str) -> InvalidResponseError:
        request = self._response.request
        return InvalidResponseError(
            f"{request.method} {request.url.copy_with(query=None)} answered {self._response.status_code} "
            f"with {what}; refused (see max_response_size)",
            response=self._response,
        )
