"""``lha`` tells pydantic there are no plugins instead of letting it read every installed
package's metadata (core.pydantic_no_plugins)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_models_are_built_without_reading_package_metadata() -> None:
    out = _run(
        "import sys\n"
        "from core import pydantic_no_plugins\n"
        "pydantic_no_plugins.install()\n"
        "import core.protocol.rollout, core.config\n"
        "from core.protocol.items import InputText\n"
        "assert InputText(text='heron').text == 'heron'\n"
        "print('importlib.metadata' in sys.modules)\n"
    )
    assert out == "False"


def test_any_other_name_loads_the_real_module() -> None:
    out = _run(
        "import sys\n"
        "from core import pydantic_no_plugins\n"
        "pydantic_no_plugins.install()\n"
        "from pydantic.plugin import _loader\n"
        "print(_loader.get_plugins() == (), _loader.PYDANTIC_ENTRY_POINT_GROUP)\n"
    )
    assert out == "True pydantic"


def test_lha_installs_it() -> None:
    out = _run(
        "import contextlib, sys\n"
        "import tui.cli\n"
        "with contextlib.redirect_stdout(None), contextlib.suppress(SystemExit):\n"
        "    tui.cli.main(['--version'])\n"
        "print(type(sys.modules['pydantic.plugin._loader']).__name__)\n"
    )
    assert out == "_StandIn"
