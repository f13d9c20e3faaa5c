"""Realistic rollout files for tests and benchmarks, written the way ``lha`` records them."""

from __future__ import annotations

import random
from pathlib import Path

from core.agent.initial_context import build_initial_context
from core.agent.turn_context import TurnContext
from core.assets import read_asset_text
from core.llm.endpoint import RuntimeEndpoint
from core.llm.tool_payload import JsonArguments
from core.protocol.events import (
    AgentMessage,
    TokenCount,
    TokenUsage,
    TokenUsageInfo,
    UserMessageEvent,
)
from core.protocol.ids import ThreadId
from core.protocol.items import ToolCallItem, assistant_message, user_message
from core.protocol.rollout import (
    EventRecord,
    RolloutItem,
    RolloutLine,
    SessionMetaRecord,
    TranscriptRecord,
    TurnContextRecord,
    utc_timestamp,
)
from core.protocol.session import BaseInstructions, SessionMeta, SessionSource, TurnContextItem
from core.rollout.paths import rollout_path_for

WORDS = [
    "the",
    "thread",
    "manager",
    "forks",
    "a",
    "rollout",
    "before",
    "the",
    "nth",
    "user",
    "message",
    "and",
    "keeps",
    "every",
    "line",
    "that",
    "came",
    "earlier",
    "while",
    "the",
    "sidebar",
    "lists",
    "sessions",
    "newest",
    "first",
]


def prose(rng: random.Random, words: int, vocabulary: list[str] = WORDS) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def turn_texts(rng: random.Random, n: int) -> tuple[str, str]:
    """(question, answer) of turn ``n``: the one source of a synthetic conversation's words, so
    a rollout in another tool's format (the bench's Codex CLI session) can hold the same ones."""
    return f"turn {n}: {prose(rng, 12)}", f"Done with step {n}. {prose(rng, 50)}"


def turn_items(rng: random.Random, n: int, cwd: str, model: str) -> list[RolloutItem]:
    """One turn as lha records it: user message, its event, turn context, answer, usage."""
    question, answer = turn_texts(rng, n)
    total = TokenUsage(
        input_tokens=900 * (n + 1), output_tokens=180 * (n + 1), total_tokens=1080 * (n + 1)
    )
    last = TokenUsage(input_tokens=900, output_tokens=180, total_tokens=1080)
    return [
        TranscriptRecord(payload=user_message(question)),
        EventRecord(payload=UserMessageEvent(message=question)),
        TurnContextRecord(payload=TurnContextItem(cwd=cwd, model=model)),
        TranscriptRecord(payload=assistant_message(answer)),
        EventRecord(payload=AgentMessage(message=answer)),
        EventRecord(
            payload=TokenCount(info=TokenUsageInfo(total_token_usage=total, last_token_usage=last))
        ),
    ]


def unanswered_call_items(cwd: str, model: str, call_ids: list[str]) -> list[RolloutItem]:
    """A turn cut short while its tools ran (lha killed): shell calls recorded, no outputs."""
    question = "list the files, please"
    command = JsonArguments(arguments='{"command": ["sleep", "30"]}')
    return [
        TranscriptRecord(payload=user_message(question)),
        EventRecord(payload=UserMessageEvent(message=question)),
        TurnContextRecord(payload=TurnContextItem(cwd=cwd, model=model)),
        *(
            TranscriptRecord(payload=ToolCallItem(call_id=c, tool_name="shell", payload=command))
            for c in call_ids
        ),
    ]


def write_rollout(
    home: Path,
    cwd: Path,
    turns: int,
    *,
    model: str = "gpt-5.1",
    provider: str = "scripted",
    thread_id: ThreadId | None = None,
    seed: int = 7,
    source: SessionSource = SessionSource.CLI,
    tail: list[RolloutItem] | None = None,
) -> Path:
    """A ``turns``-turn rollout in ``home``'s sessions folder, then the ``tail`` lines;
    returns its path."""
    rng = random.Random(seed)
    thread_id = thread_id or ThreadId.new()
    meta = SessionMeta(
        id=thread_id,
        timestamp=utc_timestamp(),
        cwd=str(cwd),
        originator="lha",
        cli_version="0.1.0",
        source=source,
        model_provider=provider,
        base_instructions=BaseInstructions(text=read_asset_text("base_instructions.md")),
    )
    context = TurnContext(
        model=model,
        model_provider_id=provider,
        provider=RuntimeEndpoint(name="Scripted", base_url="http://127.0.0.1:9/v1"),
        cwd=cwd,
    )
    items: list[RolloutItem] = [SessionMetaRecord(payload=meta)]
    items += [TranscriptRecord(payload=m) for m in build_initial_context(context)]
    for n in range(turns):
        items += turn_items(rng, n, str(cwd), model)
    items += tail or []
    stamp = utc_timestamp()
    path = rollout_path_for(home, thread_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(RolloutLine(timestamp=stamp, item=i).dump() + "\n" for i in items))
    return path
