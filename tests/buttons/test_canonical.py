"""The canonical form of a button URL: RFC 3986 normalisations that preserve semantics, sorted query."""

from __future__ import annotations

import pytest

from lightspeed_pos.buttons import append_params, canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM/a", "http://example.com/a"),  # case of scheme and host
        ("http://example.com", "http://example.com/"),  # empty path
        ("http://example.com:80/a", "http://example.com/a"),  # default port
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),  # dot segments
        ("http://example.com/%7euser/%2fx%2Fy", "http://example.com/~user/%2Fx%2Fy"),  # percent-encoding
        ("http://example.com/a b/é", "http://example.com/a%20b/%C3%A9"),
        ("http://example.com/?b=2&a=1&c=3", "http://example.com/?a=1&b=2&c=3"),  # sorted query
        ("http://example.com/?b=2&a=1&b=1", "http://example.com/?a=1&b=2&b=1"),  # stable for repeats
        ("http://example.com/?a=%7e&b=%3a&c=a+b", "http://example.com/?a=~&b=%3A&c=a+b"),
        ("http://example.com/?flag&a=1", "http://example.com/?a=1&flag"),
        ("http://example.com/?signature=x&a=1", "http://example.com/?a=1"),  # signature removed
        ("http://example.com/?signature=x", "http://example.com/"),
        ("http://example.com/p#/r/./s?b=1&a=2&signature=z", "http://example.com/p#/r/s?a=2&b=1"),
        ("http://User@Example.com/", "http://User@example.com/"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_refuses_relative_urls_and_bad_ports() -> None:
    with pytest.raises(ValueError, match="absolute"):
        canonical_url("/path?a=1")
    with pytest.raises(ValueError, match="port"):
        canonical_url("http://example.com:http/")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x/a", "http://x/a?k=v%20w"),
        ("http://x/a?", "http://x/a?k=v%20w"),
        ("http://x/a?q=1", "http://x/a?q=1&k=v%20w"),
        ("http://x/a#/r", "http://x/a#/r?k=v%20w"),
        ("http://x/a?q=1#/r?s=2", "http://x/a?q=1#/r?s=2&k=v%20w"),
    ],
)
def test_parameters_are_appended_after_the_fragment_if_any(url: str, expected: str) -> None:
    assert append_params(url, [("k", "v w")]) == expected
