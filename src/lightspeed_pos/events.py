"""Event hooks, as httpx has them: ``Client(event_hooks={"retry": [log_retry]})``.

Five events, each given one argument:

==============  ============================================================================
``request``     the ``httpx2.Request`` about to be sent (every attempt; its headers hold the
                access token, as in httpx: do not log them)
``response``    the ``httpx2.Response`` received (every attempt, before any retry decision)
``retry``       a :class:`RetryEvent`: a 5xx answer or a network failure, retried after ``delay``
``throttle``    a :class:`ThrottleEvent`: a wait for room in the bucket (``reason="bucket"``) or
                after a 429 (``reason="429"``)
``refresh``     a :class:`RefreshEvent`: the access token is renewed after a 401
==============  ============================================================================

Hooks run in the order given, in the task that sends the request; the AsyncClient awaits a hook
that returns an awaitable. An exception raised by a hook ends the request with that exception.
The hooks are called by the clients' drivers from ``Event`` instructions that ``_observe``
yields, so they behave the same in both clients.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["EVENT_NAMES", "EventHooks", "RefreshEvent", "RetryEvent", "ThrottleEvent", "check_event_hooks"]

EVENT_NAMES = ("request", "response", "retry", "throttle", "refresh")

EventHooks = Mapping[str, Sequence[Callable[[Any], Any]]]


@dataclass(frozen=True)
class RetryEvent:
    """A request is sent again after ``delay`` seconds (``attempt`` counts from 1)."""

    method: str
    url: str
    """The URL without its query string."""
    attempt: int
    delay: float
    status_code: int | None
    """The status that is retried (502, 503, 504), or ``None`` after a network failure."""
    error: BaseException | None = None
    """The network failure, when there was no answer."""


@dataclass(frozen=True)
class ThrottleEvent:
    """A request waits ``seconds`` before it is sent: for the bucket, or after a 429."""

    method: str
    url: str
    account: str
    """The account whose bucket it is (``"global"`` outside an account)."""
    seconds: float
    reason: str
    """``"bucket"`` (the client's own throttling) or ``"429"`` (the server refused)."""
    bucket_level: float
    bucket_size: float


@dataclass(frozen=True)
class RefreshEvent:
    """The access token of ``account`` is refreshed after a 401 on ``method url``."""

    method: str
    url: str
    account: str


def check_event_hooks(hooks: EventHooks | None) -> dict[str, tuple[Callable[[Any], Any], ...]]:
    """The hooks by event name; an unknown name or a hook that is not callable is a ``ValueError``
    now, not a surprise at the first request."""
    checked: dict[str, tuple[Callable[[Any], Any], ...]] = {}
    for name, functions in (hooks or {}).items():
        if name not in EVENT_NAMES:
            raise ValueError(f"unknown event {name!r}: the events are {', '.join(EVENT_NAMES)}")
        if callable(functions):
            raise ValueError(f"event_hooks[{name!r}] must be a list of functions, not one function")
        listed = tuple(functions)
        for function in listed:
            if not callable(function):
                raise ValueError(f"event_hooks[{name!r}] holds {function!r}, which is not callable")
        if listed:
            checked[name] = listed
    return checked
