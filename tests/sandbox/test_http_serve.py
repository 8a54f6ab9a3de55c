"""The sandbox on a real socket (uvicorn on 127.0.0.1) and ``lightspeed sandbox serve``."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time

import httpx2
import pytest

from lightspeed_pos.cli._sandbox import run_server
from lightspeed_pos.sandbox import Faults, Sandbox

from ._http_fakes import FakeEngine, body

HAS_ENGINE = importlib.util.find_spec("lightspeed_pos.sandbox.engine.engine") is not None


def test_served_sandbox_answers_over_a_socket() -> None:
    sandbox = Sandbox(engine=FakeEngine())
    token = sandbox.issue_tokens().access_token
    with sandbox.serve() as served:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/API/V3", served.base_url)
        assert served.auth_url == served.base_url.replace("/API/V3", "/auth/oauth")
        with httpx2.Client(base_url=served.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
            response = client.get("/Account.json", params={"x": "1"})
            assert response.status_code == 200
            assert response.headers["X-LS-API-Bucket-Level"] == "1/90"
            assert body(response)["origin"] == served.origin
            assert client.get("/Account.json", headers={"Authorization": "Bearer bad"}).status_code == 401
            sandbox.faults = Faults(drop_rate=1.0)
            with pytest.raises(httpx2.RemoteProtocolError):
                client.get("/Account.json")
            sandbox.faults = Faults(slow_rate=1.0, slow_seconds=0.3)
            with pytest.raises(httpx2.ReadTimeout):
                client.get("/Account.json", timeout=0.05)
            sandbox.faults = Faults(error_rate=1.0)
            error = client.get("/Account.json")
            assert error.status_code in (500, 502, 503) and "text/html" in error.headers["content-type"]
            sandbox.faults = None
            assert client.get("/Account.json").status_code == 200


def test_oauth_code_flow_over_a_socket() -> None:
    sandbox = Sandbox(engine=FakeEngine())
    with sandbox.serve() as served, httpx2.Client() as http:
        params = {"response_type": "code", "client_id": sandbox.client_id, "state": "s"}
        redirect = http.get(f"{served.auth_url}/authorize", params=params)
        assert redirect.status_code == 302
        code = httpx2.URL(redirect.headers["location"]).params["code"]
        form = {
            "grant_type": "authorization_code",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
            "code": code,
        }
        tokens = http.post(f"{served.auth_url}/token", data=form).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert http.get(f"{served.base_url}/Session.json", headers=headers).status_code == 200


def test_run_server_prints_what_a_developer_needs() -> None:
    sandbox = Sandbox(engine=FakeEngine())
    lines: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=run_server, args=(sandbox, 0, lines.append, stop))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not any(line.lstrip().startswith("curl ") for line in lines):
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.01)
        text = "\n".join(lines)
        for label in ("API base URL", "OAuth client ID", "OAuth client secret", "Authorize URL", "Token URL"):
            assert label in text
        assert sandbox.client_secret in text
        base_url = re.search(r"API base URL:\s+(\S+)", text)
        access = re.search(r"Access token:\s+(\S+)", text)
        assert base_url and access and re.search(r"Refresh token:\s+def50200", text)
        response = httpx2.get(
            f"{base_url.group(1)}/Account.json", headers={"Authorization": f"Bearer {access.group(1)}"}
        )
        assert response.status_code == 200
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


@pytest.mark.skipif(not HAS_ENGINE, reason="the sandbox engine has not landed yet")
def test_cli_sandbox_serve_runs_until_interrupted() -> None:
    command = [sys.executable, "-m", "lightspeed_pos.cli", "sandbox", "serve", "--port", "0", "--items", "20"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    ) as process:
        try:
            assert process.stdout is not None
            lines: list[str] = []
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                line = process.stdout.readline()
                if not line:
                    break
                lines.append(line)
                if line.lstrip().startswith("curl "):
                    break
            text = "".join(lines)
            curl = re.search(r"Bearer (\S+)' '(\S+)'", text)
            assert curl, text
            response = httpx2.get(curl.group(2), headers={"Authorization": f"Bearer {curl.group(1)}"})
            assert response.status_code == 200
            assert "Item" in response.json()
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert process.returncode == 0
