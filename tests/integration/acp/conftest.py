"""An LHA_HOME pointed at the scripted model server, and a work folder, for ``lha acp`` tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli_exec import write_config
from tests.support.acp_client import RecordingClient
from tests.support.scripted_server import ScriptedServer


@pytest.fixture
def home(tmp_path: Path, scripted_server_thread: ScriptedServer) -> Path:
    path = tmp_path / "lha-home"
    write_config(path, scripted_server_thread)
    return path


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def client() -> RecordingClient:
    return RecordingClient()
