"""Test doubles for the sandbox's HTTP layer: a tiny fake engine (and the tests' fake clock)."""

from __future__ import annotations

import json
import threading
from typing import Any

from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sandbox.http.messages import ApiRequest, ApiResponse, AuthContext
from tests.support.clock import FakeClock

__all__ = ["FakeClock", "FakeEngine", "body", "fake_sandbox"]


class FakeEngine:
    """Answers every API path with a small JSON body; POST stores the payload as a record."""

    def __init__(self, account_ids: tuple[int, ...] = (1, 2)) -> None:
        self.account_ids = list(account_ids)
        self.calls: list[tuple[ApiRequest, AuthContext]] = []
        self.records: list[Any] = []
        self._lock = threading.Lock()

    def handle(self, request: ApiRequest, auth: AuthContext) -> ApiResponse:
        with self._lock:
            self.calls.append((request, auth))
            if request.method == "POST":
                self.records.append(request.json())
                return ApiResponse.json_body(200, {"@attributes": {"count": "1"}, "Item": {"itemID": "1"}})
        payload = {
            "path": request.path,
            "account": auth.account_id,
            "client": auth.client_id,
            "origin": request.origin,
        }
        return ApiResponse.json_body(200, payload)

    def count(self, account_id: int, entity: str, *, include_archived: bool = True) -> int:
        return len(self.records)


def fake_sandbox(**kwargs: Any) -> tuple[Sandbox, FakeEngine, FakeClock]:
    """A sandbox on a fake engine and a fake clock."""
    engine = FakeEngine()
    clock = FakeClock()
    return Sandbox(engine=engine, clock=clock, **kwargs), engine, clock


def body(response: Any) -> Any:
    return json.loads(response.content)
