"""The framework helpers: plain ASGI and WSGI middleware, a Starlette dependency, a Flask decorator."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from lightspeed_pos import buttons
from lightspeed_pos.buttons.asgi import ButtonMiddleware, request_url, starlette_dependency
from lightspeed_pos.buttons.wsgi import ENVIRON_KEY, ButtonWSGIMiddleware, flask_button
from lightspeed_pos.sandbox.http.buttons import SANDBOX_JWKS, ButtonSigner

from .conftest import NOW

ORIGIN = "http://testserver"


@pytest.fixture
def verifier() -> buttons.ButtonVerifier:
    return buttons.ButtonVerifier(SANDBOX_JWKS, clock=lambda: NOW)


async def asgi_app(scope: Any, receive: Any, send: Any) -> None:
    button = scope.get("state", {}).get("lightspeed_button")
    body = f"sale {button.sale_id}".encode() if button else b"open"
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": body})


def _asgi_get(app: Any, url: str) -> httpx2.Response:
    async def main() -> httpx2.Response:
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)) as http:
            return await http.get(url)

    return anyio.run(main)


def test_asgi_middleware_passes_verified_requests_and_refuses_others(
    signer: ButtonSigner, verifier: buttons.ButtonVerifier
) -> None:
    app = ButtonMiddleware(asgi_app, verifier, paths=["/button"])
    url = signer.sign(f"{ORIGIN}/button", account_id=1, sale_id=12)
    assert _asgi_get(app, url).text == "sale 12"
    refused = _asgi_get(app, url.replace("saleID=12", "saleID=13"))
    assert refused.status_code == 400 and "does not match" in refused.text
    assert _asgi_get(app, f"{ORIGIN}/button?saleID=1").status_code == 400
    assert _asgi_get(app, f"{ORIGIN}/elsewhere").text == "open"


def test_asgi_middleware_uses_the_public_origin_behind_a_proxy(
    signer: ButtonSigner, verifier: buttons.ButtonVerifier
) -> None:
    url = signer.sign("https://pos-app.example.com/button", account_id=1, sale_id=5)
    internal = url.replace("https://pos-app.example.com", ORIGIN)
    assert _asgi_get(ButtonMiddleware(asgi_app, verifier), internal).status_code == 400
    proxied = ButtonMiddleware(asgi_app, verifier, public_origin="https://pos-app.example.com")
    assert _asgi_get(proxied, internal).text == "sale 5"


def test_asgi_request_url_without_a_host_header() -> None:
    scope = {
        "type": "http",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "path": "/a",
        "query_string": b"x=1",
    }
    assert request_url(scope) == "http://127.0.0.1:8000/a?x=1"


def test_starlette_dependency(signer: ButtonSigner, verifier: buttons.ButtonVerifier) -> None:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    dependency = starlette_dependency(verifier)

    async def handler(request: Request) -> PlainTextResponse:
        button = await dependency(request)
        return PlainTextResponse(f"{button.type} {button.sale_id}")

    app = Starlette(routes=[Route("/button", handler)])
    url = signer.sign(f"{ORIGIN}/button", type="refund", account_id=1, sale_id=9)
    assert _asgi_get(app, url).text == "refund 9"
    refused = _asgi_get(app, url.replace("alg=RS256", "alg=none"))
    assert refused.status_code == 400 and "only RS256" in refused.text


def _wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    button = environ.get(ENVIRON_KEY)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"sale {button.sale_id}".encode() if button else b"open"]


def test_wsgi_middleware(signer: ButtonSigner, verifier: buttons.ButtonVerifier) -> None:
    app = ButtonWSGIMiddleware(_wsgi_app, verifier, paths=["/button"])
    http = httpx2.Client(transport=httpx2.WSGITransport(app=app))
    url = signer.sign(f"{ORIGIN}/button", account_id=1, sale_id=12)
    assert http.get(url).text == "sale 12"
    refused = http.get(signer.sign(f"{ORIGIN}/button", account_id=1, exp=int(NOW) - 3600))
    assert refused.status_code == 400 and "expired" in refused.text
    assert http.get(f"{ORIGIN}/other").text == "open"
    proxied = ButtonWSGIMiddleware(_wsgi_app, verifier, public_origin="https://pos-app.example.com")
    public = signer.sign("https://pos-app.example.com/button", account_id=1, sale_id=4)
    http = httpx2.Client(transport=httpx2.WSGITransport(app=proxied))
    assert http.get(public.replace("https://pos-app.example.com", ORIGIN)).text == "sale 4"


def test_flask_decorator(signer: ButtonSigner, verifier: buttons.ButtonVerifier) -> None:
    import flask

    app = flask.Flask("buttons")

    @app.get("/button/<shop>")
    @flask_button(verifier)
    def handler(button: buttons.ButtonRequest, shop: str) -> str:
        return f"{shop}: {button.type} {button.sale_id}"

    client = app.test_client()
    url = signer.sign("http://localhost/button/main", account_id=1, sale_id=12)
    path = url.removeprefix("http://localhost")
    assert client.get(path).text == "main: sale 12"
    refused = client.get(path.replace("kid=SANDBOX_BUTTON_2026", "kid=NOPE"))
    assert refused.status_code == 400 and "NOPE" in refused.text
