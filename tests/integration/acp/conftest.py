"""An LHA_HOME pointed at the scripted model server, and a work folder, for ``lha acp`` tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.acp_client import RecordingClient


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def client() -> RecordingClient:
    return RecordingClient()
