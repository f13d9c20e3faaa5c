"""What a model sent when it called a tool."""

from typing import Literal

from core.protocol.base import WireModel


class JsonArguments(WireModel):
    """A function call whose arguments are a JSON text (both wire APIs stream them as text)."""

    type: Literal["json_arguments"] = "json_arguments"
    arguments: str


ToolCallPayload = JsonArguments
"""The payload of a ``tool_call`` item. A union once custom (free-form) tools arrive."""
