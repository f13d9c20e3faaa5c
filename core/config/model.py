"""The resolved configuration every part of lha reads: one pydantic ``Config``.

``Config`` is the *result* of loading (config.toml, then ``-c`` overrides, then CLI flags); the
TOML shapes it is loaded from live in ``core.config.schema``. Keeping the two apart lets the file
stay tolerant and partial (every key optional) while the resolved config is complete.
"""

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.llm.providers.endpoint import RuntimeEndpoint
from core.protocol.session import ApprovalPolicy, SandboxMode


class McpServerConfig(BaseModel):
    """``[mcp_servers.ID]`` (the Codex CLI's keys): an MCP server lha starts over stdio
    (``command``) or reaches over streamable HTTP (``url``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: str | None = None
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] | None = None
    cwd: Path | None = None
    url: str | None = None
    bearer_token_env_var: str | None = None
    """The variable holding the token sent as ``Authorization: Bearer ...`` (HTTP only)."""
    http_headers: dict[str, str] | None = None
    enabled: bool = True
    enabled_tools: list[str] | None = None
    """Only these of the server's tools are offered (all when unset)."""
    disabled_tools: list[str] | None = None
    startup_timeout_sec: float = Field(default=10.0, gt=0)
    tool_timeout_sec: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _one_transport(self) -> "McpServerConfig":
        if (self.command is None) == (self.url is None):
            raise ValueError(
                "give either command (a stdio server) or url (a streamable HTTP server)"
            )
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        return self

    def offers(self, tool: str) -> bool:
        """Whether the model is offered ``tool`` (``enabled_tools`` / ``disabled_tools``)."""
        if self.enabled_tools is not None and tool not in self.enabled_tools:
            return False
        return not (self.disabled_tools and tool in self.disabled_tools)


class FeaturesConfig(BaseModel):
    """``[features]``: opt-in behaviours."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    memories: bool = False


class SandboxWorkspaceWrite(BaseModel):
    """``[sandbox_workspace_write]`` (the Codex CLI's key): what ``workspace-write`` adds to the
    workspace and /tmp. Relative roots are taken from the thread's folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    writable_roots: list[Path] = Field(default_factory=list)
    network_access: bool = False


class TuiConfig(BaseModel):
    """``[tui]``: the terminal UI's remappable keys (binding id -> key) and theme."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keymap: dict[str, str] = Field(default_factory=dict)
    theme: str | None = None


class Config(BaseModel):
    """Everything a thread needs to know about the user's settings, fully resolved.

    ``model`` is only the *explicit* choice (config.toml, ``-c model=..``, ``-m``); when it is
    ``None`` the model catalog's default applies (``ModelsManager.get_default_model``).
    ``warnings`` collects the non-fatal problems found while loading (unknown keys) so a front end
    can show them once.
    """

    model_config = ConfigDict(extra="forbid")

    lha_home: Path
    cwd: Path
    model: str | None = None
    model_provider_id: str
    model_provider: RuntimeEndpoint
    model_providers: dict[str, RuntimeEndpoint]
    approval_policy: ApprovalPolicy = "on-request"
    sandbox_mode: SandboxMode = "workspace-write"
    sandbox_workspace_write: SandboxWorkspaceWrite = Field(default_factory=SandboxWorkspaceWrite)
    model_reasoning_effort: str | None = None
    model_auto_compact_token_limit: int | None = None
    """Estimated request tokens above which a turn compacts the history first (None: a share
    of the model's context window, see ``core.agent.compaction``)."""
    mcp_servers: dict[str, McpServerConfig] = Field(default_factory=dict)
    features: FeaturesConfig = Field(default_factory=FeaturesConfig)
    tui: TuiConfig = Field(default_factory=TuiConfig)
    base_instructions: str | None = None
    ephemeral: bool = False

    def session_roots(self) -> tuple[Path, ...]:
        """Sessions folders listed beside ``LHA_HOME``'s: the Codex CLI's, unless turned off."""
        from core.rollout.codex_home import codex_session_roots

        return codex_session_roots(self.codex_sessions)

    model_context_window: int | None = None
    """The model's context window in tokens, when the catalog does not know it (a local server)."""
    codex_sessions: bool = True
    """List the Codex CLI's sessions (``$CODEX_HOME/sessions``) beside lha's."""
    skip_unreadable_lines: bool = False
    """Resume or fork a session even when lines holding user messages cannot be read."""
    warnings: list[str] = Field(default_factory=list)

    @property
    def config_path(self) -> Path:
        """Where this config's TOML file lives (it may not exist)."""
        return self.lha_home / "config.toml"

    @classmethod
    def load(
        cls,
        lha_home: Path | None = None,
        cwd: Path | None = None,
        overrides: list[str] | dict[str, Any] | None = None,
        *,
        model: str | None = None,
        model_provider: str | None = None,
        approval_policy: ApprovalPolicy | None = None,
        sandbox_mode: SandboxMode | None = None,
        model_reasoning_effort: str | None = None,
        base_instructions: str | None = None,
        ephemeral: bool | None = None,
    ) -> "Config":
        """Load ``LHA_HOME/config.toml``, apply ``-c`` overrides, then CLI flags.

        ``lha_home`` defaults to ``$LHA_HOME`` or ``~/.lha`` (not created here); ``cwd`` to the
        process's working directory. ``overrides`` are ``-c key=value`` strings (the value is
        TOML, else a plain string; keys may be dotted) or a ready dict of dotted keys. Raises
        ``ConfigError`` with a one-line message for bad TOML, a wrong type or an unknown provider;
        unknown keys only add to ``warnings``.
        """
        from core.config.loader import load_config

        flags: dict[str, Any] = {
            "model": model,
            "model_provider": model_provider,
            "approval_policy": approval_policy,
            "sandbox_mode": sandbox_mode,
            "model_reasoning_effort": model_reasoning_effort,
            "base_instructions": base_instructions,
            "ephemeral": ephemeral,
        }
        return load_config(
            lha_home=lha_home,
            cwd=cwd,
            overrides=overrides,
            flags={k: v for k, v in flags.items() if v is not None},
        )

    @classmethod
    def for_testing(
        cls,
        lha_home: Path,
        cwd: Path | None = None,
        provider_id: str = "test-provider",
        provider: RuntimeEndpoint | None = None,
        model: str | None = None,
        **fields: Any,
    ) -> "Config":
        """A config that reads no file and no environment: tests build exactly what they need."""
        endpoint = provider or RuntimeEndpoint(name="Test", base_url="http://127.0.0.1:9/v1")
        return cls(
            lha_home=lha_home,
            cwd=cwd if cwd is not None else lha_home,
            model=model,
            model_provider_id=provider_id,
            model_provider=endpoint,
            model_providers={provider_id: endpoint},
            **fields,
        )
