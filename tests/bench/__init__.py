"""Benchmarks: ``python -m tests.bench [NAME-FILTER ...]`` runs them and prints one table.

Not part of the default test run (pytest ignores this folder). To add benchmarks, create
``tests/bench/bench_<area>.py`` with ``async def run() -> list[BenchResult]``; the runner finds
every ``bench_*`` module by itself. Generate data in a temporary folder, never in LHA_HOME.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BenchResult:
    """One measured figure and the goal it is held to."""

    name: str
    value: float
    unit: str
    goal: float | None = None
    """None for an informational figure with no goal."""
    higher_is_better: bool = False
    detail: str = ""

    @property
    def passed(self) -> bool | None:
        if self.goal is None:
            return None
        return self.value >= self.goal if self.higher_is_better else self.value <= self.goal

    @property
    def goal_text(self) -> str:
        if self.goal is None:
            return "-"
        return f"{'>=' if self.higher_is_better else '<='} {self.goal:g} {self.unit}"


async def measure(fn: Callable[[], Awaitable[object]], repeat: int = 5) -> list[float]:
    """Wall-clock seconds of ``repeat`` awaited calls of ``fn``, in call order."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
