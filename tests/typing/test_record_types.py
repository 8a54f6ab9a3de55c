"""Records are typed for the client they came from: mypy --strict on users' code.

The snippets are checked in one run of mypy's API with the project's settings and cache (warm
after ``make typecheck``, so the run takes seconds): awaited calls on an AsyncClient's records
type-check, a forgotten ``await`` is an error, the sync client's calls type-check as they are.
"""

from __future__ import annotations

import re
from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[2]

SYNC_CALLS = """
from typing import Any, assert_type

import lightspeed_pos as ls
from lightspeed_pos.models import ItemMatrix, RegisterWithdraw, SaleLine


def job(client: ls.Client) -> None:
    account = client.account(1)
    assert_type(account, ls.Account)
    item = account.items.find(1)
    assert_type(item, ls.Item)
    assert_type(item.update(description="x"), ls.Item)
    assert_type(item.reload(), ls.Item)
    assert_type(item.archive(), ls.Item)
    assert_type(item.item_matrix, ItemMatrix | None)
    item.load("item_matrix")
    sale = account.sales.create(shopID=1)
    assert_type(sale.refund(), ls.Sale)
    assert_type(sale.email_receipt(emailAddress="a@b.c"), dict[str, Any])
    assert_type(sale.sale_lines.create(itemID=1), SaleLine)
    assert_type(sale.sale_lines.all(), list[SaleLine])
    assert_type(sale.sale_lines.count(), int)
    for line in sale.sale_lines:
        assert_type(line.item, ls.Item | None)
    register = account.registers.find(1)
    assert_type(register.open_register(), RegisterWithdraw)
    def keep(record: ls.Item) -> str | None:
        return record.description
    keep(item.destroy())
"""

ASYNC_CALLS = """
from typing import assert_type

import lightspeed_pos as ls
from lightspeed_pos import Async
from lightspeed_pos.models import ItemMatrix, RegisterWithdraw, SaleLine


async def job(client: ls.AsyncClient) -> None:
    account = client.account(1)
    assert_type(account, ls.AsyncAccount)
    item = await account.items.find(1)
    assert_type(item, ls.Item[Async])
    assert_type(await item.update(description="x"), ls.Item[Async])
    assert_type(await item.reload(), ls.Item[Async])
    assert_type(await item.archive(), ls.Item[Async])
    await item.load("item_matrix")
    assert_type(item.item_matrix, ItemMatrix[Async] | None)
    sale = await account.sales.create(shopID=1)
    assert_type(await sale.refund(), ls.Sale[Async])
    assert_type(await sale.sale_lines.create(itemID=1), SaleLine[Async])
    assert_type(await sale.sale_lines.all(), list[SaleLine[Async]])
    assert_type(await sale.sale_lines.count(), int)
    async for found in account.items.each():
        assert_type(found, ls.Item[Async])
    register = await account.registers.find(1)
    assert_type(await register.open_register(), RegisterWithdraw[Async])
    def keep(record: ls.Item[Async]) -> str | None:
        return record.description
    keep(await item.destroy())
"""

MISTAKES = """
import lightspeed_pos as ls


async def job(client: ls.AsyncClient, sync_client: ls.Client) -> None:
    item = await client.account(1).items.find(1)
    item.update(description="forgotten")  # error
    updated = item.update(description="kept")
    print(updated.description)  # error
    sale = await client.account(1).sales.find(1)
    sale.refund()  # error
    sale.sale_lines.create(itemID=1)  # error
    sync_item = sync_client.account(1).items.find(1)
    await sync_item.update(description="x")  # error
    later: ls.Item = await item.update(description="y")  # error
"""


def run_mypy(tmp_path: Path, snippets: dict[str, str]) -> dict[str, list[str]]:
    for name, text in snippets.items():
        (tmp_path / f"{name}.py").write_text(text.lstrip())
    out, err, _ = api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-error-summary",
            "--show-error-codes",
            *[str(tmp_path / f"{name}.py") for name in snippets],
        ]
    )
    assert not err, err
    found: dict[str, list[str]] = {name: [] for name in snippets}
    for line in out.splitlines():
        match = re.match(r".*[/\\](\w+)\.py:(\d+): error: (.*)$", line)
        if match:
            found[match.group(1)].append(f"{match.group(2)}: {match.group(3)}")
        else:
            assert ": note: " in line, line
    return found


def test_records_are_typed_for_their_client(tmp_path: Path) -> None:
    errors = run_mypy(tmp_path, {"sync_calls": SYNC_CALLS, "async_calls": ASYNC_CALLS, "mistakes": MISTAKES})
    assert errors["sync_calls"] == []
    assert errors["async_calls"] == []
    marked = [n for n, line in enumerate(MISTAKES.lstrip().splitlines(), 1) if line.endswith("# error")]
    by_line = {int(error.split(":", 1)[0]): error for error in errors["mistakes"]}
    assert sorted(by_line) == marked, errors["mistakes"]
    forgotten, used, refund, line, awaited_sync, assigned = (by_line[n] for n in marked)
    assert "[unused-coroutine]" in forgotten
    assert '"Coroutine[Any, Any, Item[Async]]" has no attribute "description"' in used
    assert "[unused-coroutine]" in refund and "[unused-coroutine]" in line
    assert 'Incompatible types in "await" (actual type "Item[Sync]"' in awaited_sync
    assert "Incompatible types in assignment" in assigned
