"""The package's layers point one way: core <- models <- collections/account API <- clients <- CLI,
and the sandbox stands on the core alone.

Two checks: what a fresh interpreter loads when it imports one part (``sys.modules``), and the
module-level imports of every module, ``if TYPE_CHECKING:`` ones included (an import only
inside a function is how a part loads a higher one on demand, as ``Sandbox.client()`` does).
A new module goes into one of the lists below; a module not listed counts as the top.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "lightspeed_pos"

CORE = {"_catalog", "_paths", "_cost", "_wire", "_json", "_pagination", "_retry", "_ratelimit", "_flow"}
CORE |= {"_body", "_querystring", "_querycheck", "query", "_redact", "errors", "_version", "events"}
CORE |= {"_transport"}
MODELS = {"_types", "_binding", "_lazy_record", "_resource", "models"}
"""And every ``models.<domain>`` but ``models.account``."""
API = {"_collection_base", "_collection", "_async_collection", "_related", "_children", "models.account"}
CLIENTS = {"_auth", "_base_client", "_client", "_async_client", "_observe", "telemetry", "oauth", "shared"}
LAYERS = ("core", "models", "collections/account API", "clients")
TOP = len(LAYERS)
SANDBOX_MAY_IMPORT = {"sandbox", "buttons"}
"""Beside the core: the sandbox itself, and the buttons' URL canonicalisation it signs with."""


def layer(module: str) -> int:
    """The layer of ``lightspeed_pos.<module>`` (``TOP`` for the CLI and whatever is not listed)."""
    head = module.split(".")[0]
    if module in CORE:
        return 0
    if module in API:
        return 2
    if module in MODELS or head == "models":
        return 1
    if module in CLIENTS or head in ("oauth", "shared"):
        return 3
    return TOP


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_level_imports(path: Path, *, type_checking: bool = True) -> set[str]:
    """The ``lightspeed_pos`` modules ``path`` imports outside functions (relative to the package;
    ``""`` is the package itself), with or without those under ``if TYPE_CHECKING:``."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if not type_checking and isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                visit_else(child)
                continue
            if isinstance(child, ast.Import):
                found.update(
                    alias.name.removeprefix("lightspeed_pos.")
                    for alias in child.names
                    if alias.name.startswith("lightspeed_pos.")
                )
            elif isinstance(child, ast.ImportFrom):
                found.update(targets(child))
            visit(child)

    def visit_else(node: ast.If) -> None:
        for statement in node.orelse:
            visit(ast.Module(body=[statement], type_ignores=[]))

    def targets(node: ast.ImportFrom) -> set[str]:
        if node.level:
            base = package[: len(package) - node.level + 1] if node.level > 1 else package
            target = ".".join([*base, *([node.module] if node.module else [])])
        elif node.module and node.module.startswith("lightspeed_pos"):
            target = node.module.removeprefix("lightspeed_pos").lstrip(".")
        else:
            return set()
        if node.module is None or not target:  # from . import errors: a module, or a name of the package
            return {_submodule(target, alias.name) for alias in node.names}
        return {target}

    visit(ast.parse(path.read_text(), str(path)))
    return found


def _submodule(package: str, name: str) -> str:
    """``package.name`` when that is a module, else ``package`` (a name defined in it)."""
    candidate = ".".join(filter(None, [package, name]))
    where = PACKAGE.joinpath(*candidate.split("."))
    return candidate if where.with_suffix(".py").exists() or where.is_dir() else package


def sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_imports_only_its_layer_and_those_below() -> None:
    wrong = []
    for path in sources():
        source = module_name(path)
        if not source or layer(source) == TOP:
            continue
        for target in sorted(module_level_imports(path)):
            if layer(target) > layer(source):
                wrong.append(
                    f"{source} ({LAYERS[layer(source)]}) imports {target} "
                    f"({LAYERS[layer(target)] if layer(target) < TOP else 'a higher part'})"
                )
    assert not wrong, "\n".join(wrong)


def test_the_sandbox_imports_only_the_core() -> None:
    wrong = []
    for path in sorted((PACKAGE / "sandbox").rglob("*.py")):
        # annotations of the conveniences that hand out clients (Sandbox.client) may name them
        for target in sorted(module_level_imports(path, type_checking=False)):
            if layer(target) > 0 and target.split(".")[0] not in SANDBOX_MAY_IMPORT:
                wrong.append(f"{module_name(path)} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_checker_sees_type_checking_imports_and_skips_functions() -> None:
    """The static check itself: an ``if TYPE_CHECKING:`` import counts, one in a function does not."""
    assert "_collection_base" in module_level_imports(PACKAGE / "_collection.py")
    assert "_flow" in module_level_imports(PACKAGE / "_collection.py")  # under TYPE_CHECKING
    assert "_flow" not in module_level_imports(PACKAGE / "_collection.py", type_checking=False)
    assert "models.account" not in module_level_imports(PACKAGE / "_collection_base.py")  # in model_for
    sandbox = PACKAGE / "sandbox" / "__init__.py"
    assert "" in module_level_imports(sandbox)  # from lightspeed_pos import Client, under TYPE_CHECKING
    assert "" not in module_level_imports(sandbox, type_checking=False)
    assert "errors" in module_level_imports(PACKAGE / "__init__.py")  # from . import errors
    assert layer("models.catalog") == 1 and layer("models.account") == 2 and layer("cli._app") == TOP


LOADED = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""

ABOVE_CORE = ["pydantic", "lightspeed_pos.models", "lightspeed_pos._resource", "lightspeed_pos._binding"]
ABOVE_MODELS = ["lightspeed_pos._collection", "lightspeed_pos._collection_base", "lightspeed_pos._children"]
ABOVE_API = ["lightspeed_pos._client", "lightspeed_pos._async_client", "lightspeed_pos.oauth"]
ABOVE_CLIENTS = ["lightspeed_pos.cli", "typer"]


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("lightspeed_pos", ABOVE_CORE + ABOVE_MODELS + ABOVE_API + ABOVE_CLIENTS),
        ("lightspeed_pos.sandbox", ABOVE_CORE + ABOVE_MODELS + ABOVE_API + ABOVE_CLIENTS),
        ("lightspeed_pos._flow", ABOVE_CORE + ABOVE_MODELS + ABOVE_API + ABOVE_CLIENTS),
        ("lightspeed_pos.query", ABOVE_CORE + ABOVE_MODELS + ABOVE_API + ABOVE_CLIENTS),
        ("lightspeed_pos.models", ABOVE_MODELS + ABOVE_API + ABOVE_CLIENTS),
        ("lightspeed_pos.models.account", ABOVE_API + ABOVE_CLIENTS),
        ("lightspeed_pos._client", ABOVE_CLIENTS),
        ("lightspeed_pos._async_client", ABOVE_CLIENTS),
    ],
)
def test_importing_a_part_loads_nothing_above_it(module: str, forbidden: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", LOADED, module], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(result.stdout)
    above = [name for name in loaded if any(name == f or name.startswith(f + ".") for f in forbidden)]
    assert not above, f"import {module} loads {above}"


def test_the_sandbox_still_hands_out_clients() -> None:
    """The sandbox's conveniences import the client when asked (and only then)."""
    code = (
        "import sys\nfrom lightspeed_pos.sandbox import Sandbox\n"
        "before = 'lightspeed_pos._client' in sys.modules\n"
        "client = Sandbox().client()\nprint(before, type(client).__name__)\nclient.close()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["False", "Client"]
