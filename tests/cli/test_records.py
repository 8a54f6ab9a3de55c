"""``accounts``, ``list`` in every format, ``get``, ``create``/``update``/``archive`` and error lines."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import Invoke, small_sandbox


def test_accounts_table(invoke: Invoke) -> None:
    result = invoke("--sandbox", "accounts")
    assert result.exit_code == 0, result.stderr
    assert "100001" in result.stdout and "Bluebird Market" in result.stdout


def test_resources_lists_collection_names(invoke: Invoke) -> None:
    result = invoke("resources")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert {"items", "sales", "item_matrices", "customers", "accounts"} <= set(names)


@pytest.mark.parametrize("resource", ["items", "Item", "item", "ITEMS"])
def test_resource_names_and_entity_names(invoke: Invoke, resource: str) -> None:
    result = invoke("--sandbox", "list", resource, "--limit", "2", "--format", "ndjson")
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["itemID"] for line in result.stdout.splitlines()] == [1, 2]


def test_list_table(invoke: Invoke) -> None:
    result = invoke("--sandbox", "list", "items", "--where", "itemID<=3")
    assert result.exit_code == 0, result.stderr
    assert "itemID" in result.stdout and "description" in result.stdout
    assert "Classic T-Shirt" in result.stdout
    assert "3 record(s); query: itemID=%3C%3D%2C3" in result.stderr


def test_list_json_is_one_array(invoke: Invoke) -> None:
    result = invoke("--sandbox", "list", "items", "-w", "itemID=IN[2,4,6]", "-f", "json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["itemID"] for r in records] == [2, 4, 6]


def test_list_ndjson_pages_through_everything(invoke: Invoke) -> None:
    result = invoke("--sandbox", "list", "items", "-f", "ndjson")
    assert result.exit_code == 0, result.stderr
    ids = [int(json.loads(line)["itemID"]) for line in result.stdout.splitlines()]
    with small_sandbox().client() as client:
        expected = [item.id for item in client.account(100001).items.each()]
    assert ids == expected and len(ids) > 100


def test_list_csv_with_chosen_fields(invoke: Invoke) -> None:
    result = invoke(
        "--sandbox",
        "list",
        "items",
        "--sort",
        "-itemID",
        "-n",
        "3",
        "-f",
        "csv",
        "--fields",
        "itemID,description",
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["itemID", "description"]
    assert [int(row[0]) for row in rows[1:]] == sorted((int(row[0]) for row in rows[1:]), reverse=True)
    assert len(rows) == 4


def test_list_csv_nested_objects_are_json_cells(invoke: Invoke) -> None:
    result = invoke("--sandbox", "list", "items", "-n", "1", "-f", "csv", "--relations", "ItemShops")
    assert result.exit_code == 0, result.stderr
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert json.loads(row["ItemShops"])["ItemShop"]


def test_list_where_like_and_archived(invoke: Invoke) -> None:
    result = invoke("--sandbox", "list", "items", "-w", "description~%Shirt%", "--archived", "-f", "ndjson")
    assert result.exit_code == 0, result.stderr
    descriptions = [json.loads(line)["description"] for line in result.stdout.splitlines()]
    assert descriptions and all("Shirt" in d for d in descriptions)


def test_get_json_and_table(invoke: Invoke) -> None:
    result = invoke("--sandbox", "get", "items", "7")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["itemID"] == 7  # one record: an object (jq .itemID works)
    table = invoke("--sandbox", "get", "Item", "7", "-f", "table", "-r", "Category")
    assert table.exit_code == 0, table.stderr
    assert "Item 7" in table.stdout and "Category" in table.stdout


def test_create_update_archive(invoke: Invoke, tmp_path: object) -> None:
    created = invoke("--sandbox", "create", "customers", "--data", '{"firstName": "Ada", "lastName": "L"}')
    assert created.exit_code == 0, created.stderr
    customer = json.loads(created.stdout)
    assert customer["firstName"] == "Ada" and customer["customerID"] > 0
    updated = invoke(
        "--sandbox", "update", "customers", "3", "--data", "@-", input='{"lastName": "Lovelace"}'
    )
    assert updated.exit_code == 0, updated.stderr
    assert json.loads(updated.stdout)["lastName"] == "Lovelace"
    archived = invoke("--sandbox", "archive", "customers", "3", "-f", "ndjson")
    assert archived.exit_code == 0, archived.stderr
    assert json.loads(archived.stdout)["archived"] is True


ERRORS = [
    (["list", "itemz"], "Error: unknown resource 'itemz'; did you mean 'items'?"),
    (["list", "items", "--where", "bogus"], "Error: --where 'bogus': expected FIELD OP VALUE"),
    (["list", "items", "--where", "nope=1"], "Error: Item has no field 'nope'"),
    (["list", "items", "--where", "itemID~x%"], "Error: itemID is an integer field: ~ and !~ apply"),
    (["list", "items", "--sort", "upc"], "Error: Item cannot be sorted by 'upc'"),
    (["list", "items", "-r", "Nope"], "Error: Item has no relation 'Nope'"),
    (["get", "items", "999999"], "Error: 404: Object of type 'Item' not found with primary ID '999999'."),
    (["create", "items", "--data", "{oops"], "Error: --data is not valid JSON"),
    (["create", "items", "--data", "[1]"], "Error: --data must be a JSON object"),
    (["create", "items", "--data", "@/nonexistent/file.json"], "Error: [Errno 2] No such file or directory"),
    (["archive", "categories", "1"], "Error: Category cannot be archived"),
]


@pytest.mark.parametrize(("args", "line"), ERRORS)
def test_errors_are_one_line_and_exit_1(invoke: Invoke, args: list[str], line: str) -> None:
    result = invoke("--sandbox", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(line), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_missing_client_id_is_one_line(invoke: Invoke) -> None:
    result = invoke("list", "items")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no OAuth client id: pass --client-id")


def test_not_logged_in_is_one_line(invoke: Invoke, tmp_path: object) -> None:
    result = invoke("--client-id", "x", "--token-file", f"{tmp_path}/none.json", "list", "items")
    assert result.exit_code == 1
    assert "not logged in (no tokens in" in result.stderr
    assert "lightspeed login" in result.stderr and len(result.stderr.strip().splitlines()) == 1
