"""A sandbox whose clock the test moves (so timeStamps tie on purpose) and store changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lightspeed_pos.sandbox import Sandbox
from lightspeed_pos.sandbox.engine.engine import Engine


@dataclass
class Clock:
    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, seconds: float = 1.0) -> None:
        self.now += dt.timedelta(seconds=seconds)


def sandbox(items: int = 120, seed: int = 5, clock: Clock | None = None, accounts: int = 1) -> Sandbox:
    engine = Engine.create(seed=seed, items=items, accounts=accounts, now=clock)
    return Sandbox(engine=engine, rate_limit=False)
