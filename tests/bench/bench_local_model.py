"""The embedded model (SmolLM2-135M via llama.cpp's server) as lha sees it.

Figures, each with lha's own code paths:

* server start: spawning ``llama_cpp.server`` until ``GET /v1/models`` answers;
* the client (``LocalModelClient``): time to first token and decode tokens/s for short prompts,
  each new (no prefix cache hit beyond the chat template);
* a whole agent turn through the ThreadManager (lha's instructions and environment context in
  the prompt, tools attached): submit to first ``AgentMessageDelta``, and deltas/s.

The TUI's figure (keypress to characters on screen) reuses ``tests.bench.local_stream``.
Skipped, with the reason on stderr, when the ``lha[local]`` extra is not installed.
Reference on 2 cores (shared/reference/local-model.md): ready 0.8 s, first token 0.08-0.11 s,
65-95 tokens/s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path

from core.agent.agent_thread import AgentThread
from core.agent.thread_manager import ThreadManager
from core.auth import LhaAuth
from core.config import Config
from core.llm.local import MODEL_ALIAS
from core.llm.local.client import LocalModelClient
from core.llm.local.server import LocalServer, llama_server_spec, shared_server
from core.llm.providers.built_in import LOCAL_PROVIDER_ID, local_endpoint
from core.llm.request import ModelRequest
from core.llm.response_events import TextDelta
from core.protocol.events import AgentMessageDelta, EventMsg
from core.protocol.items import user_message
from core.protocol.ops import UserInput
from tests.bench import BenchResult, median
from tests.bench.local_stream import StreamTiming, local_model_missing, time_stream, timing_results

PROMPTS = [
    "Name three primary colors.",
    "Write a haiku about a cat.",
    "What is the boiling point of water in Celsius?",
    "Give two tips for writing clean Python code.",
    "Explain in two sentences what a compiler does.",
]
AGENT_QUESTIONS = [
    "What is the capital of France?",
    "Write one sentence about the sea.",
    "List two fruits.",
]


async def _server_start() -> BenchResult:
    server = LocalServer(llama_server_spec())
    started = time.perf_counter()
    try:
        await server.ensure_ready()
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    return BenchResult("server start to ready", elapsed, "s", 3.0, detail="cold, GET /v1/models")


async def _client_timings() -> list[StreamTiming]:
    client = LocalModelClient(local_endpoint())
    try:
        await client.server().ensure_ready()
        timings = []
        for prompt in PROMPTS:
            req = ModelRequest(model=MODEL_ALIAS, instructions="", input=[user_message(prompt)])
            async with aclosing(client.stream(req)) as events:
                timings.append(await time_stream(events, lambda e: isinstance(e, TextDelta)))
        return timings
    finally:
        await client.aclose()


async def _events(thread: AgentThread) -> AsyncIterator[EventMsg]:
    while True:
        yield (await thread.next_event()).msg


async def _agent_timings(home: Path) -> list[StreamTiming]:
    endpoint = local_endpoint()
    manager = ThreadManager.with_models_provider_and_home(
        LhaAuth.from_api_key("unused"), LOCAL_PROVIDER_ID, endpoint, home
    )
    work = home / "work"
    work.mkdir(parents=True, exist_ok=True)
    config = Config.for_testing(home, cwd=work, provider_id=LOCAL_PROVIDER_ID, provider=endpoint)
    timings = []
    try:
        for question in AGENT_QUESTIONS:
            new = await manager.start_thread(config)  # a new thread: no history to reuse
            started = time.perf_counter()
            await new.thread.submit(UserInput.text(question))
            timings.append(
                await time_stream(
                    _events(new.thread),
                    lambda m: isinstance(m, AgentMessageDelta),
                    started,
                    until=lambda m: getattr(m, "type", "") in ("task_complete", "error"),
                )
            )
    finally:
        await manager.remove_and_close_all_threads()
    return timings


LONG_TURNS = 10
LONG_MESSAGE = "the quick brown fox jumps over the lazy dog. " * 25


async def _long_conversation(home: Path) -> list[float]:
    """Ten turns of about 250 words in one thread: it outgrows the 4,096-token window around
    the fifth. Returns each turn's submit-to-first-delta time."""
    endpoint = local_endpoint()
    manager = ThreadManager.with_models_provider_and_home(
        LhaAuth.from_api_key("unused"), LOCAL_PROVIDER_ID, endpoint, home
    )
    work = home / "work"
    work.mkdir(parents=True, exist_ok=True)
    config = Config.for_testing(home, cwd=work, provider_id=LOCAL_PROVIDER_ID, provider=endpoint)
    firsts: list[float] = []
    try:
        new = await manager.start_thread(config)
        for n in range(LONG_TURNS):
            started = time.perf_counter()
            await new.thread.submit(UserInput.text(f"Part {n}: {LONG_MESSAGE} Answer in a word."))
            timing = await time_stream(
                _events(new.thread),
                lambda m: isinstance(m, AgentMessageDelta),
                started,
                until=lambda m: getattr(m, "type", "") in ("task_complete", "error"),
            )
            firsts.append(timing.first_token_s)
    finally:
        await manager.remove_and_close_all_threads()
    return firsts


async def run() -> list[BenchResult]:
    reason = local_model_missing()
    if reason is not None:
        print(f"  skipped: {reason}", file=sys.stderr)
        return []
    results = [await _server_start()]
    try:
        client = await _client_timings()
        with tempfile.TemporaryDirectory(prefix="lha-bench-local-") as tmp:
            agent = await _agent_timings(Path(tmp))
        with tempfile.TemporaryDirectory(prefix="lha-bench-local-long-") as tmp:
            long_firsts = await _long_conversation(Path(tmp))
    finally:
        shared_server(llama_server_spec()).stop()
    results += timing_results(
        "client, short prompt", client, first_token_goal_s=0.5, tokens_per_s_goal=30.0
    )
    results += timing_results(
        "agent turn (lha prompt)",
        agent,
        first_token_goal_s=2.0,
        tokens_per_s_goal=25.0,
        detail="new thread each time, submit to first delta",
    )
    results.append(
        BenchResult(
            "agent turn, first ever: time to first token",
            agent[0].first_token_s,
            "s",
            3.0,
            detail="lha's instructions not yet in the server's prefix cache",
        )
    )
    late = long_firsts[LONG_TURNS // 2 :]
    results.append(
        BenchResult(
            "long conversation past the window: time to first token per turn",
            median(late),
            "s",
            detail=f"median of turns {LONG_TURNS // 2 + 1}-{LONG_TURNS} of {LONG_TURNS} (about "
            "250 words each); the oldest turns are left out with a sticky cut, so the server "
            "reuses its cached prompt (a cut moved every turn: 5.4-5.7 s)",
        )
    )
    return results
