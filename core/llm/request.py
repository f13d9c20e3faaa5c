"""What the agent asks a model for, independent of the wire API that carries it.

Plain dataclasses, not pydantic models: they are built by lha's own code from items that are
already validated, never from outside data, and a model class here cost ~4 ms of every start
(its schema re-embeds the whole transcript item union) for nothing to check.
"""

from dataclasses import dataclass, field
from typing import Any

from core.protocol.items import TranscriptItem


@dataclass(frozen=True)
class ToolSpec:
    """A function tool offered to the model; ``parameters`` is its JSON schema."""

    name: str
    description: str
    parameters: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The tool as JSON data (what a request's size estimate weighs)."""
        return {"name": self.name, "description": self.description, "parameters": self.parameters}


@dataclass(frozen=True)
class ModelRequest:
    """One model turn: instructions, the transcript so far, and the tools the model may call.

    ``effort`` is the reasoning effort ("low", "medium", "high", ...); ``None`` sends none, so
    models without reasoning are not confused by the parameter.
    """

    model: str
    instructions: str
    input: list[TranscriptItem]
    tools: list[ToolSpec] = field(default_factory=list)
    effort: str | None = None
    parallel_tool_calls: bool = True
    max_output_tokens: int | None = None
    """A cap on the answer (a compaction's summary); None leaves it to the provider."""
