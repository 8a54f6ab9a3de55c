"""Callers at once: each target in a thread of its own, all started before any is waited for."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable


def run_threads(targets: Iterable[Callable[[], object]], *, timeout: float | None = None) -> None:
    """Run each of ``targets`` in a thread of its own and wait for them all (each at most
    ``timeout`` seconds, when given: the assertions that follow then report what hung)."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
