"""OpenTelemetry and event hooks on the sandbox: a span per request, metrics per account.

Run: .venv/bin/python examples/telemetry.py  (needs opentelemetry-sdk, installed with ``dev``)
In an application, configure the SDK once (exporters to your collector); clients then use the
global providers with no argument.
"""

from __future__ import annotations

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from lightspeed_pos.events import ThrottleEvent
from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.telemetry import Telemetry

SHOWN = ("bucket.level_before", "bucket.level_after", "wait.bucket", "sync.records", "sync.pages")


def main() -> None:
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    metrics = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[metrics])
    telemetry = Telemetry(tracer_provider=tracer_provider, meter_provider=meter_provider)

    def on_throttle(event: ThrottleEvent) -> None:
        print(f"  hook: {event.seconds:.2f}s for the bucket ({event.bucket_level:.1f}/{event.bucket_size:g})")

    sandbox = Sandbox(items=300, bucket_size=3, drip_rate=1, time_scale=5)
    with sandbox.client(telemetry=telemetry, event_hooks={"throttle": [on_throttle]}) as client:
        account = client.account(sandbox.account_id)
        with client.stream_span("Item", account_id=account.id) as run:
            for page in account.items.each_page(page_size=30):
                run.records += len(page)
                run.pages += 1
        client.request("GET", f"Account/{account.id}/Item/1")

    print("spans:")
    for span in spans.get_finished_spans():
        attributes = {
            name.removeprefix("lightspeed."): value for name, value in (span.attributes or {}).items()
        }
        shown = ", ".join(f"{name}={attributes[name]:g}" for name in SHOWN if name in attributes)
        print(f"  {span.name}: {shown}")
    data = metrics.get_metrics_data()
    found = [m for r in data.resource_metrics for s in r.scope_metrics for m in s.metrics] if data else []
    print("metrics:", ", ".join(sorted({metric.name for metric in found})))


if __name__ == "__main__":
    main()
