"""Streaming a tool's output to the client as ``tool_call_output_delta`` events, sparingly.

A command printing in a tight loop would otherwise produce one event per read; coalescing by
time and size keeps the event count (and the UI's work) proportional to seconds, not bytes. The
live view also has a budget: past it, the client gets one note and the final result only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from core.protocol.events import EventMsg, ToolCallOutputDelta

FLUSH_INTERVAL_S = 0.05
FLUSH_BYTES = 16 * 1024
LIVE_BUDGET_CHARS = 256 * 1024
TRUNCATED_NOTE = "\n[... live output truncated; the end of the output follows in the result ...]\n"


class LiveOutput:
    """Collects chunks and emits them as deltas at most every ``FLUSH_INTERVAL_S``."""

    def __init__(
        self,
        call_id: str,
        emit: Callable[[EventMsg], None],
        budget: int = LIVE_BUDGET_CHARS,
    ) -> None:
        self._call_id = call_id
        self._emit = emit
        self._pending: list[str] = []
        self._pending_len = 0
        self._left = budget
        self._timer: asyncio.TimerHandle | None = None
        self.deltas_sent = 0

    def feed(self, text: str) -> None:
        if not text or self._left <= 0:
            return
        if len(text) >= self._left:
            self._pending.append(text[: self._left])
            self._pending.append(TRUNCATED_NOTE)
            self._left = 0
            self.flush()
            return
        self._left -= len(text)
        self._pending.append(text)
        self._pending_len += len(text)
        if self._pending_len >= FLUSH_BYTES:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(FLUSH_INTERVAL_S, self.flush)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        chunk = "".join(self._pending)
        self._pending.clear()
        self._pending_len = 0
        self.deltas_sent += 1
        self._emit(ToolCallOutputDelta(call_id=self._call_id, chunk=chunk))
