"""A custom-button handler, tested offline: the sandbox signs the URL the POS would open.

Run: .venv/bin/python examples/button_handler.py
In production, verify against Lightspeed's key set: ``buttons.ButtonVerifier()`` (the default).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import httpx2

from lightspeed_pos import buttons
from lightspeed_pos.buttons.wsgi import ENVIRON_KEY, ButtonWSGIMiddleware
from lightspeed_pos.sandbox import Sandbox


def handler(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The application: it only ever sees verified button requests."""
    button: buttons.ButtonRequest = environ[ENVIRON_KEY]
    text = f"{button.type} {button.sale_id} of account {button.account_id}, back to {button.return_url}"
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [text.encode()]


def main() -> None:
    sandbox = Sandbox(items=10)
    app = ButtonWSGIMiddleware(handler, buttons.ButtonVerifier(sandbox.button_jwks), paths=["/button"])
    http = httpx2.Client(transport=httpx2.WSGITransport(app=app))

    url = sandbox.sign_button("http://127.0.0.1:8000/button", type="sale", sale_id=12)
    print(f"signed:   {http.get(url).text}")
    forged = http.get(url.replace("saleID=12", "saleID=13"))
    print(f"forged:   {forged.status_code} {forged.text.strip()}")
    expired = http.get(sandbox.sign_button("http://127.0.0.1:8000/button", exp=1_700_000_000))
    print(f"expired:  {expired.status_code} {expired.text.strip()}")


if __name__ == "__main__":
    main()
