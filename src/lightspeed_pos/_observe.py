"""Watching a request flow, written once for both clients: event hooks and telemetry.

:func:`observe` wraps :func:`~lightspeed_pos._flow.request_flow`. It passes every instruction to
the driver unchanged and watches them: a ``Send`` is a ``request`` event and its answer a
``response`` event; a ``Sleep`` before a retry is a ``retry`` event, any other ``Sleep`` (the
bucket, a 429) a ``throttle`` event; a ``Refresh`` a ``refresh`` event. It yields those as
:class:`~lightspeed_pos._flow.Event` instructions when the client has hooks, and keeps a
:class:`RequestRecord` (attempts, waits, retries, refreshes, the last answer) that it hands to the
telemetry when the request starts and ends. No I/O here; a client with neither hooks nor
telemetry does not wrap its flows at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx2

from ._flow import Event, Flow, FlowSettings, Instruction, Refresh, RequestSpec, Send, Sleep, bucket_key
from .events import RefreshEvent, RetryEvent, ThrottleEvent

if TYPE_CHECKING:
    from .telemetry import Telemetry

__all__ = ["RequestRecord", "observe"]


@dataclass
class RequestRecord:
    """What one request (with its retries) did: read by the telemetry when it ends."""

    spec: RequestSpec
    url: httpx2.URL
    account: str
    bucket_before: float
    bucket_size: float
    started: float = field(default_factory=time.perf_counter)
    attempts: int = 0
    retries: int = 0
    refreshes: int = 0
    rate_limited: int = 0
    waits: dict[str, float] = field(default_factory=dict)
    """Seconds slept, by reason: ``bucket``, ``429``, ``retry``."""
    response: httpx2.Response | None = None
    """The last answer received."""
    error: BaseException | None = None
    """What ended the request, when it did not succeed."""


def _sleep_event(record: RequestRecord, step: Sleep, settings: FlowSettings) -> Event:
    url = str(record.url)
    if step.reason == "retry":
        status = record.response.status_code if record.response is not None and record.error is None else None
        return Event(
            "retry", RetryEvent(record.spec.method, url, record.retries, step.seconds, status, record.error)
        )
    bucket = settings.throttler.snapshot(record.account)
    return Event(
        "throttle",
        ThrottleEvent(
            record.spec.method, url, record.account, step.seconds, step.reason, bucket.level, bucket.size
        ),
    )


def observe(
    flow: Flow, settings: FlowSettings, spec: RequestSpec, telemetry: Telemetry | None, hooks: bool
) -> Flow:
    """``flow`` as it was, with events for the hooks (when ``hooks``) and a record for ``telemetry``."""
    url = httpx2.URL(spec.url)
    account = bucket_key(url)
    bucket = settings.throttler.snapshot(account)
    record = RequestRecord(spec, url, account, bucket.level, bucket.size)
    span = telemetry.request_started(record) if telemetry is not None else None
    result: Any = None
    error: Exception | None = None
    try:
        while True:
            try:
                step: Instruction = flow.throw(error) if error is not None else flow.send(result)
            except StopIteration as stop:
                response: httpx2.Response = stop.value
                record.response, record.error = response, None
                return response
            result, error = None, None
            if isinstance(step, Send):
                record.attempts += 1
                if hooks:
                    yield Event("request", step.request)
            elif isinstance(step, Sleep):
                record.waits[step.reason] = record.waits.get(step.reason, 0.0) + step.seconds
                if step.reason == "retry":
                    record.retries += 1
                if hooks:
                    yield _sleep_event(record, step, settings)
            elif isinstance(step, Refresh):
                record.refreshes += 1
                if hooks:
                    yield Event("refresh", RefreshEvent(spec.method, str(url), account))
            try:
                result = yield step
            except Exception as thrown:  # a network failure, handed on to the flow that decides
                error = thrown
            if isinstance(step, Send):
                record.error = error
                if error is None:
                    record.response = result
                    if result.status_code == 429:
                        record.rate_limited += 1
                    if hooks:
                        yield Event("response", result)
    except BaseException as failure:
        record.error = failure
        raise
    finally:
        flow.close()
        if telemetry is not None:
            telemetry.request_finished(record, span)
