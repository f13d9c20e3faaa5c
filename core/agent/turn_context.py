"""The settings a turn runs with; ``override_turn_context`` changes them for later turns."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from core.llm.providers.endpoint import RuntimeEndpoint
from core.protocol.ops import OverrideTurnContext
from core.protocol.session import ApprovalPolicy, SandboxMode, TurnContextItem


@dataclass(frozen=True)
class TurnContext:
    """Everything a turn needs to know about where and how it runs."""

    model: str
    model_provider_id: str
    provider: RuntimeEndpoint
    cwd: Path
    approval_policy: ApprovalPolicy = "on-request"
    sandbox_mode: SandboxMode = "workspace-write"
    effort: str | None = None
    identity: str | None = None
    model_context_window: int | None = None
    writable_roots: tuple[Path, ...] = ()
    """Folders besides the workspace and /tmp that commands may write in ``workspace-write``."""
    network_access: bool = False
    """Whether commands reach the network in ``workspace-write``."""
    auto_compact_token_limit: int | None = None
    """``model_auto_compact_token_limit``: see ``core.agent.compaction.auto_compact_limit``."""
    takes_images: bool = True
    """False when the model catalog lists the model as text-only: a turn with images is then
    refused before anything is sent, and images from tools stay placeholder lines."""

    def with_override(self, op: OverrideTurnContext) -> TurnContext:
        """A copy with the op's non-empty fields applied."""
        return replace(
            self,
            model=op.model or self.model,
            effort=op.effort if op.effort is not None else self.effort,
            identity=op.identity if op.identity is not None else self.identity,
            approval_policy=op.approval_policy or self.approval_policy,
        )

    def to_item(self) -> TurnContextItem:
        """The ``turn_context`` rollout line recorded at the start of each turn."""
        return TurnContextItem(
            cwd=str(self.cwd),
            approval_policy=self.approval_policy,
            sandbox_mode=self.sandbox_mode,
            model=self.model,
            effort=self.effort,
            identity=self.identity,
        )
