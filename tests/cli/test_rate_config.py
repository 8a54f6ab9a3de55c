"""``rate`` (the bucket, and a listing's cost and time), configuration precedence, light imports."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from lightspeed_pos.cli._config import resolve_settings
from lightspeed_pos.cli._rate import Bucket, seconds_for
from lightspeed_pos.query import Query, estimate_cost

from .conftest import Invoke, small_sandbox


def test_rate_shows_the_bucket(invoke: Invoke) -> None:
    result = invoke("--sandbox", "rate")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Bucket:      ") and "/ 90 drips" in result.stdout
    assert "Drip rate:   " in result.stdout


def test_rate_list_estimates_pages_cost_and_time(invoke: Invoke) -> None:
    result = invoke(
        "--sandbox", "rate", "list", "items", "--where", "description~%Shirt%", "--relations", "ItemShops"
    )
    assert result.exit_code == 0, result.stderr
    with small_sandbox().client() as client:
        count = client.account(100001).items.count({"description": "~,%Shirt%"})
    per_page = estimate_cost("Item", Query.from_params({"load_relations": ["ItemShops"], "limit": 100}))
    pages = math.ceil(count / 100)
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert lines["Records"].strip() == f"{count} (from one count request)"
    assert lines["Pages"].strip() == f"{pages} of up to 100"
    assert lines["Cost"].strip() == f"{per_page:g} drips per page, {pages * per_page:g} drips in all"
    assert "GET Account/100001/Item.json?load_relations=" in lines["Query"]
    assert lines["Time"].strip().startswith("about ")


def test_rate_list_refuses_a_bad_query(invoke: Invoke) -> None:
    result = invoke("--sandbox", "rate", "list", "items", "--sort", "upc")
    assert result.exit_code == 1 and result.stderr.startswith("Error: Item cannot be sorted by 'upc'")


@pytest.mark.parametrize(
    ("level", "drips", "seconds"),
    [(0.0, 10.0, 0.0), (85.0, 10.0, 5.0), (90.0, 30.0, 30.0), (10.0, 200.0, 120.0)],
)
def test_time_from_the_drip_rate(level: float, drips: float, seconds: float) -> None:
    assert seconds_for(drips, Bucket(level, 90.0, 1.0)) == pytest.approx(seconds)
    assert seconds_for(drips, Bucket(level, 90.0, 2.0)) == pytest.approx(seconds / 2)


def test_flags_beat_environment_beat_config_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        'client_id = "file-id"\naccount_id = 3\nbase_url = "http://file"\nscope = "employee:all"\n'
    )
    environ = {"LIGHTSPEED_CLIENT_ID": "env-id", "LIGHTSPEED_ACCOUNT_ID": "2"}
    settings = resolve_settings({"client_id": "flag-id", "account_id": None}, environ, config)
    assert settings.get("client_id") == "flag-id" and settings.sources["client_id"] == "flag"
    assert settings.account_id == 2 and settings.sources["account_id"] == "env LIGHTSPEED_ACCOUNT_ID"
    assert settings.get("base_url") == "http://file" and settings.sources["base_url"] == f"config {config}"
    assert settings.get("auth_url") is None


def test_config_file_may_use_a_lightspeed_table(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[lightspeed]\nclient_secret = "s3"\n')
    assert resolve_settings({}, {}, config).get("client_secret") == "s3"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("client_id = ", "not valid TOML"),
        ('clientid = "x"', "unknown setting 'clientid'"),
        ("lightspeed = 1", "must be a table"),
    ],
)
def test_bad_config_files_are_one_line(invoke: Invoke, tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(content)
    result = invoke("--config", str(config), "config")
    assert result.exit_code == 1 and message in result.stderr and len(result.stderr.splitlines()) == 1


def test_config_command_shows_sources_and_hides_secrets(
    invoke: Invoke, clean_environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_environment.write_text('client_secret = "very-secret"\nbase_url = "http://from-file"\n')
    monkeypatch.setenv("LIGHTSPEED_BASE_URL", "http://from-env")
    result = invoke("--client-id", "cid", "config")
    assert result.exit_code == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:]}
    assert rows["client_id"][1:] == ["cid", "flag"]
    assert rows["base_url"][1:] == ["http://from-env", "env", "LIGHTSPEED_BASE_URL"]
    assert rows["client_secret"][1] == "***" and "very-secret" not in result.stdout
    assert rows["auth_url"][1:] == ["-", "unset"]


def test_config_values_reach_the_client(invoke: Invoke, clean_environment: Path, tmp_path: Path) -> None:
    clean_environment.write_text(f'client_id = "x"\ntoken_file = "{tmp_path / "t.json"}"\n')
    result = invoke("list", "items")
    assert result.exit_code == 1 and str(tmp_path / "t.json") in result.stderr


def test_missing_explicit_config_file(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("--config", str(tmp_path / "nope.toml"), "config")
    assert result.exit_code == 1 and result.stderr.startswith("Error: config file ")


def test_importing_the_library_or_the_cli_package_stays_light() -> None:
    code = (
        "import sys, lightspeed_pos, lightspeed_pos.cli; "
        "print(sorted(m for m in ('typer', 'rich', 'click', 'uvicorn') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_python_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lightspeed_pos.cli", "--sandbox", "list", "shops", "-f", "ndjson"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert '"shopID":1' in result.stdout
