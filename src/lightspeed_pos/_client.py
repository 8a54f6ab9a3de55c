"""The synchronous client: the loop that carries out request flows, and the entry points."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx2

from ._auth import SyncTokens
from ._base_client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, BaseClient
from ._body import DEFAULT_MAX_RESPONSE_SIZE
from ._collection import Collection
from ._collection_base import Op
from ._flow import Event, Flow, GetToken, Refresh, Release, RequestSpec, Reserve, Send, Sleep
from ._retry import RetryPolicy
from ._transport import DEFAULT_LIMITS
from ._wire import ParamsInput, decode_json
from .errors import InvalidResponseError
from .events import EventHooks
from .telemetry import Telemetry

if TYPE_CHECKING:
    from .models import Locale, Session
    from .models.account import Account
    from .shared import SharedState

T = TypeVar("T")

__all__ = ["DEFAULT_BASE_URL", "Client"]


class Client(BaseClient):
    """A synchronous client for the R-Series API; safe to share across threads.

    ``oauth_token_holder`` gives the access token (``oauth_token``) and renews it
    (``refresh_oauth_token()``). Pass ``transport`` to talk to something else than the network
    (the sandbox's in-process transport, a mock), or ``http_client`` to bring your own.
    ``shared=RedisState("redis://...")`` shares each account's bucket with every process and
    machine using the same Redis (see :mod:`lightspeed_pos.shared`); by default the bucket is
    this client's own.
    """

    _collection_class = Collection
    _http: httpx2.Client
    _tokens_class = SyncTokens

    def __init__(
        self,
        oauth_token_holder: Any = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx2.BaseTransport | None = None,
        http_client: httpx2.Client | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        verify: bool = True,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = time.sleep,
        user_agent: str | None = None,
        rng: random.Random | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        event_hooks: EventHooks | None = None,
        telemetry: Telemetry | bool | None = None,
        shared: SharedState | None = None,
    ) -> None:
        super().__init__(
            oauth_token_holder,
            http=http_client
            or httpx2.Client(transport=transport, timeout=timeout, verify=verify, limits=DEFAULT_LIMITS),
            owns_http=http_client is None,
            sleep=sleep,
            base_url=base_url,
            max_retries=max_retries,
            retry_policy=retry_policy,
            clock=clock,
            user_agent=user_agent,
            rng=rng,
            max_response_size=max_response_size,
            event_hooks=event_hooks,
            telemetry=telemetry,
            shared=shared,
        )

    # --- carrying out flows and ops ------------------------------------------------------------
    def _receive(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request`` and read its answer's body under the size cap."""
        response = self._http.send(request, stream=True)
        try:
            reader = self._reader(response)
            if not reader.done:
                for chunk in response.iter_raw():
                    reader.feed(chunk)
            return reader.response()
        finally:
            response.close()

    def _run(self, flow: Flow) -> httpx2.Response:
        result: Any = None
        error: Exception | None = None
        try:
            while True:
                try:
                    step = flow.throw(error) if error is not None else flow.send(result)
                except StopIteration as stop:
                    response: httpx2.Response = stop.value
                    return response
                result, error = None, None
                if isinstance(step, Send):
                    try:
                        result = self._receive(step.request)
                    except (httpx2.TransportError, InvalidResponseError) as exc:
                        error = exc
                elif isinstance(step, Reserve):
                    result = self._buckets.reserve(step.key, step.cost)
                elif isinstance(step, Release):
                    self._buckets.release(
                        step.key, step.cost, step.headers, sent=step.sent, sent_at=step.sent_at
                    )
                elif isinstance(step, Sleep):
                    self._sleep(step.seconds)
                elif isinstance(step, GetToken):
                    result = self._tokens_for(step.account).token()
                elif isinstance(step, Refresh):
                    result = self._tokens_for(step.account).refresh(step.stale_token)
                elif isinstance(step, Event):
                    for hook in self._hooks.get(step.name, ()):
                        hook(step.payload)
        finally:
            flow.close()  # on an interruption: the flow gives its bucket reservation back

    def send(self, spec: RequestSpec) -> httpx2.Response:
        """Send one request through the throttler, the token refresh and the retries."""
        return self._run(self._flow(spec))

    def drive(self, op: Op[T]) -> T:
        """Carry out an operation: send each request it yields, return what it returns."""
        try:
            spec = next(op)
            while True:
                spec = op.send(self.send(spec))
        except StopIteration as stop:
            result: T = stop.value
            return result

    # --- entry points ----------------------------------------------------------------------------
    def request(
        self, method: str, path: str, *, params: ParamsInput = None, json: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Any request, for what the library does not model: ``client.request("GET", "Account/1/Option")``.

        ``path`` is relative to the base URL (``.json`` is added) or absolute. Returns the decoded
        JSON answer.
        """
        return decode_json(self.send(self._spec(method, path, params, json)))

    def collection(self, name: str, *, account_id: int | None = None, **parent_ids: int) -> Collection[Any]:
        """The collection of a catalogue row (``"Item"``, ``"SaleSaleLine"``) or entity."""
        collection: Collection[Any] = self._collection(name, account_id, parent_ids)
        return collection

    def session(self) -> Session:
        """``GET /API/Session.json``: who the token is (employee, account, rights)."""
        session: Session = self.drive(self.collection("Session").get_op())
        return session

    def locale(self) -> Locale:
        """``GET /API/Locale.json``: the account's locale (currency, formats, tax names)."""
        locale: Locale = self.drive(self.collection("Locale").get_op())
        return locale

    @property
    def accounts(self) -> Collection[Account]:
        """``GET /Account.json``: the accounts the token can see."""
        return self.collection("Account")

    def account(self, account_id: int | str, *, oauth_token_holder: Any = None) -> Account:
        """A handle on one account, with no request: ``client.account(120645).items``.

        ``oauth_token_holder`` gives this account its own tokens (a token is bound to one account),
        so one client can serve many stores, each with its own bucket.
        """
        self._set_holder(oauth_token_holder, account_id)
        return self.accounts.build({"accountID": str(account_id)})

    # --- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the HTTP connections (unless ``http_client`` was given)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
