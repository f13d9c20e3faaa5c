"""The bulk build's second process (``core.index.extract_worker``), run as the build runs it."""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from core.index.bulk import _import_path
from core.index.ingest import PreparedRollout
from core.index.scan import RolloutFile
from tests.unit.index.helpers import append_turn, new_rollout


@contextlib.contextmanager
def _worker() -> Iterator[subprocess.Popen[bytes]]:
    """The worker as ``bulk`` starts it; killed at the end if a test left it running."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "core.index.extract_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": _import_path()},
    )
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.wait()


def _batch(tmp_path: Path) -> list[RolloutFile]:
    path = new_rollout(tmp_path / "home", tmp_path)
    append_turn(path, "question about the shearwater", "answer", tool_output="output")
    size = path.stat().st_size
    return [RolloutFile(str(path), size, path.stat().st_mtime_ns, archived=False)]


def test_answers_come_back_in_order_while_later_batches_are_extracted(tmp_path: Path) -> None:
    batch = _batch(tmp_path)
    with _worker() as worker:
        assert worker.stdin is not None and worker.stdout is not None
        for start in (0, 0, 10**9):
            pickle.dump((batch, {batch[0].path: start}), worker.stdin)
        worker.stdin.close()
        answers = [pickle.load(worker.stdout) for _ in range(3)]
        assert worker.wait(timeout=30) == 0
    first, again, past_the_end = (answer[0] for answer in answers)
    assert isinstance(first, PreparedRollout) and first == again
    assert [line.text for _, _, line in first.lines] == [
        "question about the shearwater",
        "output",
        "answer",
    ]
    assert past_the_end is not None and past_the_end.lines == []


def test_a_worker_whose_answers_nobody_reads_still_ends_with_its_input(tmp_path: Path) -> None:
    """The parent gone (its end of the pipe closed): the sending thread stops writing but keeps
    taking answers, so extraction never blocks on a full queue and the process ends."""
    batch = _batch(tmp_path)
    with _worker() as worker:
        assert worker.stdin is not None and worker.stdout is not None
        worker.stdout.close()
        for _ in range(6):
            pickle.dump((batch, {}), worker.stdin)
        worker.stdin.close()
        worker.wait(timeout=30)
