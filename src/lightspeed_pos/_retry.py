"""The one retry decision, shared by the sync and async clients.

Pure functions: given what happened to an attempt, say whether to try again and after how long.
A POST is retried only when it surely never reached the server: a duplicated Sale is worse than
an error.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx2

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
"""A 500 is retried too, for idempotent methods only: the API answers 500 to passing overloads."""

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
    """Retries after a connection error or a 502/503/504."""
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 120.0
    """The longest ``Retry-After`` the client waits; past it, :class:`RateLimitError` is raised."""
    max_rate_limit_retries: int = 5
    """How many 429s in a row one request may meet before :class:`RateLimitError` is raised."""


def backoff(policy: RetryPolicy, attempt: int, rng: random.Random) -> float:
    """Full-jitter exponential backoff: between half and all of ``base * 2**attempt``, capped."""
    ceiling = min(policy.backoff_max, policy.backoff_base * (2.0**attempt))
    return ceiling * (0.5 + rng.random() / 2)


def was_sent(error: Exception) -> bool:
    """Whether the request may have reached the server before ``error``."""
    return not isinstance(error, NOT_SENT_ERRORS)


def retry_after_error(
    policy: RetryPolicy, method: str, error: Exception, attempt: int, rng: random.Random
) -> float | None:
    """The wait before retrying after a transport error, or ``None`` to give up."""
    if attempt >= policy.max_retries:
        return None
    if method.upper() not in IDEMPOTENT_METHODS and was_sent(error):
        return None
    return backoff(policy, attempt, rng)


def retry_after_status(
    policy: RetryPolicy,
    method: str,
    status_code: int,
    attempt: int,
    rng: random.Random,
    retry_after: float | None = None,
) -> float | None:
    """The wait before retrying after a 500/502/503/504 answer, or ``None`` to give up."""
    if status_code not in RETRYABLE_STATUSES or attempt >= policy.max_retries:
        return None
    if method.upper() not in IDEMPOTENT_METHODS:
        return None
    delay = backoff(policy, attempt, rng)
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.backoff_max))
    return delay


def wait_for_rate_limit(policy: RetryPolicy, retry_after: float | None, rate_limited: int) -> float | None:
    """The wait after a 429 (the server did not run the request, so any method is retried)."""
    if rate_limited >= policy.max_rate_limit_retries:
        return None
    wait = 1.0 if retry_after is None else retry_after
    if wait > policy.max_retry_after:
        return None
    return wait
