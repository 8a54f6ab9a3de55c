"""One pagination for every listing: V3 cursors (``@attributes.next``) and legacy offsets.

A :class:`PageRequest` is what to fetch; :func:`read_page` reads a response into a :class:`Page`
that knows its next request. :class:`PageGuard` stops a server that repeats itself from making
the client loop forever: a next page it already fetched, a next page on another host, and a page
that brings no record the listing has not already seen (the same records under new cursors).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx2

from ._wire import attribute, records, to_int
from .errors import InvalidResponseError

Params = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PageRequest:
    url: str
    """Absolute URL. A V3 ``next`` URL already carries every parameter."""
    params: Params | None = None
    parsed: httpx2.URL | None = field(default=None, compare=False, repr=False)
    """``url`` parsed, when it was read from an answer (parsed once, used by the guard and the
    request)."""


@dataclass
class Page:
    records: list[dict[str, Any]]
    next: PageRequest | None
    count: int | None = None
    """The total the legacy API reports (V3 listings do not)."""


def with_param(params: Sequence[tuple[str, str]], name: str, value: str) -> Params:
    """``params`` with ``name`` set to ``value`` (replacing any earlier value)."""
    return (*((k, v) for k, v in params if k != name), (name, value))


def read_page(
    payload: Mapping[str, Any], entity: str, request: PageRequest, response: httpx2.Response | None = None
) -> Page:
    """The records of one page and the request for the next one (``None`` on the last page)."""
    found = records(payload, entity, response=response)
    count = to_int(attribute(payload, "count"))
    next_url = attribute(payload, "next")
    if next_url is not None:
        if not isinstance(next_url, str):
            raise InvalidResponseError(f"@attributes.next is not a URL: {next_url!r}", response=response)
        if next_url == "" or not found:
            return Page(found, None, count)
        if next_url.startswith(("https://", "http://")):
            absolute = httpx2.URL(next_url)
        else:
            absolute = httpx2.URL(request.url).join(next_url)
        return Page(found, PageRequest(str(absolute), parsed=absolute), count)
    offset = to_int(attribute(payload, "offset"))
    limit = to_int(attribute(payload, "limit"))
    if offset is None or not limit or count is None or not found:
        return Page(found, None, count)
    next_offset = offset + len(found)
    if next_offset >= count:
        return Page(found, None, count)
    params = with_param(request.params or (), "offset", str(next_offset))
    return Page(found, PageRequest(request.url, params), count)


_NO_ID = frozenset((None, "", "0", 0))


def record_key(record: Mapping[str, Any], id_field: str) -> str | int:
    """What identifies a record in a listing: its id as text, or a hash of its content when it has
    none."""
    value = record.get(id_field)
    if isinstance(value, str | int) and value not in _NO_ID:
        return str(value)
    return hash(json.dumps(record, sort_keys=True, default=str))


RECENT_PAGES = 64
"""How many of a listing's last pages :class:`PageGuard` remembers the records of."""


@dataclass
class PageGuard:
    """Refuses a next page the listing already fetched, one on another host, and a page of records
    the listing already had among its last :data:`RECENT_PAGES` pages.

    Its memory stays flat however long the listing: a hash of each request (a few dozen bytes a
    page) and the record keys of the recent pages only. A server repeating the same records
    under new cursors repeats them within a page or two, not after thousands of new ones.
    """

    origin: httpx2.URL
    seen: set[int] = field(default_factory=set)
    """Hashes of the requests of the listing so far."""
    recent: deque[set[Any]] = field(default_factory=deque)
    """The record keys (:func:`record_key`) of each of the last pages, oldest first."""
    counts: dict[Any, int] = field(default_factory=dict)
    """How many of the recent pages hold each record key (their union, counted)."""

    def brings_news(self, found: Sequence[Mapping[str, Any]], id_field: str, request: PageRequest) -> None:
        """Refuse a page whose records the listing already fetched in its recent pages, all of them."""
        try:
            ids = {record.get(id_field) for record in found}
        except TypeError:  # an id that is a list or an object: a hostile answer, read slowly
            ids = set()
        if ids and len(ids) == len(found) and not ids & _NO_ID:
            keys: set[Any] = ids  # the wire's id strings, all different: the common case, cheaply
        else:
            keys = {record_key(record, id_field) for record in found}
        counts = self.counts
        if keys and all(key in counts for key in keys):
            raise InvalidResponseError(
                f"the API answered a page of {len(found)} records the listing already had "
                f"({request.url}); stopping rather than looping"
            )
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        self.recent.append(keys)
        if len(self.recent) > RECENT_PAGES:
            for key in self.recent.popleft():
                left = counts[key] - 1
                if left:
                    counts[key] = left
                else:
                    del counts[key]

    def new_listing(self) -> None:
        """Forget the records: the next part of a split query is a listing of its own."""
        self.recent.clear()
        self.counts.clear()

    def check(self, request: PageRequest) -> None:
        url = request.parsed if request.parsed is not None else httpx2.URL(request.url)
        if (url.scheme, url.host, url.port) != (self.origin.scheme, self.origin.host, self.origin.port):
            raise InvalidResponseError(
                f"the API pointed the next page at another host ({url.scheme}://{url.host}); "
                "the client only sends its token to its own base URL"
            )
        key = hash((request.url, request.params))
        if key in self.seen:
            raise InvalidResponseError(f"the API returned the same next page twice ({request.url}); stopping")
        self.seen.add(key)
