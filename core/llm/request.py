"""What the agent asks a model for, independent of the wire API that carries it."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.protocol.items import TranscriptItem


class ToolSpec(BaseModel):
    """A function tool offered to the model; ``parameters`` is its JSON schema."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str
    parameters: dict[str, Any]


class ModelRequest(BaseModel):
    """One model turn: instructions, the transcript so far, and the tools the model may call.

    ``effort`` is the reasoning effort ("low", "medium", "high", ...); ``None`` sends none, so
    models without reasoning are not confused by the parameter.
    """

    model_config = ConfigDict(frozen=True)

    model: str
    instructions: str
    input: list[TranscriptItem]
    tools: list[ToolSpec] = Field(default_factory=list)
    effort: str | None = None
    parallel_tool_calls: bool = True
    max_output_tokens: int | None = None
    """A cap on the answer (a compaction's summary); None leaves it to the provider."""
