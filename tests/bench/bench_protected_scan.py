"""What watching for created ``.git``/``.lha``/``.codex`` folders costs a sandboxed command, on a
5,000-file workspace: the walk before the command (which also finds the folders to cover) and
the walk after it (the added cost)."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from core.tools.created_protected import CreationWatch
from tests.bench import BenchResult, median

REPEAT = 21
AFTER_GOAL_S = 0.02


def make_workspace(root: Path) -> None:
    """5,000 files in 620 folders three levels deep, with a nested repository."""
    for top in range(20):
        for middle in range(5):
            for leaf in range(5):
                folder = root / f"pkg{top:02d}" / f"mod{middle}" / f"part{leaf}"
                folder.mkdir(parents=True)
                for index in range(10):
                    (folder / f"file{index}.py").write_text("x = 1\n")
    subprocess.run(["git", "init", "-q", str(root / "pkg00" / "vendored")], check=True)


def _timed(repeat: int, fn: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


async def run() -> list[BenchResult]:
    return await asyncio.to_thread(_measure)


def _measure() -> list[BenchResult]:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        make_workspace(root)
        watch = CreationWatch.start([root])
        before = median(_timed(REPEAT, lambda: CreationWatch.start([root])))
        after = median(_timed(REPEAT, watch.created))
        (root / "pkg01" / "new" / "deeper").mkdir(parents=True)
        subprocess.run(["git", "init", "-q", str(root / "pkg01" / "new" / "deeper")], check=True)
        found = watch.created()
        created = median(_timed(REPEAT, watch.created))
    listed = len(watch.scans[0].listed)
    return [
        BenchResult("walk before a command", before * 1000, "ms", detail=f"{listed} folders"),
        BenchResult("walk after a command", after * 1000, "ms", AFTER_GOAL_S * 1000),
        BenchResult(
            "walk after `git init` in a new folder",
            created * 1000,
            "ms",
            AFTER_GOAL_S * 1000,
            detail=f"found {len(found)}",
        ),
    ]
