"""OpenTelemetry for the clients (``pip install 'lightspeed-pos[otel]'``): a span per API request,
metrics per account, and a span per sync stream run.

Only ``opentelemetry-api`` is needed: without an SDK configured it records nothing. A client uses
the global tracer and meter providers when ``opentelemetry`` is installed
(``Client(telemetry=False)`` turns it off, ``Client(telemetry=Telemetry(tracer_provider=...,
meter_provider=...))`` chooses the providers).

Each request (its retries, waits and refreshes included) is one ``CLIENT`` span named
``GET /API/V3/Account/{accountID}/Item/{itemID}.json``. Its attributes:

=====================================  ===================================================
``http.request.method``                ``GET``
``url.template``                       the path with every id replaced by its name (from the
                                       catalogue); never a query string
``server.address``                     ``api.lightspeedapp.com``
``http.response.status_code``          the final status
``http.request.resend_count``          retries after a 5xx or a network failure
``lightspeed.account_id``              the account (absent outside an account)
``lightspeed.request.cost``            ``X-LS-API-Request-Cost``, or the client's estimate
``lightspeed.bucket.level_before``     the client's estimate of the bucket when it started
``lightspeed.bucket.level_after``      ``X-LS-API-Bucket-Level`` of the last answer
``lightspeed.bucket.size``             the bucket's size
``lightspeed.wait.bucket``             seconds waited for room in the bucket
``lightspeed.wait.rate_limited``       seconds waited after 429s
``lightspeed.wait.retry``              seconds of retry back-off
``lightspeed.rate_limited``            429 answers
``lightspeed.token_refreshes``         access-token refreshes
``error.type``                         the error class, when the request failed
=====================================  ===================================================

Metrics: ``lightspeed.client.requests`` (counter; method, template, status, account),
``lightspeed.client.rate_limited`` (429s), ``lightspeed.client.wait`` (histogram of seconds, by
``lightspeed.wait.reason``: bucket, 429, retry), ``lightspeed.client.token_refreshes``,
``lightspeed.client.bucket.level`` (gauge, per account) and ``lightspeed.client.request.duration``.
No token, secret, query string, record id or body ever becomes an attribute.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from ._flow import estimate
from ._paths import below_account, match
from ._ratelimit import parse_level
from ._version import __version__

if TYPE_CHECKING:
    from ._observe import RequestRecord

__all__ = ["StreamRun", "Telemetry", "available", "path_template"]

_WAIT_ATTRIBUTES = {"bucket": "lightspeed.wait.bucket", "429": "lightspeed.wait.rate_limited"}
_EXTENSION = re.compile(r"\.(json|xml|html)$")
_WORD = re.compile(r"[A-Za-z]*|V\d+")


def available() -> bool:
    """Whether ``opentelemetry-api`` is installed."""
    try:
        import opentelemetry.metrics
        import opentelemetry.trace  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=4096)
def path_template(path: str) -> str:
    """``/API/V3/Account/12/Item/5.json`` -> ``/API/V3/Account/{accountID}/Item/{itemID}.json``.

    The row, ids and action come from the one path matcher (``_paths``, on the catalogue); a path
    it does not know ends in ``{unknown}``, so a template never carries data.
    """
    match_ext = _EXTENSION.search(path)
    extension = match_ext.group(0) if match_ext else ""
    bare = path[: len(path) - len(extension)]
    split = below_account(bare)
    if split is None:  # outside an account: /API/Session, /API/V3/Account
        return "/".join(part if _WORD.fullmatch(part) else "{id}" for part in bare.split("/")) + extension
    account_id, rest = split
    prefix = bare[: bare.rindex(f"/Account/{account_id}")] + "/Account/{accountID}"
    if rest is None:
        return prefix + extension
    found = match(rest)
    if found is None:
        return f"{prefix}/{{unknown}}{extension}"
    template = found.spec.path
    if found.record_id is not None:
        template += "/{" + (found.spec.id_field or "id") + "}"
    if found.action is not None:
        template += f"/{found.action.segment}"
    return f"{prefix}/{template}{extension}"


@dataclass
class StreamRun:
    """One run of one sync stream: counts that the sync adds to, written on its span at the end."""

    stream: str
    records: int = 0
    pages: int = 0
    attributes: dict[str, str | int | float | bool] = field(default_factory=dict)
    error_type: str | None = None
    """Set when the run failed without raising (a sync that records the error and goes on)."""


class Telemetry:
    """Spans and metrics for a client; one can serve any number of clients."""

    def __init__(self, *, tracer_provider: Any = None, meter_provider: Any = None) -> None:
        try:
            from opentelemetry import metrics, trace
        except ImportError as error:  # pragma: no cover - depends on the environment
            message = "telemetry needs opentelemetry-api: pip install 'lightspeed-pos[otel]'"
            raise ImportError(message) from error
        self._trace = trace
        self._metrics = metrics
        self._explicit = tracer_provider is not None or meter_provider is not None
        self.tracer = trace.get_tracer("lightspeed_pos", __version__, tracer_provider)
        meter = metrics.get_meter("lightspeed_pos", __version__, meter_provider)
        self.requests = meter.create_counter(
            "lightspeed.client.requests", unit="{request}", description="API requests, by final status"
        )
        self.rate_limited = meter.create_counter(
            "lightspeed.client.rate_limited", unit="{response}", description="429 answers"
        )
        self.waits = meter.create_histogram(
            "lightspeed.client.wait", unit="s", description="Time waited before sending, by reason"
        )
        self.refreshes = meter.create_counter(
            "lightspeed.client.token_refreshes", unit="{refresh}", description="Access-token refreshes"
        )
        self.bucket_level = meter.create_gauge(
            "lightspeed.client.bucket.level", unit="{drip}", description="The account's leaky-bucket level"
        )
        self.duration = meter.create_histogram(
            "lightspeed.client.request.duration", unit="s", description="Requests, waits and retries included"
        )

    def active(self) -> bool:
        """Whether anything would be recorded: providers were given, or an SDK set the global
        ones. Until then the clients do not watch their requests at all (no cost)."""
        if self._explicit:
            return True
        idle_tracers = (self._trace.ProxyTracerProvider, self._trace.NoOpTracerProvider)
        if not isinstance(self._trace.get_tracer_provider(), idle_tracers):
            return True
        meter_provider = self._metrics.get_meter_provider()
        return not (
            isinstance(meter_provider, self._metrics.NoOpMeterProvider)
            or type(meter_provider).__name__ == "_ProxyMeterProvider"
        )

    # --- one API request (called by _observe) ---------------------------------------------------
    def request_started(self, record: RequestRecord) -> Any:
        template = path_template(record.url.path)
        attributes: dict[str, Any] = {
            "http.request.method": record.spec.method,
            "url.template": template,
            "server.address": record.url.host,
            "lightspeed.bucket.level_before": round(record.bucket_before, 3),
        }
        if record.account != "global":
            attributes["lightspeed.account_id"] = record.account
        return self.tracer.start_span(
            f"{record.spec.method} {template}", kind=self._trace.SpanKind.CLIENT, attributes=attributes
        )

    def request_finished(self, record: RequestRecord, span: Any) -> None:
        common: dict[str, Any] = {
            "http.request.method": record.spec.method,
            "url.template": path_template(record.url.path),
        }
        account: dict[str, Any] = {}
        if record.account != "global":
            account["lightspeed.account_id"] = record.account
        response = record.response
        attributes: dict[str, Any] = {
            "http.request.resend_count": record.retries,
            "lightspeed.rate_limited": record.rate_limited,
            "lightspeed.token_refreshes": record.refreshes,
            "lightspeed.bucket.size": record.bucket_size,
            "lightspeed.request.cost": _cost(record),
            "lightspeed.wait.retry": round(record.waits.get("retry", 0.0), 6),
        }
        for reason, name in _WAIT_ATTRIBUTES.items():
            attributes[name] = round(record.waits.get(reason, 0.0), 6)
        outcome: dict[str, Any] = {}
        if response is not None:
            outcome["http.response.status_code"] = response.status_code
            level = parse_level(response.headers.get("X-LS-API-Bucket-Level"))
            if level is not None:
                attributes["lightspeed.bucket.level_after"] = level[0]
                attributes["lightspeed.bucket.size"] = level[1]
                self.bucket_level.set(level[0], account)
        if record.error is not None:
            outcome["error.type"] = (
                "cancelled" if isinstance(record.error, GeneratorExit) else type(record.error).__name__
            )
        span.set_attributes({**attributes, **outcome})
        if record.error is not None:
            span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, outcome["error.type"]))
        span.end()
        self.requests.add(1, {**common, **account, **outcome})
        if record.rate_limited:
            self.rate_limited.add(record.rate_limited, account)
        if record.refreshes:
            self.refreshes.add(record.refreshes, account)
        for reason, seconds in record.waits.items():
            self.waits.record(seconds, {**account, "lightspeed.wait.reason": reason})
        self.duration.record(time.perf_counter() - record.started, {**common, **account, **outcome})

    # --- one sync stream run (called by the sync) ------------------------------------------------
    @contextmanager
    def stream(
        self, stream: str, *, account_id: int | str | None = None, **attributes: Any
    ) -> Iterator[StreamRun]:
        """A span around one run of one sync stream, current while it runs (request spans nest in
        it). Add to ``run.records`` and ``run.pages``; they are written on the span at the end.

            with telemetry.stream("Item", account_id=1, mode="incremental") as run:
                run.records += len(page)
        """
        run = StreamRun(stream, attributes=dict(attributes))
        span_attributes: dict[str, Any] = {"lightspeed.sync.stream": stream}
        if account_id is not None:
            span_attributes["lightspeed.account_id"] = str(account_id)
        with self.tracer.start_as_current_span(
            f"lightspeed.sync {stream}", attributes=span_attributes, record_exception=True
        ) as span:
            try:
                yield run
            finally:
                extra = {f"lightspeed.sync.{name}": value for name, value in run.attributes.items()}
                span.set_attributes(
                    {"lightspeed.sync.records": run.records, "lightspeed.sync.pages": run.pages, **extra}
                )
                if run.error_type is not None:
                    span.set_attribute("error.type", run.error_type)
                    span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, run.error_type))


def _cost(record: RequestRecord) -> float:
    if record.response is not None:
        header = record.response.headers.get("X-LS-API-Request-Cost")
        if header:
            try:
                return float(header)
            except ValueError:
                pass
    return estimate(record.spec)


@cache
def default_telemetry() -> Telemetry | None:
    """The telemetry of clients that were given none: the global providers, if OpenTelemetry is installed."""
    return Telemetry() if available() else None
