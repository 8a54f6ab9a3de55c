"""The generated table and models match their sources."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from lightspeed_pos import models
from lightspeed_pos._catalog import catalog

ROOT = Path(__file__).resolve().parents[2]
TYPES = {"integer": "WireInt", "decimal": "WireDecimal", "boolean": "WireBool", "datetime": "WireDatetime"}


def _tool(name: str) -> Any:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "tools"))


def test_catalog_json_is_built_from_the_endpoint_catalogue_in_the_repo() -> None:
    build_catalog = _tool("build_catalog")
    assert build_catalog.SOURCE.is_relative_to(ROOT)
    built = build_catalog.build()
    shipped = json.loads((ROOT / "src" / "lightspeed_pos" / "catalog.json").read_text())
    assert built == shipped, "catalog.json is stale: run make generate"


def test_every_typed_field_of_the_table_is_on_its_model() -> None:
    checked = 0
    for spec in catalog().resources:
        model = models.MODELS.get(spec.entity)
        if model is None or spec.kind != "resource":
            continue
        for name, kind in spec.fields:
            if kind in TYPES:
                assert name in model.model_fields, f"{model.__name__}.{name} missing: run make generate"
                checked += 1
    assert checked > 500


def test_every_endpoint_row_is_complete() -> None:
    rows = catalog().resources
    assert len(rows) > 90
    for spec in rows:
        if spec.kind == "resource" and spec.name != "TagGroup":
            assert spec.id_field, spec.name
        assert spec.operations, spec.name
        assert "{" not in spec.path or spec.parents, spec.name


def test_api_docs_are_current() -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_api_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_gen_models_check_compares_contents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gen_models = _tool("gen_models")
    for module in (ROOT / "src" / "lightspeed_pos" / "models").glob("*.py"):
        shutil.copy(module, tmp_path / module.name)
    monkeypatch.setattr(gen_models, "MODELS", tmp_path)
    monkeypatch.setattr(sys, "argv", ["gen_models.py", "--check"])
    assert gen_models.main() == 0
    sales = tmp_path / "sales.py"
    sales.write_text(sales.read_text().replace("saleID: WireInt = None", "saleID: WireStr = None", 1))
    assert gen_models.main() == 1
    assert "saleID: WireStr" in sales.read_text()  # --check writes nothing
