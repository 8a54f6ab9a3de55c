"""OAuth as strict as the real service (docs/reference.md#oauth): registered redirect URIs only, the code's
``redirect_uri`` required and matched in the exchange, a replayed code revokes what it issued, and
scopes enforced per endpoint with the API's 403."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from lightspeed_pos._catalog import catalog
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sandbox.http.scopes import ENDPOINT_SCOPES, endpoint_of

from ._hostile import assert_api_error, raw_client


def authorize(sandbox: Sandbox, http: httpx2.Client, **params: str) -> httpx2.Response:
    query = {"response_type": "code", "client_id": sandbox.client_id, "scope": "employee:all", **params}
    return http.get(f"{sandbox.auth_url}/authorize", params=query)


def code_of(response: httpx2.Response) -> str:
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


def token(sandbox: Sandbox, http: httpx2.Client, **fields: str) -> httpx2.Response:
    """POST the token endpoint as the sandbox's confidential client."""
    form = {"client_id": sandbox.client_id, "client_secret": sandbox.client_secret, **fields}
    return http.post(f"{sandbox.auth_url}/token", data=form)


def exchange(sandbox: Sandbox, http: httpx2.Client, code: str, **fields: str) -> httpx2.Response:
    return token(sandbox, http, grant_type="authorization_code", code=code, **fields)


def refresh(sandbox: Sandbox, http: httpx2.Client, refresh_token: str) -> httpx2.Response:
    return token(sandbox, http, grant_type="refresh_token", refresh_token=refresh_token)


def test_authorize_redirects_only_to_registered_uris(sandbox: Sandbox) -> None:
    with httpx2.Client(transport=sandbox.transport()) as http:
        for stranger in (
            "https://evil.example/steal",
            "https://localhost/callback/../x",
            "http://localhost.evil/cb",
        ):
            refused = authorize(sandbox, http, redirect_uri=stranger)
            assert_api_error(refused, 401)
            assert "location" not in refused.headers and "code" not in refused.text
        assert_api_error(authorize(sandbox, http, redirect_uri="https://127.0.0.1:8443/callback"), 401)
        for loopback in ("http://127.0.0.1:53123/callback", "http://localhost:8080/callback"):
            location = authorize(sandbox, http, redirect_uri=loopback).headers["Location"]
            assert location.startswith(loopback + "?code=")
        default = authorize(sandbox, http).headers["Location"]
        assert default.startswith("https://localhost/callback?code=")
        sandbox.register_redirect_uri("https://app.example/oauth/done")
        assert code_of(authorize(sandbox, http, redirect_uri="https://app.example/oauth/done"))


def test_the_exchange_requires_the_same_redirect_uri(sandbox: Sandbox) -> None:
    redirect = "https://localhost/callback"
    with httpx2.Client(transport=sandbox.transport()) as http:
        missing = exchange(sandbox, http, code_of(authorize(sandbox, http, redirect_uri=redirect)))
        assert assert_api_error(missing, 400)["error"] == "invalid_request"
        other = exchange(
            sandbox,
            http,
            code_of(authorize(sandbox, http, redirect_uri=redirect)),
            redirect_uri=redirect + "2",
        )
        assert assert_api_error(other, 400)["error"] == "invalid_request"
        good = code_of(authorize(sandbox, http, redirect_uri=redirect))
        assert exchange(sandbox, http, good, redirect_uri=redirect).status_code == 200
        implicit = code_of(authorize(sandbox, http))  # no redirect_uri named: none is needed after
        assert exchange(sandbox, http, implicit).status_code == 200


def test_a_replayed_code_revokes_every_token_issued_from_it(sandbox: Sandbox) -> None:
    redirect = "https://localhost/callback"
    with httpx2.Client(transport=sandbox.transport()) as http:
        code = code_of(authorize(sandbox, http, redirect_uri=redirect))
        first = exchange(sandbox, http, code, redirect_uri=redirect).json()
        refreshed = refresh(sandbox, http, first["refresh_token"]).json()
        unrelated = exchange(
            sandbox, http, code_of(authorize(sandbox, http, redirect_uri=redirect)), redirect_uri=redirect
        ).json()

        def works(token: str) -> bool:
            answer = http.get(
                f"{sandbox.base_url}/Account.json", headers={"Authorization": f"Bearer {token}"}
            )
            return answer.status_code == 200

        assert works(first["access_token"]) and works(refreshed["access_token"])
        replay = exchange(sandbox, http, code, redirect_uri=redirect)
        assert assert_api_error(replay, 400)["error"] == "invalid_grant"
        assert not works(first["access_token"]) and not works(refreshed["access_token"])
        assert works(unrelated["access_token"])
        again = refresh(sandbox, http, refreshed["refresh_token"])
        assert assert_api_error(again, 400)["error"] == "invalid_grant"


def test_every_catalogue_endpoint_has_a_scope_rule() -> None:
    for spec in catalog().resources:
        if spec.scope == "account" and spec.path:
            path = "/API/V3/Account/1/" + spec.path.replace("{", "").replace("}", "") + ".json"
            assert endpoint_of(path) in ENDPOINT_SCOPES, spec.path


@pytest.mark.parametrize(
    ("scope", "method", "rest", "allowed"),
    [
        ("employee:reports", "POST", "Item.json", False),
        ("employee:reports", "DELETE", "Customer/1/anonymize.json", False),
        ("employee:reports", "GET", "Reports/Accounting/TaxesByDay.json", True),
        ("employee:reports", "GET", "Item.json", False),
        ("employee:inventory_read", "GET", "Item.json", True),
        ("employee:inventory_read", "PUT", "Item/1.json", False),
        ("employee:inventory", "PUT", "Item/1.json", True),
        ("employee:customers_read", "GET", "Customer/1.json", True),
        ("employee:customers_read", "PUT", "Customer/1.json", False),
        ("employee:customers", "DELETE", "Customer/2/anonymize.json", True),
        ("employee:register_read", "GET", "Sale.json", True),
        ("employee:register_read", "POST", "Sale.json", False),
        ("employee:register", "POST", "Sale/1/refund.json", False),
        ("employee:register_refund employee:register", "GET", "Sale/1.json", True),
        ("employee:workbench", "GET", "Workorder.json", True),
        ("employee:workbench", "GET", "Employee.json", False),
        ("employee:transfers", "GET", "Inventory/Transfer.json", True),
        ("employee:admin", "POST", "Item.json", True),
        ("employee:inventory", "GET", "/API/V3/Session.json", True),
    ],
)
def test_scopes_are_enforced_per_endpoint(
    sandbox: Sandbox, scope: str, method: str, rest: str, allowed: bool
) -> None:
    body = {"description": "scoped"} if method in ("POST", "PUT") and "Item" in rest else None
    path = rest if rest.startswith("/") else f"/API/V3/Account/{sandbox.account_id}/{rest}"
    with raw_client(sandbox, scope=scope) as http:
        answer = http.request(method, path, json=body)
    if allowed:
        assert answer.status_code != 403, answer.text
    else:
        assert "scope" in assert_api_error(answer, 403)["message"]
