"""Fuzzing prompts: any text (lone surrogates, NUL, escapes, huge lines) goes through a real
turn against the scripted server, ends the turn, and leaves a rollout that reads back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.protocol.events import TaskComplete
from core.rollout.reader import load_rollout_sync
from tests.fuzz.loop_thread import LoopThread, loop_thread
from tests.support.agent_harness import make_harness, run_turn
from tests.support.scripted_server import serve_in_thread

prompts = st.one_of(
    st.text(min_size=1, max_size=200),
    st.text(st.characters(codec=None, categories=["Cs", "Cc", "Zs"]), min_size=1, max_size=50),
    st.sampled_from(["\x00", "\ud800", "\udfff x", "\x1b]52;c;aGk=\x07", "a\r\nb", " " * 5000]),
)


@pytest.fixture(scope="module")
def turn_thread(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LoopThread, Any]]:
    with serve_in_thread() as server, loop_thread() as runner:
        server.echo_reasoning = False
        harness = make_harness(tmp_path_factory.mktemp("prompts"), server)

        async def start() -> Any:
            return await harness.manager.start_thread_with_tools(harness.config, [])

        new = runner.run(start())
        yield runner, new.thread
        runner.run(harness.manager.remove_and_close_all_threads())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(prompt=prompts)
def test_any_prompt_ends_its_turn_and_reads_back(
    turn_thread: tuple[LoopThread, Any], prompt: str
) -> None:
    runner, thread = turn_thread
    events = runner.run(run_turn(thread, prompt, within_s=20))
    assert isinstance(events[-1].msg, TaskComplete), [e.msg.type for e in events]
    path: Path | None = thread.rollout_path
    assert path is not None
    loaded = load_rollout_sync(path)
    assert loaded.report.bad_lines == 0 and not loaded.report.torn_last_line
