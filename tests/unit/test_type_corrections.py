"""The field types of the table: every key is an int, and the pages' wrong types are corrected.

The corrections live in one table of the generator (``tools/build_catalog.py`` TYPE_CORRECTIONS,
each with its evidence); the shipped table and models must carry them.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest

from lightspeed_pos import models
from lightspeed_pos._catalog import catalog

ROOT = Path(__file__).resolve().parents[2]
PYTHON = {"integer": int, "decimal": Decimal, "boolean": bool, "datetime": dt.datetime, "string": str}


@pytest.fixture(scope="module")
def build_catalog() -> ModuleType:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_catalog as module
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return module


def test_every_key_is_an_int_but_other_systems_identifiers(build_catalog: ModuleType) -> None:
    keys = 0
    for spec in catalog().resources:
        for name, kind in spec.fields:
            if name.endswith("ID"):
                keys += 1
                assert kind == "integer" or name in build_catalog.EXTERNAL_IDS, f"{spec.name}.{name}: {kind}"
    assert keys > 300


def test_the_corrections_are_in_the_table_and_on_the_models(build_catalog: ModuleType) -> None:
    assert len(build_catalog.TYPE_CORRECTIONS) >= 4
    for (entity, name), (kind, evidence) in build_catalog.TYPE_CORRECTIONS.items():
        assert evidence, f"{entity}.{name}: a correction needs its evidence"
        rows = [spec for spec in catalog().resources if spec.entity == entity]
        assert rows and all(dict(spec.fields).get(name, kind) == kind for spec in rows), (entity, name)
        annotation = models.MODELS[entity].model_fields[name].annotation
        assert annotation == PYTHON[kind] | None, (entity, name, annotation)
    assert models.ItemMatrix.model_fields["itemAttributeSetID"].annotation == int | None
    assert models.Category.model_fields["nodeDepth"].annotation == int | None


def test_an_id_typed_otherwise_stops_the_build(build_catalog: ModuleType) -> None:
    with pytest.raises(SystemExit, match=r"Thing\.widgetID is typed string: correct it in TYPE_CORRECTIONS"):
        build_catalog.corrected("Thing", [["widgetID", "string"]])
    assert build_catalog.corrected("ItemMatrix", [["itemAttributeSetID", "string"]]) == [
        ["itemAttributeSetID", "integer"]
    ]
    assert build_catalog.corrected("Image", [["publicID", "string"]]) == [["publicID", "string"]]
