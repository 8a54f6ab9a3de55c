"""Lightspeed's public keys (a JWKS): read, cached, fetched again only for an unknown key id.

``cryptography`` (the ``buttons`` extra) builds each RSA key from its JWK ``n`` and ``e``. The set
is fetched on first use; an unknown ``kid`` fetches it again, at most once per
``min_refetch_interval`` seconds, so that requests with made-up key ids cannot make the
application hammer the key server.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import anyio
import httpx2

from ._errors import KeySetError, UnknownKeyError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = ["LIGHTSPEED_JWKS_URL", "KeySet", "b64url_decode", "parse_jwks"]

LIGHTSPEED_JWKS_URL = "https://cloud.merchantos.com/.well-known/jwks"
"""Where Lightspeed publishes the keys that sign custom-button requests."""


def b64url_decode(text: str) -> bytes:
    """Base64url without padding (RFC 7515), strictly: other characters are refused."""
    padded = text + "=" * (-len(text) % 4)
    return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)


def _int(value: Any) -> int:
    if not isinstance(value, str):
        raise ValueError("not a base64url string")
    return int.from_bytes(b64url_decode(value), "big")


def rsa() -> Any:
    """The ``cryptography`` RSA module, with a clear error when the extra is not installed."""
    try:
        from cryptography.hazmat.primitives.asymmetric import rsa as module
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            "verifying button requests needs cryptography: pip install 'lightspeed-pos[buttons]'"
        ) from error
    return module


def parse_jwks(document: Mapping[str, Any]) -> dict[str, RSAPublicKey]:
    """The RSA signing keys of a JWKS document, by ``kid``; keys of other types are skipped."""
    keys = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(keys, list):
        raise KeySetError("the key set has no 'keys' list")
    module = rsa()
    found: dict[str, RSAPublicKey] = {}
    for jwk in keys:
        if not isinstance(jwk, Mapping) or jwk.get("kty") != "RSA" or not isinstance(jwk.get("kid"), str):
            continue
        if jwk.get("alg", "RS256") != "RS256" or jwk.get("use", "sig") != "sig":
            continue
        try:
            found[jwk["kid"]] = module.RSAPublicNumbers(_int(jwk.get("e")), _int(jwk.get("n"))).public_key()
        except ValueError as error:
            raise KeySetError(
                f"the key {jwk['kid']!r} of the key set is not a valid RSA key: {error}"
            ) from error
    return found


def _decode(response: httpx2.Response, url: str) -> dict[str, RSAPublicKey]:
    if response.status_code != 200:
        raise KeySetError(f"fetching the key set from {url} answered {response.status_code}")
    try:
        document = json.loads(response.content)
    except ValueError as error:
        raise KeySetError(f"the key set at {url} is not JSON") from error
    return parse_jwks(document)


class KeySet:
    """Public keys by id, from a JWKS URL (fetched lazily, cached) or a JWKS document (static).

    Thread-safe; ``get`` for synchronous code, ``await aget`` for asynchronous code (the fetch
    does not block the event loop). ``fetches`` counts the fetches made.
    """

    def __init__(
        self,
        url: str | None = LIGHTSPEED_JWKS_URL,
        *,
        jwks: Mapping[str, Any] | None = None,
        http_client: httpx2.Client | None = None,
        async_http_client: httpx2.AsyncClient | None = None,
        timeout: float = 10.0,
        min_refetch_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._keys: dict[str, RSAPublicKey] = parse_jwks(jwks) if jwks is not None else {}
        self._http = http_client
        self._async_http = async_http_client
        self._timeout = timeout
        self._min_interval = min_refetch_interval
        self._clock = clock
        self._fetched_at: float | None = None
        self._lock = threading.Lock()
        self._async_lock: anyio.Lock | None = None
        self.fetches = 0

    @classmethod
    def from_jwks(cls, jwks: Mapping[str, Any]) -> KeySet:
        """A fixed key set that never fetches (for tests, or keys you distribute yourself)."""
        return cls(None, jwks=jwks)

    @property
    def key_ids(self) -> list[str]:
        return sorted(self._keys)

    def _may_fetch(self) -> bool:
        if self.url is None:
            return False
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._min_interval

    def _store(self, keys: dict[str, RSAPublicKey]) -> None:
        self._keys = keys
        self._fetched_at = self._clock()
        self.fetches += 1

    def _found(self, key_id: str) -> RSAPublicKey:
        key = self._keys.get(key_id)
        if key is None:
            raise UnknownKeyError(key_id)
        return key

    def get(self, key_id: str) -> RSAPublicKey:
        """The key ``key_id``, fetching the set if it is not known yet (``GET`` the JWKS URL)."""
        if key_id in self._keys:
            return self._keys[key_id]
        with self._lock:
            if key_id not in self._keys and self._may_fetch():
                assert self.url is not None
                try:
                    if self._http is not None:
                        response = self._http.get(self.url, timeout=self._timeout)
                    else:
                        response = httpx2.get(self.url, timeout=self._timeout)
                except httpx2.HTTPError as error:
                    raise KeySetError(f"fetching the key set from {self.url} failed: {error}") from error
                self._store(_decode(response, self.url))
        return self._found(key_id)

    async def aget(self, key_id: str) -> RSAPublicKey:
        """The key ``key_id``, fetching the set without blocking the event loop if needed."""
        if key_id in self._keys:
            return self._keys[key_id]
        if self._async_lock is None:
            self._async_lock = anyio.Lock()
        async with self._async_lock:
            if key_id not in self._keys and self._may_fetch():
                assert self.url is not None
                try:
                    if self._async_http is not None:
                        response = await self._async_http.get(self.url, timeout=self._timeout)
                    else:
                        async with httpx2.AsyncClient(timeout=self._timeout) as http:
                            response = await http.get(self.url)
                except httpx2.HTTPError as error:
                    raise KeySetError(f"fetching the key set from {self.url} failed: {error}") from error
                self._store(_decode(response, self.url))
        return self._found(key_id)

    def __repr__(self) -> str:
        return f"<KeySet url={self.url!r} keys={self.key_ids}>"
