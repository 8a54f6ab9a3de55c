"""The repository stands alone: no file needs material from outside it, and the API facts the
code cites are in ``docs/reference.md``."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"\.\./" + "shared|" + "shared" + "/api/|" + "REFERENCE" + r"(\.md)?\s*(§|\d|section)")
CITATION = re.compile(r"docs/reference\.md#([a-z0-9-]+)")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        [
            "git",
            "ls-files",
            "src",
            "tests",
            "tools",
            "docs",
            "benchmarks",
            "examples",
            "*.md",
            "Makefile",
            "pyproject.toml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    found = [ROOT / name for name in listed if not name.startswith("tests/cassettes/")]
    return [path for path in found if path.suffix in {".py", ".md", ".json", ".toml", ""} and path.is_file()]


def test_no_file_needs_material_outside_the_repo() -> None:
    files = tracked_text_files()
    assert len(files) > 100
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, offenders


def test_every_citation_of_the_reference_names_one_of_its_sections() -> None:
    reference = (ROOT / "docs" / "reference.md").read_text()
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', reference))
    assert {"request-costs", "filters", "load-relations", "oauth", "scalars"} <= anchors
    cited = {
        (str(path.relative_to(ROOT)), anchor)
        for path in tracked_text_files()
        for anchor in CITATION.findall(path.read_text(errors="replace"))
    }
    assert len(cited) > 30
    assert not [(where, anchor) for where, anchor in cited if anchor not in anchors]
