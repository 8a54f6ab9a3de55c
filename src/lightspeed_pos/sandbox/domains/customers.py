"""Customer actions: ``Customer/{id}/anonymize``."""

from __future__ import annotations

from typing import Any

from ..engine.relations import answer
from ..http.messages import ApiResponse
from .action_call import Call
from .contacts import make_contact

ANONYMISED = ("firstName", "lastName", "title", "company", "companyRegistrationNumber", "vatNumber", "dob")


def anonymize(call: Call) -> ApiResponse:
    """Blank the customer's names and contact details and archive it (and its credit accounts)."""
    customer, store = call.record, call.ctx.store
    changes: dict[str, Any] = {key: "" for key in ANONYMISED if key in customer}
    changes.update(archived="true", Contact=make_contact(None, call.ctx.now))
    if isinstance(customer.get("Note"), dict):
        changes["Note"] = {**customer["Note"], "note": "", "timeStamp": call.ctx.now}
    call.touch("Customer", customer, changes)
    for account in store.children("CreditAccount", "customerID", customer["customerID"]):
        call.touch("CreditAccount", account, {"archived": "true"})
    return answer(store, "Customer", "Customer", customer, {})
