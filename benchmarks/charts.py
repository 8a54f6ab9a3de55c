"""The results as pictures (PNG, matplotlib from the ``bench`` extra), beside ``docs/benchmarks.md``:

* the bucket level over time for this client, the gem's policy and the naive client, in one run;
* rate-limit efficiency by mode, every client;
* CPU per request and requests per second against raw httpx2, with the spread over rotations.

Without matplotlib nothing is drawn and the document says so.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._harness import Row

BUCKET_CHART = "bench-bucket-level.png"
EFFICIENCY_CHART = "bench-efficiency.png"
CPU_CHART = "bench-cpu-per-request.png"
LEVEL_SCENARIO = "reads: 1 thread"


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        sys.stderr.write("matplotlib is not installed (pip install 'lightspeed-pos[bench]'): no charts\n")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def draw(rows: Sequence[Row], folder: Path) -> list[tuple[str, str]]:
    """Draw every chart the rows allow into ``folder``; (title, file name) of each one drawn."""
    plt = _pyplot()
    if plt is None:
        return []
    drawn = []
    for title, name, painter in (
        ("Bucket level over time, one run per client", BUCKET_CHART, _bucket_levels),
        ("Rate-limit efficiency by mode", EFFICIENCY_CHART, _efficiency),
        ("CPU per request and throughput against raw httpx2", CPU_CHART, _cpu),
    ):
        figure = painter(plt, rows)
        if figure is None:
            continue
        figure.savefig(folder / name, dpi=90, bbox_inches="tight")
        plt.close(figure)
        drawn.append((title, name))
    return drawn


def _bucket_levels(plt: Any, rows: Sequence[Row]) -> Any:
    chosen = [
        row
        for row in rows
        if row.section == "Rate-limit efficiency" and row.scenario == LEVEL_SCENARIO and row.series
    ]
    if not chosen:
        return None
    figure, axes = plt.subplots(figsize=(9, 4))
    for row in chosen:
        levels = row.series.get("levels") or []
        if not levels:
            continue
        start = levels[0][0]
        axes.plot([t - start for t, _ in levels], [level for _, level in levels], label=row.client, lw=1)
    size = chosen[0].series.get("bucket_size")
    if size:
        axes.axhline(size, color="grey", ls="--", lw=1, label=f"bucket size {size:g}")
    axes.set_xlabel("seconds since the first answer")
    axes.set_ylabel("bucket level reported by the server")
    axes.set_title(f"{LEVEL_SCENARIO}: bucket level in the answers")
    axes.legend(loc="lower right", fontsize=8)
    return figure


def _efficiency(plt: Any, rows: Sequence[Row]) -> Any:
    chosen = [row for row in rows if row.section == "Rate-limit efficiency"]
    if not chosen:
        return None
    scenarios = list(dict.fromkeys(row.scenario for row in chosen))
    clients = list(dict.fromkeys(row.client for row in chosen))
    figure, axes = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(clients)
    for number, client in enumerate(clients):
        values = {row.scenario: row.value for row in chosen if row.client == client}
        positions = [i + number * width for i in range(len(scenarios))]
        axes.bar(positions, [values.get(s, 0.0) for s in scenarios], width, label=client)
    axes.axhline(0.97, color="grey", ls="--", lw=1, label="target 0.97")
    axes.set_xticks([i + width * (len(clients) - 1) / 2 for i in range(len(scenarios))])
    axes.set_xticklabels([s.replace(", ", ",\n") for s in scenarios], fontsize=7)
    axes.set_ylabel("t_min / achieved")
    axes.set_ylim(0, 1.05)
    axes.legend(fontsize=8, loc="lower left")
    return figure


def _cpu(plt: Any, rows: Sequence[Row]) -> Any:
    chosen = [row for row in rows if row.section.startswith("Client overhead: minimal") and row.series]
    if not chosen:
        return None
    figure, (cpu_axes, ratio_axes) = plt.subplots(1, 2, figsize=(11, 4))
    names = [row.client for row in chosen]
    for axes, key, label in (
        (cpu_axes, "cpu_ms", "CPU ms per request"),
        (ratio_axes, "ratios", "requests/s ÷ raw"),
    ):
        medians, low, high = [], [], []
        for row in chosen:
            values = sorted(row.series[key])
            middle = values[len(values) // 2]
            medians.append(middle)
            low.append(middle - values[0])
            high.append(values[-1] - middle)
        axes.bar(range(len(names)), medians, yerr=[low, high], capsize=4, color="tab:blue")
        axes.set_xticks(range(len(names)))
        axes.set_xticklabels(names, fontsize=7, rotation=25, ha="right")
        axes.set_ylabel(label)
    for goal, text in ((0.80, ".attributes goal"), (0.60, "typed goal")):
        ratio_axes.axhline(goal, color="grey", ls="--", lw=1)
        ratio_axes.text(len(names) - 0.5, goal, text, fontsize=7, va="bottom", ha="right")
    figure.suptitle("Against the minimal server, median and spread over the rotations", fontsize=9)
    return figure
