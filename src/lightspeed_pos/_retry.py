"""The one retry decision, shared by the sync and async clients.

Pure functions: given a request and what happened to an attempt, say whether to try again and
after how long. Whether a request may be sent twice is decided once, by :func:`may_repeat`, from
its method AND its body:

* GET, HEAD, OPTIONS and DELETE may be repeated (a DELETE whose retry meets a 404 counts as
  done: the flow's business);
* a PUT may be repeated, unless its body nests records under a to-many relation of the endpoint
  (``SaleLines``, ``SalePayments``, ``ItemShops``... as the catalogue lists them): the API adds
  those as new children on every send, so such a PUT is treated like a POST;
* a POST (and every action sent with POST) is repeated only when it surely never reached the
  server: a duplicated Sale is worse than an error.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import httpx2

from ._cost import endpoint_of, is_to_many, nested_records

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
"""A 500 is retried too, for repeatable requests only: the API answers 500 to passing overloads."""

# Failures that happen before a single byte of the request left: safe to retry for any method.
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (
    httpx2.ConnectError,
    httpx2.ConnectTimeout,
    httpx2.PoolTimeout,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard the client tries. Every wait is bounded."""

    max_retries: int = 2
    """Retries after a connection error or a 500/502/503/504."""
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 120.0
    """The longest ``Retry-After`` the client waits (past it, :class:`RateLimitError` is raised),
    and the longest single wait for room in the bucket."""
    max_rate_limit_retries: int = 5
    """How many 429s in a row one request may meet before :class:`RateLimitError` is raised."""


def is_write(method: str) -> bool:
    """Whether a request of ``method`` may change something on the server."""
    return method.upper() not in SAFE_METHODS


def creates_children(path: str, body: Any) -> bool:
    """Whether a write body nests records under a to-many relation of its endpoint.

    The relations come from the catalogue row of ``path`` (its ``relations`` named in the plural);
    for a path the catalogue does not know, any capitalised plural key counts. A body wrapped as
    ``{"Sale": {...}}`` is looked into.
    """
    if not isinstance(body, dict):
        return False
    spec = endpoint_of(path)
    if spec is not None and len(body) == 1 and isinstance(body.get(spec.entity), dict):
        body = body[spec.entity]
    if spec is not None:
        to_many = {name.rstrip("*") for name in spec.relations if "." not in name}
        keys = [key for key in body if key in to_many and is_to_many(key)]
    else:
        keys = [key for key in body if key[:1].isupper() and is_to_many(key)]
    return any(nested_records(key, body[key]) for key in keys)


def may_repeat(method: str, path: str, body: Any) -> bool:
    """Whether sending this request twice has the effect of sending it once.

    ``body`` is the decoded JSON body (or ``None``). The one place this is decided.
    """
    method = method.upper()
    if method in SAFE_METHODS or method == "DELETE":
        return True
    if method == "PUT":
        return not creates_children(path, body)
    return False


def equal_jitter_backoff(policy: RetryPolicy, attempt: int, rng: random.Random) -> float:
    """Exponential backoff with equal jitter: half of ``base * 2**attempt`` (capped) plus a random
    share of the other half, so a wait is 50-100 % of that ceiling, never less."""
    ceiling = min(policy.backoff_max, policy.backoff_base * (2.0**attempt))
    return ceiling * (0.5 + rng.random() / 2)


def was_sent(error: Exception) -> bool:
    """Whether the request may have reached the server before ``error``."""
    return not isinstance(error, NOT_SENT_ERRORS)


def delay_after_error(
    policy: RetryPolicy, repeatable: bool, error: Exception, attempt: int, rng: random.Random
) -> float | None:
    """The wait before retrying after a transport error, or ``None`` to give up.

    ``repeatable`` is :func:`may_repeat`'s verdict on the request.
    """
    if attempt >= policy.max_retries:
        return None
    if not repeatable and was_sent(error):
        return None
    return equal_jitter_backoff(policy, attempt, rng)


def delay_after_status(
    policy: RetryPolicy,
    repeatable: bool,
    status_code: int,
    attempt: int,
    rng: random.Random,
    retry_after: float | None = None,
) -> float | None:
    """The wait before retrying after a 500/502/503/504 answer, or ``None`` to give up."""
    if status_code not in RETRYABLE_STATUSES or attempt >= policy.max_retries or not repeatable:
        return None
    delay = equal_jitter_backoff(policy, attempt, rng)
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.backoff_max))
    return delay


def wait_for_rate_limit(policy: RetryPolicy, retry_after: float | None, rate_limited: int) -> float | None:
    """The wait after a 429 (the server did not run the request, so any method is retried)."""
    if rate_limited >= policy.max_rate_limit_retries:
        return None
    wait = 1.0 if retry_after is None else retry_after
    if not wait <= policy.max_retry_after:  # also refuses NaN
        return None
    return wait
