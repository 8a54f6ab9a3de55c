"""The sandbox's OAuth server (docs/reference.md#oauth) over the in-process transport."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from lightspeed_pos.sandbox import Sandbox, TokenPair
from lightspeed_pos.sandbox.http.oauth import API_ACCESS_DENIED

from ._http_fakes import FakeClock, body, fake_sandbox

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture
def setup() -> tuple[Sandbox, FakeClock, httpx2.Client]:
    sandbox, _, clock = fake_sandbox(token_lifetime=5.0)
    return sandbox, clock, httpx2.Client(transport=sandbox.transport())


def authorize(sandbox: Sandbox, http: httpx2.Client, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": sandbox.client_id,
        "scope": "employee:all",
        "state": "st4te",
        "redirect_uri": "https://localhost/callback",
        **extra,
    }
    response = http.get(f"{sandbox.auth_url}/authorize", params=params)
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://localhost/callback"
    query = parse_qs(location.query)
    assert query["state"] == ["st4te"]
    return query["code"][0]


def token(sandbox: Sandbox, http: httpx2.Client, encoding: str = "form", **fields: str) -> httpx2.Response:
    """POST the token endpoint; a code exchange names the redirect URI the code was issued for."""
    form = {"client_id": sandbox.client_id, **fields}
    if fields.get("grant_type") == "authorization_code":
        form.setdefault("redirect_uri", "https://localhost/callback")
    url = f"{sandbox.auth_url}/token"
    if encoding == "json":
        return http.post(url, json=form)
    if encoding == "multipart":
        return http.post(url, files={name: (None, value) for name, value in form.items()})
    return http.post(url, data=form)


def api(sandbox: Sandbox, http: httpx2.Client, access_token: str) -> httpx2.Response:
    return http.get(f"{sandbox.base_url}/Account.json", headers={"Authorization": f"Bearer {access_token}"})


def claims(access_token: str) -> dict[str, Any]:
    header, payload, signature = access_token.split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "==")) == {
        "typ": "JWT",
        "alg": "RS256",
        "kid": "RT_OAUTH2_2024_07_08",
    }
    assert len(signature) > 300
    result: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=="))
    return result


@pytest.mark.parametrize("encoding", ["form", "json", "multipart"])
def test_code_flow_with_pkce_s256(setup: tuple[Sandbox, FakeClock, httpx2.Client], encoding: str) -> None:
    sandbox, _, http = setup
    code = authorize(sandbox, http, code_challenge=CHALLENGE, code_challenge_method="S256")
    response = token(
        sandbox, http, encoding, grant_type="authorization_code", code=code, code_verifier=VERIFIER
    )
    assert response.status_code == 200, response.text
    payload = body(response)
    assert list(payload) == ["token_type", "expires_in", "access_token", "refresh_token"]
    assert payload["token_type"] == "Bearer" and payload["expires_in"] == 5
    assert payload["refresh_token"].startswith("def50200")
    jwt = claims(payload["access_token"])
    assert {"jti", "iss", "aud", "sub", "acct", "scope", "iat", "nbf", "exp"} <= set(jwt)
    assert jwt["aud"] == sandbox.client_id and jwt["acct"] == str(sandbox.account_id)
    assert jwt["iss"] == "https://cloud.lightspeedapp.com" and jwt["exp"] == pytest.approx(jwt["iat"] + 5)
    assert api(sandbox, http, payload["access_token"]).status_code == 200
    again = token(sandbox, http, grant_type="authorization_code", code=code, code_verifier=VERIFIER)
    assert again.status_code == 400 and body(again)["error"] == "invalid_grant"  # codes are single-use


def test_wrong_verifier_and_missing_verifier(setup: tuple[Sandbox, FakeClock, httpx2.Client]) -> None:
    sandbox, _, http = setup
    code = authorize(sandbox, http, code_challenge=CHALLENGE, code_challenge_method="S256")
    wrong = token(sandbox, http, grant_type="authorization_code", code=code, code_verifier="x" * 43)
    assert wrong.status_code == 400 and body(wrong)["error"] == "invalid_grant"
    code = authorize(sandbox, http, code_challenge=CHALLENGE, code_challenge_method="S256")
    missing = token(sandbox, http, grant_type="authorization_code", code=code)
    assert missing.status_code == 400 and body(missing)["error"] == "invalid_request"


def test_plain_challenge_and_confidential_client(setup: tuple[Sandbox, FakeClock, httpx2.Client]) -> None:
    sandbox, _, http = setup
    code = authorize(sandbox, http, code_challenge="plain-verifier-" * 3, code_challenge_method="plain")
    ok = token(sandbox, http, grant_type="authorization_code", code=code, code_verifier="plain-verifier-" * 3)
    assert ok.status_code == 200
    code = authorize(sandbox, http)
    no_secret = token(sandbox, http, grant_type="authorization_code", code=code)
    assert no_secret.status_code == 401 and body(no_secret)["error"] == "invalid_client"
    code = authorize(sandbox, http)
    ok = token(sandbox, http, grant_type="authorization_code", code=code, client_secret=sandbox.client_secret)
    assert ok.status_code == 200


def test_code_expires_after_sixty_seconds(setup: tuple[Sandbox, FakeClock, httpx2.Client]) -> None:
    sandbox, clock, http = setup
    code = authorize(sandbox, http)
    clock.advance(61)
    response = token(
        sandbox, http, grant_type="authorization_code", code=code, client_secret=sandbox.client_secret
    )
    assert response.status_code == 400
    assert body(response)["error"] == "invalid_grant" and "expired" in body(response)["hint"]


def test_authorize_errors(setup: tuple[Sandbox, FakeClock, httpx2.Client]) -> None:
    sandbox, _, http = setup
    url = f"{sandbox.auth_url}/authorize"
    unknown = http.get(url, params={"response_type": "code", "client_id": "nobody"})
    assert unknown.status_code == 400 and body(unknown)["error"] == "invalid_client"
    bad_type = http.get(url, params={"response_type": "token", "client_id": sandbox.client_id})
    assert bad_type.status_code == 400 and body(bad_type)["error"] == "unsupported_response_type"
    bad_scope = http.get(
        url, params={"response_type": "code", "client_id": sandbox.client_id, "scope": "root"}
    )
    assert bad_scope.status_code == 400 and body(bad_scope)["error"] == "invalid_scope"


def test_token_endpoint_errors(setup: tuple[Sandbox, FakeClock, httpx2.Client]) -> None:
    sandbox, _, http = setup
    assert http.get(f"{sandbox.auth_url}/token").status_code == 405
    missing = token(sandbox, http)
    assert missing.status_code == 400 and body(missing)["hint"] == "Check the `grant_type` parameter"
    bad_secret = token(sandbox, http, grant_type="refresh_token", refresh_token="x", client_secret="wrong")
    assert bad_secret.status_code == 401 and body(bad_secret)["error"] == "invalid_client"
    unknown = token(
        sandbox, http, grant_type="refresh_token", refresh_token="def502", client_secret=sandbox.client_secret
    )
    assert unknown.status_code == 400 and body(unknown)["error"] == "invalid_grant"
    assert set(body(unknown)) == {"error", "error_description", "hint"}
    grant = token(sandbox, http, grant_type="password", client_secret=sandbox.client_secret)
    assert grant.status_code == 400 and body(grant)["error"] == "unsupported_grant_type"


def refresh(sandbox: Sandbox, http: httpx2.Client, refresh_token: str) -> httpx2.Response:
    return token(
        sandbox,
        http,
        grant_type="refresh_token",
        refresh_token=refresh_token,
        client_secret=sandbox.client_secret,
    )


def test_refresh_rotates_with_deferred_revocation(setup: tuple[Sandbox, FakeClock, httpx2.Client]) -> None:
    sandbox, _, http = setup
    first = sandbox.issue_tokens()
    rotated = refresh(sandbox, http, first.refresh_token)
    assert rotated.status_code == 200
    second = body(rotated)
    assert second["access_token"] != first.access_token and second["refresh_token"] != first.refresh_token
    # A retried refresh (the answer was lost) still works: the old token is not revoked yet.
    retried = refresh(sandbox, http, first.refresh_token)
    assert retried.status_code == 200
    third = body(retried)
    assert api(sandbox, http, third["access_token"]).status_code == 200  # first use revokes the old one
    dead = refresh(sandbox, http, first.refresh_token)
    assert dead.status_code == 400 and body(dead)["error"] == "invalid_grant"
    assert refresh(sandbox, http, third["refresh_token"]).status_code == 200


def test_expired_access_token_gets_the_401_body(setup: tuple[Sandbox, FakeClock, httpx2.Client]) -> None:
    sandbox, clock, http = setup
    pair = sandbox.issue_tokens()
    assert api(sandbox, http, pair.access_token).status_code == 200
    clock.advance(5.5)
    expired = api(sandbox, http, pair.access_token)
    assert expired.status_code == 401 and body(expired) == API_ACCESS_DENIED
    assert body(expired)["hint"] == "Access token could not be verified"
    assert refresh(sandbox, http, pair.refresh_token).status_code == 200


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_missing_or_bad_token_is_401(
    setup: tuple[Sandbox, FakeClock, httpx2.Client], header: str | None
) -> None:
    sandbox, _, http = setup
    headers = {"Authorization": header} if header is not None else {}
    response = http.get(f"{sandbox.base_url}/Account.json", headers=headers)
    assert response.status_code == 401 and body(response) == API_ACCESS_DENIED


def test_revoke_kills_refresh_and_access_tokens(setup: tuple[Sandbox, FakeClock, httpx2.Client]) -> None:
    sandbox, _, http = setup
    pair = sandbox.issue_tokens()
    form = {
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "refresh_token": pair.refresh_token,
    }
    assert http.post(f"{sandbox.auth_url}/revoke", data=form).status_code == 200
    assert api(sandbox, http, pair.access_token).status_code == 401
    assert refresh(sandbox, http, pair.refresh_token).status_code == 400


def test_introspect_and_other_accounts() -> None:
    sandbox, _, _ = fake_sandbox()
    http = httpx2.Client(transport=sandbox.transport())
    pair = sandbox.issue_tokens(account_id=2)
    response = http.get(
        f"{sandbox.auth_url}/introspect", headers={"Authorization": f"Bearer {pair.access_token}"}
    )
    assert body(response)["active"] is True and body(response)["acct"] == "2"
    assert api(sandbox, http, pair.access_token).headers["X-LS-Acct-Id"] == "2"
    with pytest.raises(ValueError):
        sandbox.issue_tokens(account_id=99)


def test_tokens_never_show_in_reprs() -> None:
    sandbox, _, _ = fake_sandbox()
    pair = sandbox.issue_tokens()
    holder = sandbox.token_holder()
    assert pair.access_token not in repr(pair) and pair.refresh_token not in repr(pair)
    assert holder.oauth_token not in repr(holder)
    assert isinstance(pair, TokenPair)


def test_token_holder_refreshes_through_the_transport() -> None:
    sandbox, _, _ = fake_sandbox()
    holder = sandbox.token_holder()
    before = holder.oauth_token
    assert holder.refresh_oauth_token() == holder.oauth_token != before
    http = httpx2.Client(transport=sandbox.transport())
    assert api(sandbox, http, holder.oauth_token).status_code == 200
    assert holder.refresh_count == 1
