"""The asynchronous client (asyncio and trio, through anyio): the same flows as
:class:`~lightspeed_pos.Client`, carried out with ``await``."""

from __future__ import annotations

import inspect
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, Self, TypeVar

import anyio
import httpx2

from ._async_collection import AsyncCollection
from ._auth import AsyncTokens
from ._base_client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, BaseClient
from ._body import DEFAULT_MAX_RESPONSE_SIZE
from ._collection_base import Op
from ._flow import Event, Flow, GetToken, Refresh, Release, RequestSpec, Reserve, Send, Sleep
from ._retry import RetryPolicy
from ._transport import own_async_http
from ._wire import ParamsInput, decode_json
from .errors import InvalidResponseError
from .events import EventHooks
from .telemetry import Telemetry

if TYPE_CHECKING:
    from .models import Locale, Session
    from .models.account import AsyncAccount
    from .shared import SharedState

T = TypeVar("T")

__all__ = ["AsyncClient"]


class AsyncClient(BaseClient):
    """An asynchronous client for the R-Series API; share one across many tasks and accounts.

    Exactly the surface of :class:`~lightspeed_pos.Client`, awaited: ``await account.items.find(1)``,
    ``async for item in account.items.each()``. Relations load with ``await record.load(name)``.
    The token holder's ``oauth_token`` and ``refresh_oauth_token`` may be sync or async.
    """

    asynchronous = True
    _collection_class = AsyncCollection
    _http: httpx2.AsyncClient
    _tokens_class = AsyncTokens

    def __init__(
        self,
        oauth_token_holder: Any = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx2.AsyncBaseTransport | None = None,
        http_client: httpx2.AsyncClient | None = None,
        timeout: float | httpx2.Timeout = DEFAULT_TIMEOUT,
        verify: bool = True,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = anyio.sleep,
        user_agent: str | None = None,
        rng: random.Random | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        event_hooks: EventHooks | None = None,
        telemetry: Telemetry | bool | None = None,
        shared: SharedState | None = None,
    ) -> None:
        super().__init__(
            oauth_token_holder,
            http=http_client or own_async_http(transport, timeout, verify),
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
    async def _receive(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request`` and read its answer's body under the size cap."""
        response = await self._http.send(request, stream=True)
        try:
            reader = self._reader(response)
            if not reader.done:
                async with aclosing(response.aiter_raw()) as chunks:
                    async for chunk in chunks:
                        reader.feed(chunk)
            return reader.response()
        finally:
            await response.aclose()

    async def _run(self, flow: Flow) -> httpx2.Response:
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
                        result = await self._receive(step.request)
                    except (httpx2.TransportError, InvalidResponseError) as exc:
                        error = exc
                elif isinstance(step, Reserve):
                    result = await self._buckets.reserve(step.key, step.cost)
                elif isinstance(step, Release):
                    await self._buckets.release(
                        step.key, step.cost, step.headers, sent=step.sent, sent_at=step.sent_at
                    )
                elif isinstance(step, Sleep):
                    await self._sleep(step.seconds)
                elif isinstance(step, GetToken):
                    result = await self._tokens_for(step.account).token()
                elif isinstance(step, Refresh):
                    result = await self._tokens_for(step.account).refresh(step.stale_token)
                elif isinstance(step, Event):
                    for hook in self._hooks.get(step.name, ()):
                        if inspect.isawaitable(outcome := hook(step.payload)):
                            await outcome
        finally:
            flow.close()  # on cancellation: the flow gives its bucket reservation back

    async def send(self, spec: RequestSpec) -> httpx2.Response:
        """Send one request through the throttler, the token refresh and the retries."""
        return await self._run(self._flow(spec))

    async def drive(self, op: Op[T]) -> T:
        """Carry out an operation: send each request it yields, return what it returns."""
        try:
            spec = next(op)
            while True:
                spec = op.send(await self.send(spec))
        except StopIteration as stop:
            result: T = stop.value
            return result

    # --- entry points ----------------------------------------------------------------------------
    async def request(
        self, method: str, path: str, *, params: ParamsInput = None, json: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """Any request, for what the library does not model (see :meth:`Client.request`)."""
        return decode_json(await self.send(self._spec(method, path, params, json)))

    def collection(
        self, name: str, *, account_id: int | None = None, **parent_ids: int
    ) -> AsyncCollection[Any]:
        """The collection of a catalogue row (``"Item"``, ``"SaleSaleLine"``) or entity."""
        collection: AsyncCollection[Any] = self._collection(name, account_id, parent_ids)
        return collection

    async def session(self) -> Session:
        """``GET /API/Session.json``: who the token is (employee, account, rights)."""
        session: Session = await self.drive(self.collection("Session").get_op())
        return session

    async def locale(self) -> Locale:
        """``GET /API/Locale.json``: the account's locale (currency, formats, tax names)."""
        locale: Locale = await self.drive(self.collection("Locale").get_op())
        return locale

    @property
    def accounts(self) -> AsyncCollection[AsyncAccount]:
        """``GET /Account.json``: the accounts the token can see."""
        return self.collection("Account")

    def account(self, account_id: int | str, *, oauth_token_holder: Any = None) -> AsyncAccount:
        """A handle on one account, with no request: ``client.account(120645).items``.

        ``oauth_token_holder`` gives this account its own tokens (a token is bound to one account),
        so one client can serve many stores, each with its own bucket.
        """
        self._set_holder(oauth_token_holder, account_id)
        return self.accounts.build({"accountID": str(account_id)})

    # --- lifecycle -------------------------------------------------------------------------------
    async def close(self) -> None:
        """Close the HTTP connections (unless ``http_client`` was given)."""
        await self._buckets.aclose()
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
