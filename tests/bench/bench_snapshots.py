"""File snapshot figures: one snapshot of a 5,000-file, 50 MB workspace where a few files
changed, and the shadow repository's size after 100 turns over it."""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
from pathlib import Path

from core.snapshots.git import find_git
from core.snapshots.recorder import FileSnapshots
from core.snapshots.store import folder_key, snapshots_dir
from tests.bench import BenchResult, measure, median

FILES = 5_000
FILE_BYTES = 10_000
TURNS = 100
CHANGED_PER_TURN = 3
WORDS = [
    *("def", "class", "return", "import", "self", "value", "result", "items", "path"),
    *("config", "thread", "turn", "model", "error", "event", "async", "await", "for"),
    *("in", "if", "else", "while", "with", "open", "read", "write", "None", "True"),
]


def make_workspace(root: Path, rng: random.Random) -> list[Path]:
    """5,000 source-like files of 10 KB in 50 folders (50 MB), and a .gitignore."""
    files = []
    for index in range(FILES):
        folder = root / f"pkg{index % 50:02d}"
        folder.mkdir(exist_ok=True)
        path = folder / f"module_{index:04d}.py"
        path.write_text(_source(rng, FILE_BYTES))
        files.append(path)
    (root / ".gitignore").write_text("*.pyc\n__pycache__/\n")
    return files


def _source(rng: random.Random, size: int) -> str:
    lines = []
    total = 0
    while total < size:
        line = "    " + " ".join(rng.choices(WORDS, k=rng.randint(4, 12))) + "\n"
        lines.append(line)
        total += len(line)
    return "".join(lines)[:size]


def edit_a_few(files: list[Path], rng: random.Random) -> None:
    for path in rng.sample(files, CHANGED_PER_TURN):
        with path.open("a") as handle:
            handle.write(_source(rng, 200))


def disk_usage(root: Path) -> int:
    """Bytes the folder takes on disk (allocated blocks, like ``du``)."""
    total = 0
    for folder, _, names in os.walk(root):
        for name in names:
            total += os.lstat(os.path.join(folder, name)).st_blocks * 512
    return total


async def run() -> list[BenchResult]:
    git = find_git()
    if git is None:
        return [BenchResult("snapshot (git missing)", 0, "ms", detail="install git")]
    rng = random.Random(12)
    with tempfile.TemporaryDirectory(prefix="lha-bench-snap-") as tmp:
        home, work = Path(tmp) / "home", Path(tmp) / "work"
        work.mkdir()
        files = await asyncio.to_thread(make_workspace, work, rng)
        snapshots = FileSnapshots(home, "01900000-0000-7000-8000-000000000000", git)
        turn = 0

        async def one_turn() -> None:
            nonlocal turn
            await asyncio.to_thread(snapshots.before_turn, turn, [work.resolve()])
            edit_a_few(files, rng)
            await asyncio.to_thread(snapshots.after_turn)
            turn += 1

        first = await measure(one_turn, repeat=1)
        timings = [
            seconds
            for i in range(10)
            for seconds in await _timed_snapshot(snapshots, files, rng, turn + i, work)
        ]
        turn += 10
        await measure(one_turn, repeat=TURNS - turn)
        store = snapshots_dir(home) / "folders" / folder_key(work.resolve())
        work_size, store_size = disk_usage(work), disk_usage(store)
    return [
        BenchResult(
            "snapshot, 5,000 files / 50 MB, 3 changed",
            median(timings) * 1000,
            "ms",
            goal=150,
            detail=f"first snapshot (everything hashed): {first[0] * 1000:.0f} ms; "
            f"max of 20 (10 turns' before and after): {max(timings) * 1000:.0f} ms",
        ),
        BenchResult(
            f"shadow repository after {TURNS} turns / workspace size",
            store_size / work_size,
            "x",
            goal=1.5,
            detail=f"{store_size / 1e6:.1f} MB for a {work_size / 1e6:.1f} MB workspace",
        ),
    ]


async def _timed_snapshot(
    snapshots: FileSnapshots, files: list[Path], rng: random.Random, turn: int, work: Path
) -> list[float]:
    """A turn's "before" snapshot after a few files changed and its "after" once a few more
    did, each as the turn takes it (off the event loop)."""
    edit_a_few(files, rng)
    [before] = await measure(
        lambda: asyncio.to_thread(snapshots.before_turn, turn, [work.resolve()]), repeat=1
    )
    edit_a_few(files, rng)
    [after] = await measure(lambda: asyncio.to_thread(snapshots.after_turn), repeat=1)
    return [before, after]
