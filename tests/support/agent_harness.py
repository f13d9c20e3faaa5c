"""Helpers for driving real agent threads against the scripted server in tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core.agent.agent_thread import AgentThread
from core.agent.thread_manager import ThreadManager
from core.auth import LhaAuth
from core.config import Config
from core.llm.providers.endpoint import RuntimeEndpoint, WireApi
from core.protocol.events import Event, EventMsg, TaskComplete
from core.protocol.ops import UserInput
from core.protocol.session import DynamicToolSpec
from tests.support.scripted_server import Reply, ScriptedServer

TEST_KEY = "sk-test-SECRET-0123456789"


@dataclass
class Harness:
    manager: ThreadManager
    config: Config
    home: Path
    server: ScriptedServer


def make_harness(
    tmp_path: Path,
    server: ScriptedServer,
    wire_api: WireApi = "chat",
    *,
    requires_auth: bool = False,
    saved_key: str | None = TEST_KEY,
    model: str = "gpt-test",
    **endpoint_fields: object,
) -> Harness:
    home = tmp_path / "home"
    work = tmp_path / "work"
    work.mkdir(parents=True, exist_ok=True)
    fields: dict[str, object] = {"stream_idle_timeout_ms": 2_000, **endpoint_fields}
    endpoint = RuntimeEndpoint(
        name="Scripted",
        base_url=server.base_url,
        wire_api=wire_api,
        requires_auth=requires_auth,
        **fields,  # type: ignore[arg-type]
    )
    manager = ThreadManager.with_models_provider_and_home(
        LhaAuth.from_api_key(saved_key) if saved_key else None,  # type: ignore[arg-type]
        "test-provider",
        endpoint,
        home,
    )
    config = Config.for_testing(home, cwd=work, provider=endpoint, model=model)
    return Harness(manager=manager, config=config, home=home, server=server)


async def events_until(
    thread: AgentThread, stop: Callable[[EventMsg], bool], within_s: float = 10.0
) -> list[Event]:
    """Read events until one matches ``stop`` (included)."""
    out: list[Event] = []

    async def read() -> None:
        while True:
            event = await thread.next_event()
            out.append(event)
            if stop(event.msg):
                return

    await asyncio.wait_for(read(), within_s)
    return out


def is_turn_end(msg: EventMsg) -> bool:
    return msg.type in ("task_complete", "error", "turn_aborted")


async def run_turn(thread: AgentThread, text: str, within_s: float = 10.0) -> list[Event]:
    """Submit ``text`` and return the turn's events through its end."""
    await thread.submit(UserInput.text(text))
    return await events_until(thread, is_turn_end, within_s)


def types(events: list[Event]) -> list[str]:
    return [e.msg.type for e in events]


def completed(events: list[Event]) -> TaskComplete:
    last = events[-1].msg
    assert isinstance(last, TaskComplete), types(events)
    return last


async def past_session(
    tmp_path: Path,
    server: ScriptedServer,
    *questions: str,
    dynamic_tools: list[DynamicToolSpec] | None = None,
) -> Path:
    """A finished session on disk (in ``tmp_path/home``), as an earlier lha run leaves it; each
    question is answered ``answer to <question>``. Returns its rollout path."""
    harness = make_harness(tmp_path, server)
    new = await harness.manager.start_thread_with_tools(harness.config, dynamic_tools or [])
    for question in questions:
        server.enqueue(Reply.text(f"answer to {question}"))
        await run_turn(new.thread, question)
    path = new.thread.rollout_path
    await harness.manager.remove_and_close_all_threads()
    assert path is not None
    return path
