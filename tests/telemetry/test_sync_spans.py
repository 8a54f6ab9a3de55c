"""A sync stream that fails is an error span naming the error's class, never its message."""

from __future__ import annotations

from pathlib import Path

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from lightspeed_pos.sandbox import Faults, Sandbox
from lightspeed_pos.sync import sync
from lightspeed_pos.telemetry import Telemetry


def test_a_failed_stream_run_is_an_error_span_without_the_message(tmp_path: Path) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    box = Sandbox(items=10, faults=Faults(error_rate=1.0))
    with box.client(telemetry=Telemetry(tracer_provider=provider), max_retries=0) as client:
        report = sync(
            client, f"sqlite:///{tmp_path / 'failed.db'}", streams="tags", accounts=[box.account_id]
        )
    provider.shutdown()
    assert not report.ok
    error = report.stream("tags").error
    assert error is not None and ":" in error
    (stream,) = [span for span in exporter.get_finished_spans() if span.name == "lightspeed.sync tags"]
    assert stream.status.status_code == StatusCode.ERROR
    attributes = dict(stream.attributes or {})
    assert attributes["error.type"] == error.split(":", 1)[0]
    message = error.split(":", 1)[1].strip()
    assert all(message not in str(value) for value in attributes.values())
