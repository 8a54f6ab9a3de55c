"""What :class:`~lightspeed_pos.Client` and :class:`~lightspeed_pos.AsyncClient` share: settings,
the throttler, the collections cache and the building of requests. No I/O here."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import httpx2

from ._body import ACCEPT_ENCODING, DEFAULT_MAX_RESPONSE_SIZE, BodyReader
from ._catalog import ResourceSpec
from ._collection_base import model_for, spec_for
from ._flow import Flow, FlowSettings, RequestSpec, request_flow
from ._observe import observe
from ._ratelimit import AsyncBuckets, Throttler
from ._retry import RetryPolicy
from ._version import __version__
from ._wire import ParamsInput, encode_params, encode_payload
from .errors import LightspeedError
from .events import EVENT_NAMES, EventHooks, check_event_hooks
from .telemetry import StreamRun, Telemetry, default_telemetry

DEFAULT_BASE_URL = "https://api.lightspeedapp.com/API/V3"
DEFAULT_TIMEOUT = 30.0


def is_legacy(base_url: str) -> bool:
    """Whether ``base_url`` is the unversioned (pre-V3) API: offsets instead of cursors."""
    last = httpx2.URL(base_url).path.rstrip("/").rsplit("/", 1)[-1]
    return not (last.upper().startswith("V") and last[1:].isdigit())


class BaseClient:
    """Settings and entry points shared by both clients."""

    asynchronous = False
    _collection_class: type[Any]
    _tokens_class: type[Any]

    def __init__(
        self,
        oauth_token_holder: Any,
        *,
        http: Any,
        owns_http: bool,
        sleep: Callable[[float], Any],
        base_url: str,
        max_retries: int,
        retry_policy: RetryPolicy | None,
        clock: Callable[[], float],
        user_agent: str | None,
        rng: random.Random | None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        event_hooks: EventHooks | None = None,
        telemetry: Telemetry | bool | None = None,
        shared: Any = None,
    ) -> None:
        self._hooks = check_event_hooks(event_hooks)
        if telemetry is None or telemetry is True:
            telemetry = default_telemetry() if telemetry is None else Telemetry()
        self.telemetry: Telemetry | None = telemetry or None
        """Spans and metrics (OpenTelemetry), or ``None``; see :mod:`lightspeed_pos.telemetry`."""
        self._http = http
        self._owns_http = owns_http
        self._sleep = sleep
        self.base_url = base_url.rstrip("/")
        self.legacy = is_legacy(self.base_url)
        self.throttler = Throttler(clock)
        """The bucket of each account; ``bucket_level``/``bucket_max`` give the last values seen."""
        policy = retry_policy or RetryPolicy(max_retries=max_retries)
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": user_agent or f"lightspeed-pos/{__version__}",
        }
        self.shared = shared
        """The state shared with other processes (``shared=RedisState(...)``), or ``None``."""
        self._buckets = self._make_buckets(shared)
        self._settings = FlowSettings(
            self.throttler, policy, headers, rng or random.Random(), max_response_size, self._buckets
        )
        self._collections: dict[tuple[str, int | None], Any] = {}
        self._tokens: Any = None
        self._account_tokens: dict[str, Any] = {}
        self._set_holder(oauth_token_holder)

    def _make_buckets(self, shared: Any) -> Any:
        """Where Reserve and Release go: this client's throttler, or the shared state's buckets
        (which keep the throttler up to date from the headers, and fall back on it)."""
        if shared is None:
            return AsyncBuckets(self.throttler) if self.asynchronous else self.throttler
        if not callable(getattr(shared, "buckets", None)):
            raise TypeError("shared must be a shared state such as lightspeed_pos.shared.RedisState")
        return shared.buckets(self.throttler, asynchronous=self.asynchronous)

    def _set_holder(self, holder: Any, account_id: int | str | None = None) -> None:
        """The token holder for every account (``account_id=None``) or for one account."""
        if holder is None:
            return
        tokens = self._tokens_class(holder)
        if account_id is None:
            self._tokens = tokens
        else:
            self._account_tokens[str(account_id)] = tokens

    def _tokens_for(self, account: str) -> Any:
        tokens = self._account_tokens.get(account, self._tokens)
        if tokens is None:
            raise LightspeedError(
                f"no token holder for account {account}: give oauth_token_holder to the client "
                "or to client.account(...)"
            )
        return tokens

    def _reader(self, response: httpx2.Response) -> BodyReader:
        """A reader of ``response``'s body under the client's cap."""
        return BodyReader(response, self._settings.max_response_size)

    @property
    def event_hooks(self) -> dict[str, list[Callable[[Any], Any]]]:
        """The hooks by event name (a copy); assign a new mapping to replace them, as in httpx."""
        return {name: list(self._hooks.get(name, ())) for name in EVENT_NAMES}

    @event_hooks.setter
    def event_hooks(self, hooks: EventHooks | None) -> None:
        self._hooks = check_event_hooks(hooks)

    def _flow(self, spec: RequestSpec) -> Flow:
        """The flow of one request, watched by the hooks and the telemetry when there are any."""
        flow = request_flow(self._settings, spec)
        telemetry = self.telemetry if self.telemetry is not None and self.telemetry.active() else None
        if self._hooks or telemetry is not None:
            return observe(flow, self._settings, spec, telemetry, bool(self._hooks))
        return flow

    def stream_span(
        self, stream: str, *, account_id: int | str | None = None, **attributes: Any
    ) -> AbstractContextManager[StreamRun]:
        """A span around one run of one sync stream (see :meth:`Telemetry.stream`); a no-op
        without telemetry."""
        if self.telemetry is None:
            return nullcontext(StreamRun(stream, attributes=dict(attributes)))
        return self.telemetry.stream(stream, account_id=account_id, **attributes)

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._settings.policy

    def _collection(self, name: str, account_id: int | None, parent_ids: Mapping[str, int]) -> Any:
        spec: ResourceSpec = spec_for(name)
        model = model_for(spec.entity, asynchronous=self.asynchronous)
        if spec.nested:
            return self._collection_class(self, spec, model, account_id, parent_ids)
        key = (spec.name, account_id)
        if key not in self._collections:
            self._collections[key] = self._collection_class(self, spec, model, account_id)
        return self._collections[key]

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
