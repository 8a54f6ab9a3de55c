"""Action sub-resources (docs/reference.md#paths): ``Sale/{id}/refund``, ``Register/{id}/open`` and the like.

:func:`answer_action` is asked first for every account path; it answers the action paths (and
the multipart image uploads, ``images.py``) and returns ``None`` for everything else, which the
engine then routes through the catalogue. The handlers live with their domain (``sales/actions.py``,
``registers.py``, ``customers.py``, ``workorders.py``, ``transfers.py``).
An action on an unknown record is a 404, the wrong method a 405; every write moves the
``timeStamp`` of what it changes.
"""

from __future__ import annotations

from collections.abc import Callable

from ..._paths import match
from ..engine.formatting import (
    ApiError,
    not_found,
)
from ..engine.schema import table_key
from ..engine.store import AccountStore
from ..http.messages import ApiRequest, ApiResponse, AuthContext
from .action_call import Call, Handler
from .customers import anonymize
from .hooks import Ctx
from .images import UPLOAD_PATH, upload_image
from .registers import calculated, close_register, open_register
from .sales.actions import email_receipt, refund
from .transfers import TRANSFER_ACTIONS
from .workorders import checkout, clone

# -- sales ------------------------------------------------------------------------------------


# -- registers --------------------------------------------------------------------------------


# -- customers --------------------------------------------------------------------------------


# -- workorders -------------------------------------------------------------------------------


# -- routing ----------------------------------------------------------------------------------

HANDLERS: dict[tuple[str, str], Handler] = {
    ("Sale", "refund"): refund,
    ("Sale", "email_receipt"): email_receipt,
    ("Register", "open_register"): open_register,
    ("Register", "close_register"): close_register,
    ("Register", "calculated"): calculated,
    ("Customer", "anonymize"): anonymize,
    ("Workorder", "checkout"): checkout,
    ("Workorder", "clone"): clone,
    **{("InventoryTransfer", name): handler for name, handler in TRANSFER_ACTIONS.items()},
}
"""The handler of each action of the catalogue, by (row, action name)."""


def answer_action(
    store: AccountStore, rest: str, request: ApiRequest, auth: AuthContext, now: Callable[[], str]
) -> ApiResponse | None:
    """The answer to an action path (or image upload) below ``Account/{id}/``; None if ``rest``
    is not one. ``now`` gives the write's timestamp (asked only for an action)."""
    if request.method == "POST" and UPLOAD_PATH.fullmatch(rest):
        return upload_image(Ctx(store, now()), rest, request)
    found = match(rest)
    if found is None or found.action is None or found.record_id is None:
        return None
    action, spec = found.action, found.spec
    if request.method != action.method:
        segment = rest.rsplit("/", 1)[-1]
        raise ApiError(405, f"Method {request.method} is not allowed on {spec.path}/{segment}.")
    table = table_key(spec)
    record = store.get(table, found.record_id)
    if record is None:
        raise not_found(table, found.record_id)
    return HANDLERS[(spec.name, action.name)](Call(Ctx(store, now()), request, auth, record))
