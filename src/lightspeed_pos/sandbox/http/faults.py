"""Fault injection for the sandbox: what a flaky network and a struggling API look like.

A :class:`Faults` value is set per run (or swapped on a live sandbox) and is deterministic: it
owns a ``random.Random(seed)`` and draws once per API request, in order. The share of requests
that get each fault:

* ``error_rate``: a 500/502/503 answer with an HTML body, as a proxy error page would be;
* ``drop_rate``: the connection closes without an answer (the request is not processed);
* ``slow_rate``: the answer comes after ``slow_seconds`` of real time;
* ``lost_write_rate``: a POST/PUT/DELETE is committed, then the connection drops before the answer;
* ``rate_limit_rate``: a 429 (``api-leaky-bucket``, ``Retry-After: rate_limit_wait``); the request
  is not processed;
* ``rate_limit_storm``: for that many real seconds after the faults are set, every API request
  gets a 429 (``api-leaky-bucket``) with ``Retry-After`` counting down to the storm's end.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal

from .messages import reason_phrase

__all__ = ["FaultKind", "Faults", "proxy_error_page"]

FaultKind = Literal["error", "drop", "slow", "lost_write", "rate_limit"]


@dataclass
class Faults:
    """How often each fault happens (shares between 0 and 1), reproducible by ``seed``."""

    error_rate: float = 0.0
    drop_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 3.0
    lost_write_rate: float = 0.0
    rate_limit_rate: float = 0.0
    rate_limit_wait: float = 1.0
    """The ``Retry-After`` (seconds) of a ``rate_limit_rate`` 429."""
    rate_limit_storm: float = 0.0
    """Seconds (real time, from when these faults are set) during which every request gets 429."""
    seed: int = 0
    _random: random.Random = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        shares = (self.error_rate, self.drop_rate, self.slow_rate, self.lost_write_rate, self.rate_limit_rate)
        if any(share < 0 or share > 1 for share in shares) or sum(shares) > 1:
            raise ValueError("fault rates must lie in [0, 1] and add up to at most 1")
        self._random = random.Random(self.seed)

    @property
    def active(self) -> bool:
        """Whether any per-request fault can happen (the storm is timed separately)."""
        return (
            sum((self.error_rate, self.drop_rate, self.slow_rate, self.lost_write_rate, self.rate_limit_rate))
            > 0
        )

    def draw(self, method: str) -> tuple[FaultKind | None, int]:
        """The fault for the next request (or ``None``) and, for ``error``, its status code.

        One draw per request keeps a run reproducible whatever the faults are.
        """
        if not self.active:
            return None, 0
        with self._lock:
            roll = self._random.random()
            status = self._random.choice((500, 502, 503))
        for kind, share in (
            ("error", self.error_rate),
            ("drop", self.drop_rate),
            ("slow", self.slow_rate),
            ("lost_write", self.lost_write_rate),
            ("rate_limit", self.rate_limit_rate),
        ):
            if roll < share:
                if kind == "lost_write" and method not in ("POST", "PUT", "DELETE"):
                    return None, 0
                return kind, status  # type: ignore[return-value]
            roll -= share
        return None, 0


def proxy_error_page(status: int) -> bytes:
    """The HTML page a reverse proxy sends in place of the API's answer."""
    title = f"{status} {reason_phrase(status)}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        "<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
    ).encode("ascii")
