"""The shape of config.toml (and of ``-c`` overrides): every key optional, nothing resolved.

Key names are the Codex CLI's where one exists, so its users feel at home. ``KNOWN_KEYS`` drives
the unknown-key warnings: a table maps a key to the schema below it (``None``: a value, not
checked further), and ``ANY_ID`` stands for a user-chosen id (``[model_providers.myserver]``).
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.config.model import (
    FeaturesConfig,
    McpServerConfig,
    SandboxWorkspaceWrite,
    TuiConfig,
)
from core.llm.providers.endpoint import RuntimeEndpoint
from core.protocol.session import ApprovalPolicy, SandboxMode

ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh"]


class ConfigFile(BaseModel):
    """One merged layer of settings before resolution (the provider tables stay raw dicts:
    they are merged onto the built-in providers and validated as ``RuntimeEndpoint`` later)."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    model_provider: str | None = None
    approval_policy: ApprovalPolicy | Literal["on-failure"] | None = None
    """``on-failure``, the Codex CLI's older policy, loads as ``on-request`` with a warning."""
    sandbox_mode: SandboxMode | None = None
    sandbox_workspace_write: SandboxWorkspaceWrite = Field(default_factory=SandboxWorkspaceWrite)
    model_reasoning_effort: ReasoningEffort | None = None
    model_auto_compact_token_limit: int | None = Field(default=None, gt=0)
    model_providers: dict[str, dict[str, Any]] = Field(default_factory=dict)
    mcp_servers: dict[str, McpServerConfig] = Field(default_factory=dict)
    features: FeaturesConfig = Field(default_factory=FeaturesConfig)
    tui: TuiConfig = Field(default_factory=TuiConfig)
    base_instructions: str | None = None
    ephemeral: bool | None = None
    skip_unreadable_lines: bool | None = None
    codex_sessions: bool | None = None
    model_context_window: int | None = Field(default=None, gt=0)


ANY_ID = "*"

Schema = dict[str, "Schema | None"]
"""A table: allowed key -> the schema below it, or ``None`` for a value not checked further."""


def _leaves(model: type[BaseModel]) -> Schema:
    return dict.fromkeys(model.model_fields)


KNOWN_KEYS: Schema = {
    **_leaves(ConfigFile),
    "model_providers": {ANY_ID: _leaves(RuntimeEndpoint)},
    "mcp_servers": {ANY_ID: _leaves(McpServerConfig)},
    "features": _leaves(FeaturesConfig),
    "sandbox_workspace_write": _leaves(SandboxWorkspaceWrite),
    "tui": _leaves(TuiConfig),
}
