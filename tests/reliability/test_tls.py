"""TLS verification stays on unless ``verify=False`` is given explicitly."""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import lightspeed_pos as ls


class Holder:
    oauth_token = "token"

    def refresh_oauth_token(self) -> str:
        return "token"


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"@attributes":{"count":"1"},"Account":{"accountID":"1","name":"TLS"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def self_signed_server(tmp_path: Path) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate; yields its base URL."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/API/V3"
    server.shutdown()
    server.server_close()


def test_verification_is_on_by_default(self_signed_server: str) -> None:
    client = ls.Client(Holder(), base_url=self_signed_server, max_retries=0)
    with client, pytest.raises(ls.APIConnectionError) as failed:
        client.accounts.all()
    assert "CERTIFICATE_VERIFY_FAILED" in repr(failed.value.__cause__)


def test_verify_false_must_be_asked_for(self_signed_server: str) -> None:
    with ls.Client(Holder(), base_url=self_signed_server, verify=False) as client:
        assert [account.name for account in client.accounts.all()] == ["TLS"]


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_async_client_verifies_by_default(self_signed_server: str, anyio_backend: str) -> None:
    client = ls.AsyncClient(Holder(), base_url=self_signed_server, max_retries=0)
    try:
        with pytest.raises(ls.APIConnectionError):
            await client.accounts.all()
    finally:
        await client.close()
