"""Generate the typed models (``src/lightspeed_pos/models/*.py``) from ``catalog.json``.

One class per entity, grouped by domain; fields typed from the catalogue's types, relations
from ``RELATIONS`` below, and the account's collections from the table. Run ``make generate``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _naming() -> Any:
    """``plural`` and ``snake`` of ``_catalog.py``, loaded from its file: importing the package
    would import the models this script is about to write."""
    spec = importlib.util.spec_from_file_location(
        "_catalog_naming", ROOT / "src" / "lightspeed_pos" / "_catalog.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_catalog_module = _naming()
plural: Callable[[str], str] = _catalog_module.plural
snake: Callable[[str], str] = _catalog_module.snake

CATALOG = ROOT / "src" / "lightspeed_pos" / "catalog.json"
MODELS = ROOT / "src" / "lightspeed_pos" / "models"

DOMAINS = {
    "catalog": [
        "Item",
        "ItemMatrix",
        "ItemAttributeSet",
        "Category",
        "Manufacturer",
        "Image",
        "Tag",
        "TagGroup",
        "Season",
        "CustomField",
        "CustomFieldChoice",
        "ItemFee",
        "Serialized",
        "CatalogVendorItem",
        "PriceLevel",
    ],
    "sales": [
        "Sale",
        "SaleLine",
        "SalePayment",
        "SalePaymentSignature",
        "SaleVoid",
        "CCCharge",
        "ProcessingFee",
        "Quote",
        "ShipTo",
        "SpecialOrder",
        "PaymentType",
        "Discount",
    ],
    "customers": ["Customer", "CustomerType", "CreditAccount"],
    "inventory": [
        "ItemShop",
        "Inventory",
        "InventoryLog",
        "InventoryCount",
        "InventoryCountItem",
        "InventoryCountCalc",
        "InventoryCountReconcile",
        "Transfer",
        "TransferItem",
        "Order",
        "OrderLine",
        "OrderShipment",
        "OrderShipmentItem",
        "Vendor",
        "VendorReturn",
    ],
    "store": [
        "Shop",
        "Register",
        "RegisterCount",
        "RegisterCountAmount",
        "RegisterWithdraw",
        "Employee",
        "EmployeeHours",
        "TaxClass",
        "TaxCategory",
        "TaxCategoryClass",
        "Industry",
        "CurrencyRate",
        "Option",
        "Locale",
        "Session",
    ],
    "service": ["Workorder", "WorkorderItem", "WorkorderLine", "WorkorderImage", "WorkorderStatus"],
}

TYPES = {
    "integer": "WireInt",
    "decimal": "WireDecimal",
    "boolean": "WireBool",
    "datetime": "WireDatetime",
    "string": "WireStr",
}

# entity -> [(attribute, kind, target, key, container, inner, doc)]
ONE, MANY, PRICES, EMBEDDED = "one", "many", "prices", "embedded"
RELATIONS: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "Item": [
        ("item_matrix", ONE, "ItemMatrix", "itemMatrixID", "ItemMatrix", ""),
        ("category", ONE, "Category", "categoryID", "Category", ""),
        ("manufacturer", ONE, "Manufacturer", "manufacturerID", "Manufacturer", ""),
        ("tax_class", ONE, "TaxClass", "taxClassID", "TaxClass", ""),
        ("default_vendor", ONE, "Vendor", "defaultVendorID", "", ""),
        ("images", MANY, "Image", "itemID", "Images", "Image"),
        ("item_shops", MANY, "ItemShop", "itemID", "ItemShops", "ItemShop"),
        ("prices", PRICES, "Item", "", "Prices", "ItemPrice"),
        ("note", EMBEDDED, "Note", "", "Note", ""),
        ("item_attributes", EMBEDDED, "ItemAttributes", "", "ItemAttributes", ""),
        ("ecommerce", EMBEDDED, "ItemECommerce", "", "ItemECommerce", ""),
        ("vendor_nums", EMBEDDED, "ItemVendorNum", "", "ItemVendorNums", "ItemVendorNum"),
        ("components", EMBEDDED, "ItemComponent", "", "ItemComponents", "ItemComponent"),
        ("custom_field_values", EMBEDDED, "CustomFieldValue", "", "CustomFieldValues", "CustomFieldValue"),
    ],
    "ItemMatrix": [
        ("item_attribute_set", ONE, "ItemAttributeSet", "itemAttributeSetID", "ItemAttributeSet", ""),
        ("category", ONE, "Category", "categoryID", "Category", ""),
        ("manufacturer", ONE, "Manufacturer", "manufacturerID", "Manufacturer", ""),
        ("items", MANY, "Item", "itemMatrixID", "Items", "Item"),
        ("images", MANY, "Image", "itemMatrixID", "Images", "Image"),
    ],
    "Category": [("parent", ONE, "Category", "parentID", "Parent", "")],
    "Image": [
        ("item", ONE, "Item", "itemID", "Item", ""),
        ("item_matrix", ONE, "ItemMatrix", "itemMatrixID", "ItemMatrix", ""),
    ],
    "Inventory": [("item", ONE, "Item", "itemID", "Item", ""), ("shop", ONE, "Shop", "shopID", "Shop", "")],
    "ItemShop": [("item", ONE, "Item", "itemID", "Item", ""), ("shop", ONE, "Shop", "shopID", "Shop", "")],
    "Sale": [
        ("sale_lines", MANY, "SaleLine", "saleID", "SaleLines", "SaleLine"),
        ("sale_payments", MANY, "SalePayment", "saleID", "SalePayments", "SalePayment"),
        ("employee", ONE, "Employee", "employeeID", "Employee", ""),
        ("customer", ONE, "Customer", "customerID", "Customer", ""),
        ("shop", ONE, "Shop", "shopID", "Shop", ""),
        ("register", ONE, "Register", "registerID", "Register", ""),
    ],
    "SaleLine": [
        ("item", ONE, "Item", "itemID", "Item", ""),
        ("sale", ONE, "Sale", "saleID", "", ""),
    ],
    "SalePayment": [
        ("payment_type", ONE, "PaymentType", "paymentTypeID", "PaymentType", ""),
        ("sale", ONE, "Sale", "saleID", "", ""),
    ],
    "SpecialOrder": [
        ("sale_line", ONE, "SaleLine", "saleLineID", "SaleLine", ""),
        ("shop", ONE, "Shop", "shopID", "Shop", ""),
        ("customer", ONE, "Customer", "customerID", "Customer", ""),
        ("order_line", ONE, "OrderLine", "orderLineID", "OrderLine", ""),
    ],
    "Order": [
        ("order_lines", MANY, "OrderLine", "orderID", "OrderLines", "OrderLine"),
        ("custom_field_values", EMBEDDED, "CustomFieldValue", "", "CustomFieldValues", "CustomFieldValue"),
        ("vendor", ONE, "Vendor", "vendorID", "Vendor", ""),
        ("shop", ONE, "Shop", "shopID", "Shop", ""),
    ],
    "OrderLine": [("order", ONE, "Order", "orderID", "", ""), ("item", ONE, "Item", "itemID", "Item", "")],
    "Customer": [
        ("contact", EMBEDDED, "Contact", "", "Contact", ""),
        ("note", EMBEDDED, "Note", "", "Note", ""),
        ("custom_field_values", EMBEDDED, "CustomFieldValue", "", "CustomFieldValues", "CustomFieldValue"),
        ("customer_type", ONE, "CustomerType", "customerTypeID", "CustomerType", ""),
        ("credit_account", ONE, "CreditAccount", "creditAccountID", "CreditAccount", ""),
    ],
    "Shop": [
        ("registers", MANY, "Register", "shopID", "Registers", "Register"),
        ("contact", EMBEDDED, "Contact", "", "Contact", ""),
    ],
    "Vendor": [
        ("contact", EMBEDDED, "Contact", "", "Contact", ""),
        ("reps", EMBEDDED, "VendorRep", "", "Reps", "VendorRep"),
    ],
    "CreditAccount": [("contact", EMBEDDED, "Contact", "", "Contact", "")],
    "ShipTo": [("contact", EMBEDDED, "Contact", "", "Contact", "")],
    "Register": [("shop", ONE, "Shop", "shopID", "", "")],
    "Employee": [("contact", EMBEDDED, "Contact", "", "Contact", "")],
}

EMBEDDED_NAMES = [
    "Contact", "ContactAddress", "ContactEmail", "ContactPhone", "ContactWebsite", "CustomFieldValue",
    "ItemAttributes", "ItemComponent", "ItemECommerce", "ItemVendorNum", "Note", "VendorRep",
]  # fmt: skip
EMBEDDED_MODELS = set(EMBEDDED_NAMES)
"""Hand-written in models/embedded.py."""

# Relations of RELATIONS that are also nested endpoints: (entity, attribute) -> path segment.
NESTED_SEGMENTS = {
    ("Sale", "sale_lines"): "SaleLine",
    ("Item", "images"): "Image",
    ("ItemMatrix", "images"): "Image",
}

# Account collections issue 2 names, then every other plain account endpoint of the table.


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOG.read_text())
    return data


def entity_fields(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    merged: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        if row["kind"] != "resource" or (
            row["scope"] == "global" and row["entity"] not in ("Session", "Locale")
        ):
            continue
        for name, kind in row["fields"]:
            if kind in TYPES:
                merged[row["entity"]].setdefault(name, kind)
    return {entity: list(fields.items()) for entity, fields in merged.items()}


def primary_rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    primary: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["kind"] != "resource":
            continue
        entity = row["entity"]
        if row["name"] == entity or entity not in primary:
            primary[entity] = row
    return primary


def domain_of(entity: str) -> str:
    if entity in EMBEDDED_MODELS:
        return "embedded"
    for domain, entities in DOMAINS.items():
        if entity in entities:
            return domain
    return "other"


def foreign_relations(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, ...]]]:
    """To-one relations for every embedded object that has a foreign key and a model
    (``Sale.TaxCategory`` + ``taxCategoryID`` -> ``sale.tax_category``)."""
    modelled = {row["entity"] for row in rows if row["kind"] == "resource"}
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for row in rows:
        if row["kind"] != "resource":
            continue
        names = {name for name, _ in row["fields"]}
        for name, kind in row["fields"]:
            key = name[0].lower() + name[1:] + "ID"
            if kind != "object" or name not in modelled or key not in names:
                continue
            relation = (snake(name), ONE, name, key, name, "")
            taken = RELATIONS.get(row["entity"], []) + out[row["entity"]]
            if all(r[0] != relation[0] for r in taken):
                out[row["entity"]].append(relation)
    return out


def nested_relations(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, ...]]]:
    """To-many relations for the nested endpoints (``Sale/{saleID}/SaleLine`` -> ``sale.sale_lines``)."""
    by_path = {row["path"]: row for row in rows}
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for row in rows:
        if row["kind"] != "resource" or "{" not in row["path"]:
            continue
        parent_path, _, segment = row["path"].rpartition("/")
        parent_path, _, placeholder = parent_path.rpartition("/")
        parent = by_path.get(parent_path)
        if parent is None:
            continue
        entity = parent["entity"]
        container = f"{row['entity']}s" if f"{row['entity']}s" in parent["relations"] else ""
        if segment == "TransferItems":
            container = "TransferItems"
        relation = (
            row["attr"],
            MANY,
            row["entity"],
            placeholder.strip("{}"),
            container,
            row["entity"],
            segment,
        )
        if all(r[0] != relation[0] for r in RELATIONS.get(entity, []) + out[entity]):
            out[entity].append(relation)
    return out


def bound(entity: str, binding: str = "B") -> str:
    """The annotation of a related record with the binding of the record that relates it
    (``SaleLine[B]``); the hand-written embedded objects are never bound."""
    return entity if entity in EMBEDDED_MODELS else f"{entity}[{binding}]"


def class_source(
    entity: str,
    row: dict[str, Any],
    fields: list[tuple[str, str]],
    extra: list[tuple[str, ...]],
    actions: list[dict[str, Any]],
) -> tuple[str, set[str]]:
    lines = [f"class {entity}(Resource[B]):"]
    path = row["path"] or "Account"
    lines.append(f'    """``{path}``: {row["source"]}"""')
    lines.append("")
    lines.append(f'    __entity__: ClassVar[str] = "{entity}"')
    lines.append(f'    __id_field__: ClassVar[str] = "{row["id_field"]}"')
    lines.append("")
    for name, kind in fields:
        lines.append(f"    {name}: {TYPES[kind]} = None")
    refs: set[str] = set()
    for relation in RELATIONS.get(entity, []) + extra:
        attr, kind, target, key, container, inner = relation[:6]
        segment = relation[6] if len(relation) > 6 else NESTED_SEGMENTS.get((entity, attr), "")
        lines.append("")
        lines.append("    @relation")
        if kind == ONE:
            refs.add(target)
            lines.append(f"    def {attr}(self) -> {bound(target)} | None:")
            lines.append(f'        """The {target} of ``{key}`` (``None`` when it is 0)."""')
            args = f'"{target}", "{key}"' + (f', "{container}"' if container else "")
            lines.append(f'        return cast("{bound(target)} | None", self._load(one({args})))')
        elif kind == EMBEDDED:
            refs.add(target)
            kind_of = f"list[{target}]" if inner else f"{target} | None"
            lines.append(f"    def {attr}(self) -> {kind_of}:")
            lines.append(
                f'        """The embedded ``{container}`` (fetched with ``load_relations`` when not read)."""'
            )
            spec = f'RelationSpec("embedded", "{target}", "", "{container}", "{inner}")'
            lines.append(f'        return cast("{kind_of}", self._load({spec}))')
        elif kind == MANY and segment:
            refs.add(target)
            lines.append(f"    def {attr}(self) -> RelatedList[{bound(target)}]:")
            where = f"embedded ``{container}``, or " if container else ""
            lines.append(f'        """The {target} records ({where}``.../{{id}}/{segment}.json``),')
            lines.append(
                '        a list that is also their collection: ``.create(...)``, ``.find(id)``..."""'
            )
            spec = f'many("{target}", "{key}", "{container}", "{inner}", "{segment}")'
            lines.append(f'        return cast("RelatedList[{bound(target)}]", self._load({spec}))')
        elif kind == MANY:
            refs.add(target)
            lines.append(f"    def {attr}(self) -> list[{bound(target)}]:")
            lines.append(f'        """The {target} records (``{container}``, or ``?{key}={{id}}``)."""')
            spec = f'many("{target}", "{key}", "{container}", "{inner}")'
            lines.append(f'        return cast("list[{bound(target)}]", self._load({spec}))')
        else:
            lines.append(f"    def {attr}(self) -> dict[str, Decimal]:")
            lines.append(
                '        """Price by use type (``prices["default"]``, ``prices["msrp"]``) from ``Prices``."""'
            )
            lines.append(
                '        return cast("dict[str, Decimal]", self._load(RelationSpec("prices", "Item")))'
            )
    for action in actions:
        if action["name"] == "archive":
            continue  # archive() itself uses the action on such endpoints
        returns = action["returns"]
        answers = {}
        for binding in ("Sync", "Async"):
            if returns:
                refs.add(returns)
                one_record = bound(returns, binding)
                answers[binding] = f"list[{one_record}]" if action["method"] == "GET" else one_record
            else:
                answers[binding] = "dict[str, Any]"
        name = action["name"]
        params = "attributes: Mapping[str, Any] | None = None, /, **fields: Any"
        path = f"{action['resource']}/{{id}}/{action['segment']}.json"
        lines += [
            "",
            "    @overload",
            f"    def {name}(self: {entity}[Sync], {params}) -> {answers['Sync']}: ...",
            "    @overload",
            f"    def {name}(self: {entity}[Async], {params})"
            f" -> Coroutine[Any, Any, {answers['Async']}]: ...",
            f"    def {name}(self, {params}) -> Any:",
            f'        """``{action["method"]} {path}`` (awaited with AsyncClient)."""',
            f'        return self._action("{name}", attributes, fields)',
        ]
    refs.discard(entity)
    return "\n".join(lines) + "\n", refs


def account_attr(row: dict[str, Any]) -> str | None:
    """The attribute an account-level endpoint gets on ``Account`` (``None``: reached elsewhere)."""
    path: str = row["path"]
    if row["scope"] != "account" or "{" in path or path.endswith("/CustomField"):
        return None
    if row["kind"] == "display_template":
        return "display_" + snake(path.rsplit("/", 1)[-1])
    if row["kind"] == "report":
        return snake(path.rsplit("/", 1)[-1])
    if path == "Catalog/Search":
        return "catalog_search"
    if path == "Inventory/Transfer":
        return "inventory_transfers"
    attr: str = row["attr"]
    return attr


def account_source(rows: list[dict[str, Any]]) -> str:
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        attr = account_attr(row)
        if attr is None:
            continue
        if attr in seen:
            raise SystemExit(f"two endpoints want account.{attr}: {seen[attr]['name']} and {row['name']}")
        seen[attr] = row
    out = [
        '"""The account: its fields and one collection per endpoint (generated by tools/gen_models.py).',
        "",
        "``account.items`` is a ``Collection[Item]`` on an account of :class:`~lightspeed_pos.Client`",
        "and an ``AsyncCollection[Item[Async]]`` on one of :class:`~lightspeed_pos.AsyncClient`",
        '(``AsyncAccount``, which is ``Account[Async]``)."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import TYPE_CHECKING, ClassVar",
        "",
        "from .._binding import Async, B, Sync",
        "from .._children import Child",
        "from .._resource import Resource",
        "from .._types import WireInt, WireStr",
        "",
        "if TYPE_CHECKING:",
    ]
    modelled = {r["entity"] for r in rows if r["kind"] == "resource"}
    imports = sorted(
        {(domain_of(r["entity"]), r["entity"]) for r in seen.values() if r["kind"] == "resource"}
    )
    for domain, entity in imports:
        out.append(f"    from .{domain} import {entity}")
    out += [
        "",
        "",
        "class Account(Resource[B]):",
        '    """An account (a store): ``GET /Account.json``; its endpoints are its collections."""',
        "",
        '    __entity__: ClassVar[str] = "Account"',
        '    __id_field__: ClassVar[str] = "accountID"',
        "",
        "    accountID: WireInt = None",
        "    name: WireStr = None",
    ]
    for attr, row in sorted(seen.items()):
        ops = ", ".join(sorted(row["operations"]))
        model = row["entity"] if row["kind"] == "resource" and row["entity"] in modelled else "Resource"
        out += [
            "",
            f'    {attr}: ClassVar[Child[{model}[Sync], {model}[Async]]] = Child("{row["name"]}")',
            f'    """``/Account/{{accountID}}/{row["path"]}.json`` ({ops})."""',
        ]
    out += [
        "",
        "",
        "class AsyncAccount(Account[Async]):",
        '    """An account of :class:`~lightspeed_pos.AsyncClient`: its collections are awaited."""',
    ]
    return "\n".join(out) + "\n"


def main() -> int:
    data = load()
    rows = data["resources"]
    from_catalog = {r["name"]: r for r in rows}
    for row in rows:
        last = row["path"].rsplit("/", 1)[-1] if row["path"] else row["entity"]
        row["attr"] = plural(last if last and not last.startswith("{") else row["entity"])
    fields = entity_fields(rows)
    primary = primary_rows(rows)
    nested = nested_relations(rows)
    for entity, extra in foreign_relations(rows).items():
        nested[entity] = extra + [r for r in nested[entity] if all(r[0] != e[0] for e in extra)]
    by_domain: dict[str, list[str]] = defaultdict(list)
    for entity in sorted(primary):
        if entity == "Account" or (
            primary[entity]["scope"] == "global" and entity not in ("Session", "Locale")
        ):
            continue
        by_domain[domain_of(entity)].append(entity)
    outputs: dict[str, str] = {}
    all_names: list[tuple[str, str]] = []
    for domain, entities in sorted(by_domain.items()):
        bodies = []
        refs: set[str] = set()
        for entity in entities:
            entity_actions = [a for a in data["actions"] if from_catalog[a["resource"]]["entity"] == entity]
            body, used = class_source(
                entity, primary[entity], fields.get(entity, []), nested.get(entity, []), entity_actions
            )
            bodies.append(body)
            refs |= used
        local = set(entities)
        foreign = sorted(r for r in refs if r not in local)
        head = [
            f'"""Models of the {domain} endpoints (generated by tools/gen_models.py from catalog.json)."""',
            "",
            "from __future__ import annotations",
            "",
            "from collections.abc import Coroutine, Mapping  # noqa: F401",
            "from decimal import Decimal  # noqa: F401",
            "from typing import TYPE_CHECKING, Any, ClassVar, cast, overload  # noqa: F401",
            "",
            "from .._binding import Async, B, Sync  # noqa: F401",
            "from .._resource import RelatedList, RelationSpec, Resource, many, one, relation  # noqa: F401",
            "from .._types import WireBool, WireDatetime, WireDecimal, WireInt, WireStr  # noqa: F401",
            "",
        ]
        if foreign:
            head.append("if TYPE_CHECKING:")
            for ref in foreign:
                head.append(f"    from .{domain_of(ref)} import {ref}")
            head.append("")
        head.append(f"__all__ = {sorted(entities)!r}")
        outputs[f"{domain}.py"] = "\n".join(head) + "\n\n\n" + "\n\n".join(bodies)
        all_names += [(domain, e) for e in entities]
    outputs["account.py"] = account_source(rows)
    init = [
        '"""Typed models of every endpoint, grouped by domain (generated by tools/gen_models.py).',
        "",
        "The record models import nothing above them. ``Account`` (``account.py``), whose attributes are",
        "the account's collections, sits above the collections: it, and ``MODELS`` which holds it, are",
        'loaded on first use."""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any",
        "",
        "from .._resource import Resource",
    ]
    for domain in sorted(by_domain):
        names = ", ".join(sorted(e for d, e in all_names if d == domain))
        init.append(f"from .{domain} import {names}")
    init.append(f"from .embedded import {', '.join(EMBEDDED_NAMES)}")
    every = sorted(["Account"] + [e for _, e in all_names])
    records = sorted([*(e for _, e in all_names), *EMBEDDED_NAMES])
    init += [
        "",
        "MODELS: dict[str, type[Resource[Any]]]",
        '"""Entity name -> model class (``Account`` included)."""',
        "",
        "_RECORDS: dict[str, type[Resource[Any]]] = {",
        *[f"    {name}.__entity__: {name}," for name in records],
        "}",
        "",
        "",
        "def __getattr__(name: str) -> Any:",
        '    """``Account``, ``AsyncAccount`` and ``MODELS``, loaded with the collections on first use."""',
        '    if name not in ("Account", "AsyncAccount", "MODELS"):',
        '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")',
        "    from .account import Account, AsyncAccount",
        "",
        "    models = {Account.__entity__: Account, **_RECORDS}",
        "    globals().update(Account=Account, AsyncAccount=AsyncAccount, MODELS=models)",
        "    return globals()[name]",
        "",
        "",
        f"__all__ = {sorted(['MODELS', 'AsyncAccount', *every, *EMBEDDED_NAMES])!r}",
    ]
    outputs["__init__.py"] = "\n".join(init) + "\n"
    return write_or_check(outputs, MODELS, check="--check" in sys.argv)


def formatted(outputs: dict[str, str]) -> dict[str, str]:
    """The modules as the committed files hold them: ``ruff format``, ``ruff check --fix``,
    ``ruff format``, with the project's settings (three runs over a scratch folder)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name, text in outputs.items():
            (folder / name).write_text(text)
        for step in (["format"], ["check", "--fix", "--exit-zero"], ["format"]):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "ruff",
                    *step,
                    "--quiet",
                    "--config",
                    str(ROOT / "pyproject.toml"),
                    scratch,
                ],
                check=True,
                cwd=ROOT,
            )
        return {name: (folder / name).read_text() for name in outputs}


def write_or_check(outputs: dict[str, str], folder: Path, *, check: bool) -> int:
    """Write the modules, or (``check``) compare them with what ``folder`` holds, content for
    content: 1 and the names of the stale files when any differs."""
    stale = []
    for name, wanted in sorted(formatted(outputs).items()):
        target = folder / name
        if check:
            if not target.exists() or target.read_text() != wanted:
                stale.append(name)
            continue
        target.write_text(wanted)
    if stale:
        print(f"models out of date: {', '.join(stale)}; run make generate", file=sys.stderr)
        return 1
    if not check:
        print(f"wrote {len(outputs)} model modules")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
