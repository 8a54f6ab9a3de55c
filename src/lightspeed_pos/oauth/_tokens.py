"""A token set as the token endpoint issued it, the JWT claims it carries, and LoginRequiredError.

No I/O here: :class:`TokenSet` is built from a token response
(docs/reference.md#oauth-token-response) and the access token's unverified JWT payload
(#oauth-jwt); it serialises to and from plain JSON for the stores.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass, field
from typing import Any

import httpx2

from ..errors import LOGIN_HINT, InvalidResponseError, LoginRequiredError

__all__ = ["LOGIN_HINT", "LoginRequiredError", "TokenSet", "jwt_claims"]

REDACTED = "'***'"


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, decoded WITHOUT verifying the signature; ``{}`` when it is not a JWT.

    Used only to read ``exp``, ``acct`` and ``scope`` of our own token; never to trust anything.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(_b64decode(parts[1]))
    except (binascii.Error, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


@dataclass(frozen=True)
class TokenSet:
    """An access token, its refresh token and what is known about them; the repr hides both tokens.

    ``expires_at`` and ``obtained_at`` are Unix times (seconds); ``expires_at`` is the earlier of
    ``obtained_at + expires_in`` and the JWT's ``exp`` (``None`` when neither is known).
    ``account_id`` comes from the JWT's ``acct`` claim, ``scope`` from its ``scope`` claim.
    """

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: float | None = None
    scope: str | None = None
    account_id: int | None = None
    obtained_at: float = 0.0
    token_type: str = "Bearer"

    def __repr__(self) -> str:
        refresh = REDACTED if self.refresh_token else "None"
        return (
            f"TokenSet(access_token={REDACTED}, refresh_token={refresh}, expires_at={self.expires_at!r}, "
            f"scope={self.scope!r}, account_id={self.account_id!r}, obtained_at={self.obtained_at!r})"
        )

    def expires_in(self, now: float) -> float | None:
        """Seconds left at ``now`` (negative once expired), or ``None`` when the expiry is unknown."""
        return None if self.expires_at is None else self.expires_at - now

    @classmethod
    def from_response(
        cls,
        payload: Any,
        *,
        now: float,
        scope: str | None = None,
        previous: TokenSet | None = None,
        response: httpx2.Response | None = None,
    ) -> TokenSet:
        """The tokens of a token endpoint answer (``access_token``, ``refresh_token``, ``expires_in``).

        A missing ``refresh_token`` keeps ``previous``'s (old servers did not rotate).
        """
        if not isinstance(payload, dict) or not isinstance(payload.get("access_token"), str):
            raise InvalidResponseError(
                "the token endpoint answered without an access_token", response=response
            )
        access_token: str = payload["access_token"]
        refresh_token = payload.get("refresh_token")
        if not isinstance(refresh_token, str) or not refresh_token:
            refresh_token = previous.refresh_token if previous is not None else None
        claims = jwt_claims(access_token)
        candidates = []
        expires_in = _number(payload.get("expires_in"))
        if expires_in is not None and expires_in > 0:
            candidates.append(now + expires_in)
        exp = _number(claims.get("exp"))
        if exp is not None:
            candidates.append(exp)
        account = claims.get("acct")
        account_id = int(account) if isinstance(account, str | int) and str(account).isdigit() else None
        claimed_scope = claims.get("scope") if isinstance(claims.get("scope"), str) else payload.get("scope")
        return cls(
            access_token=access_token,
            refresh_token=refresh_token,
            expires_at=min(candidates) if candidates else None,
            scope=claimed_scope if isinstance(claimed_scope, str) else scope,
            account_id=account_id,
            obtained_at=now,
            token_type=str(payload.get("token_type") or "Bearer"),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (it holds the tokens: store it as a secret)."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
            "scope": self.scope,
            "account_id": self.account_id,
            "obtained_at": self.obtained_at,
            "token_type": self.token_type,
        }

    @classmethod
    def from_dict(cls, data: Any) -> TokenSet:
        """The inverse of :meth:`to_dict`; ``ValueError`` when ``data`` is not a token set."""
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise ValueError("not a token set (no access_token)")
        refresh_token = data.get("refresh_token")
        account_id = data.get("account_id")
        scope = data.get("scope")
        return cls(
            access_token=data["access_token"],
            refresh_token=refresh_token if isinstance(refresh_token, str) else None,
            expires_at=_number(data.get("expires_at")),
            scope=scope if isinstance(scope, str) else None,
            account_id=account_id
            if isinstance(account_id, int) and not isinstance(account_id, bool)
            else None,
            obtained_at=_number(data.get("obtained_at")) or 0.0,
            token_type=str(data.get("token_type") or "Bearer"),
        )
