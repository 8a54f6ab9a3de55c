"""The form of a button URL that is signed: RFC 3986 normalisation, query sorted, no signature.

Lightspeed signs the URL after the normalisations that preserve semantics (RFC 3986 section 6.2.2
and the scheme-based ones of 6.2.3): scheme and host in lower case, percent-encodings in upper
case, unreserved characters decoded, dot segments removed, an empty path made ``/``, the default
port dropped. The query parameters are sorted by key (a stable sort: repeated keys keep their
order), the button's own parameters with the appended ones, and ``signature`` is removed. ``+`` is
kept as it is (RFC 3986 gives it no meaning of its own).

When the button's URL has a fragment, Lightspeed appends the parameters after the fragment, for
single-page applications: ``https://app.example/pos#/sale?accountID=1&...``. The fragment's path
and query are then normalised the same way, and its query (which holds the signature) is sorted.
"""

from __future__ import annotations

import re
import string
from urllib.parse import SplitResult, quote, unquote, urlsplit

__all__ = ["append_params", "canonical_url", "signed_params"]

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_SUB_DELIMS = "!$&'()*+,;="
_PATH_CHARS = frozenset(_UNRESERVED | set(_SUB_DELIMS) | set(":@/"))
_QUERY_CHARS = frozenset(_PATH_CHARS | set("?"))
_QUERY_PART_CHARS = _QUERY_CHARS - set("&=")
_SAFE = "-._~"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TRIPLET = re.compile(r"%([0-9A-Fa-f]{2})")


def _normalise_percent(text: str, allowed: frozenset[str]) -> str:
    """Decode percent-encoded unreserved characters, upper-case the other triplets, and encode
    what may not appear raw (spaces, non-ASCII, a lone ``%``) as UTF-8 triplets."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "%" and _TRIPLET.match(text, index):
            decoded = chr(int(text[index + 1 : index + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else text[index : index + 3].upper())
            index += 3
            continue
        if char in allowed:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
        index += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    output: list[str] = []
    for segment in path.split("/")[1:] if path.startswith("/") else path.split("/"):
        if segment == "..":
            if output:
                output.pop()
        elif segment != ".":
            output.append(segment)
    tail = "/" if path.endswith(("/.", "/..")) else ""
    prefix = "/" if path.startswith("/") else ""
    return prefix + "/".join(output) + tail


def _normalise_path(path: str) -> str:
    return _remove_dot_segments(_normalise_percent(path, _PATH_CHARS))


def query_pairs(query: str) -> list[tuple[str, str | None]]:
    """The raw ``key=value`` pairs of a query, in order (``None`` for a key with no ``=``)."""
    pairs: list[tuple[str, str | None]] = []
    for part in query.split("&"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        pairs.append((key, value if sep else None))
    return pairs


def _sorted_query(query: str, drop: str | None) -> str:
    pairs = [
        (
            _normalise_percent(key, _QUERY_PART_CHARS),
            None if value is None else _normalise_percent(value, _QUERY_PART_CHARS),
        )
        for key, value in query_pairs(query)
    ]
    kept = sorted((pair for pair in pairs if unquote(pair[0]) != drop), key=lambda pair: pair[0])
    return "&".join(key if value is None else f"{key}={value}" for key, value in kept)


def _authority(parts: SplitResult) -> str:
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host, port = hostport, ""
    if not hostport.endswith("]") and ":" in hostport:
        host, _, port = hostport.rpartition(":")
    text = _normalise_percent(host, _PATH_CHARS - set("/@")).lower()
    if userinfo:
        text = f"{_normalise_percent(userinfo, _PATH_CHARS - set('/@'))}@{text}"
    if port.isdigit() and int(port) != _DEFAULT_PORTS.get(parts.scheme.lower()):
        text += f":{int(port)}"
    elif port and not port.isdigit():
        raise ValueError(f"not a port: {port!r}")
    return text


def signed_params(url: str) -> tuple[tuple[str, str], ...]:
    """The decoded parameters of the query that carries the signature (``signature`` included), in
    order: the URL's own query, or the fragment's when the parameters were appended after it."""
    parts = urlsplit(url)
    fragment_query = parts.fragment.partition("?")[2]
    in_query = any(unquote(key) == "signature" for key, _ in query_pairs(parts.query))
    query = parts.query if in_query or not fragment_query else fragment_query
    return tuple((unquote(key), "" if value is None else unquote(value)) for key, value in query_pairs(query))


def canonical_url(url: str, *, drop: str | None = "signature") -> str:
    """The normalised URL, queries sorted by key, ``drop`` (the signature) removed: what is signed.

    >>> canonical_url("HTTPS://App.Example.com:443/a/./b/../c?z=1&a=%7e&signature=x")
    'https://app.example.com/a/c?a=~&z=1'
    """
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    scheme = parts.scheme.lower()
    path = _normalise_path(parts.path) or "/"
    text = f"{scheme}://{_authority(parts)}{path}"
    query = _sorted_query(parts.query, drop)
    if query:
        text += f"?{query}"
    if parts.fragment:
        route, sep, fragment_query = parts.fragment.partition("?")
        route = _normalise_path(route) if route.startswith("/") else _normalise_percent(route, _QUERY_CHARS)
        text += f"#{route}"
        if sep:
            text += f"?{_sorted_query(fragment_query, drop)}"
    return text


def append_params(url: str, params: list[tuple[str, str]]) -> str:
    """``url`` with ``params`` appended as Lightspeed appends them: after the fragment if any."""
    encoded = "&".join(f"{quote(key, safe=_SAFE)}={quote(value, safe=_SAFE)}" for key, value in params)
    base, hash_sign, fragment = url.partition("#")
    target = fragment if hash_sign else base
    if "?" not in target:
        joiner = "?"
    elif target.endswith(("?", "&")):
        joiner = ""
    else:
        joiner = "&"
    return f"{base}#{fragment}{joiner}{encoded}" if hash_sign else f"{base}{joiner}{encoded}"
