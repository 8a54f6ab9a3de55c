"""Verifying a custom-button request: the checks in the order Lightspeed documents them.

1. ``exp``, ``kid``, ``alg`` and ``signature`` are all present (once each);
2. ``alg`` is ``RS256`` — pinned: a request saying ``none`` or ``HS256`` is refused, never obeyed;
3. ``exp`` is not past (with ``leeway`` seconds of clock skew);
4. the public key ``kid`` is found (the key set is fetched again once for an unknown id);
5. the RS256 signature matches the canonical URL (:func:`canonical_url`).

Then the context parameters are read into a :class:`ButtonRequest`. The checks that need no key
are written once (:func:`_prepare`); only the key lookup differs between ``verify`` and
``averify``.
"""

from __future__ import annotations

import binascii
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ._canonical import canonical_url, signed_params
from ._errors import (
    AlgorithmError,
    ExpiredError,
    InvalidParameterError,
    MissingParameterError,
    SignatureError,
)
from ._keys import LIGHTSPEED_JWKS_URL, KeySet, b64url_decode

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = ["ALGORITHM", "DEFAULT_LEEWAY", "ButtonRequest", "ButtonVerifier", "averify", "verify"]

ALGORITHM = "RS256"
DEFAULT_LEEWAY = 10.0
"""Seconds of clock skew allowed on ``exp``."""
SIGNING_PARAMETERS = ("signature", "exp", "kid", "alg")

JwksInput = KeySet | Mapping[str, Any] | str


@dataclass(frozen=True)
class ButtonRequest:
    """The verified context of a button click. Ids that the POS sends as ``0`` (no customer, no
    sale) are ``None``."""

    type: str
    """Where the button was pressed: ``sale``, ``refund``, ``workorder``, ..."""
    account_id: int
    employee_id: int | None
    user_id: int | None
    """``userID`` (or ``systemUserID``): the system user of the employee."""
    sale_id: int | None
    """The sale (or work order) on screen."""
    customer_id: int | None
    shop_id: int | None
    register_id: int | None
    return_url: str | None
    """Where to send the user back to the register."""
    expires_at: datetime
    key_id: str
    params: Mapping[str, str] = field(repr=False)
    """Every parameter of the signed query except ``signature`` (the last value of a repeated key)."""
    url: str = field(repr=False)


@dataclass(frozen=True)
class _Prepared:
    key_id: str
    signature: bytes
    message: bytes
    params: dict[str, str]
    expires_at: int
    url: str


def _single(pairs: tuple[tuple[str, str], ...], name: str) -> str:
    values = [value for key, value in pairs if key == name]
    if not values:
        raise MissingParameterError(name)
    if len(values) > 1:
        raise InvalidParameterError(name, "appears more than once")
    return values[0]


def _prepare(url: str, now: float, leeway: float) -> _Prepared:
    try:
        pairs = signed_params(url)
        message = canonical_url(url).encode("ascii")
    except ValueError as error:
        raise InvalidParameterError("url", f"is not a valid URL: {error}") from error
    values = {name: _single(pairs, name) for name in SIGNING_PARAMETERS}
    if values["alg"] != ALGORITHM:
        raise AlgorithmError(values["alg"])
    try:
        expires_at = int(values["exp"])
    except ValueError:
        raise InvalidParameterError("exp", f"is not a Unix time: {values['exp'][:40]!r}") from None
    if now > expires_at + leeway:
        raise ExpiredError(expires_at, now)
    try:
        signature = b64url_decode(values["signature"])
    except (binascii.Error, ValueError):
        raise SignatureError("the button request's signature is not base64url") from None
    params = {key: value for key, value in pairs if key != "signature"}
    return _Prepared(values["kid"], signature, message, params, expires_at, url)


def _optional_id(params: Mapping[str, str], *names: str) -> int | None:
    for name in names:
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        try:
            number = int(raw)
        except ValueError:
            raise InvalidParameterError(name, f"is not an integer: {raw[:40]!r}") from None
        return number or None
    return None


def _finish(prepared: _Prepared, key: RSAPublicKey) -> ButtonRequest:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        key.verify(prepared.signature, prepared.message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureError(
            f"the button request's signature does not match its URL (key {prepared.key_id!r}): "
            "the URL was changed, or signed with another key"
        ) from None
    params = prepared.params
    if "type" not in params:
        raise MissingParameterError("type")
    account_id = _optional_id(params, "accountID")
    if account_id is None:
        raise MissingParameterError("accountID")
    return ButtonRequest(
        type=params["type"],
        account_id=account_id,
        employee_id=_optional_id(params, "employeeID"),
        user_id=_optional_id(params, "userID", "systemUserID"),
        sale_id=_optional_id(params, "saleID"),
        customer_id=_optional_id(params, "customerID"),
        shop_id=_optional_id(params, "shopID"),
        register_id=_optional_id(params, "registerID"),
        return_url=params.get("returnURL") or None,
        expires_at=datetime.fromtimestamp(prepared.expires_at, UTC),
        key_id=prepared.key_id,
        params=params,
        url=prepared.url,
    )


_SHARED_KEY_SETS: dict[str, KeySet] = {}


def key_set(jwks: JwksInput) -> KeySet:
    """A :class:`KeySet` for ``jwks``: itself, a fixed set from a JWKS document, or the one shared
    set per URL in this process (so that the keys are fetched once)."""
    if isinstance(jwks, KeySet):
        return jwks
    if isinstance(jwks, str):
        return _SHARED_KEY_SETS.setdefault(jwks, KeySet(jwks))
    return KeySet.from_jwks(jwks)


class ButtonVerifier:
    """Verifies button requests against one key set; share one per application.

    ``jwks`` is a :class:`KeySet`, a JWKS document, or a URL (Lightspeed's by default).
    ``leeway`` is the clock skew allowed on ``exp``; ``clock`` gives the Unix time.
    """

    def __init__(
        self,
        jwks: JwksInput = LIGHTSPEED_JWKS_URL,
        *,
        leeway: float = DEFAULT_LEEWAY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if leeway < 0:
            raise ValueError("leeway must be >= 0 seconds")
        self.keys = key_set(jwks)
        self.leeway = leeway
        self._clock = clock

    def verify(self, url: str) -> ButtonRequest:
        """Verify the full URL of a button request (``GET`` on the JWKS URL if the key is unknown)."""
        prepared = _prepare(url, self._clock(), self.leeway)
        return _finish(prepared, self.keys.get(prepared.key_id))

    async def averify(self, url: str) -> ButtonRequest:
        """:meth:`verify` for asynchronous code: a key set fetch does not block the event loop."""
        prepared = _prepare(url, self._clock(), self.leeway)
        return _finish(prepared, await self.keys.aget(prepared.key_id))

    def __repr__(self) -> str:
        return f"<ButtonVerifier keys={self.keys!r} leeway={self.leeway}>"


def verify(
    url: str,
    *,
    jwks: JwksInput = LIGHTSPEED_JWKS_URL,
    leeway: float = DEFAULT_LEEWAY,
    now: float | None = None,
) -> ButtonRequest:
    """Verify a button request's full URL and return its context; raises a :class:`ButtonError`.

    ``jwks``: Lightspeed's key set URL by default (fetched once per process, cached, fetched again
    only for an unknown ``kid``), another URL, a JWKS document or a :class:`KeySet`.
    """
    clock = time.time if now is None else (lambda: now)
    return ButtonVerifier(jwks, leeway=leeway, clock=clock).verify(url)


async def averify(
    url: str,
    *,
    jwks: JwksInput = LIGHTSPEED_JWKS_URL,
    leeway: float = DEFAULT_LEEWAY,
    now: float | None = None,
) -> ButtonRequest:
    """:func:`verify` for asynchronous code."""
    clock = time.time if now is None else (lambda: now)
    return await ButtonVerifier(jwks, leeway=leeway, clock=clock).averify(url)
