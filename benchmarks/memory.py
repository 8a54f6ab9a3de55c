"""Memory: what a record costs next to its raw dict, and the peak RSS of a large listing read
with ``each()`` against ``all()``.

Per record (:func:`per_record`, with ``tracemalloc``, in this process): the 100-item fixture page
decoded by the library's parser (the raw dicts), against the same page read into records (which
hold those dicts), and against the records after every typed field was read (validated).

Each measurement runs in its own subprocess (``python -m benchmarks.memory each 100000``): it
builds ``Sandbox(items=N)`` and a ``Client``, notes the resident set size, iterates, and reports
the peak growth of the resident set during the iteration (sampled from ``/proc/self/statm``
every few milliseconds; ``ru_maxrss`` where there is no ``/proc``). ``each()`` is flat when its
growth at N items is no more than at N/10 items plus a margin; ``all()`` grows with N.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ._harness import ROOT, Row
from ._served import StaticHolder

NAME = "memory"
SECTION = "Memory while iterating"
FLAT_MARGIN_MB = 8.0
ALL_TARGET_MB = 350.0
"""``all()`` over 100,000 items: the most its resident set may grow."""
RECORD_TARGET = 1.5
"""A listing's record: at most this many times the memory of its raw dict."""
SIZES = {"full": 100_000, "tiny": 2_000}
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def current_rss_mb() -> float:
    """The resident set size now, in MiB (the peak so far where ``/proc`` is missing)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakSampler:
    """A thread that samples the resident set size until stopped; ``peak`` is the largest seen."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.peak = current_rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, current_rss_mb())

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, current_rss_mb())


def measure_here(how: str, items: int) -> dict[str, Any]:
    """In this process: iterate ``items`` items with ``each()`` or ``all()``; the RSS figures."""
    from lightspeed_pos import _json
    from lightspeed_pos.sandbox import Sandbox

    sandbox = Sandbox(items=items, rate_limit=False, time_scale=1e6)
    with sandbox.client() as client:
        collection = client.account(sandbox.account_id).items
        before = current_rss_mb()
        with PeakSampler() as sampler:
            count = sum(1 for _ in collection.each()) if how == "each" else len(collection.all())
    return {
        "how": how,
        "items": items,
        "count": count,
        "rss_before_mb": before,
        "peak_growth_mb": sampler.peak - before,
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "parser": _json.PARSER,
    }


def measure_in_subprocess(how: str, items: int, parser: str = "") -> dict[str, Any]:
    """:func:`measure_here` in a fresh interpreter (``parser``: ``json`` forces the standard
    library's JSON parser, as without the ``fast`` extra)."""
    env = {**os.environ, "LIGHTSPEED_POS_JSON": parser}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", how, str(items)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def parser_in_use() -> str:
    from lightspeed_pos import _json

    return _json.PARSER


def per_record() -> dict[str, float]:
    """Bytes per record: the raw dicts of the fixture page, the records read from it, and the
    records once every typed field was read."""
    import gc
    import operator
    import tracemalloc

    import httpx2

    import lightspeed_pos as ls
    from lightspeed_pos import _json

    from ._minimal import FIXTURE

    content = FIXTURE.read_bytes()
    client = ls.Client(StaticHolder("token"), transport=httpx2.MockTransport(lambda r: httpx2.Response(200)))
    items = client.account(1).items
    url = f"{client.base_url}/Account/1/Item.json"
    response = httpx2.Response(200, content=content, request=httpx2.Request("GET", url))
    read_all = operator.attrgetter(*ls.Item.model_fields)

    def read() -> list[ls.Item]:
        pager = items.pager(None)
        pager.request()
        return pager.read(response)

    read()  # warm up: caches, interned keys
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        raw = _json.loads(content)["Item"]
        raw_bytes = tracemalloc.get_traced_memory()[0] - start
        del raw
        gc.collect()
        start = tracemalloc.get_traced_memory()[0]
        records = read()
        record_bytes = tracemalloc.get_traced_memory()[0] - start
        for record in records:
            read_all(record)
        typed_bytes = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
        client.close()
    count = len(records)
    return {
        "raw_dict_bytes": raw_bytes / count,
        "record_bytes": record_bytes / count,
        "typed_record_bytes": typed_bytes / count,
    }


def run(size: str = "full") -> list[Row]:
    """Bytes per record; ``each()`` at N and N/10 items and ``all()`` at N, two subprocesses at a time."""
    items = SIZES[size]
    sizes = per_record()
    rows = [
        Row(
            SECTION,
            "one record of a 100-item Item page",
            "listing record ÷ raw dict",
            "memory ratio",
            sizes["record_bytes"] / sizes["raw_dict_bytes"],
            {k: round(v) for k, v in sizes.items()},
            target=f"<= {RECORD_TARGET}",
            passed=sizes["record_bytes"] <= RECORD_TARGET * sizes["raw_dict_bytes"],
        ),
        Row(
            SECTION,
            "one record of a 100-item Item page",
            "record after every typed field ÷ raw dict",
            "memory ratio",
            sizes["typed_record_bytes"] / sizes["raw_dict_bytes"],
            {"typed_record_bytes": round(sizes["typed_record_bytes"])},
        ),
    ]
    jobs = [("each", items, ""), ("all", items, "json"), ("each", items // 10, ""), ("all", items, "")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        each_n, all_n, each_tenth, all_default = pool.map(lambda job: measure_in_subprocess(*job), jobs)
    all_n["how"] = "all() [standard-library JSON]"
    all_default["how"] = f"all() [{all_default.get('parser', parser_in_use())} JSON]"
    flat = each_n["peak_growth_mb"] <= each_tenth["peak_growth_mb"] + FLAT_MARGIN_MB
    for result in (each_n, each_tenth, all_n, all_default):
        details = {k: result[k] for k in ("count", "rss_before_mb", "ru_maxrss_mb", "parser")}
        rows.append(
            Row(
                SECTION,
                f"{result['items']:,} items",
                result["how"] if result["how"].startswith("all()") else f"{result['how']}()",
                "peak RSS growth (MiB)",
                result["peak_growth_mb"],
                details,
            )
        )
        if result is all_n and size == "full":
            rows[-1].target = f"<= {ALL_TARGET_MB:g} MiB"
            rows[-1].passed = all_n["peak_growth_mb"] <= ALL_TARGET_MB
    ratio = each_n["peak_growth_mb"] / max(all_n["peak_growth_mb"], 1e-9)
    rows.append(
        Row(
            SECTION,
            f"{items:,} items",
            "each() ÷ all()",
            "peak growth ratio",
            ratio,
            {"each_at_N_minus_each_at_N/10_mb": each_n["peak_growth_mb"] - each_tenth["peak_growth_mb"]},
            target=f"each() flat: growth at N <= growth at N/10 + {FLAT_MARGIN_MB:g} MiB",
            passed=flat,
        )
    )
    return rows


if __name__ == "__main__":
    sys.stdout.write(json.dumps(measure_here(sys.argv[1], int(sys.argv[2]))) + "\n")
