"""The sandbox engine: a faithful local emulation of the R-Series API's data and semantics.

:meth:`Engine.handle` answers every path under ``/API/`` once the HTTP layer (``http/app.py``) has
authenticated the request: V3 paths (``/API/V3/Account/{id}/{Resource}[/{rid}].json`` with
cursor pagination), the legacy unversioned ones (offset pagination), ``Account.json``,
``Account/{id}.json`` and ``Session.json``. Routing, allowed operations and ids come from the
endpoint table (``_catalog.py``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..._catalog import ResourceSpec, catalog
from ..._paths import match
from ..domains.actions import answer_action
from ..domains.hooks import Ctx
from ..domains.sales.reports import sync_report
from ..http.jsonbody import InvalidBody
from ..http.messages import ApiRequest, ApiResponse, AuthContext
from ..seed import build_store
from .formatting import ApiError, bad_request, envelope, not_found, record_id, stamp
from .reads import Scope, legacy_query, v3_query
from .relations import answer, parse_load_relations, render
from .schema import parent_table, table_key
from .store import AccountStore, sync_inventory
from .writes import body_object, create, delete, response_relations, update

OPERATIONS = {
    ("GET", True): "read",
    ("GET", False): "query",
    ("POST", False): "create",
    ("PUT", True): "update",
    ("DELETE", True): "delete",
}
FIRST_ACCOUNT_ID = 100001


@dataclass(frozen=True)
class Route:
    spec: ResourceSpec
    table: str
    parents: dict[str, str]
    record_id: str | None


def route(rest: str) -> Route | None:
    """The catalogue row a path below ``Account/{id}/`` addresses (:func:`~lightspeed_pos._paths.match`)."""
    found = match(rest)
    if found is None or found.action is not None:
        return None
    return Route(found.spec, table_key(found.spec), found.parents, found.record_id)


class Engine:
    """The data store and resource semantics of the sandbox, for one or more accounts."""

    def __init__(self, stores: list[AccountStore], now: Callable[[], datetime] | None = None) -> None:
        self._stores = {store.account_id: store for store in stores}
        self.account_ids: list[int] = [store.account_id for store in stores]
        self._now = now or (lambda: datetime.now(UTC))
        self._lock = threading.RLock()

    @classmethod
    def create(
        cls, *, seed: int = 1, items: int = 250, accounts: int = 1, now: Callable[[], datetime] | None = None
    ) -> Engine:
        """A seeded engine: the first account (the demo) gets ``items`` items, others a small store."""
        stores = [
            build_store(FIRST_ACCOUNT_ID + index, seed + index, items if index == 0 else min(items, 40))
            for index in range(accounts)
        ]
        return cls(stores, now)

    # -- test helpers -------------------------------------------------------------------------

    def count(self, account_id: int, entity: str, *, include_archived: bool = True) -> int:
        with self._lock:
            table = self._store(account_id).table(self._table_name(entity))
            if include_archived:
                return len(table)
            return sum(1 for r in table if r.get("archived") != "true")

    def record(self, account_id: int, entity: str, record_id: int) -> dict[str, Any] | None:
        with self._lock:
            store = self._store(account_id)
            name = self._table_name(entity)
            found = store.table(name).get(record_id)
            return render(store, name, found) if found else None

    @staticmethod
    def _table_name(entity: str) -> str:
        return table_key(catalog().get(entity)) if entity in catalog() else entity

    def _store(self, account_id: int) -> AccountStore:
        return self._stores[account_id]

    # -- requests -----------------------------------------------------------------------------

    def handle(self, request: ApiRequest, auth: AuthContext) -> ApiResponse:
        """Answer one API request (thread-safe: one lock around the whole store).

        A write is all or nothing: whatever it changed is undone when it fails, whether on a
        validation error (the API's 400) or on an unexpected error.
        """
        with self._lock:
            try:
                with ExitStack() as transactions:
                    if request.method != "GET":
                        for store in self._stores.values():
                            transactions.enter_context(store.transaction())
                    return self._dispatch(request, auth)
            except ApiError as error:
                return error.response()
            except InvalidBody as error:
                return bad_request(str(error)).response()

    def _dispatch(self, request: ApiRequest, auth: AuthContext) -> ApiResponse:
        path = re.sub(r"\.(json|xml)$", "", request.path.rstrip("/"))
        match = re.fullmatch(r"/API/(V3/)?(.*)", path)
        if not match:
            raise ApiError(404, f"Unknown path '{request.path}'.")
        v3, rest = bool(match.group(1)), match.group(2)
        if rest == "Session":
            return self._session(auth, request.method)
        if rest == "Locale":
            return self._locale(request.method)
        if rest == "Account":
            return self._account_list(auth, v3, request.method)
        account = re.fullmatch(r"Account/([^/]+)(?:/(.+))?", rest)
        if not account:
            raise ApiError(404, f"Unknown path '{request.path}'.")
        store = self._authorised(account.group(1), auth)
        if account.group(2) is None:
            return self._account_details(store, request)
        acted = answer_action(store, account.group(2), request, auth, lambda: stamp(self._now()))
        if acted is not None:
            return acted
        found = route(account.group(2))
        if found is None:
            raise ApiError(404, f"Unknown resource '{account.group(2)}'.")
        return self._resource(store, found, request, v3)

    def _authorised(self, raw_id: str, auth: AuthContext) -> AccountStore:
        account_id = record_id(raw_id)
        if account_id is None or account_id not in self._stores:
            raise not_found("Account", raw_id[:40])
        if account_id != auth.account_id:
            raise ApiError(403, f"The access token does not grant access to account '{raw_id}'.")
        return self._stores[account_id]

    def _resource(self, store: AccountStore, found: Route, request: ApiRequest, v3: bool) -> ApiResponse:
        spec, table = found.spec, found.table
        operation = OPERATIONS.get((request.method, found.record_id is not None))
        if operation is None or not spec.allows(operation):
            raise ApiError(405, f"Method {request.method} is not allowed on {spec.entity}.")
        for placeholder, value in found.parents.items():
            parent = parent_table(placeholder, spec)
            if parent and store.get(parent[0], value) is None:
                raise not_found(parent[1], value)
        if table == "Inventory":
            sync_inventory(store)
        if spec.kind == "report":
            sync_report(store, table)
        tree = parse_load_relations(request.param("load_relations"), spec, legacy=not v3)
        if operation == "query":
            query = v3_query if v3 else legacy_query
            return query(Scope(store, spec, table, request, tree, found.parents))
        if operation == "create":
            payload = body_object(request.json(), spec.entity)
            created = create(Ctx(store, stamp(self._now())), spec, table, payload, found.parents)
            return self._answer(store, spec, table, created, tree, response_relations(table))
        record = store.get(table, found.record_id or "")
        if record is None or any(record.get(k) != v for k, v in found.parents.items()):
            raise not_found(spec.entity, found.record_id)
        if operation == "update":
            update(Ctx(store, stamp(self._now())), table, record, body_object(request.json(), spec.entity))
            return self._answer(store, spec, table, record, tree, response_relations(table))
        if operation == "delete":
            delete(Ctx(store, stamp(self._now())), spec, table, record)
        return self._answer(store, spec, table, record, tree, ())

    @staticmethod
    def _answer(
        store: AccountStore,
        spec: ResourceSpec,
        table: str,
        record: dict[str, Any],
        tree: dict[str, Any],
        extra: tuple[str, ...],
    ) -> ApiResponse:
        return answer(store, spec.entity, table, record, tree, extra)

    # -- account-level endpoints --------------------------------------------------------------

    def _account_list(self, auth: AuthContext, v3: bool, method: str) -> ApiResponse:
        if method != "GET":
            raise ApiError(405, f"Method {method} is not allowed on Account.")
        store = self._stores.get(auth.account_id)
        if store is None:
            return ApiResponse.json_body(200, {"@attributes": {"count": "0"}})
        prefix = "/API/V3" if v3 else "/API"
        account = {
            "accountID": str(store.account_id),
            "name": store.name,
            "link": {"@attributes": {"href": f"{prefix}/Account/{store.account_id}"}},
        }
        return envelope("Account", account)

    def _account_details(self, store: AccountStore, request: ApiRequest) -> ApiResponse:
        """``Account/{id}.json``: the unwrapped details shape (docs/reference.md#account); PUT renames."""
        if request.method == "PUT":
            name = body_object(request.json(), "Account").get("name")
            if name is not None:
                store.name = str(name)
        elif request.method != "GET":
            raise ApiError(405, f"Method {request.method} is not allowed on Account.")
        currencies = [
            {"code": "USD", "symbol": "$", "rate": "1"},
            {"code": "CAD", "symbol": "$", "rate": "1.36"},
        ]
        return ApiResponse.json_body(
            200,
            {
                "@attributes": {"systemCustomerID": str(store.account_id)},
                "status": "customer",
                "name": store.name,
                "employeeCount": str(len(store.table("Employee"))),
                "employeeLimit": "0",
                "uniqueSubscriptionIdentifier": f"RS-{store.account_id}",
                "defaultCurrency": {"code": "USD", "symbol": "$"},
                "purchasingCurrencies": {"purchasingCurrency": currencies},
            },
        )

    def _locale(self, method: str) -> ApiResponse:
        """``Locale.json``: the account's locale (United States English;
        docs/reference.md#reports-and-misc)."""
        if method != "GET":
            raise ApiError(405, f"Method {method} is not allowed on Locale.")
        locale = {
            "name": "en_US",
            "country": "United States",
            "states": "",
            "currencySymbol": "$",
            "currencyCode": "USD",
            "currencyPrecision": "2",
            "cashRoundingPrecision": "0.01",
            "includeTaxOnLabels": "false",
            "languageTag": "en",
            "dateFormat": "m/d/Y",
            "datetimeFormat": "m/d/Y h:i a",
            "CurrencyDenominations": {
                "CurrencyDenomination": [
                    {"name": name, "value": value, "significant": "true"}
                    for name, value in (
                        ("Penny", "0.01"),
                        ("Nickel", "0.05"),
                        ("Dime", "0.1"),
                        ("Quarter", "0.25"),
                        ("One", "1"),
                        ("Five", "5"),
                        ("Ten", "10"),
                        ("Twenty", "20"),
                    )
                ]
            },
            "taxName1": "Tax",
            "taxName2": "",
        }
        return ApiResponse.json_body(200, {"@attributes": {"count": "1"}, "Locale": locale})

    def _session(self, auth: AuthContext, method: str) -> ApiResponse:
        """``Session.json`` (docs/reference.md#other-fields), for the token's employee and account."""
        if method != "GET":
            raise ApiError(405, f"Method {method} is not allowed on Session.")
        store = self._stores.get(auth.account_id)
        employee = store.get("Employee", auth.employee_id) if store else None
        admin = auth.scope in ("employee:all", "employee:admin") or "employee:admin" in auth.scope.split()
        rights = {
            right: "true" if admin or f"employee:{right}" in auth.scope.split() else "false"
            for right in ("admin", "inventory", "customers", "reports", "register", "workbench")
        }
        return ApiResponse.json_body(
            200,
            {
                "sessionID": "",
                "sessionCookie": "PHPSESSID=; path=/",
                "employeeID": str(auth.employee_id),
                "systemCustomerID": str(auth.account_id),
                "systemUserID": str(auth.employee_id),
                "systemAPIClientID": auth.api_client_number,
                "systemAPIKeyID": "0",
                "ecomUrl": "",
                "shopCount": str(len(store.table("Shop")) if store else 0),
                "Employee": {
                    "employeeID": str(auth.employee_id),
                    "firstName": employee["firstName"] if employee else "",
                    "lastName": employee["lastName"] if employee else "",
                    "singleShop": "false",
                    "hasPin": "false",
                    "isCheckedIn": "false",
                    "checkedInAt": "",
                },
                "Rights": rights,
            },
        )
