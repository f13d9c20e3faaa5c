"""A synthetic session library for the search benchmarks: thousands of varied rollouts, fast.

Text comes from a 20,000-word invented vocabulary with a Zipf-like frequency (a few words in
every session, most words rare), so searches have realistic hit counts. Turns (question, reasoning,
a shell call with its output, answer, usage) are written once with the real rollout models into a
pool, then stitched together per session: that keeps ~1 GB to about a minute of writing. Each
file's time is its session's last turn (sessions start 37 minutes apart over most of a year), as
in a real library, where only today's sessions were written to today.
"""

from __future__ import annotations

import itertools
import os
import random
from datetime import datetime, timedelta
from pathlib import Path

from core.protocol import (
    BaseInstructions,
    EventRecord,
    RolloutItem,
    SessionMeta,
    SessionMetaRecord,
    SessionSource,
    ThreadId,
    TranscriptRecord,
    TurnContextItem,
    TurnContextRecord,
    UserMessageEvent,
    user_message,
    utc_timestamp,
)
from core.rollout.paths import rollout_path_for
from core.rollout.session_prefix import ENVIRONMENT_CONTEXT_OPEN
from tests.bench.bench_rollout import dump_items, shell_round

_SYLLABLES = [
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "bri", "cho", "dra", "fen", "gul",
    "hap", "jor", "kel", "lum", "mor", "nix", "pra", "quo", "rel", "sty", "tor", "ulm", "vex",
]  # fmt: skip
VOCABULARY_SIZE = 20_000
TURN_POOL = 1_500


def vocabulary(rng: random.Random) -> list[str]:
    """Distinct invented words; index = frequency rank (0 is the most common)."""
    words: dict[str, None] = {}
    while len(words) < VOCABULARY_SIZE:
        words["".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4)))] = None
    return list(words)


class _Text:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        weights = [1.0 / (rank + 1) for rank in range(len(self.words))]
        self.cumulative = list(itertools.accumulate(weights))

    def prose(self, count: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))


def _turn(text: _Text, n: int) -> list[RolloutItem]:
    rng = text.rng
    question = text.prose(rng.randint(8, 60))
    answer = f"## Step {n}\n\n{text.prose(rng.randint(80, 400))}\n\n```python\nprint({n})\n```"
    output = "\n".join(text.prose(12) for _ in range(rng.randint(5, 80)))
    return [
        TranscriptRecord(payload=user_message(question)),
        EventRecord(payload=UserMessageEvent(message=question)),
        TurnContextRecord(payload=TurnContextItem(cwd="/w", model="gpt-5.1")),
        *shell_round(n, output, answer),
    ]


def _head(text: _Text, n: int, cwd: str, created: datetime) -> tuple[ThreadId, bytes]:
    meta = SessionMeta(
        id=ThreadId.new(),
        timestamp=utc_timestamp(created),
        cwd=cwd,
        cli_version="0.1.0",
        source=SessionSource.CLI,
        model_provider="openai",
        base_instructions=BaseInstructions(text=text.prose(400)),
    )
    first = f"session {n}: {text.prose(20)}"
    items: list[RolloutItem] = [
        SessionMetaRecord(payload=meta),
        TranscriptRecord(payload=user_message(f"{ENVIRONMENT_CONTEXT_OPEN}<cwd>{cwd}</cwd>")),
        TranscriptRecord(payload=user_message(first)),
        EventRecord(payload=UserMessageEvent(message=first)),
    ]
    return meta.id, dump_items(items)


def write_library(home: Path, sessions: int, target_bytes: int, seed: int = 11) -> int:
    """Write ``sessions`` rollouts totalling about ``target_bytes``; returns the bytes written."""
    text = _Text(random.Random(seed))
    pool = [dump_items(_turn(text, n)) for n in range(TURN_POOL)]
    average_turn = sum(map(len, pool)) / len(pool)
    turns_per_session = max(1, round(target_bytes / sessions / average_turn))
    base = datetime(2026, 1, 1, 8, 0, 0)
    written = 0
    for n in range(sessions):
        created = base + timedelta(minutes=37 * n)
        thread_id, head = _head(text, n, f"/home/dev/project-{n % 40}", created)
        turns = text.rng.randint(1, 2 * turns_per_session - 1)
        body = b"".join(text.rng.choice(pool) for _ in range(turns))
        path = rollout_path_for(home, thread_id, created)
        path.parent.mkdir(parents=True, exist_ok=True)
        written += path.write_bytes(head + body)
        ended = (created + timedelta(minutes=3 * turns)).timestamp()
        os.utime(path, (ended, ended))
    return written
