"""The synchronous client: configuration, the 15-line loop that runs request flows, and the
entry points (``client.accounts``, ``client.account(id)``, ``client.request(...)``)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Self

import httpx2

from ._auth import SyncTokens
from ._catalog import ResourceSpec
from ._collection import Collection, model_for, spec_for
from ._flow import Flow, FlowSettings, GetToken, Refresh, RequestSpec, Send, Sleep, request_flow
from ._ratelimit import Throttler
from ._retry import RetryPolicy
from ._version import __version__
from ._wire import ParamsInput, decode_json, encode_params, encode_payload

if TYPE_CHECKING:
    from .models import Account

DEFAULT_BASE_URL = "https://api.lightspeedapp.com/API/V3"
DEFAULT_TIMEOUT = 30.0


def is_legacy(base_url: str) -> bool:
    """Whether ``base_url`` is the unversioned (pre-V3) API: offsets instead of cursors."""
    last = httpx2.URL(base_url).path.rstrip("/").rsplit("/", 1)[-1]
    return not (last.upper().startswith("V") and last[1:].isdigit())


class BaseClient:
    """What :class:`Client` and the async client share: settings, the table, the throttler."""

    def __init__(
        self,
        *,
        base_url: str,
        max_retries: int,
        retry_policy: RetryPolicy | None,
        clock: Callable[[], float],
        user_agent: str | None,
        rng: random.Random | None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.legacy = is_legacy(self.base_url)
        self.throttler = Throttler(clock)
        """The bucket of each account; ``bucket_level``/``bucket_max`` give the last values seen."""
        policy = retry_policy or RetryPolicy(max_retries=max_retries)
        headers = {"Accept": "application/json", "User-Agent": user_agent or f"lightspeed-pos/{__version__}"}
        self._settings = FlowSettings(self.throttler, policy, headers, rng or random.Random())
        self._collections: dict[tuple[str, int | None], Any] = {}

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._settings.policy

    def _spec(
        self, method: str, path: str, params: ParamsInput, json: Mapping[str, Any] | None
    ) -> RequestSpec:
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"
        if not url.split("?", 1)[0].endswith((".json", ".xml", ".html")):
            url += ".json"
        body = encode_payload(json) if json is not None else None
        return RequestSpec(method.upper(), url, encode_params(params) or None, body)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self.base_url!r}>"


class Client(BaseClient):
    """A synchronous client for the R-Series API; safe to share across threads.

    ``oauth_token_holder`` gives the access token (``oauth_token``) and renews it
    (``refresh_oauth_token()``). Pass ``transport`` to talk to something else than the network
    (the sandbox's in-process transport, a mock), or ``http_client`` to bring your own.
    """

    def __init__(
        self,
        oauth_token_holder: Any,
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
    ) -> None:
        super().__init__(
            base_url=base_url,
            max_retries=max_retries,
            retry_policy=retry_policy,
            clock=clock,
            user_agent=user_agent,
            rng=rng,
        )
        self._tokens = SyncTokens(oauth_token_holder)
        self._sleep = sleep
        self._owns_http = http_client is None
        self._http = http_client or httpx2.Client(transport=transport, timeout=timeout, verify=verify)

    # --- running flows ---------------------------------------------------------------------------
    def _run(self, flow: Flow) -> httpx2.Response:
        result: Any = None
        error: Exception | None = None
        while True:
            try:
                step = flow.throw(error) if error is not None else flow.send(result)
            except StopIteration as stop:
                response: httpx2.Response = stop.value
                return response
            result, error = None, None
            if isinstance(step, Send):
                try:
                    result = self._http.send(step.request)
                except httpx2.TransportError as exc:
                    error = exc
            elif isinstance(step, Sleep):
                self._sleep(step.seconds)
            elif isinstance(step, GetToken):
                result = self._tokens.token()
            elif isinstance(step, Refresh):
                self._tokens.refresh(step.stale_token)

    def send(self, spec: RequestSpec) -> httpx2.Response:
        """Send one request through the throttler, the token refresh and the retries."""
        return self._run(request_flow(self._settings, spec))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: ParamsInput = None,
        json: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Any request, for what the library does not model: ``client.request("GET", "Account/1/Option")``.

        ``path`` is relative to the base URL (``.json`` is added) or absolute. Returns the decoded
        JSON answer.
        """
        return decode_json(self.send(self._spec(method, path, params, json)))

    # --- entry points ----------------------------------------------------------------------------
    def collection(self, name: str, *, account_id: int | None = None, **parent_ids: int) -> Collection[Any]:
        """The collection of a catalogue row (``"Item"``, ``"SaleSaleLine"``) or entity."""
        spec: ResourceSpec = spec_for(name)
        if spec.nested:
            return Collection(self, spec, model_for(spec.entity), account_id, parent_ids)
        key = (spec.name, account_id)
        if key not in self._collections:
            self._collections[key] = Collection(self, spec, model_for(spec.entity), account_id)
        collection: Collection[Any] = self._collections[key]
        return collection

    @property
    def accounts(self) -> Collection[Account]:
        """``GET /Account.json``: the accounts the token can see."""
        return self.collection("Account")

    def account(self, account_id: int | str) -> Account:
        """A handle on one account, with no request: ``client.account(120645).items``."""
        return self.accounts.build({"accountID": str(account_id)})

    # --- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
