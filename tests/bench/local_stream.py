"""Timing a streamed answer of the embedded model: reusable by any benchmark (client, agent, TUI).

``time_stream`` takes any async iterator plus a predicate saying which items are tokens, so the
same figures come out whether the tokens are the client's ``TextDelta``s, the agent's
``AgentMessageDelta`` events or characters appearing in the TUI. ``local_model_missing`` tells a
benchmark whether to skip.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from core.llm.local.availability import INSTALL_HINT, extra_installed
from tests.bench import BenchResult, median


@dataclass(frozen=True)
class StreamTiming:
    """One streamed answer: seconds to the first token, token count, seconds to the end."""

    first_token_s: float
    tokens: int
    total_s: float

    @property
    def tokens_per_s(self) -> float:
        """Decode speed: tokens after the first over the time after the first."""
        decode = self.total_s - self.first_token_s
        return (self.tokens - 1) / decode if self.tokens > 1 and decode > 0 else 0.0


def local_model_missing() -> str | None:
    """Why the embedded model cannot be benchmarked here, or None when it can."""
    return None if extra_installed() else f"embedded model not installed: {INSTALL_HINT}"


async def time_stream(
    items: AsyncIterator[object],
    is_token: Callable[[object], bool],
    started: float | None = None,
    until: Callable[[object], bool] | None = None,
) -> StreamTiming:
    """Consume ``items`` (until one matches ``until``, or the end); time from ``started``
    (default: now) to the first token and to the end."""
    start = time.perf_counter() if started is None else started
    first: float | None = None
    tokens = 0
    async for item in items:
        if is_token(item):
            tokens += 1
            if first is None:
                first = time.perf_counter() - start
        if until is not None and until(item):
            break
    total = time.perf_counter() - start
    return StreamTiming(first if first is not None else total, tokens, total)


def timing_results(
    prefix: str,
    timings: list[StreamTiming],
    *,
    first_token_goal_s: float | None,
    tokens_per_s_goal: float | None,
    detail: str = "",
) -> list[BenchResult]:
    """Median time to first token and median tokens/s of ``timings`` as two bench rows."""
    n = f"median of {len(timings)}" + (f"; {detail}" if detail else "")
    return [
        BenchResult(
            f"{prefix}: time to first token",
            median([t.first_token_s for t in timings]),
            "s",
            first_token_goal_s,
            detail=n,
        ),
        BenchResult(
            f"{prefix}: tokens/s",
            median([t.tokens_per_s for t in timings]),
            "tok/s",
            tokens_per_s_goal,
            higher_is_better=True,
            detail=n + f"; {median([float(t.tokens) for t in timings]):g} tokens",
        ),
    ]
