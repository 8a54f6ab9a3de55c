"""The pytest plugin's documented examples run as written (#13 item 8), with the configurable and
async fixtures (#13, "what users of the best tools expect")."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from lightspeed_pos.sandbox import pytest_plugin


def code_blocks(doc: str) -> list[str]:
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:    .*\n|\n)+)", doc)
    return [textwrap.dedent(block) for block in blocks]


def test_the_plugin_docstring_examples_run(tmp_path: Path) -> None:
    (example,) = code_blocks(pytest_plugin.__doc__ or "")
    tests = re.findall(r"^(?:async )?def (test_\w+)", example, re.M)
    assert len(tests) == 5
    (tmp_path / "test_example.py").write_text(example)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(tests) + 1} passed" in done.stdout  # the async one on asyncio and on trio


def test_readme_names_the_fixtures() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for fixture in (
        "lightspeed_sandbox",
        "lightspeed_client",
        "lightspeed_async_client",
        "lightspeed_sandbox_factory",
    ):
        assert fixture in readme
