"""What every benchmark shares: result rows, a transport that records what the sandbox answered,
and the writing of ``results.json`` and the Markdown table."""

from __future__ import annotations

import json
import os
import platform
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from lightspeed_pos._flow import bucket_key
from lightspeed_pos._ratelimit import parse_level

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "benchmarks" / "results.json"
RESULTS_MD = ROOT / "docs" / "benchmarks.md"


@dataclass
class Row:
    """One measured figure, with what it was measured against and whether it meets its target."""

    section: str
    scenario: str
    client: str
    figure: str
    value: float
    details: dict[str, Any] = field(default_factory=dict)
    target: str | None = None
    passed: bool | None = None
    series: dict[str, Any] = field(default_factory=dict)
    """Data behind the figure, for the charts (in ``results.json``, not in the table)."""

    def verdict(self) -> str:
        """``PASS``, ``FAIL`` or ``-`` (no target)."""
        if self.passed is None:
            return "-"
        return "PASS" if self.passed else "FAIL"


class Recorder:
    """What the server answered: statuses, and the cost it charged each account (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.costs: defaultdict[str, float] = defaultdict(float)
        """Drips charged per account: the ``X-LS-API-Request-Cost`` of every admitted request."""
        self.admitted: Counter[str] = Counter()
        self.max_cost: defaultdict[str, float] = defaultdict(float)
        """The largest cost charged to each account for one request."""
        self.levels: list[tuple[float, float]] = []
        """(seconds since the recorder was made, bucket level reported) for every answer."""
        self.started = time.perf_counter()
        self.inner_seconds = 0.0
        """Wall time spent inside the wrapped transport (the sandbox), summed."""

    def observe(self, request: httpx2.Request, response: httpx2.Response, seconds: float) -> None:
        """Book one answer."""
        with self._lock:
            self.inner_seconds += seconds
            self.statuses[response.status_code] += 1
            cost = response.headers.get("X-LS-API-Request-Cost")
            if response.status_code != 429 and cost is not None:
                key = bucket_key(request.url)
                self.costs[key] += float(cost)
                self.admitted[key] += 1
                self.max_cost[key] = max(self.max_cost[key], float(cost))
            level = parse_level(response.headers.get("X-LS-API-Bucket-Level"))
            if level is not None:
                self.levels.append((time.perf_counter() - self.started, level[0]))

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def rate_limited(self) -> int:
        return self.statuses[429]


class RecordingTransport(httpx2.BaseTransport):
    """A sync transport that passes requests on and books the answers in a :class:`Recorder`."""

    def __init__(self, inner: httpx2.BaseTransport, recorder: Recorder) -> None:
        self.inner = inner
        self.recorder = recorder

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        started = time.perf_counter()
        response = self.inner.handle_request(request)
        self.recorder.observe(request, response, time.perf_counter() - started)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncRecordingTransport(httpx2.AsyncBaseTransport):
    """The async twin of :class:`RecordingTransport`."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, recorder: Recorder) -> None:
        self.inner = inner
        self.recorder = recorder

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        started = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        self.recorder.observe(request, response, time.perf_counter() - started)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def conditions() -> dict[str, str]:
    """What the machine was doing: cores, load average, the JSON parser in use."""
    from lightspeed_pos import _json

    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpus": str(os.cpu_count()),
        "load_average": " ".join(f"{value:.2f}" for value in load),
        "json_parser": _json.PARSER,
    }


def write_results(
    rows: Sequence[Row],
    *,
    size: str,
    json_path: Path,
    md_path: Path,
    charts: Sequence[tuple[str, str]] = (),
    before: dict[str, str] | None = None,
) -> None:
    """Write ``rows`` as JSON and as the Markdown document ``docs/benchmarks.md``.

    ``charts`` are (title, file name beside ``md_path``); ``before`` the :func:`conditions` at
    the start of the run (the end's are taken now)."""
    after = conditions()
    meta = {
        "generated": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "size": size,
        "cpus": after["cpus"],
        "json_parser": after["json_parser"],
        "load_average_before": (before or after)["load_average"],
        "load_average_after": after["load_average"],
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps({**meta, "rows": [asdict(row) for row in rows]}, indent=2) + "\n")
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text(render_markdown(rows, meta, charts))


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


METHOD = ROOT / "benchmarks" / "METHOD.md"
"""The fixed part of the document: how each figure is measured (kept beside the code)."""


def render_markdown(rows: Sequence[Row], meta: dict[str, str], charts: Sequence[tuple[str, str]] = ()) -> str:
    """The results as a Markdown document: conditions, charts, one table per section, method."""
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`python -m benchmarks`); raw figures in `benchmarks/results.json`.",
        f"Run {meta['generated']}, Python {meta['python']} on {meta['machine']} ({meta['cpus']} cores), "
        f"size `{meta['size']}`, JSON parser `{meta['json_parser']}`; load average (1, 5, 15 min) "
        f"{meta['load_average_before']} at the start and {meta['load_average_after']} at the end "
        "(the machine is shared: other work runs beside the benchmarks).",
        "Every ratio is measured in the same run as its baseline; where a figure was measured several",
        "times the table gives the median and the spread (min-max). Targets are checked here, never",
        "by timed assertions in tests; a target that means nothing at the run's size is not applied.",
        "",
    ]
    for title, name in charts:
        lines += [f"![{title}]({name})", ""]
    sections: dict[str, list[Row]] = {}
    for row in rows:
        sections.setdefault(row.section, []).append(row)
    for section, members in sections.items():
        lines += [f"## {section}", "", "| scenario | client | figure | value | details | target | result |"]
        lines.append("|---|---|---|---|---|---|---|")
        for row in members:
            details = ", ".join(f"{k}={_cell(v)}" for k, v in row.details.items())
            lines.append(
                f"| {row.scenario} | {row.client} | {row.figure} | {_cell(row.value)} | {details} "
                f"| {row.target or '-'} | {row.verdict()} |"
            )
        lines.append("")
    if METHOD.exists():
        lines += [METHOD.read_text().rstrip(), ""]
    return "\n".join(lines)
