"""Printing a thread's events: JSON lines for scripts, a readable transcript for people.

The human form streams the answer to stdout and everything else (reasoning, tool calls,
warnings, errors) to stderr, so ``lha exec "..." > answer.md`` captures just the answer.
"""

from __future__ import annotations

import sys
from typing import TextIO

from core.protocol.events import (
    AgentMessage,
    AgentMessageDelta,
    AgentReasoning,
    ContextCompacted,
    ErrorEvent,
    Event,
    ModelRefusal,
    SessionConfigured,
    TaskComplete,
    TokenCount,
    ToolCallBegin,
    ToolCallEnd,
    TurnAbortedEvent,
    Warning,
)
from core.sanitize import neutralize_terminal_escapes


class EventPrinter:
    def session_configured(self, event: SessionConfigured) -> None: ...

    def event(self, event: Event) -> None: ...

    def warn(self, message: str) -> None: ...


class JsonPrinter(EventPrinter):
    """One ``{"id": ..., "msg": {...}}`` object per line on stdout."""

    def __init__(self, out: TextIO | None = None) -> None:
        self._out = out or sys.stdout

    def session_configured(self, event: SessionConfigured) -> None:
        self.event(Event(id="", msg=event))

    def event(self, event: Event) -> None:
        self._out.write(event.to_json() + "\n")
        self._out.flush()

    def warn(self, message: str) -> None:
        self.event(Event(id="", msg=Warning(message=message)))


class HumanPrinter(EventPrinter):
    def __init__(self, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self._out = out or sys.stdout
        self._err = err or sys.stderr
        self._streamed = False

    def _note(self, text: str) -> None:
        self._err.write(neutralize_terminal_escapes(text) + "\n")
        self._err.flush()

    def warn(self, message: str) -> None:
        self._note(f"warning: {message}")

    def session_configured(self, event: SessionConfigured) -> None:
        origin = f", forked from {event.forked_from_id}" if event.forked_from_id else ""
        self._note(
            f"thread {event.thread_id} · model {event.model} · provider "
            f"{event.model_provider_id}{origin}"
        )

    def event(self, event: Event) -> None:
        msg = event.msg
        if isinstance(msg, AgentMessageDelta):
            self._out.write(neutralize_terminal_escapes(msg.delta))
            self._out.flush()
            self._streamed = True
        elif isinstance(msg, AgentMessage):
            if not self._streamed:
                self._out.write(neutralize_terminal_escapes(msg.message))
            self._out.write("\n")
            self._out.flush()
            self._streamed = False
        elif isinstance(msg, AgentReasoning):
            self._note(f"thinking: {msg.text}")
        elif isinstance(msg, ToolCallBegin):
            self._note(f"tool {msg.tool_name} {msg.arguments}")
        elif isinstance(msg, ToolCallEnd):
            status = "ok" if msg.success else "failed"
            self._note(f"tool {msg.tool_name} {status}: {msg.output[:500]}")
        elif isinstance(msg, Warning):
            self.warn(msg.message)
        elif isinstance(msg, ErrorEvent):
            self._note(f"error: {msg.message}")
        elif isinstance(msg, ModelRefusal):
            self._note(f"the model refused: {msg.message}")
        elif isinstance(msg, ContextCompacted):
            how = "automatically " if msg.automatic else ""
            self._note(
                f"context {how}compacted: ~{msg.tokens_before:,} → ~{msg.tokens_after:,} tokens"
            )
        elif isinstance(msg, TurnAbortedEvent):
            self._note(f"turn aborted: {msg.reason}")
        elif isinstance(msg, TokenCount) and msg.info is not None:
            usage = msg.info.total_token_usage
            self._note(f"tokens: {usage.input_tokens} in, {usage.output_tokens} out")
        elif isinstance(msg, TaskComplete) and self._streamed:
            self._out.write("\n")
            self._streamed = False
