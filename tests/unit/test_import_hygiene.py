"""``core`` never imports ``tui`` or textual: the engine must run without the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_core_module_imports_tui_or_textual() -> None:
    offenders = {
        str(path.relative_to(CORE.parent)): sorted(
            name
            for name in _imported_modules(path)
            if name.split(".")[0] in ("tui", "textual", "rich")
        )
        for path in CORE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_the_engine_loads_no_ui() -> None:
    code = (
        "import sys, core, core.agent.thread_manager, core.config, core.rollout;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('tui', 'textual')];"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_only_the_entry_points_import_the_app() -> None:
    """The engine side of the UI (tui/threads) reaches the app only through its port."""
    tui = CORE.parent / "tui"
    importers = {
        str(path.relative_to(tui.parent))
        for path in tui.rglob("*.py")
        if "tui.app" in _imported_modules(path)
    }
    assert importers == {"tui/commands/tui_cmd.py"}


def test_the_protocol_imports_nothing_of_core_but_errors() -> None:
    """The wire vocabulary is spoken by every package: it must not drag the client or agent in."""
    allowed = ("core.protocol", "core.errors", "core._lazy")
    offenders = {
        str(path.relative_to(CORE.parent)): sorted(
            name
            for name in _imported_modules(path)
            if name.split(".")[0] == "core" and not name.startswith(allowed)
        )
        for path in (CORE / "protocol").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_model_shapes_load_without_the_catalog_manager() -> None:
    """The model picker needs ``ModelPreset`` only: not the manager, its cache or httpx."""
    code = (
        "import sys, core.models.info, core.models.refresh_strategy;"
        "bad = [m for m in sys.modules if m in ('core.models.manager', 'httpx')];"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
