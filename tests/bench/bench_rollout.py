"""Rollout figures: load a 100 MB session, list 10,000 sessions, fork a 1,000-turn session."""

from __future__ import annotations

import gc
import os
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from core.protocol import (
    AgentMessage,
    AgentReasoning,
    BaseInstructions,
    EventRecord,
    JsonArguments,
    ReasoningItem,
    RolloutItem,
    RolloutLine,
    SessionMeta,
    SessionMetaRecord,
    SessionSource,
    SummaryText,
    ThreadId,
    TokenCount,
    TokenUsage,
    TokenUsageInfo,
    ToolCallEnd,
    ToolCallItem,
    ToolCallOutputItem,
    TranscriptRecord,
    TurnContextItem,
    TurnContextRecord,
    UserMessageEvent,
    assistant_message,
    user_message,
    utc_timestamp,
)
from core.rollout import RolloutRecorder, truncate_before_nth_user_message
from core.rollout.paths import rollout_path_for
from core.rollout.reader import load_rollout
from core.rollout.session_prefix import ENVIRONMENT_CONTEXT_OPEN, PROJECT_INSTRUCTIONS_PREFIX
from tests.bench import BenchResult, measure, median
from tests.support.rollout_factory import prose

MB = 1_000_000
WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dogs",
    "while",
    "agents",
    "refactor",
    "python",
    "modules",
]


def _prose(rng: random.Random, words: int) -> str:
    return prose(rng, words, WORDS)


def _meta(rng: random.Random, thread_id: ThreadId | None = None) -> SessionMeta:
    return SessionMeta(
        id=thread_id or ThreadId.new(),
        timestamp=utc_timestamp(),
        cwd=f"/home/dev/project-{rng.randrange(20)}",
        cli_version="0.1.0",
        source=rng.choice([SessionSource.CLI, SessionSource.EXEC]),
        model_provider=rng.choice(["openai", "ollama", None]),
        base_instructions=BaseInstructions(text=_prose(rng, 600)),
    )


def _prefix(meta: SessionMeta) -> list[RolloutItem]:
    return [
        SessionMetaRecord(payload=meta),
        TurnContextRecord(payload=TurnContextItem(cwd=meta.cwd, model="gpt-5.1")),
        TranscriptRecord(
            payload=user_message(f"{PROJECT_INSTRUCTIONS_PREFIX}{meta.cwd}\n\n<INSTRUCTIONS>x")
        ),
        TranscriptRecord(payload=user_message(f"{ENVIRONMENT_CONTEXT_OPEN}<cwd>{meta.cwd}</cwd>")),
    ]


def _turn(rng: random.Random, n: int) -> list[RolloutItem]:
    """One realistic turn: question, reasoning, a tool call and its output, answer, usage."""
    question = f"turn {n}: {_prose(rng, 40)}"
    answer = f"## Result {n}\n\n{_prose(rng, 220)}\n\n```python\nprint({n})\n```"
    output = "\n".join(_prose(rng, 12) for _ in range(25))
    return [
        TranscriptRecord(payload=user_message(question)),
        EventRecord(payload=UserMessageEvent(message=question)),
        TranscriptRecord(
            payload=ReasoningItem(id=f"rs_{n}", summary=[SummaryText(text=_prose(rng, 30))])
        ),
        EventRecord(payload=AgentReasoning(text=_prose(rng, 30))),
        *shell_round(n, output, answer),
    ]


def shell_round(n: int, output: str, answer: str) -> list[RolloutItem]:
    """Turn ``n``'s shell call, its ``output``, the ``answer`` and the token count: the part of a
    generated turn every rollout bench shares (``search_corpus`` too)."""
    call_id = f"call_{n}"
    usage = TokenUsage(input_tokens=1200 * n, output_tokens=300 * n, total_tokens=1500 * n)
    return [
        TranscriptRecord(
            payload=ToolCallItem(
                call_id=call_id,
                tool_name="shell",
                payload=JsonArguments(arguments='{"command": ["rg", "-n", "def main"]}'),
            )
        ),
        TranscriptRecord(payload=ToolCallOutputItem(call_id=call_id, output=output)),
        EventRecord(payload=ToolCallEnd(call_id=call_id, tool_name="shell", output=output[:200])),
        TranscriptRecord(payload=assistant_message(answer)),
        EventRecord(payload=AgentMessage(message=answer)),
        EventRecord(
            payload=TokenCount(info=TokenUsageInfo(total_token_usage=usage, last_token_usage=usage))
        ),
    ]


def dump_items(items: list[RolloutItem]) -> bytes:
    """``items`` as rollout lines, all stamped now."""
    stamp = utc_timestamp()
    return "".join(RolloutLine.dump_item(stamp, item) + "\n" for item in items).encode()


def _write_big_rollout(folder: Path, target_bytes: int) -> Path:
    rng = random.Random(1)
    path = folder / "big.jsonl"
    # A pool of distinct turns, repeated with fresh numbers in the user text, keeps generation fast.
    pool = [dump_items(_turn(rng, n)) for n in range(200)]
    with open(path, "wb") as file:
        written = file.write(dump_items(_prefix(_meta(rng))))
        n = 0
        while written < target_bytes:
            written += file.write(pool[n % len(pool)])
            n += 1
    return path


async def _bench_read(folder: Path) -> list[BenchResult]:
    path = _write_big_rollout(folder, 100 * MB)
    size = path.stat().st_size
    times: list[float] = []
    lines = 0
    for _ in range(3):
        gc.collect()
        start = time.perf_counter()
        loaded = await load_rollout(path)
        times.append(time.perf_counter() - start)
        # Freeing the previous result is not part of loading: drop it outside the timing.
        lines = len(loaded.history.items)
        assert loaded.report.bad_lines == 0
        del loaded
    rate = size / MB / median(times)
    path.unlink()
    return [
        BenchResult(
            "read a 100 MB rollout",
            rate,
            "MB/s",
            goal=70,
            higher_is_better=True,
            detail=(
                f"{size / MB:.0f} MB, {lines} lines, median of 3 "
                f"(best {size / MB / min(times):.0f} MB/s)"
            ),
        )
    ]


def _write_many_sessions(home: Path, count: int) -> None:
    rng = random.Random(2)
    base = datetime(2026, 1, 1, 8, 0, 0)
    for n in range(count):
        meta = _meta(rng)
        created = base + timedelta(minutes=53 * n)
        items = [*_prefix(meta), *_turn(rng, 0)[:2]]
        path = rollout_path_for(home, meta.id, created)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dump_items(items))


async def _bench_list(folder: Path) -> list[BenchResult]:
    home = folder / "home"
    count = 10_000
    _write_many_sessions(home, count)
    first = await measure(lambda: RolloutRecorder.list_threads(home, 50), repeat=7)
    page = await RolloutRecorder.list_threads(home, 50)
    assert len(page.items) == 50 and page.next_cursor
    later = await measure(
        lambda: RolloutRecorder.list_threads(home, 50, cursor=page.next_cursor), repeat=5
    )
    updated = await measure(
        lambda: RolloutRecorder.list_threads(home, 50, sort_key="updated"), repeat=3
    )
    filtered = await measure(
        lambda: RolloutRecorder.list_threads(
            home, 50, sources=[SessionSource.CLI], providers=["openai"], default_provider="openai"
        ),
        repeat=5,
    )
    days = len({p.parent for p in (home / "sessions").glob("*/*/*/*.jsonl")})
    return [
        BenchResult(
            "list: first page of 50 among 10,000",
            median(first) * 1000,
            "ms",
            goal=50,
            detail=f"{count} files in {days} day folders, median of 7",
        ),
        BenchResult("list: second page (cursor)", median(later) * 1000, "ms", detail="median of 5"),
        BenchResult(
            "list: first page, sources+provider filters",
            median(filtered) * 1000,
            "ms",
            detail="median of 5",
        ),
        BenchResult(
            "list: first page sorted by updated (stats all)",
            median(updated) * 1000,
            "ms",
            detail="median of 3",
        ),
    ]


async def _bench_fork(folder: Path) -> list[BenchResult]:
    rng = random.Random(3)
    home = folder / "fork-home"
    meta = _meta(rng)
    source = rollout_path_for(home, meta.id)
    source.parent.mkdir(parents=True)
    items = _prefix(meta)
    for n in range(1000):
        items.extend(_turn(rng, n))
    source.write_bytes(dump_items(items))
    size = source.stat().st_size
    history = await RolloutRecorder.get_rollout_history(source)
    kept_lines = 0

    async def truncate_and_write() -> None:
        nonlocal kept_lines
        forked = truncate_before_nth_user_message(history, 500)
        fork_meta = _meta(rng).model_copy(update={"forked_from_id": forked.forked_from_id()})
        recorder = RolloutRecorder.create(home, fork_meta.id, fork_meta, materialize=True)
        recorder.record_items(forked.get_rollout_items())
        await recorder.shutdown()
        kept_lines = len(forked.items)

    async def load_truncate_and_write() -> None:
        nonlocal history
        history = await RolloutRecorder.get_rollout_history(source)
        await truncate_and_write()

    core = await measure(truncate_and_write, repeat=7)
    full = await measure(load_truncate_and_write, repeat=5)
    return [
        BenchResult(
            "fork: truncate 1,000 turns at 500 + write",
            median(core) * 1000,
            "ms",
            goal=50,
            detail=f"{kept_lines} lines kept, median of 7",
        ),
        BenchResult(
            "fork incl. loading the source",
            median(full) * 1000,
            "ms",
            detail=f"source {size / MB:.1f} MB, median of 5",
        ),
    ]


async def run() -> list[BenchResult]:
    with tempfile.TemporaryDirectory(prefix="lha-bench-") as raw:
        folder = Path(raw)
        results = await _bench_read(folder)
        results += await _bench_list(folder)
        results += await _bench_fork(folder)
    os.sync()
    return results
