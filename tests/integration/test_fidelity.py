"""The sandbox answers what the real API answered, key for key, with the same kind of value.

Every interaction of every recording (``tests/cassettes/gem-v1``) is sent to the sandbox as
recorded (legacy paths; GETs with ``load_relations=all``, as the gem asked; ids of records a
recording created are mapped to the ids the sandbox gave the same records). The answers are
compared per record type (``Item``, ``ItemShop``, ``SaleLine``, ``Tax``...): every key a
recorded record of that type carries must appear on the sandbox's records of that type in the
same place, with the same kind of value (a string, ``""``, or an object / list of objects;
``""`` also stands for an empty relation, as on the wire). Where a whole relation is missing,
every key of its records counts as missing.

The figure per record type is the share of recorded keys the sandbox serves; each must be at
least 99 %. ``python -m tests.integration.test_fidelity`` prints the table.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx2
import pytest

from lightspeed_pos.sandbox import Sandbox
from tests.support.cassette import CASSETTES, Interaction, load_cassette

GOAL = 0.99
RECORDINGS = sorted(str(p.relative_to(CASSETTES).with_suffix("")) for p in CASSETTES.rglob("*.yml"))


def kind(value: Any) -> str:
    if isinstance(value, str):
        return "empty" if value == "" else "string"
    if isinstance(value, dict) or (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
        return "records"
    return type(value).__name__


COMPATIBLE = ({"records", "empty"}, {"string", "empty"})
"""An unset scalar is ``""`` on both sides; an empty relation is ``""`` where the other has records."""


def as_records(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []


def container_of(value: Any) -> str | None:
    """``{"ItemShop": [...]}`` (a relation's container) -> ``"ItemShop"``."""
    if isinstance(value, dict) and len(value) == 1:
        (inner,) = value
        if inner[:1].isupper() and kind(value[inner]) == "records":
            return str(inner)
    return None


@dataclass
class Tally:
    """Recorded keys per record type, and the ones the sandbox does not serve as recorded."""

    keys: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    missed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def share(self, resource: str) -> float:
        return 1 - len(self.missed[resource]) / self.keys[resource]

    def compare(self, resource: str, recorded: list[dict[str, Any]], emulated: list[Any], where: str) -> None:
        """Compare records of one type at one place: the union of keys on each side."""
        if not recorded:
            return
        mine: dict[str, set[str]] = defaultdict(set)
        for record in as_records(emulated):
            for key, value in record.items():
                mine[key].add(kind(value))
        theirs: dict[str, set[str]] = defaultdict(set)
        for record in recorded:
            for key, value in record.items():
                theirs[key].add(kind(value))
        for key, kinds in theirs.items():
            self.keys[resource] += 1
            served = mine.get(key, set())
            ok = any(a == b or {a, b} in COMPATIBLE for a in kinds for b in served)
            if not ok:
                got = "/".join(sorted(served)) or "missing"
                self.missed[resource].append(
                    f"{where}.{key}: recorded {'/'.join(sorted(kinds))}, sandbox {got}"
                )
            if "records" not in kinds:
                continue
            values = [r[key] for r in recorded if kind(r.get(key)) == "records"]
            answers = [r[key] for r in as_records(emulated) if kind(r.get(key)) == "records"]
            inner = container_of(values[0])
            if inner is not None:
                self.compare(
                    inner,
                    [x for v in values for x in as_records(v.get(inner))],
                    [x for a in answers if isinstance(a, dict) for x in as_records(a.get(inner))],
                    f"{where}.{key}.{inner}",
                )
            else:
                self.compare(
                    key,
                    [x for v in values for x in as_records(v)],
                    [x for a in answers for x in as_records(a)],
                    f"{where}.{key}",
                )


class Replay:
    """Sends a recording's requests to the sandbox, mapping recorded ids to the sandbox's."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.token = sandbox.issue_tokens().access_token
        self.http = httpx2.Client(transport=sandbox.transport())

    def send(self, interaction: Interaction, ids: dict[str, str]) -> httpx2.Response:
        path = re.sub(
            r"/(\d+)\.json$", lambda m: f"/{ids.get(m.group(1), m.group(1))}.json", interaction.path
        )
        path = path.replace("/Account/-/", f"/Account/{self.sandbox.account_id}/")
        params = {k: ids.get(v, v) if k.endswith("ID") else v for k, v in interaction.params.items()}
        if interaction.method == "GET" and not path.endswith("/Account.json"):
            params["load_relations"] = "all"  # as the gem asked
        if interaction.offset:
            params["offset"] = str(interaction.offset)
        body = interaction.body
        return self.http.request(
            interaction.method,
            f"https://api.lightspeedapp.com{path}",
            params=params,
            content=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}"},
        )


def entity_of(payload: dict[str, Any]) -> str | None:
    return next((k for k in payload if k != "@attributes"), None)


@cache
def measure() -> tuple[Tally, list[str]]:
    """Replay every recording on one sandbox; the tally, and the problems with errors/envelopes.

    The pages of one listing are compared as one answer: the recorded account had more vendors
    than the sandbox, and which records land on which page is the data's business, not the shape's.
    """
    sandbox = Sandbox(rate_limit=False, items=500)  # the recordings read items 177 and 417
    replay = Replay(sandbox)
    tally = Tally()
    problems: list[str] = []
    for name in RECORDINGS:
        ids: dict[str, str] = {}
        answers: dict[str, tuple[str, list[dict[str, Any]], list[dict[str, Any]]]] = {}
        for interaction in load_cassette(name):
            if interaction.status == 401:
                continue  # an expired token: the sandbox's tokens do not expire mid-test
            emulated = replay.send(interaction, ids)
            where = f"{name}: {interaction.method} {interaction.path}"
            recorded = json.loads(interaction.content)
            if interaction.status != 200:
                message = emulated.json().get("message")
                if emulated.status_code != interaction.status or message != recorded.get("message"):
                    problems.append(f"{where}: {emulated.status_code} {emulated.text[:200]}")
                continue
            if emulated.status_code != 200:
                problems.append(f"{where}: {emulated.status_code} {emulated.text[:200]}")
                continue
            answer = emulated.json()
            entity = entity_of(recorded)
            if entity is None:
                if entity_of(answer) is not None:
                    problems.append(f"{where}: the recording has no records, the sandbox has")
                continue
            records = as_records(recorded[entity])
            served = as_records(answer.get(entity))
            if interaction.method == "POST" and records and served:
                id_field = next(iter(records[0]))
                ids[str(records[0][id_field])] = str(served[0].get(id_field))
            key = f"{where} {sorted(interaction.params.items())}" if interaction.method == "GET" else where
            if interaction.method != "GET":
                key += f" #{len(answers)}"
            _, mine, theirs = answers.setdefault(key, (entity, [], []))
            mine.extend(served)
            theirs.extend(records)
        for key, (entity, mine, theirs) in answers.items():
            tally.compare(entity, theirs, mine, key.split(" [")[0].split(" #")[0])
    replay.http.close()
    return tally, problems


@cache
def recorded_types() -> list[str]:
    """Every record type the recordings hold (the parameters of the per-type test)."""
    tally = Tally()
    for name in RECORDINGS:
        for interaction in load_cassette(name):
            if interaction.status == 200 and interaction.content:
                payload = json.loads(interaction.content)
                entity = entity_of(payload)
                if entity:
                    records = as_records(payload[entity])
                    tally.compare(entity, records, records, name)
    return sorted(tally.keys)


def report(tally: Tally) -> str:
    lines = [f"{'record type':24} {'keys':>6} {'served':>8}"]
    for resource in sorted(tally.keys):
        lines.append(f"{resource:24} {tally.keys[resource]:>6} {tally.share(resource):>8.1%}")
    return "\n".join(lines)


def test_errors_and_envelopes_as_recorded() -> None:
    _, problems = measure()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("resource", recorded_types())
def test_every_recorded_key_is_served(resource: str) -> None:
    tally, _ = measure()
    share = tally.share(resource)
    print(f"{resource}: {share:.1%} of {tally.keys[resource]} recorded keys")
    assert share >= GOAL, f"{resource}: {share:.1%}\n" + "\n".join(tally.missed[resource])


def test_the_figures_cover_every_recorded_type() -> None:
    tally, _ = measure()
    print("\n" + report(tally))
    assert sorted(tally.keys) == recorded_types()


if __name__ == "__main__":
    found, trouble = measure()
    print(report(found))
    for resource in sorted(found.missed):
        for miss in found.missed[resource]:
            print("  ", miss)
    for problem in trouble:
        print("!", problem)


def v3_get(sandbox: Sandbox, path: str, **params: str) -> dict[str, Any]:
    token = sandbox.issue_tokens().access_token
    with httpx2.Client(transport=sandbox.transport()) as http:
        response = http.get(
            f"{sandbox.base_url}/Account/{sandbox.account_id}/{path}",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_v3_all_leaves_custom_field_values_out_unless_named() -> None:
    sandbox = Sandbox(rate_limit=False, items=200)
    item = v3_get(sandbox, "Item/177.json", load_relations="all")["Item"]
    assert "CustomFieldValues" not in item  # docs/reference.md#load-relations; the legacy paths include them
    assert {"Note", "ItemComponents", "ItemVendorNums", "ItemShops"} <= set(item)
    named = v3_get(sandbox, "Item/177.json", load_relations='["CustomFieldValues"]')["Item"]
    assert named["CustomFieldValues"]["CustomFieldValue"]["customFieldValueID"].isdigit()
    assert item["ItemShops"]["ItemShop"][0]["m"] == {"layaways": "0", "specialorders": "0", "workorders": "0"}


def test_tax_class_totals_follow_the_sale() -> None:
    sandbox = Sandbox(rate_limit=False, items=50)
    client = sandbox.client()
    account = client.account(sandbox.account_id)
    line = {"SaleLine": {"itemID": 3, "unitQuantity": 2, "unitPrice": "10", "tax": True}}
    sale = account.sales.create(shopID=1, employeeID=1, registerID=1, taxCategoryID=1, SaleLines=line)
    read = v3_get(sandbox, f"Sale/{sale.id}.json", load_relations='["TaxClassTotals"]')["Sale"]
    tax = read["TaxClassTotals"]["Tax"]
    assert tax["taxable"] == "20" and tax["rate"] == "8.25" and tax["amount"] == "1.65"
    assert tax["name"] == "Item" and tax["taxname"] == "Sales Tax" and tax["subtotal"] == "20"
    exempt = account.sales.create(shopID=1, employeeID=1, registerID=1, taxCategoryID=0, SaleLines=line)
    plain = v3_get(sandbox, f"Sale/{exempt.id}.json", load_relations='["TaxClassTotals"]')["Sale"]
    assert "TaxClassTotals" not in plain  # no tax category, no breakdown (Sales/create.yml)
    client.close()
