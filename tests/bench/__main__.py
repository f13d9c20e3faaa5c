"""Run every ``tests/bench/bench_*.py`` module and print one table of figures."""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import sys
import time
import traceback

import tests.bench as package
from tests.bench import BenchResult


def _modules(filters: list[str]) -> list[str]:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(package.__path__)
        if info.name.startswith("bench_")
    )
    if filters:
        names = [name for name in names if any(f in name for f in filters)]
    return names


def _table(rows: list[tuple[str, BenchResult]]) -> str:
    header = ("module", "benchmark", "measured", "goal", "result", "detail")
    body = []
    for module, result in rows:
        verdict = {True: "pass", False: "FAIL", None: "info"}[result.passed]
        body.append(
            (
                module,
                result.name,
                f"{result.value:.4g} {result.unit}",
                result.goal_text,
                verdict,
                result.detail,
            )
        )
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in body)]).rstrip()


async def _main(filters: list[str]) -> int:
    rows: list[tuple[str, BenchResult]] = []
    broken = 0
    for name in _modules(filters):
        module = importlib.import_module(f"{package.__name__}.{name}")
        started = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            results = await module.run()
        except Exception:
            broken += 1
            traceback.print_exc()
            continue
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        rows.extend((name.removeprefix("bench_"), result) for result in results)
    print(_table(rows))
    failed = sum(result.passed is False for _, result in rows)
    if failed or broken:
        print(f"\n{failed} benchmark(s) missed their goal, {broken} module(s) crashed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(_main(sys.argv[1:])))
