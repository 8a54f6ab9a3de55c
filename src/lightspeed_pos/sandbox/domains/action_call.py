"""What an action handler (``actions.py`` routes to it) is given: one request on one record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine.formatting import Record, bad_request
from ..http.messages import ApiRequest, ApiResponse, AuthContext
from .hooks import Ctx


@dataclass(frozen=True)
class Call:
    """One action request on one stored record."""

    ctx: Ctx
    request: ApiRequest
    auth: AuthContext
    record: Record

    def body(self) -> Any:
        """The JSON body (``{}`` when there is none)."""
        payload = self.request.json()
        return {} if payload is None else payload

    def object(self) -> dict[str, Any]:
        """The JSON body, which must be an object."""
        payload = self.body()
        if not isinstance(payload, dict):
            raise bad_request("The request body must be a JSON object.")
        return payload

    def employee(self, body: dict[str, Any], key: str = "employeeID") -> str:
        """The employee named in the body, else the token's."""
        return str(body.get(key) or self.auth.employee_id)

    def touch(self, table: str, record: Record, changes: dict[str, Any]) -> None:
        """Store ``changes`` on ``record`` and move its ``timeStamp``."""
        if "timeStamp" in record:
            changes = {**changes, "timeStamp": self.ctx.now}
        self.ctx.store.table(table).update(record, changes)


Handler = Callable[[Call], ApiResponse]
