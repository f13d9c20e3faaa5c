"""Fuzzing rollouts by mutating a valid one: reading, listing and resuming never trace back
(only an ``LhaError``), and never change the file except by appending."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import LhaError
from core.rollout.head import read_head
from core.rollout.listing import list_threads_sync
from core.rollout.reader import load_rollout_sync
from tests.fuzz.loop_thread import LoopThread, loop_thread
from tests.support.agent_harness import make_harness
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import serve_in_thread


def _flip(data: bytes, at: int, value: int) -> bytes:
    at %= max(len(data), 1)
    return data[:at] + bytes([value]) + data[at + 1 :]


def _cut(data: bytes, start: int, length: int) -> bytes:
    start %= max(len(data), 1)
    return data[:start] + data[start + length :]


def _insert(data: bytes, at: int, junk: bytes) -> bytes:
    at %= max(len(data), 1)
    return data[:at] + junk + data[at:]


def _swap_lines(data: bytes, a: int, b: int) -> bytes:
    lines = data.split(b"\n")
    a, b = a % len(lines), b % len(lines)
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


def _truncate(data: bytes, size: int) -> bytes:
    return data[: size % max(len(data), 1)]


mutations = st.one_of(
    st.tuples(st.just(_flip), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just(_cut), st.integers(0, 10**6), st.integers(1, 200)),
    st.tuples(
        st.just(_insert),
        st.integers(0, 10**6),
        st.sampled_from([b"\n", b"\x00", b"{", b'"', b"\xff\xfe", b"[" * 2000, b"\r\n"]),
    ),
    st.tuples(st.just(_swap_lines), st.integers(0, 100), st.integers(0, 100)),
    st.tuples(st.just(_truncate), st.integers(0, 10**6)),
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LoopThread, Any, Path]]:
    """A valid rollout to mutate, and a thread manager to resume the mutants with."""
    root = tmp_path_factory.mktemp("rollouts")
    path = write_rollout(root / "template", root, 2, provider="test-provider")
    with serve_in_thread() as server, loop_thread() as runner:
        harness = make_harness(root, server)
        yield runner, harness, path
        runner.run(harness.manager.remove_and_close_all_threads())


async def _resume_and_close(harness: Any, path: Path) -> None:
    new = await harness.manager.resume_thread_from_rollout(harness.config, path, None)
    await harness.manager.remove_and_close_all_threads()
    assert new.thread_id


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(mutations, min_size=1, max_size=4))
def test_mutated_rollouts_never_trace_back_nor_change(
    template: tuple[LoopThread, Any, Path], steps: list[tuple[Any, ...]]
) -> None:
    runner, harness, original = template
    data = original.read_bytes()
    for mutate, *args in steps:
        data = mutate(data, *args)
    home = harness.home
    shutil.rmtree(home / "sessions", ignore_errors=True)
    path = home / "sessions" / original.relative_to(original.parents[3])
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    with contextlib.suppress(LhaError):
        load_rollout_sync(path)
    read_head(path)
    list_threads_sync(home, 5)
    assert path.read_bytes() == data
    with contextlib.suppress(LhaError):
        runner.run(_resume_and_close(harness, path))
    assert path.read_bytes().startswith(data)
