"""run_process: exit codes, a background child holding the pipe, timeouts and cancellation."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from core.tools.exec_runner import run_process
from core.tools.shell_env import command_env


async def run(script: str, tmp_path: Path, timeout_s: float = 5.0) -> tuple[int | None, str, bool]:
    chunks: list[str] = []
    result = await run_process(
        ["sh", "-c", script],
        cwd=tmp_path,
        env=command_env(),
        timeout_s=timeout_s,
        on_output=chunks.append,
    )
    assert "".join(chunks) == result.output
    return result.exit_code, result.output, result.timed_out


async def test_exit_code_and_merged_output(tmp_path: Path) -> None:
    assert await run("echo out; echo err >&2; exit 4", tmp_path) == (4, "out\nerr\n", False)


async def test_a_background_child_does_not_hold_the_result(tmp_path: Path) -> None:
    started = time.monotonic()
    code, output, timed_out = await run("sleep 30 & echo hi", tmp_path)
    assert (code, output, timed_out) == (0, "hi\n", False)
    assert time.monotonic() - started < 3


async def test_timeout_kills_the_group(tmp_path: Path) -> None:
    code, output, timed_out = await run("echo a; sleep 30; echo b", tmp_path, timeout_s=0.3)
    assert code is None and timed_out and output == "a\n"


async def test_cancellation_kills_the_command(tmp_path: Path) -> None:
    marker = tmp_path / "done"
    task = asyncio.create_task(run(f"sleep 0.5; touch {marker}", tmp_path))
    await asyncio.sleep(0.1)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await asyncio.sleep(0.8)
    assert not marker.exists()
