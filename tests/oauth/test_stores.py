"""Token stores: memory, a 0600 file written atomically with a cross-process lock, the keyring."""

from __future__ import annotations

import os
import stat
import sys
import threading
import time
import types
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

import lightspeed_pos as ls
from lightspeed_pos.oauth import (
    FileLock,
    FileTokenStore,
    KeyringTokenStore,
    LockTimeoutError,
    MemoryTokenStore,
    TokenSet,
    TokenStore,
    default_token_path,
)
from tests.support.threads import run_threads

TOKENS = TokenSet("access-secret", "refresh-secret", 100.0, "employee:all", 1, 50.0)
NEWER = TokenSet("access-2", "refresh-2", 200.0, "employee:all", 1, 150.0)


def test_every_store_is_a_token_store(tmp_path: Path, fake_keyring: dict[tuple[str, str], str]) -> None:
    for store in (MemoryTokenStore(), FileTokenStore(tmp_path / "t.json"), KeyringTokenStore()):
        assert isinstance(store, TokenStore)
        assert store.load() is None
        store.save(TOKENS)
        assert store.load() == TOKENS
        store.save(NEWER)
        assert store.load() == NEWER
        with store.lock():
            pass
        store.clear()
        assert store.load() is None
        store.clear()
        assert "secret" not in repr(store)


def test_the_file_is_0600_in_a_0700_dir(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "new" / "tokens.json")
    store.save(TOKENS)
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(store.path.parent).st_mode) == 0o700
    os.chmod(store.path, 0o644)
    store.save(NEWER)  # replaced by a new file: 0600 again
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_a_crash_in_the_middle_of_a_save_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(TOKENS)

    def crash(descriptor: int) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="power cut"):
        store.save(NEWER)
    monkeypatch.undo()
    assert store.load() == TOKENS
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tokens.json"]  # no temporary file left


def test_an_unreadable_file_is_no_tokens_and_says_so_without_its_content(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    store.path.write_text('{"access_token": "leaked-secr')
    os.chmod(store.path, 0o600)
    assert store.load() is None
    assert "unreadable" in caplog.text and "leaked" not in caplog.text
    store.path.write_text('{"refresh_token": "x"}')
    assert store.load() is None


def test_a_file_others_can_read_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = FileTokenStore(tmp_path / "tokens.json")
    store.save(TOKENS)
    os.chmod(store.path, 0o644)
    assert store.load() == TOKENS
    assert "readable by others" in caplog.text


def test_the_default_path_is_in_the_platform_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_config_dir", lambda app: str(tmp_path / "config" / app))
    assert default_token_path() == tmp_path / "config" / "lightspeed-pos" / "tokens.json"
    store = FileTokenStore()
    assert store.path == default_token_path()
    assert store.lock_path == tmp_path / "config" / "lightspeed-pos" / "tokens.json.lock"


@pytest.mark.parametrize("use_fcntl", [True, False], ids=["flock", "o_excl"])
def test_the_lock_excludes_other_holders(tmp_path: Path, use_fcntl: bool) -> None:
    path = tmp_path / "x.lock"
    locks = [FileLock(path, timeout=5, use_fcntl=use_fcntl) for _ in range(4)]
    inside = 0
    most = 0
    guard = threading.Lock()

    def worker(lock: FileLock) -> None:
        nonlocal inside, most
        for _ in range(5):
            with lock():
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.001)
                with guard:
                    inside -= 1

    run_threads((partial(worker, lock) for lock in locks), timeout=10)
    assert most == 1
    assert path.exists() is use_fcntl  # the O_EXCL lock file is removed on release


def test_the_o_excl_lock_times_out_on_a_stale_lock_file(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json.lock"
    path.write_text("12345")
    lock = FileLock(path, timeout=0.05, use_fcntl=False)
    with pytest.raises(LockTimeoutError, match="delete that file") as caught, lock():
        pass
    assert isinstance(caught.value, ls.LightspeedError)
    assert str(path) in str(caught.value)


def test_the_lock_is_released_when_the_block_fails(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / "x.lock", timeout=0.05)
    with pytest.raises(RuntimeError), lock():
        raise RuntimeError("boom")
    with lock():
        pass


@pytest.fixture
def fake_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[tuple[str, str], str]]:
    """A ``keyring`` module in ``sys.modules`` (keyring is an optional extra, not installed here)."""
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_config_dir", lambda app: str(tmp_path / "config" / app))
    secrets: dict[tuple[str, str], str] = {}

    class PasswordDeleteError(Exception):
        pass

    errors = types.ModuleType("keyring.errors")
    errors.PasswordDeleteError = PasswordDeleteError  # type: ignore[attr-defined]
    keyring = types.ModuleType("keyring")

    def delete_password(service: str, username: str) -> None:
        if (service, username) not in secrets:
            raise PasswordDeleteError("not found")
        del secrets[service, username]

    keyring.get_password = lambda service, username: secrets.get((service, username))  # type: ignore[attr-defined]
    keyring.set_password = lambda service, username, value: secrets.__setitem__((service, username), value)  # type: ignore[attr-defined]
    keyring.delete_password = delete_password  # type: ignore[attr-defined]
    keyring.errors = errors  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    monkeypatch.setitem(sys.modules, "keyring.errors", errors)
    yield secrets


def test_the_keyring_store_keeps_one_json_secret(
    fake_keyring: dict[tuple[str, str], str], tmp_path: Path
) -> None:
    store = KeyringTokenStore("my-app", "shop-1", lock_path=tmp_path / "k.lock")
    store.save(TOKENS)
    assert list(fake_keyring) == [("my-app", "shop-1")]
    assert KeyringTokenStore("my-app", "shop-1", lock_path=tmp_path / "k.lock").load() == TOKENS
    with store.lock():
        assert (tmp_path / "k.lock").exists()
    fake_keyring["my-app", "shop-1"] = "not json"
    assert store.load() is None


def test_the_keyring_store_without_keyring_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)
    with pytest.raises(ls.LightspeedError, match=r"pip install 'lightspeed-pos\[keyring\]'"):
        KeyringTokenStore()
