"""The key set: fetched once and cached, fetched again only for an unknown kid (at most every
``min_refetch_interval``), clear errors when it cannot be had; the sandbox serves its own."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from lightspeed_pos import buttons
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sandbox.http.buttons import SANDBOX_JWKS, SANDBOX_KEY_ID, ButtonSigner

from .conftest import NOW

JWKS_URL = "https://cloud.merchantos.com/.well-known/jwks"


class JwksServer:
    """A key server that counts its requests and can rotate in another key."""

    def __init__(self, *documents: dict[str, Any]) -> None:
        self.documents = list(documents)
        self.requests = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        document = self.documents[min(self.requests, len(self.documents)) - 1]
        return httpx2.Response(200, json=document)


def _jwk_of(pem: bytes, kid: str) -> dict[str, Any]:
    import base64

    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    numbers: Any = load_pem_private_key(pem, password=None).public_key().public_numbers()  # type: ignore[union-attr]
    n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
    return {"kty": "RSA", "kid": kid, "e": "AQAB", "n": base64.urlsafe_b64encode(n).rstrip(b"=").decode()}


def test_the_key_set_is_fetched_once_and_cached(signer: ButtonSigner) -> None:
    server = JwksServer(SANDBOX_JWKS)
    keys = buttons.KeySet(JWKS_URL, http_client=httpx2.Client(transport=httpx2.MockTransport(server)))
    verifier = buttons.ButtonVerifier(keys, clock=lambda: NOW)
    for sale in range(1, 6):
        assert (
            verifier.verify(signer.sign("https://app.example/b", account_id=1, sale_id=sale)).sale_id == sale
        )
    assert server.requests == 1 and keys.fetches == 1
    assert keys.key_ids == [SANDBOX_KEY_ID]


def test_an_unknown_kid_fetches_again_once_and_a_rotated_key_is_found(
    signer: ButtonSigner, other_key_pem: bytes
) -> None:
    rotated = {"keys": [*SANDBOX_JWKS["keys"], _jwk_of(other_key_pem, "RT_2027")]}
    server = JwksServer(SANDBOX_JWKS, rotated)
    now = [0.0]
    keys = buttons.KeySet(
        JWKS_URL, http_client=httpx2.Client(transport=httpx2.MockTransport(server)), clock=lambda: now[0]
    )
    verifier = buttons.ButtonVerifier(keys, clock=lambda: NOW)
    verifier.verify(signer.sign("https://app.example/b", account_id=1))
    new_signer = ButtonSigner(other_key_pem, key_id="RT_2027", clock=lambda: NOW)
    url = new_signer.sign("https://app.example/b", account_id=1)
    # within the refetch interval an unknown kid does not reach the key server
    with pytest.raises(buttons.UnknownKeyError):
        verifier.verify(url)
    assert server.requests == 1
    now[0] = 31.0
    assert verifier.verify(url).key_id == "RT_2027"
    assert server.requests == 2
    # known keys never fetch again; a made-up kid fetches at most once per interval
    verifier.verify(url)
    verifier.verify(signer.sign("https://app.example/b", account_id=1))
    for _ in range(5):
        with pytest.raises(buttons.UnknownKeyError):
            verifier.verify(url.replace("kid=RT_2027", "kid=MADE_UP"))
    assert server.requests == 2


@pytest.mark.parametrize(
    ("handler", "message"),
    [
        (lambda request: httpx2.Response(500, text="down"), "answered 500"),
        (lambda request: httpx2.Response(200, text="<html>"), "not JSON"),
        (lambda request: httpx2.Response(200, json={"nokeys": []}), "no 'keys' list"),
        (lambda request: httpx2.Response(200, json={"keys": [{"kty": "RSA", "kid": "k", "n": 5}]}),
         "not a valid RSA key"),
    ],
)  # fmt: skip
def test_a_key_set_that_cannot_be_had_is_a_clear_503(
    signer: ButtonSigner, handler: Any, message: str
) -> None:
    keys = buttons.KeySet(JWKS_URL, http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    with pytest.raises(buttons.KeySetError, match=message) as refused:
        buttons.verify(signer.sign("https://app.example/b", account_id=1), jwks=keys, now=NOW)
    assert refused.value.status == 503


def test_a_network_failure_is_a_key_set_error(signer: ButtonSigner) -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("no route", request=request)

    keys = buttons.KeySet(JWKS_URL, http_client=httpx2.Client(transport=httpx2.MockTransport(refuse)))
    with pytest.raises(buttons.KeySetError, match="failed: no route"):
        buttons.verify(signer.sign("https://app.example/b", account_id=1), jwks=keys, now=NOW)


def test_keys_of_other_types_and_uses_are_skipped() -> None:
    document = {
        "keys": [
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
            {**SANDBOX_JWKS["keys"][0], "kid": "enc", "use": "enc"},
            {**SANDBOX_JWKS["keys"][0], "kid": "ps", "alg": "PS256"},
            SANDBOX_JWKS["keys"][0],
        ]
    }
    assert list(buttons.parse_jwks(document)) == [SANDBOX_KEY_ID]


def test_the_sandbox_key_set_matches_its_signing_key() -> None:
    from lightspeed_pos.sandbox.http.buttons import _SANDBOX_PRIVATE_KEY

    assert _jwk_of(_SANDBOX_PRIVATE_KEY, SANDBOX_KEY_ID)["n"] == SANDBOX_JWKS["keys"][0]["n"]


def test_the_sandbox_serves_its_key_set_and_signs_buttons() -> None:
    sandbox = Sandbox(items=10)
    http = httpx2.Client(transport=sandbox.transport())
    answer = http.get(JWKS_URL)
    assert answer.status_code == 200 and answer.json() == SANDBOX_JWKS
    url = sandbox.sign_button("http://127.0.0.1:8000/app", type="workorder", sale_id=7)
    button = buttons.verify(url, jwks=buttons.KeySet(JWKS_URL, http_client=http))
    assert (button.type, button.sale_id, button.account_id) == ("workorder", 7, sandbox.account_id)


def test_the_served_sandbox_key_set_verifies_over_a_socket() -> None:
    sandbox = Sandbox(items=10)
    with sandbox.serve() as served:
        jwks_url = f"{served.origin}/.well-known/jwks"
        url = sandbox.sign_button(f"{served.origin}/app", sale_id=12)
        assert buttons.verify(url, jwks=jwks_url).sale_id == 12


def test_averify_fetches_without_blocking(signer: ButtonSigner) -> None:
    server = JwksServer(SANDBOX_JWKS)

    async def main() -> None:
        async with httpx2.AsyncClient(transport=httpx2.MockTransport(server)) as http:
            keys = buttons.KeySet(JWKS_URL, async_http_client=http)
            verifier = buttons.ButtonVerifier(keys, clock=lambda: NOW)
            url = signer.sign("https://app.example/b", account_id=1, sale_id=3)
            results = []

            async def one() -> None:
                results.append(await verifier.averify(url))

            async with anyio.create_task_group() as group:
                for _ in range(5):
                    group.start_soon(one)
            assert [button.sale_id for button in results] == [3] * 5
            with pytest.raises(buttons.ExpiredError):
                await buttons.averify(
                    signer.sign("https://app.example/b", account_id=1, exp=0), jwks=keys, now=NOW
                )

    anyio.run(main)
    assert server.requests == 1


def test_a_url_key_set_is_shared_in_the_process() -> None:
    from lightspeed_pos.buttons._verify import key_set

    assert key_set("https://keys.example/jwks") is key_set("https://keys.example/jwks")
    assert key_set(SANDBOX_JWKS) is not key_set(SANDBOX_JWKS)
