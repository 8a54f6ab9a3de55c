"""A model-based fault test for writes: never lost, never duplicated.

A hypothesis state machine runs random sequences of writes through :class:`lightspeed_pos.Client`
against the in-process sandbox, each under freshly drawn faults (lost answers, 5xx, dropped
connections, 429s): POST (categories, sales with lines, a workorder clone action), PUT without
nested records (renames) and with them (a line added to a sale), DELETE (hard deletes, archives, the
anonymize action). After every write the sandbox is read back with the faults off, and must equal
what the caller was told:

* the call returned: the write is applied exactly once;
* it raised an error whose ``may_have_been_applied`` is true: it is applied at most once (the model
  then takes what the read-back shows);
* it raised another error: it is not applied at all.

``LIGHTSPEED_FAULT_EXAMPLES`` (default 20 sequences) and ``LIGHTSPEED_FAULT_STEPS`` (default 12
writes each) make it run longer, ``LIGHTSPEED_FAULT_RANDOM=1`` draws new sequences instead of the
fixed ones; the figures are printed with ``pytest -s``. A long run needs ``--timeout=0``::

    LIGHTSPEED_FAULT_EXAMPLES=200 LIGHTSPEED_FAULT_STEPS=25 LIGHTSPEED_FAULT_RANDOM=1 \
        pytest -s --timeout=0 tests/reliability/test_write_model.py
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

import lightspeed_pos as ls
from lightspeed_pos.sandbox import Faults, Sandbox

EXAMPLES = int(os.environ.get("LIGHTSPEED_FAULT_EXAMPLES", "20"))
STEPS = int(os.environ.get("LIGHTSPEED_FAULT_STEPS", "12"))

POLICY = ls.RetryPolicy(
    max_retries=3, backoff_base=0.001, backoff_max=0.002, max_retry_after=5.0, max_rate_limit_retries=3
)
"""Few retries, so that some writes run out of them and the error paths are exercised too."""

SHARES = st.sampled_from([0.0, 0.1, 0.25, 0.4])
FAULTS = st.builds(
    lambda error, drop, lost, limited, seed: Faults(
        error_rate=error / 2,
        drop_rate=drop / 2,
        lost_write_rate=lost,
        rate_limit_rate=limited / 2,
        rate_limit_wait=0.01,
        seed=seed,
    ),
    SHARES,
    SHARES,
    SHARES,
    SHARES,
    st.integers(0, 2**32 - 1),
)


@dataclass
class Figures:
    """What the runs did, for the closing note."""

    sequences: int = 0
    writes: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    duplicated: int = 0
    lost: int = 0
    phantom: int = 0
    """Writes reported as not applied (an error without may_have_been_applied) that were applied."""


FIGURES = Figures()
_markers = itertools.count(1)


class WritesUnderFaults(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.sandbox = Sandbox(items=10, rate_limit=False)
        self.clock = [0.0]
        self.client = self.sandbox.client(retry_policy=POLICY, sleep=self._sleep, clock=lambda: self.clock[0])
        self.account: Any = self.client.account(self.sandbox.account_id)
        self.engine: Any = self.sandbox.engine
        self.categories: dict[int, str] = {}
        self.sales: dict[int, int] = {}  # saleID -> lines it holds
        self.items = list(range(1, 11))
        self.item_names: dict[int, str] = {}
        self.customers = list(range(1, 11))
        self.workorders = self.sandbox.engine.count(self.sandbox.account_id, "Workorder")
        FIGURES.sequences += 1

    @initialize()
    def a_sale_and_a_category_to_start_with(self) -> None:
        """Written without faults, so that updates and deletes have something to work on at once."""
        sale = self.account.sales.create({"shopID": 1, "employeeID": 1, "registerID": 1})
        self.sales[sale.id] = 0
        name = self.marker("cat")
        self.categories[self.account.categories.create(name=name).id] = name

    def _sleep(self, seconds: float) -> None:
        self.clock[0] += seconds

    def teardown(self) -> None:
        self.client.close()

    # --- carrying out one write under faults --------------------------------------------------------
    def write(self, kind: str, faults: Faults, call: Any) -> str:
        """Run ``call`` under ``faults``: ``"ok"``, ``"maybe"`` (may have been applied) or ``"no"``."""
        FIGURES.writes[kind] += 1
        self.sandbox.faults = faults
        try:
            call()
            outcome = "ok"
        except ls.LightspeedError as error:
            outcome = "maybe" if error.may_have_been_applied else "no"
        finally:
            self.sandbox.faults = None
        FIGURES.outcomes[outcome] += 1
        return outcome

    @staticmethod
    def check(outcome: str, applied: int) -> None:
        """``applied`` times the write took effect (read back); hold it against what the caller was told."""
        if applied > 1:
            FIGURES.duplicated += 1
        if outcome == "ok" and applied == 0:
            FIGURES.lost += 1
        if outcome == "no" and applied:
            FIGURES.phantom += 1
        allowed = {"ok": {1}, "maybe": {0, 1}, "no": {0}}[outcome]
        assert applied in allowed, f"told {outcome!r} but the write was applied {applied} times"

    def marker(self, prefix: str) -> str:
        return f"{prefix}-{next(_markers)}"

    # --- POST --------------------------------------------------------------------------------------
    @rule(faults=FAULTS)
    def create_category(self, faults: Faults) -> None:
        name = self.marker("cat")
        outcome = self.write("POST Category", faults, lambda: self.account.categories.create(name=name))
        found = self.account.categories.all({"name": name})
        self.check(outcome, len(found))
        for category in found:
            self.categories[category.id] = name

    @rule(faults=FAULTS)
    def create_refused_category(self, faults: Faults) -> None:
        before = self.engine.count(self.sandbox.account_id, "Category")
        outcome = self.write(
            "POST Category (refused: no name)", faults, lambda: self.account.categories.create(name="")
        )
        assert outcome != "ok"
        self.check(outcome, self.engine.count(self.sandbox.account_id, "Category") - before)

    @rule(faults=FAULTS)
    def create_sale(self, faults: Faults) -> None:
        reference = self.marker("sale")
        payload = {
            "shopID": 1,
            "employeeID": 1,
            "registerID": 1,
            "referenceNumber": reference,
            "SaleLines": [{"SaleLine": {"itemID": 1, "unitQuantity": 1, "unitPrice": "10"}}],
        }
        outcome = self.write("POST Sale (with a line)", faults, lambda: self.account.sales.create(payload))
        found = self.account.sales.all({"referenceNumber": reference})
        self.check(outcome, len(found))
        for sale in found:
            self.sales[sale.id] = self._lines(sale.id)
            assert self.sales[sale.id] == 1, "a sale's nested line was applied more than once"

    @rule(faults=FAULTS)
    def clone_workorder(self, faults: Faults) -> None:
        outcome = self.write(
            "POST Workorder/clone (action)", faults, lambda: self.account.workorders.action(1, "clone")
        )
        now = self.sandbox.engine.count(self.sandbox.account_id, "Workorder")
        self.check(outcome, now - self.workorders)
        self.workorders = now

    # --- PUT ---------------------------------------------------------------------------------------
    @precondition(lambda self: self.categories)
    @rule(faults=FAULTS, data=st.data())
    def rename_category(self, faults: Faults, data: st.DataObject) -> None:
        category_id = data.draw(st.sampled_from(sorted(self.categories)))
        old, new = self.categories[category_id], self.marker("renamed")
        outcome = self.write(
            "PUT Category (plain)", faults, lambda: self.account.categories.update(category_id, name=new)
        )
        name = self.account.categories.find(category_id).name
        assert name in (old, new)
        self.check(outcome, int(name == new))
        self.categories[category_id] = name

    @precondition(lambda self: self.items)
    @rule(faults=FAULTS, data=st.data())
    def rename_item(self, faults: Faults, data: st.DataObject) -> None:
        item_id = data.draw(st.sampled_from(self.items))
        new = self.marker("item")
        outcome = self.write(
            "PUT Item (plain)", faults, lambda: self.account.items.update(item_id, description=new)
        )
        record = self.engine.record(self.sandbox.account_id, "Item", item_id)
        assert record is not None
        self.check(outcome, int(record["description"] == new))

    @precondition(lambda self: self.sales)
    @rule(faults=FAULTS, data=st.data())
    def add_sale_line(self, faults: Faults, data: st.DataObject) -> None:
        sale_id = data.draw(st.sampled_from(sorted(self.sales)))
        line = {"SaleLine": {"itemID": 2, "unitQuantity": 1, "unitPrice": "5"}}
        outcome = self.write(
            "PUT Sale (adds a nested line)",
            faults,
            lambda: self.account.sales.update(sale_id, SaleLines=[line]),
        )
        lines = self._lines(sale_id)
        self.check(outcome, lines - self.sales[sale_id])
        self.sales[sale_id] = lines

    # --- DELETE ------------------------------------------------------------------------------------
    @precondition(lambda self: self.categories)
    @rule(faults=FAULTS, data=st.data())
    def delete_category(self, faults: Faults, data: st.DataObject) -> None:
        category_id = data.draw(st.sampled_from(sorted(self.categories)))
        outcome = self.write(
            "DELETE Category (deletes)", faults, lambda: self.account.categories.destroy(category_id)
        )
        gone = self.engine.record(self.sandbox.account_id, "Category", category_id) is None
        self.check(outcome, int(gone))
        if gone:
            del self.categories[category_id]

    @precondition(lambda self: len(self.items) > 1)
    @rule(faults=FAULTS, data=st.data())
    def archive_item(self, faults: Faults, data: st.DataObject) -> None:
        item_id = data.draw(st.sampled_from(self.items))
        outcome = self.write("DELETE Item (archives)", faults, lambda: self.account.items.destroy(item_id))
        record = self.engine.record(self.sandbox.account_id, "Item", item_id)
        archived = record is not None and record["archived"] == "true"
        self.check(outcome, int(archived))
        if archived:
            self.items.remove(item_id)

    @precondition(lambda self: self.customers)
    @rule(faults=FAULTS, data=st.data())
    def anonymize_customer(self, faults: Faults, data: st.DataObject) -> None:
        customer_id = data.draw(st.sampled_from(self.customers))
        outcome = self.write(
            "DELETE Customer/anonymize (action)",
            faults,
            lambda: self.account.customers.action(customer_id, "anonymize"),
        )
        record = self.engine.record(self.sandbox.account_id, "Customer", customer_id)
        anonymized = record is not None and record["archived"] == "true"
        self.check(outcome, int(anonymized))
        if anonymized:
            self.customers.remove(customer_id)

    # --- the whole state ---------------------------------------------------------------------------
    @invariant()
    def every_sale_holds_the_lines_the_caller_was_told(self) -> None:
        for sale_id, lines in self.sales.items():
            assert self._lines(sale_id) == lines

    def _lines(self, sale_id: int) -> int:
        return len(self.account.sale_lines.all({"saleID": sale_id}))


def test_writes_under_faults_are_never_lost_nor_duplicated() -> None:
    run_state_machine_as_test(
        WritesUnderFaults,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            derandomize=os.environ.get("LIGHTSPEED_FAULT_RANDOM") is None,
        ),
    )
    writes = sum(FIGURES.writes.values())
    print(
        f"\nwrites under faults: {FIGURES.sequences} sequences, {writes} writes "
        f"({dict(FIGURES.writes)}); outcomes {dict(FIGURES.outcomes)}; duplicated {FIGURES.duplicated}, "
        f"lost {FIGURES.lost}, reported not applied but applied {FIGURES.phantom}"
    )
    assert writes > 0 and FIGURES.duplicated == FIGURES.lost == FIGURES.phantom == 0
    assert FIGURES.outcomes["ok"] and FIGURES.outcomes["maybe"] and FIGURES.outcomes["no"]
    assert FIGURES.writes["PUT Sale (adds a nested line)"] and FIGURES.writes["PUT Item (plain)"]


pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
