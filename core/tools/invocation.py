"""What every tool handler gets (one call in one turn) and gives back (a result for the model)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.protocol.events import EventMsg
from core.protocol.items import ToolCallItem

if TYPE_CHECKING:
    from core.agent.session import Session
    from core.agent.turn_context import TurnContext


@dataclass(frozen=True)
class ToolResult:
    """The text the model reads, and whether the call did what was asked."""

    output: str
    success: bool
    images: tuple[str, ...] = ()
    """Images the tool returned (``data:`` URLs; an MCP tool's image content), passed to a
    model that takes images. ``output`` holds a placeholder line for each, for the others."""

    @classmethod
    def error(cls, message: str) -> ToolResult:
        return cls(output=message, success=False)


@dataclass(frozen=True)
class ToolInvocation:
    """One tool call being run: the session it belongs to and the submission it answers."""

    session: Session
    sub_id: str
    call: ToolCallItem

    @property
    def call_id(self) -> str:
        return self.call.call_id

    @property
    def turn(self) -> TurnContext:
        return self.session.turn_context

    def emit(self, msg: EventMsg) -> None:
        self.session.emit(self.sub_id, msg)

    def json_arguments(self) -> dict[str, Any]:
        """The call's arguments as a JSON object; ``ValueError`` with a one-line reason if not."""
        raw = self.call.payload.arguments.strip() or "{}"
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as err:
            where = f"{err.msg} at char {err.pos}"
            raise ValueError(f"the arguments are not valid JSON ({where})") from None
        if not isinstance(value, dict):
            raise ValueError("the arguments must be a JSON object")
        return value
