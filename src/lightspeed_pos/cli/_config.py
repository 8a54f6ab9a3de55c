"""Settings of the ``lightspeed`` command: flags, then the environment, then a TOML config file.

Every setting has one name, used as the flag (``--client-id``), the environment variable
(``LIGHTSPEED_CLIENT_ID``) and the config-file key (``client_id``). The config file is
``config.toml`` in the platform's config directory (``~/.config/lightspeed-pos`` on Linux), or
the file named by ``--config`` / ``LIGHTSPEED_CONFIG``; it is read with ``tomllib``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ENV_PREFIX", "SETTING_NAMES", "Settings", "default_config_path", "resolve_settings"]

ENV_PREFIX = "LIGHTSPEED_"
CONFIG_ENV = "LIGHTSPEED_CONFIG"
SETTING_NAMES = (
    "client_id",
    "client_secret",
    "account_id",
    "base_url",
    "auth_url",
    "token_file",
    "scope",
    "redirect_uri",
    "access_token",
    "sandbox_state",
    "redis_url",
)
SECRET_SETTINGS = frozenset({"client_secret", "access_token", "redis_url"})
PROFILE_ENV = "LIGHTSPEED_PROFILE"


def default_config_path() -> Path:
    """``config.toml`` in the platform's config directory for ``lightspeed-pos``."""
    import platformdirs

    return Path(platformdirs.user_config_dir("lightspeed-pos")) / "config.toml"


@dataclass(frozen=True)
class Settings:
    """The resolved settings and where each came from (``flag``, ``env``, ``config`` or ``default``)."""

    values: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    config_path: Path | None = None

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    @property
    def account_id(self) -> int | None:
        raw = self.values.get("account_id")
        if raw is None:
            return None
        if not raw.strip().isdigit():
            raise ValueError(f"account_id must be a number, not {raw!r} (from {self.sources['account_id']})")
        return int(raw)

    def describe(self) -> list[tuple[str, str, str]]:
        """``(name, value, source)`` rows for display; secrets shown as ``***``."""
        rows = []
        for name in SETTING_NAMES:
            value = self.values.get(name)
            shown = "" if value is None else ("***" if name in SECRET_SETTINGS else value)
            rows.append((name, shown, self.sources.get(name, "unset")))
        return rows


def read_config_file(path: Path, profile: str | None = None) -> dict[str, str]:
    """The settings in a TOML file (top-level keys, or a ``[lightspeed]`` table), with those of
    ``[profiles.NAME]`` on top when ``profile`` is given; ``{}`` if the file is absent."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        if profile:
            raise ValueError(f"no profile {profile!r}: {path} does not exist") from None
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML ({exc})") from None
    found = data.get("lightspeed", data)
    if not isinstance(found, dict):
        raise ValueError(f"{path}: [lightspeed] must be a table")
    table = dict(found)
    profiles = table.pop("profiles", data.get("profiles", {}))
    if not isinstance(profiles, dict):
        raise ValueError(f"{path}: [profiles] must hold tables, e.g. [profiles.downtown]")
    settings = _settings_of(table, path)
    if profile:
        chosen = profiles.get(profile)
        if not isinstance(chosen, dict):
            names = ", ".join(sorted(profiles)) or "none"
            raise ValueError(f"no profile {profile!r} in {path}; profiles: {names}")
        settings.update(_settings_of(chosen, path, f"[profiles.{profile}]"))
    return settings


def _settings_of(table: Mapping[str, object], path: Path, where: str = "") -> dict[str, str]:
    unknown = sorted(set(table) - set(SETTING_NAMES) - {"lightspeed"})
    if unknown:
        place = f"{path} {where}".strip()
        raise ValueError(f"{place}: unknown setting {unknown[0]!r}; settings: {', '.join(SETTING_NAMES)}")
    return {name: str(value) for name, value in table.items() if name in SETTING_NAMES}


def resolve_settings(
    flags: Mapping[str, str | int | None],
    environ: Mapping[str, str] | None = None,
    config_path: str | Path | None = None,
    profile: str | None = None,
) -> Settings:
    """Flags win over ``LIGHTSPEED_*`` variables, which win over the config file."""
    environ = os.environ if environ is None else environ
    explicit = config_path or environ.get(CONFIG_ENV)
    path = Path(explicit).expanduser() if explicit else default_config_path()
    if explicit and not path.exists():
        raise OSError(f"config file {path} does not exist")
    profile = profile or environ.get(PROFILE_ENV) or None
    from_file = read_config_file(path, profile)
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name in SETTING_NAMES:
        flag = flags.get(name)
        env = environ.get(ENV_PREFIX + name.upper())
        if flag is not None and str(flag) != "":
            values[name], sources[name] = str(flag), "flag"
        elif env:
            values[name], sources[name] = env, f"env {ENV_PREFIX + name.upper()}"
        elif name in from_file:
            where = f" [profiles.{profile}]" if profile else ""
            values[name], sources[name] = from_file[name], f"config {path}{where}"
    return Settings(values, sources, path)
