"""Config loading: defaults, config.toml, -c overrides, CLI flags, errors and warnings."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from core.config import Config, lha_home_dir, save_config_value
from core.errors import ConfigError
from core.llm.providers.endpoint import RuntimeEndpoint


def write_config(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the lha[local] extra (or with a key) the default stays OpenAI: see
    # test_default_provider.py for the embedded model's default.
    monkeypatch.setattr("core.llm.local.availability.extra_installed", lambda: False)
    config = Config.load(tmp_path / "home", cwd=tmp_path)
    assert config.lha_home == tmp_path / "home"
    assert config.cwd == tmp_path.resolve()
    assert config.model is None
    assert config.model_provider_id == "openai"
    assert config.model_provider.base_url == "https://api.openai.com/v1"
    assert set(config.model_providers) >= {"openai", "ollama", "lmstudio", "local"}
    assert config.approval_policy == "on-request"
    assert config.features.memories is False
    assert config.mcp_servers == {}
    assert config.ephemeral is False
    assert config.warnings == []
    assert not (tmp_path / "home").exists(), "loading must not create LHA_HOME"


def test_lha_home_env_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LHA_HOME", str(tmp_path / "envhome"))
    write_config(tmp_path / "envhome", 'model = "from-env-home"\n')
    assert Config.load(cwd=tmp_path).model == "from-env-home"


def test_every_design_key_is_read(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        """
model = "gpt-5.1"
model_provider = "myserver"
approval_policy = "never"
model_reasoning_effort = "high"
[model_providers.myserver]
name = "My server"
base_url = "http://127.0.0.1:8080/v1"
env_key = "LOCAL_API_KEY"
wire_api = "chat"
request_max_retries = 2
stream_idle_timeout_ms = 1000
[mcp_servers.docs]
command = "uvx"
args = ["some-mcp-server"]
[features]
memories = true
[tui]
theme = "dark"
keymap = { new_thread = "ctrl+n" }
""",
    )
    config = Config.load(tmp_path, cwd=tmp_path)
    assert config.model == "gpt-5.1"
    assert config.model_provider_id == "myserver"
    assert config.model_provider == RuntimeEndpoint(
        name="My server",
        base_url="http://127.0.0.1:8080/v1",
        env_key="LOCAL_API_KEY",
        wire_api="chat",
        request_max_retries=2,
        stream_idle_timeout_ms=1000,
    )
    assert config.approval_policy == "never"
    assert config.model_reasoning_effort == "high"
    assert config.mcp_servers["docs"].command == "uvx"
    assert config.mcp_servers["docs"].args == ["some-mcp-server"]
    assert config.features.memories is True
    assert config.tui.theme == "dark"
    assert config.tui.keymap == {"new_thread": "ctrl+n"}
    assert config.warnings == []


def test_built_in_provider_is_overridable_field_by_field(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        'model_provider = "ollama"\n[model_providers.ollama]\nbase_url = "http://gpu:11434/v1"\n',
    )
    config = Config.load(tmp_path, cwd=tmp_path)
    assert config.model_provider.base_url == "http://gpu:11434/v1"
    assert config.model_provider.name == "Ollama"
    assert config.model_provider.wire_api == "chat"


def test_overrides_then_flags_win(tmp_path: Path) -> None:
    write_config(tmp_path, 'model = "a"\napproval_policy = "never"\n')
    config = Config.load(
        tmp_path,
        cwd=tmp_path,
        overrides=["model=b", 'approval_policy="untrusted"', "features.memories=true"],
    )
    assert (config.model, config.approval_policy, config.features.memories) == (
        "b",
        "untrusted",
        True,
    )
    config = Config.load(tmp_path, cwd=tmp_path, overrides=["model=b"], model="c")
    assert config.model == "c"


def test_dotted_override_defines_a_provider(tmp_path: Path) -> None:
    config = Config.load(
        tmp_path,
        cwd=tmp_path,
        overrides=[
            "model_providers.x.base_url=http://127.0.0.1:1/v1",
            'model_providers."my.dotted".base_url="http://h/v1"',
            "model_providers.x.request_max_retries=9",
        ],
        model_provider="x",
    )
    assert config.model_provider_id == "x"
    assert config.model_provider.name == "x"
    assert config.model_provider.request_max_retries == 9
    assert config.model_providers["my.dotted"].base_url == "http://h/v1"


def test_override_value_falls_back_to_a_plain_string(tmp_path: Path) -> None:
    config = Config.load(tmp_path, cwd=tmp_path, overrides=["model=gpt-5.1-codex"])
    assert config.model == "gpt-5.1-codex"


def test_dict_overrides(tmp_path: Path) -> None:
    config = Config.load(tmp_path, cwd=tmp_path, overrides={"features.memories": True})
    assert config.features.memories is True


def test_bad_toml_names_file_line_and_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'model = "a"\napproval_policy = on-request\n')
    with pytest.raises(ConfigError) as info:
        Config.load(tmp_path, cwd=tmp_path)
    message = str(info.value)
    assert message.startswith(f"{path}:2:")
    assert "approval_policy" in message
    assert "quotes" in message
    assert "\n" not in message


def test_wrong_type_names_key_and_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, 'model = "a"\n\n[features]\nmemories = "sometimes"\n')
    with pytest.raises(ConfigError) as info:
        Config.load(tmp_path, cwd=tmp_path)
    message = str(info.value)
    assert message.startswith(f"{path}:4:")
    assert "`features.memories`" in message
    assert "boolean" in message
    assert "\n" not in message


def test_wrong_literal_from_override_names_the_override(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        Config.load(tmp_path, cwd=tmp_path, overrides=["approval_policy=always"])
    message = str(info.value)
    assert message.startswith("-c approval_policy=always:")
    assert "on-request" in message


def test_provider_limits_are_checked(tmp_path: Path) -> None:
    write_config(tmp_path, "[model_providers.ollama]\nrequest_max_retries = 1000\n")
    with pytest.raises(ConfigError, match=r"config.toml:2: `model_providers.ollama.request_max"):
        Config.load(tmp_path, cwd=tmp_path)


def test_new_provider_needs_a_base_url(tmp_path: Path) -> None:
    write_config(tmp_path, '[model_providers.mine]\nname = "Mine"\n')
    with pytest.raises(ConfigError, match=r"`model_providers.mine.base_url` is required"):
        Config.load(tmp_path, cwd=tmp_path)


def test_malformed_override(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected key=value"):
        Config.load(tmp_path, cwd=tmp_path, overrides=["model"])


def test_unknown_key_is_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Returned once in ``config.warnings`` (which every front end prints), never also logged:
    logging it as well showed each warning twice."""
    path = write_config(
        tmp_path, 'modle = "x"\nnotify = "y"\n[features]\nmemories = true\nfoo = 1\n'
    )
    config = Config.load(tmp_path, cwd=tmp_path)
    assert config.features.memories is True
    assert [w for w in config.warnings if "unknown key" in w] == [
        f"{path}:1: unknown key `modle` ignored (did you mean `model`?)",
        f"{path}:2: unknown key `notify` ignored",
        f"{path}:5: unknown key `features.foo` ignored",
    ]
    assert "unknown key" not in caplog.text


def test_unknown_provider_lists_known_ids(tmp_path: Path) -> None:
    write_config(tmp_path, 'model_provider = "nope"\n')
    with pytest.raises(ConfigError) as info:
        Config.load(tmp_path, cwd=tmp_path)
    assert "unknown model_provider `nope`" in str(info.value)
    assert "lmstudio, local, ollama, openai" in str(info.value)


def test_for_testing(tmp_path: Path) -> None:
    endpoint = RuntimeEndpoint(name="S", base_url="http://127.0.0.1:1/v1")
    config = Config.for_testing(tmp_path, tmp_path, "scripted", endpoint, "m")
    assert config.model_provider_id == "scripted"
    assert config.model_providers == {"scripted": endpoint}
    assert config.model == "m"


def test_lha_home_dir_is_private(tmp_path: Path) -> None:
    home = lha_home_dir(tmp_path / "a" / "home")
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_save_config_value_keeps_comments(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '# my settings\nmodel = "a"  # the usual one\n\n'
        "[features]\n# off for now\nmemories = false\n",
    )
    save_config_value(tmp_path, "model", "gpt-5.1")
    save_config_value(tmp_path, "tui.theme", "dark")
    save_config_value(tmp_path, "features.memories", None)
    text = path.read_text()
    assert '# my settings\nmodel = "gpt-5.1"  # the usual one\n' in text
    assert "# off for now" in text
    assert "memories" not in text.replace("# off for now", "")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = Config.load(tmp_path, cwd=tmp_path)
    assert (config.model, config.tui.theme) == ("gpt-5.1", "dark")


def test_save_config_value_creates_home_and_file(tmp_path: Path) -> None:
    path = save_config_value(tmp_path / "new", "model", "m")
    assert path.read_text() == 'model = "m"\n'
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_sandbox_workspace_write_table(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        '[sandbox_workspace_write]\nwritable_roots = ["~/.cache", "build"]\n'
        "network_access = true\nexclude_tmpdir = true\n",
    )
    config = Config.load(tmp_path, cwd=tmp_path)
    table = config.sandbox_workspace_write
    assert table.writable_roots == [Path("~/.cache"), Path("build")]
    assert table.network_access is True
    unknown = [w for w in config.warnings if "unknown key" in w]
    assert unknown == [f"{path}:4: unknown key `sandbox_workspace_write.exclude_tmpdir` ignored"]
    with pytest.raises(ConfigError, match=r"sandbox_workspace_write\.network_access"):
        Config.load(tmp_path, cwd=tmp_path, overrides=["sandbox_workspace_write.network_access=2"])
