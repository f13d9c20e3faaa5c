"""Compaction figures: a 1,000-turn thread resumed past its auto-compaction limit (scripted
server). The request after the compaction against the one before it, and that a second resume
continues from the summary without asking for another."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from core.config import Config
from tests.bench import BenchResult
from tests.support.agent_harness import make_harness, run_turn
from tests.support.rollout_factory import prose, write_rollout
from tests.support.scripted_server import Reply, ScriptedServer

TURNS = 1_000
LIMIT = 100_000
"""``model_auto_compact_token_limit`` for the run: the 1,000 turns weigh about 140,000."""


def _bytes(body: object) -> int:
    return len(json.dumps(body).encode())


async def _one_turn(config: Config, path: Path, server: ScriptedServer, tmp: Path) -> None:
    """Resume ``path`` with ``config``, run one turn, close."""
    h = make_harness(tmp, server, model="gpt-test")
    resumed = await h.manager.resume_thread_from_rollout(config, path, h.manager.auth_manager())
    await run_turn(resumed.thread, "carry on with the next step", within_s=120)
    await h.manager.remove_and_close_all_threads()


async def run() -> list[BenchResult]:
    async with ScriptedServer() as server:
        with tempfile.TemporaryDirectory(prefix="lha-bench-compact-") as tmp:
            root = Path(tmp)
            h = make_harness(root, server, model="gpt-test")
            path = write_rollout(h.home, root / "work", TURNS, model="gpt-test")
            uncompacted = h.config.model_copy(update={"model_auto_compact_token_limit": 10**9})
            await _one_turn(uncompacted, path, server, root)
            before = _bytes(server.last_body())
            summary = prose(random.Random(3), 500)
            server.enqueue(Reply.text(summary), Reply.text("next step done"))
            limited = h.config.model_copy(update={"model_auto_compact_token_limit": LIMIT})
            count = len(server.model_requests())
            await _one_turn(limited, path, server, root)
            compaction_requests = len(server.model_requests()) - count - 1
            after = _bytes(server.last_body())
            count = len(server.model_requests())
            await _one_turn(limited, path, server, root)
            second_resume = len(server.model_requests()) - count - 1
    return [
        BenchResult(
            f"request after auto-compaction / before, {TURNS:,} turns",
            after / before * 100,
            "%",
            goal=30,
            detail=f"{before / 1e3:.0f} KB -> {after / 1e3:.0f} KB; "
            f"{compaction_requests} summary request(s)",
        ),
        BenchResult(
            "summary requests on a second resume",
            second_resume,
            "requests",
            goal=0,
        ),
    ]
