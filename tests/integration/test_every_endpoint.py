"""One table-driven test over every endpoint of the catalogue and every operation it allows,
against the sandbox; and every operation it does not allow refused before any request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2
import pytest

import lightspeed_pos as ls
from lightspeed_pos._catalog import ResourceSpec, catalog
from lightspeed_pos._collection_base import model_for
from lightspeed_pos.sandbox import Sandbox

SKIP_FIELDS = {"timeStamp", "createTime", "updatetime", "systemSku", "archived"}
EDITABLE = ("name", "description", "note", "title", "firstName", "reference", "refNum", "value", "serial")


class Counting(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.count = 0

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.count += 1
        return self.inner.handle_request(request)


@pytest.fixture(scope="module")
def world() -> tuple[Sandbox, ls.Client, Counting]:
    sandbox = Sandbox(rate_limit=False, items=60)
    counting = Counting(sandbox.transport())
    return sandbox, sandbox.client(transport=counting), counting


def rows() -> list[ResourceSpec]:
    return [
        s
        for s in catalog().resources
        if s.kind == "resource" and s.name not in ("Account", "Session", "Locale") and not s.legacy
    ]


def parents_for(client: ls.Client, account: int, spec: ResourceSpec) -> dict[str, int] | None:
    """Ids for a nested path's placeholders, read from the parents' first records."""
    ids: dict[str, int] = {}
    prefix = ""
    for placeholder in spec.parents:
        parent_path = spec.path.split("/{" + placeholder + "}")[0]
        parent = next(r for r in catalog().resources if r.path == parent_path)
        collection = client.collection(parent.name, account_id=account, **ids)
        record = collection.first()
        if record is None:
            return None
        ids[placeholder] = record.id
        prefix = parent_path
    del prefix
    return ids


def clone_payload(record: ls.Resource, spec: ResourceSpec) -> dict[str, Any]:
    return {
        key: value
        for key, value in record.attributes.items()
        if isinstance(value, str) and key != spec.id_field and key not in SKIP_FIELDS
    }


@pytest.mark.parametrize("spec", rows(), ids=lambda s: s.name)
def test_every_allowed_operation(world: tuple[Sandbox, ls.Client, Counting], spec: ResourceSpec) -> None:
    sandbox, client, _ = world
    account = sandbox.account_id
    parents = parents_for(client, account, spec) if spec.nested else {}
    if parents is None:
        pytest.skip(f"no parent record for {spec.name}")
    collection = client.collection(spec.name, account_id=account, **parents)
    model = model_for(spec.entity)
    records: list[ls.Resource] = []
    if spec.allows("query"):
        records = collection.all()
        assert all(isinstance(r, model) for r in records), spec.name
        if not spec.nested:
            assert records, f"{spec.name}: the sandbox should have records"
        assert collection.count() == len(records)
        first = collection.first()
        assert (first is None) == (not records)
    if spec.allows("read") and records and spec.allows("query"):
        found = collection.find(records[0].id)
        assert found.id == records[0].id
    created: ls.Resource | None = None
    if spec.allows("create") and records and spec.entity != "Image":
        created = collection.create(clone_payload(records[0], spec))
        assert isinstance(created, model) and created.id and created.id != records[0].id
    if spec.allows("update") and records:
        target = created or records[-1]
        field = next((f for f in EDITABLE if spec.field_type(f) == "string" and f in target.attributes), None)
        change = {field: f"{target.attributes[field]} (edited)"} if field else {}
        updated = collection.update(target.id, change)
        assert updated.id == target.id
        if field:
            assert updated.attributes[field].endswith("(edited)")
    if spec.allows("delete") and created is not None:
        gone = collection.destroy(created.id)
        assert gone.id == created.id
        if spec.delete == "archive":
            assert gone.attributes.get("archived") == "true"


@pytest.mark.parametrize("spec", rows(), ids=lambda s: s.name)
def test_every_refused_operation(world: tuple[Sandbox, ls.Client, Counting], spec: ResourceSpec) -> None:
    sandbox, client, counting = world
    parents = dict.fromkeys(spec.parents, 1)
    collection = client.collection(spec.name, account_id=sandbox.account_id, **parents)
    before = counting.count
    calls: dict[str, Callable[[], object]] = {
        "query": lambda: collection.all(),
        "create": lambda: collection.create(x="1"),
        "update": lambda: collection.update(1, x="1"),
        "delete": lambda: collection.destroy(1),
    }
    for operation, call in calls.items():
        if not spec.allows(operation):
            with pytest.raises(ls.OperationNotAllowedError, match=spec.name):
                call()
    assert counting.count == before


def test_session_and_locale(world: tuple[Sandbox, ls.Client, Counting]) -> None:
    sandbox, client, _ = world
    session = client.session()
    assert session.systemCustomerID == sandbox.account_id
    locale = client.locale()
    assert locale.currencyCode == "USD"
