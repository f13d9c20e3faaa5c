"""Folders the user may not read, met for real: ``lha`` runs as the unprivileged ``nobody``.

The suite runs as root, which can read everything, so these tests start ``lha`` through
``setpriv`` as ``nobody`` against folders only root may enter. They are skipped where that is
not possible (no setpriv, not root, or ``nobody`` cannot reach the Python that runs the tests).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.test_hostile_inputs import one_error_line
from tests.support.rollout_factory import write_rollout

REPO = Path(__file__).resolve().parents[2]
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _can_run_as_nobody() -> bool:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    probe = subprocess.run(
        [*AS_NOBODY, sys.executable, "-c", "import tui.cli"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        cwd="/",
        timeout=60,
    )
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(
    not _can_run_as_nobody(), reason="needs root, setpriv and a Python `nobody` can run"
)


@pytest.fixture
def world() -> Iterator[Path]:
    """A folder everyone may enter (pytest's own tmp folders are root-only)."""
    path = Path(tempfile.mkdtemp(prefix="lha-unreadable-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def lha_as_nobody(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LHA_HOME": str(home), "PYTHONPATH": str(REPO), "HOME": str(home)}
    return subprocess.run(
        [*AS_NOBODY, sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd="/",
    )


def nobody_home(world: Path) -> Path:
    home = world / "home"
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text(
        'model_provider = "x"\n[model_providers.x]\nbase_url = "http://127.0.0.1:9/v1"\n'
    )
    for path in (home, home / "config.toml"):
        os.chown(path, 65534, 65534)
    return home


def test_a_rollout_in_a_folder_nobody_may_read(world: Path) -> None:
    locked = world / "locked"
    locked.mkdir(mode=0o700)
    rollout = write_rollout(locked, world, 1)
    result = lha_as_nobody(nobody_home(world), "exec", "resume", str(rollout), "hi")
    assert result.returncode == 2
    assert "permission denied" in one_error_line(result)


def test_exec_dash_c_into_a_folder_nobody_may_read(world: Path) -> None:
    locked = world / "locked"
    locked.mkdir(mode=0o700)
    home = nobody_home(world)
    result = lha_as_nobody(home, "exec", "-C", str(locked / "inner"), "hi")
    assert result.returncode == 2
    assert "permission denied" in one_error_line(result)
    result = lha_as_nobody(home, "exec", "-C", str(locked), "hi")
    assert result.returncode == 2
    assert "permission denied" in one_error_line(result)
