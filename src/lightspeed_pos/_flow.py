"""How one request travels, written once for both clients.

:func:`request_flow` is a generator: it yields instructions (:class:`Reserve` room in the bucket,
:class:`Send` this request, :class:`Release` the room, :class:`Sleep` so long, :class:`GetToken`,
:class:`Refresh` the token) and receives their results.
All the decisions — the bucket reservation, the single refresh on a 401, waiting out a 429,
retrying a 502 or a dropped connection, mapping errors — are made here. The sync and async
clients only carry out the instructions (the ``httpx.Auth.auth_flow`` trick).
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx2

from ._body import DEFAULT_MAX_RESPONSE_SIZE
from ._cost import request_cost
from ._paths import below_account, match_url
from ._querystring import encode_query
from ._ratelimit import Throttler
from ._retry import (
    RetryPolicy,
    delay_after_error,
    delay_after_status,
    is_write,
    may_repeat,
    wait_for_rate_limit,
    was_sent,
)
from ._wire import ALREADY_DONE
from .errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidResponseError,
    RateLimitError,
    WriteOutcomeUnknownError,
    error_from_response,
    parse_retry_after,
)

logger = logging.getLogger("lightspeed_pos")

MAX_REFRESHES = 3
"""At most this many token refreshes for one request."""


@dataclass(frozen=True)
class Send:
    request: httpx2.Request


@dataclass(frozen=True)
class Sleep:
    seconds: float
    reason: str


@dataclass(frozen=True)
class GetToken:
    account: str = "global"
    """The account the request is for: each account may have its own token holder."""


@dataclass(frozen=True)
class Refresh:
    stale_token: str = field(repr=False)
    account: str = "global"


@dataclass(frozen=True)
class Event:
    """Hand ``payload`` to the event hooks named ``name`` (yielded by ``_observe``, not here)."""

    name: str
    payload: Any


@dataclass(frozen=True)
class Reserve:
    """Book ``cost`` in the bucket ``key``; the answer is 0, or the seconds to wait first."""

    key: str
    cost: float


@dataclass(frozen=True)
class Release:
    """The request booked with ``cost`` is over: learn the bucket from ``headers`` (or estimate)."""

    key: str
    cost: float
    headers: httpx2.Headers | None
    sent: bool = True
    sent_at: float | None = None


Instruction = Send | Sleep | GetToken | Refresh | Reserve | Release | Event


class Buckets(Protocol):
    """What the flow itself calls on the buckets (the client carries out Reserve and Release):
    the in-process :class:`~lightspeed_pos._ratelimit.Throttler` or a shared state's."""

    def now(self) -> float: ...

    def abandon(self, key: str, cost: float) -> None: ...


Flow = Generator[Instruction, Any, httpx2.Response]


@dataclass(frozen=True)
class RequestSpec:
    """A request before it has a token: method, absolute URL, query pairs and body."""

    method: str
    url: str
    params: tuple[tuple[str, str], ...] | None = None
    body: bytes | None = None
    content_type: str = "application/json"
    """The body's type: JSON, or ``multipart/form-data; boundary=...`` for uploads."""
    parsed: httpx2.URL | None = field(default=None, compare=False, repr=False)
    """``url`` already parsed (a listing's next page), so that no URL is parsed twice."""


def target_url(spec: RequestSpec) -> httpx2.URL:
    """The URL of ``spec`` with its query, parsed once for the whole request."""
    if spec.params:
        return httpx2.URL(f"{spec.url}?{encode_query(spec.params)}")
    return spec.parsed if spec.parsed is not None else httpx2.URL(spec.url)


def bucket_key(url: httpx2.URL) -> str:
    """Which bucket a request draws on: its account (``"global"`` outside an account)."""
    split = below_account(url.path)
    return split[0] if split is not None and split[0].isdigit() else "global"


def decoded_body(spec: RequestSpec) -> Any:
    """The request's JSON body decoded (``None`` when there is none or it is not JSON)."""
    if not spec.body or not spec.content_type.startswith("application/json"):
        return None
    try:
        return json.loads(spec.body)
    except (ValueError, RecursionError):
        return None


def estimate(spec: RequestSpec, body: Any = ..., url: httpx2.URL | None = None) -> float:
    """The cost the server will charge for ``spec`` (docs/reference.md#request-costs); ``url``: its
    parsed URL."""
    if body is ...:
        body = decoded_body(spec)
    url = url if url is not None else target_url(spec)
    query = spec.params if spec.params is not None else tuple(url.params.multi_items())
    return request_cost(spec.method, url.path, query, body)


def _wrap(
    error: httpx2.TransportError, request: httpx2.Request, *, outcome_unknown: bool
) -> APIConnectionError:
    """The error for a transport failure; :class:`WriteOutcomeUnknownError` when a write may have
    been applied (this attempt or an earlier one reached the server and no answer came back)."""
    where = f"{request.method} {request.url.copy_with(query=None)}"
    if outcome_unknown:
        return WriteOutcomeUnknownError(
            f"the answer to {where} was lost ({type(error).__name__}): the write may have been "
            "applied; read it back before sending it again",
            request=request,
        )
    if isinstance(error, httpx2.TimeoutException):
        return APITimeoutError(f"timed out: {where} ({type(error).__name__})", request=request)
    return APIConnectionError(
        f"connection failed: {where} ({type(error).__name__}: {error})", request=request
    )


@dataclass
class FlowSettings:
    """What every flow of one client shares."""

    throttler: Throttler
    policy: RetryPolicy
    headers: dict[str, str]
    rng: random.Random = field(default_factory=random.Random)
    max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE
    """The cap on one answer's decoded body (see :class:`~lightspeed_pos._body.BodyReader`)."""
    buckets: Buckets | None = None
    """Where Reserve and Release are carried out: the throttler, or a shared state (``shared=``)."""

    def __post_init__(self) -> None:
        if self.buckets is None:
            self.buckets = self.throttler


def build_request(
    settings: FlowSettings, spec: RequestSpec, token: str, url: httpx2.URL | None = None
) -> httpx2.Request:
    headers = dict(settings.headers)
    headers["Authorization"] = f"Bearer {token}"
    if spec.body is not None:
        headers["Content-Type"] = spec.content_type
    target = url if url is not None else target_url(spec)
    return httpx2.Request(spec.method, target, content=spec.body, headers=headers)


def _deletes_one_record(spec: RequestSpec, url: httpx2.URL) -> bool:
    """A DELETE of one record (``Item/5.json``), not of an action (``Customer/5/Anonymize.json``)."""
    if spec.method != "DELETE":
        return False
    found = match_url(url.path)
    return found is not None and found.one_record and (found.record_id or "").isdigit()


def request_flow(settings: FlowSettings, spec: RequestSpec) -> Flow:
    """The life of one request; returns the successful response or raises a LightspeedError.

    A write that reached the server without a readable outcome (a lost answer, a 5xx) is sent again
    only when :func:`~lightspeed_pos._retry.may_repeat` says so; when the client gives up on such a
    write, the error's ``may_have_been_applied`` is true. A DELETE of one record whose retry meets a
    404 counts as done (an earlier attempt deleted it): the response is marked
    :data:`~lightspeed_pos._wire.ALREADY_DONE`.
    """
    url = target_url(spec)
    key = bucket_key(url)
    body = decoded_body(spec)
    cost = estimate(spec, body, url)
    repeatable = may_repeat(spec.method, url.path, body)
    write = is_write(spec.method)
    attempt = rate_limited = 0
    refreshes = 0
    own_refresh = False  # whether the last refresh was this request's own (not another's)
    waited = False  # whether this request waited for the bucket since its last refresh
    unknown = False  # whether an earlier attempt may have been applied without the client knowing
    buckets = settings.buckets or settings.throttler
    while True:
        while (wait := (yield Reserve(key, cost))) > 0:
            # every wait is capped: after it, the bucket is looked at again
            wait = min(wait, settings.policy.max_retry_after)
            logger.debug("bucket %s: waiting %.3fs before %s %s", key, wait, spec.method, url.path)
            yield Sleep(wait, "bucket")
            waited = True
        try:
            token: str = yield GetToken(key)
            request = build_request(settings, spec, token, url)
            sent_at = buckets.now()
            response: httpx2.Response = yield Send(request)
        except httpx2.TransportError as error:
            sent = was_sent(error)
            yield Release(key, cost, None, sent=sent)
            unknown = unknown or (write and sent)
            delay = delay_after_error(settings.policy, repeatable, error, attempt, settings.rng)
            if delay is None:
                raise _wrap(error, request, outcome_unknown=unknown) from error
            logger.debug(
                "%s %s failed (%s); retry %d in %.2fs",
                spec.method,
                url.path,
                type(error).__name__,
                attempt + 1,
                delay,
            )
            attempt += 1
            yield Sleep(delay, "retry")
            continue
        except InvalidResponseError as error:
            # answered, with a body the client refuses (too large, not decodable)
            yield Release(key, cost, None, sent=True)
            error.may_have_been_applied = write
            raise
        except BaseException:
            # a token holder that failed, a cancelled task, a closed generator: give the room back
            buckets.abandon(key, cost)
            raise
        yield Release(key, cost, response.headers, sent_at=sent_at)
        status = response.status_code
        logger.debug(
            "%s %s -> %d (cost %s, bucket %s)",
            spec.method,
            url.path,
            status,
            response.headers.get("X-LS-API-Request-Cost", f"~{cost:g}"),
            response.headers.get("X-LS-API-Bucket-Level", "?"),
        )
        if status < 400:
            return response
        if status == 404 and unknown and _deletes_one_record(spec, url):
            logger.debug("404 on the retry of DELETE %s: an earlier attempt deleted it", url.path)
            response.extensions[ALREADY_DONE] = True
            return response
        if status == 401 and (not own_refresh or waited) and refreshes < MAX_REFRESHES:
            # Refresh and replay once. When the token this request was refused with came from
            # another thread's refresh, or from its own but the request then waited for the bucket
            # (the token may have expired meanwhile), one more is allowed: a token refused as soon
            # as it was refreshed is not refreshed again.
            refreshes += 1
            logger.debug("401 on %s %s: refreshing the access token", spec.method, url.path)
            own_refresh = yield Refresh(token, key)
            waited = False
            continue
        error_response = error_from_response(response)
        if isinstance(error_response, RateLimitError):
            pause = wait_for_rate_limit(settings.policy, error_response.retry_after, rate_limited)
            if pause is None:
                error_response.may_have_been_applied = unknown
                raise error_response
            logger.debug("429 on %s %s: waiting %.2fs", spec.method, url.path, pause)
            rate_limited += 1
            yield Sleep(pause, "429")
            continue
        # a 5xx may come from a gateway after the API applied the write
        unknown = unknown or (write and status >= 500)
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        delay = delay_after_status(settings.policy, repeatable, status, attempt, settings.rng, retry_after)
        if delay is None:
            error_response.may_have_been_applied = unknown
            raise error_response
        logger.debug("%d on %s %s; retry %d in %.2fs", status, spec.method, url.path, attempt + 1, delay)
        attempt += 1
        yield Sleep(delay, "retry")
