"""TokenSet: built from a token response and the JWT, serialised for stores, never shown."""

from __future__ import annotations

import base64
import json

import pytest

import lightspeed_pos as ls
from lightspeed_pos.oauth import LoginRequiredError, TokenSet, jwt_claims


def jwt(claims: dict[str, object]) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


def test_expiry_is_the_earlier_of_expires_in_and_exp() -> None:
    access = jwt({"exp": 1_000_100.5, "acct": "120645", "scope": "employee:all"})
    tokens = TokenSet.from_response(
        {"access_token": access, "refresh_token": "def502", "expires_in": 3600, "token_type": "Bearer"},
        now=1_000_000.0,
    )
    assert tokens.expires_at == 1_000_100.5
    assert tokens.account_id == 120645 and tokens.scope == "employee:all"
    assert tokens.obtained_at == 1_000_000.0
    shorter = TokenSet.from_response({"access_token": access, "expires_in": "30"}, now=1_000_000.0)
    assert shorter.expires_at == 1_000_030.0


def test_an_opaque_token_and_an_old_server_answer() -> None:
    previous = TokenSet("old", "def50200keep")
    tokens = TokenSet.from_response(
        {"access_token": "opaque", "expires_in": 1800, "scope": "employee:all systemuserid:1"},
        now=10.0,
        previous=previous,
    )
    assert tokens.refresh_token == "def50200keep"  # not rotated: kept
    assert tokens.expires_at == 1810.0 and tokens.account_id is None
    assert tokens.scope == "employee:all systemuserid:1"
    assert TokenSet.from_response({"access_token": "x"}, now=0, scope="employee:a").expires_at is None
    with pytest.raises(ls.InvalidResponseError):
        TokenSet.from_response({"error": "nope"}, now=0)


@pytest.mark.parametrize("token", ["", "a.b", "a.!!!.c", "a.W10.c", f"a.{'e30'}.c"])
def test_jwt_claims_of_non_jwts_are_empty(token: str) -> None:
    assert jwt_claims(token) == {}


def test_round_trip_and_redacted_repr() -> None:
    tokens = TokenSet("access-secret", "refresh-secret", 12.5, "employee:all", 7, 2.0)
    assert TokenSet.from_dict(json.loads(json.dumps(tokens.to_dict()))) == tokens
    text = repr(tokens) + str(tokens)
    assert "access-secret" not in text and "refresh-secret" not in text
    assert "'***'" in text and "account_id=7" in text
    with pytest.raises(ValueError):
        TokenSet.from_dict({"refresh_token": "x"})


def test_login_required_is_an_unauthorized_error_that_says_what_to_do() -> None:
    error = LoginRequiredError("the refresh token was rejected", error="invalid_grant")
    assert isinstance(error, ls.UnauthorizedError) and isinstance(error, ls.LightspeedError)
    assert error.status_code == 401 and error.error == "invalid_grant"
    assert str(error) == (
        "401: login required: the refresh token was rejected; run `lightspeed login` to log in again"
    )
