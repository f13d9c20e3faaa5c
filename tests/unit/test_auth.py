"""auth.json and API-key resolution; the key never leaves auth.json."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from core.auth import AuthManager, LhaAuth, resolve_api_key
from core.errors import EnvVarError
from core.llm.providers.built_in import built_in_providers
from core.llm.providers.endpoint import RuntimeEndpoint

SECRET = "sk-test-0123456789-secret"


@pytest.fixture(autouse=True)
def _no_real_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPENAI_API_KEY", "LOCAL_API_KEY"):
        monkeypatch.delenv(var, raising=False)


def test_login_writes_private_file_in_private_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    manager = AuthManager(home)
    assert manager.auth() is None
    manager.login_with_api_key(f"  {SECRET}\n")
    path = home / "auth.json"
    assert json.loads(path.read_text()) == {"OPENAI_API_KEY": SECRET}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert manager.auth() == LhaAuth.from_api_key(SECRET)
    assert AuthManager(home).auth() == LhaAuth(SECRET)


def test_auth_is_loaded_lazily_and_reloadable(tmp_path: Path) -> None:
    manager = AuthManager(tmp_path)
    other = AuthManager(tmp_path)
    assert manager.auth() is None
    other.login_with_api_key(SECRET)
    assert manager.auth() is None, "cached until reload"
    assert manager.reload() is True
    assert manager.auth() == LhaAuth(SECRET)
    assert manager.reload() is False


def test_logout(tmp_path: Path) -> None:
    manager = AuthManager(tmp_path)
    manager.login_with_api_key(SECRET)
    assert manager.logout() is True
    assert not (tmp_path / "auth.json").exists()
    assert manager.auth() is None
    assert manager.logout() is False


def test_repr_hides_the_key(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    auth = LhaAuth.from_api_key(SECRET)
    assert SECRET not in repr(auth)
    assert SECRET not in str(auth)
    assert SECRET not in f"{[auth]}"
    caplog.set_level(logging.DEBUG)
    manager = AuthManager(tmp_path)
    manager.login_with_api_key(SECRET)
    manager.reload()
    assert SECRET not in caplog.text


def test_corrupt_auth_file_is_ignored_without_echoing_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "auth.json").write_text('{"OPENAI_API_KEY": "' + SECRET)
    assert AuthManager(tmp_path).auth() is None
    assert SECRET not in caplog.text


def test_env_var_wins_over_auth_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manager = AuthManager(tmp_path)
    manager.login_with_api_key(SECRET)
    openai = built_in_providers()["openai"]
    assert resolve_api_key(openai, manager) == SECRET
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    assert resolve_api_key(openai, manager) == "sk-from-env"
    monkeypatch.setenv("OPENAI_API_KEY", "   ")
    assert resolve_api_key(openai, manager) == SECRET, "a blank variable does not count"


def test_missing_key_names_the_variable(tmp_path: Path) -> None:
    custom = RuntimeEndpoint(
        name="Mine",
        base_url="http://127.0.0.1:1/v1",
        env_key="LOCAL_API_KEY",
        env_key_instructions="Ask the admin.",
    )
    with pytest.raises(EnvVarError) as info:
        resolve_api_key(custom, AuthManager(tmp_path))
    assert info.value.var == "LOCAL_API_KEY"
    assert "LOCAL_API_KEY" in str(info.value)
    assert "Ask the admin." in str(info.value)
    with pytest.raises(EnvVarError, match="OPENAI_API_KEY"):
        resolve_api_key(built_in_providers()["openai"], AuthManager(tmp_path))


def test_keyless_providers_need_no_key(tmp_path: Path) -> None:
    manager = AuthManager(tmp_path)
    manager.login_with_api_key(SECRET)
    assert resolve_api_key(built_in_providers()["ollama"], manager) is None
    assert resolve_api_key(built_in_providers()["ollama"], None) is None


def test_for_testing_touches_no_file(tmp_path: Path) -> None:
    manager = AuthManager.from_auth_for_testing(LhaAuth(SECRET))
    assert manager.auth() == LhaAuth(SECRET)
    assert resolve_api_key(built_in_providers()["openai"], manager) == SECRET
    manager.login_with_api_key("sk-other")
    assert manager.auth() == LhaAuth("sk-other")
    assert manager.auth_file is None
    assert list(tmp_path.iterdir()) == []


def test_key_is_in_no_other_file(tmp_path: Path) -> None:
    from core.config import Config, save_config_value

    manager = AuthManager(tmp_path)
    manager.login_with_api_key(SECRET)
    save_config_value(tmp_path, "model", "gpt-5.1")
    config = Config.load(tmp_path, cwd=tmp_path)
    assert SECRET not in config.model_dump_json()
    holders = [
        p for p in tmp_path.rglob("*") if p.is_file() and SECRET in p.read_text(errors="replace")
    ]
    assert holders == [tmp_path / "auth.json"]
