"""Per-thread facts stored in rollouts: where a session came from and how each turn ran."""

from enum import StrEnum
from typing import Any, Literal

from pydantic import field_validator

from core.protocol.base import WireModel
from core.protocol.ids import ThreadId
from core.protocol.items import TranscriptItem


class SessionSource(StrEnum):
    """Who started a session; the sidebar and ``lha threads`` can filter on it."""

    CLI = "cli"
    EXEC = "exec"
    MCP = "mcp"
    ACP = "acp"
    """Started by an editor over the Agent Client Protocol (``lha acp``)."""
    SUBAGENT = "subagent"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> "SessionSource":
        """Tolerant parse: anything unrecognised (including Codex's tagged forms) is ``unknown``."""
        if isinstance(value, dict) and "subagent" in value:
            return cls.SUBAGENT
        try:
            return cls(str(value))
        except ValueError:
            return cls.UNKNOWN


ApprovalPolicy = Literal["untrusted", "on-request", "never"]

SandboxMode = Literal["read-only", "workspace-write", "danger-full-access"]
"""Where the ``shell`` tool's commands may write (Codex's ``sandbox_mode`` values)."""


class BaseInstructions(WireModel):
    text: str


class GitInfo(WireModel):
    commit_hash: str | None = None
    branch: str | None = None
    repository_url: str | None = None


class DynamicToolSpec(WireModel):
    """A tool whose calls the client answers itself (``dynamic_tool_response``)."""

    name: str
    description: str
    input_schema: dict[str, Any]


class SessionMeta(WireModel):
    """The first line of every rollout."""

    id: ThreadId
    timestamp: str
    cwd: str
    originator: str = "lha"
    cli_version: str = ""
    source: SessionSource = SessionSource.UNKNOWN
    model_provider: str | None = None
    base_instructions: BaseInstructions | None = None
    dynamic_tools: list[DynamicToolSpec] | None = None
    forked_from_id: ThreadId | None = None
    git: GitInfo | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _tolerant_source(cls, value: object) -> SessionSource:
        return SessionSource.parse(value)


class TurnContextItem(WireModel):
    """How one turn ran: recorded so a resumed thread knows its last model and policy."""

    cwd: str
    approval_policy: ApprovalPolicy = "on-request"
    sandbox_mode: SandboxMode | None = None
    model: str
    effort: str | None = None
    identity: str | None = None


class CompactedItem(WireModel):
    """A summary that replaces the history before it."""

    message: str
    replacement_history: list[TranscriptItem] | None = None
