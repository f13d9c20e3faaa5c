"""The embedded model for real: llama.cpp's server started by lha, driven through the ThreadManager.

Two turns, a fork and a resume against SmolLM2-135M, and forty turns that outgrow its window.
The server cannot be asked what it received, so the requests are checked where lha builds them
(``wire_chat.build_body``, the exact JSON sent) and the answers where lha records them (events
and rollout files).
Skipped without the ``lha[local]`` extra; ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.agent.thread_manager import NewThread, ThreadManager
from core.auth import LhaAuth
from core.config import Config
from core.llm import wire_chat
from core.llm.local import CONTEXT_WINDOW, MODEL_ALIAS
from core.llm.local.availability import INSTALL_HINT, extra_installed
from core.llm.local.server import llama_server_spec, shared_server
from core.llm.providers.built_in import LOCAL_PROVIDER_ID, local_endpoint
from core.llm.request import ModelRequest
from core.protocol.events import (
    AgentMessageDelta,
    ContextCompacted,
    TaskStarted,
    TokenCount,
    Warning,
)
from core.rollout.session_prefix import is_session_prefix_text
from tests.support.agent_harness import completed, run_turn

pytestmark = [
    pytest.mark.local_model,
    pytest.mark.skipif(
        not extra_installed(), reason=f"embedded model not installed: {INSTALL_HINT}"
    ),
    pytest.mark.timeout(600),
]

BRIEF = "You are a helpful assistant. Answer in one short sentence."
TURN_S = 180.0
"""Generous: a 2-core CI machine may be busy with other tests' processes."""


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[dict[str, Any]]]]:
    """The ``messages`` of every chat request lha sends, in order."""
    bodies: list[list[dict[str, Any]]] = []
    original = wire_chat.build_body

    def recording(req: ModelRequest) -> dict[str, Any]:
        body = original(req)
        bodies.append(body["messages"])
        return body

    monkeypatch.setattr(wire_chat, "build_body", recording)
    yield bodies
    shared_server(llama_server_spec()).stop()


def dialogue(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(role, content) of the user and assistant messages, without the session prefix
    (environment context, AGENTS.md): the conversation itself."""
    return [
        (m["role"], m["content"])
        for m in messages
        if m["role"] in ("user", "assistant") and not is_session_prefix_text(m["content"])
    ]


def recorded_texts(rollout: Path) -> list[str]:
    """Every string value in the rollout's lines (answers may hold any Unicode)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for line in rollout.read_text(encoding="utf-8").splitlines():
        walk(json.loads(line))
    return found


async def ask(new: NewThread, text: str) -> tuple[str, int, TokenCount]:
    events = await run_turn(new.thread, text, within_s=TURN_S)
    answer = completed(events).last_agent_message or ""
    deltas = sum(isinstance(e.msg, AgentMessageDelta) for e in events)
    counts = [e.msg for e in events if isinstance(e.msg, TokenCount)]
    return answer, deltas, counts[-1]


async def test_two_turns_fork_and_resume_with_the_real_model(
    tmp_path: Path, sent: list[list[dict[str, Any]]]
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir(parents=True)
    endpoint = local_endpoint()
    manager = ThreadManager.with_models_provider_and_home(
        LhaAuth.from_api_key("unused"), LOCAL_PROVIDER_ID, endpoint, home
    )
    config = Config.for_testing(home, cwd=work, provider_id=LOCAL_PROVIDER_ID, provider=endpoint)

    source = await manager.start_thread(config)
    assert source.session_configured.model == MODEL_ALIAS, "the catalog's default for local"
    q1, q2 = "What is the capital of France? Answer in one sentence.", "And of Italy?"
    a1, deltas, count = await ask(source, q1)
    assert a1.strip() and deltas > 1, "a streamed, non-empty answer"
    assert count.info is not None and count.info.last_token_usage.output_tokens == deltas, (
        "usage estimated: one output token per streamed chunk"
    )
    server = shared_server(llama_server_spec())
    server_pid = server.pid
    assert server_pid is not None
    a2, _, _ = await ask(source, q2)
    assert a2.strip()
    assert dialogue(sent[1]) == [("user", q1), ("assistant", a1), ("user", q2)]
    assert sent[1][0]["role"] == "system", "lha's instructions go first"

    source_path = source.thread.rollout_path
    assert source_path is not None
    await manager.remove_and_close_all_threads()
    assert a2 in recorded_texts(source_path), "the second answer is in the rollout"

    q3 = "And of Spain?"
    forked = await manager.fork_thread(1, config, source_path)
    assert forked.session_configured.forked_from_id == source.thread_id
    a3, _, _ = await ask(forked, q3)
    assert a3.strip()
    assert dialogue(sent[2]) == [("user", q1), ("assistant", a1), ("user", q3)]

    q4 = "Thank you. Which of the two cities is larger?"
    resumed = await manager.resume_thread_from_rollout(config, source_path, manager.auth_manager())
    assert resumed.thread_id == source.thread_id
    a4, _, _ = await ask(resumed, q4)
    assert a4.strip()
    assert dialogue(sent[3]) == [
        ("user", q1),
        ("assistant", a1),
        ("user", q2),
        ("assistant", a2),
        ("user", q4),
    ]
    assert server.pid == server_pid, "one server for every thread, never restarted"
    await manager.remove_and_close_all_threads()


ANSWER_TOKENS = 24
"""Each answer's cap: the test is about the window filling, not about long answers, and a cap
makes every turn cost about the same (the model would otherwise ramble until its window)."""
FILLER = (
    "Context for the count: we are numbering the pages of a long field notebook about herons, "
    "one page at a time, and nothing else matters here. "
)
"""Every question carries these bytes, so the history grows by a known amount each turn
whatever the model answers: the window fills, and compaction comes, within 40 turns."""


@pytest.fixture
def short_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Caps each ordinary answer at ``ANSWER_TOKENS`` (a compaction's summary keeps its own
    cap); the request is otherwise exactly what lha builds."""
    original = wire_chat.build_body

    def capped(req: ModelRequest) -> dict[str, Any]:
        body = original(req)
        body.setdefault("max_tokens", ANSWER_TOKENS)
        return body

    monkeypatch.setattr(wire_chat, "build_body", capped)


async def test_forty_turns_keep_answering_compacting_as_they_go(
    tmp_path: Path, short_answers: None, sent: list[list[dict[str, Any]]]
) -> None:
    """A 4K window fills after a few turns: compaction (not the oldest-turns cut) keeps every
    turn answering, and a request never carries the whole conversation."""
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir(parents=True)
    endpoint = local_endpoint()
    manager = ThreadManager.with_models_provider_and_home(
        LhaAuth.from_api_key("unused"), LOCAL_PROVIDER_ID, endpoint, home
    )
    config = Config.for_testing(
        home,
        cwd=work,
        provider_id=LOCAL_PROVIDER_ID,
        provider=endpoint,
        base_instructions=BRIEF,  # short prompts keep 40 turns fast on a busy CPU
    )
    new = await manager.start_thread(config)
    compactions: list[ContextCompacted] = []
    warnings: list[str] = []
    windows: set[int | None] = set()
    for n in range(40):
        events = await run_turn(
            new.thread, f"{FILLER}In five words: what comes after {n}?", within_s=TURN_S
        )
        assert completed(events).last_agent_message, f"turn {n} answered"
        compactions += [e.msg for e in events if isinstance(e.msg, ContextCompacted)]
        warnings += [e.msg.message for e in events if isinstance(e.msg, Warning)]
        windows |= {e.msg.model_context_window for e in events if isinstance(e.msg, TaskStarted)}
    assert windows == {CONTEXT_WINDOW}, f"the embedded model's window: {windows}"
    assert len(compactions) >= 2, f"compacted as it went, not once: {compactions}; {warnings}"
    assert all(c.tokens_after < c.tokens_before for c in compactions)
    last = dialogue(sent[-1])
    assert not any("after 0?" in text for _, text in last), "the first turn is summarised"
    path = new.thread.rollout_path
    assert path is not None
    await manager.remove_and_close_all_threads()
    texts = recorded_texts(path)
    assert sum("In five words: what" in t for t in texts) >= 40, "the rollout keeps all"
