"""A command that needs an optional package names the extra that brings it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from lightspeed_pos.cli._context import EXTRAS, error_message

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_optional_package_names_its_extra() -> None:
    error = ModuleNotFoundError("No module named 'sqlalchemy'", name="sqlalchemy")
    assert error_message(error) == "this command needs sqlalchemy: pip install 'lightspeed-pos[sync]'"
    nested = ModuleNotFoundError("No module named 'psycopg.pq'", name="psycopg.pq")
    assert error_message(nested) == "this command needs psycopg: pip install 'lightspeed-pos[sync]'"


def test_another_missing_module_is_reported_as_it_is() -> None:
    error = ModuleNotFoundError("No module named 'nothing_here'", name="nothing_here")
    assert error_message(error) == "No module named 'nothing_here'"


def test_every_named_extra_exists_and_brings_the_package() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for package, extra in EXTRAS.items():
        assert extra in extras, extra
        assert any(requirement.lower().startswith(package) for requirement in extras[extra]), (package, extra)


def test_the_library_s_own_message_is_kept_when_it_names_the_extra() -> None:
    message = "serving the sandbox on a socket needs uvicorn: pip install 'lightspeed-pos[sandbox]'"
    assert error_message(ModuleNotFoundError(message, name="uvicorn")) == message
