"""A running command's output for an ACP client: ``tool_call_update``s with the output so far.

A ``tool_call_update``'s content replaces the previous one, so each update carries everything
shown so far; the engine's ``tool_call_output_delta`` events (already coalesced) are gathered
per call and sent at most once per ``INTERVAL_S``, so a chatty command costs the client a few
updates a second, not one per read. Past ``SHOWN_CHARS`` only the end is shown (the final
``tool_call_update`` has the whole result, as the model gets it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from acp import text_block, tool_content, update_tool_call
from acp.schema import ToolCallProgress

INTERVAL_S = 0.05
SHOWN_CHARS = 64 * 1024
CUT_NOTE = "[... earlier output not shown ...]\n"


@dataclass
class LiveOutput:
    interval_s: float = INTERVAL_S
    _text: dict[str, str] = field(default_factory=dict)
    _pending: set[str] = field(default_factory=set)
    _sent_at: dict[str, float] = field(default_factory=dict)
    _cut: set[str] = field(default_factory=set)

    def add(self, call_id: str, chunk: str) -> None:
        text = self._text.get(call_id, "") + chunk
        if len(text) > SHOWN_CHARS:
            text = text[-SHOWN_CHARS:]
            self._cut.add(call_id)
        self._text[call_id] = text
        self._pending.add(call_id)

    def due(self, now: float) -> list[ToolCallProgress]:
        """The updates to send now: calls with new output whose last update is old enough."""
        ready = [c for c in self._pending if now - self._sent_at.get(c, -1e9) >= self.interval_s]
        for call_id in ready:
            self._pending.discard(call_id)
            self._sent_at[call_id] = now
        return [self._update(call_id) for call_id in ready]

    def wait_s(self, now: float) -> float | None:
        """How long until the next update is due; None when no output waits."""
        if not self._pending:
            return None
        soonest = min(self._sent_at.get(c, -1e9) for c in self._pending) + self.interval_s
        return max(0.0, soonest - now)

    def end(self, call_id: str) -> None:
        """The call ended: its final update replaces all this."""
        self._pending.discard(call_id)
        self._text.pop(call_id, None)
        self._sent_at.pop(call_id, None)
        self._cut.discard(call_id)

    def _update(self, call_id: str) -> ToolCallProgress:
        shown = (CUT_NOTE if call_id in self._cut else "") + self._text[call_id]
        return update_tool_call(
            call_id, status="in_progress", content=[tool_content(text_block(shown))]
        )
