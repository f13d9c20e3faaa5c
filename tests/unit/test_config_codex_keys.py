"""A Codex CLI user's config.toml loads in lha: MCP over HTTP, disabled servers, tool filters,
``model_context_window`` and the older ``approval_policy = "on-failure"``."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Config
from core.errors import ConfigError
from tests.unit.test_config import write_config

CODEX_CONFIG = """
model = "qwen"
model_provider = "ollama"
approval_policy = "on-failure"
model_context_window = 8192
[mcp_servers.docs]
url = "https://mcp.example.com/mcp"
bearer_token_env_var = "DOCS_TOKEN"
http_headers = { "X-Org" = "acme" }
enabled_tools = ["search"]
[mcp_servers.old]
command = "old-server"
enabled = false
"""


def test_a_codex_users_config_loads_with_one_warning(tmp_path: Path) -> None:
    path = write_config(tmp_path, CODEX_CONFIG)
    config = Config.load(tmp_path, cwd=tmp_path)
    assert config.approval_policy == "on-request"
    assert config.warnings == [
        f"{path}:4: approval_policy `on-failure` is used as `on-request` (commands run in the "
        "sandbox; you are asked to go beyond it)"
    ]
    assert config.model_context_window == 8192
    docs, old = config.mcp_servers["docs"], config.mcp_servers["old"]
    assert (docs.url, docs.command, docs.bearer_token_env_var) == (
        "https://mcp.example.com/mcp",
        None,
        "DOCS_TOKEN",
    )
    assert docs.http_headers == {"X-Org": "acme"}
    assert docs.offers("search") and not docs.offers("delete")
    assert old.enabled is False and old.offers("anything")


def test_a_server_with_neither_command_nor_url_names_its_table(tmp_path: Path) -> None:
    write_config(tmp_path, '[mcp_servers.x]\nargs = ["a"]\n')
    with pytest.raises(ConfigError, match=r"mcp_servers\.x.*either command .* or url"):
        Config.load(tmp_path, cwd=tmp_path)


def test_model_context_window_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="model_context_window"):
        Config.load(tmp_path, cwd=tmp_path, overrides=["model_context_window=0"])
