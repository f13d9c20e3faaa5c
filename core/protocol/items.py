"""Transcript items: what the model sees, in the order it saw them.

These mirror the Responses API's input items closely enough that both wire APIs can be fed from
them, and are what a rollout stores under ``transcript_item``.
"""

from typing import Annotated, Literal

from pydantic import Field

from core.protocol.base import WireModel
from core.protocol.tool_payload import ToolCallPayload


class InputText(WireModel):
    type: Literal["input_text"] = "input_text"
    text: str


class OutputText(WireModel):
    type: Literal["output_text"] = "output_text"
    text: str


class InputImage(WireModel):
    """An image part as the Codex CLI's rollout format records it (``image_url`` a ``data:``
    URL), plus the attached file's name, which no wire builder sends."""

    type: Literal["input_image"] = "input_image"
    image_url: str
    file_name: str | None = None


ContentItem = Annotated[InputText | OutputText | InputImage, Field(discriminator="type")]

Role = Literal["user", "assistant", "developer", "system"]


class MessageItem(WireModel):
    type: Literal["message"] = "message"
    id: str | None = None
    role: Role
    content: list[ContentItem]
    end_turn: bool | None = None

    def text(self) -> str:
        """The message's text parts joined; images are left out."""
        return "".join(part.text for part in self.content if not isinstance(part, InputImage))


class SummaryText(WireModel):
    type: Literal["summary_text"] = "summary_text"
    text: str


class ReasoningText(WireModel):
    type: Literal["reasoning_text"] = "reasoning_text"
    text: str


class ReasoningItem(WireModel):
    type: Literal["reasoning"] = "reasoning"
    id: str
    summary: list[SummaryText]
    content: list[ReasoningText] | None = None
    encrypted_content: str | None = None


class ToolCallItem(WireModel):
    type: Literal["tool_call"] = "tool_call"
    id: str | None = None
    call_id: str
    tool_name: str
    payload: ToolCallPayload


class ToolCallOutputItem(WireModel):
    type: Literal["tool_call_output"] = "tool_call_output"
    call_id: str
    output: str
    success: bool | None = None
    images: list[str] | None = None
    """Images the tool returned, as ``data:`` URLs (``output`` has a placeholder line for each):
    sent to models that take images, left out for the others."""


TranscriptItem = Annotated[
    MessageItem | ReasoningItem | ToolCallItem | ToolCallOutputItem, Field(discriminator="type")
]


def user_message(text: str) -> MessageItem:
    """A user message with one ``input_text`` part."""
    return MessageItem(role="user", content=[InputText(text=text)])


def assistant_message(text: str) -> MessageItem:
    """An assistant message with one ``output_text`` part."""
    return MessageItem(role="assistant", content=[OutputText(text=text)])


def developer_message(text: str) -> MessageItem:
    return MessageItem(role="developer", content=[InputText(text=text)])
