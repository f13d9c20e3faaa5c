"""Fixtures the integration tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli_exec import write_config
from tests.support.scripted_server import ScriptedServer


@pytest.fixture
def home(tmp_path: Path, scripted_server_thread: ScriptedServer) -> Path:
    """An LHA_HOME whose config.toml points at the scripted server (a user's set-up)."""
    path = tmp_path / "lha-home"
    write_config(path, scripted_server_thread)
    return path
