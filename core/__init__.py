"""lha's engine: threads, rollouts, models. Nothing here imports ``tui`` or textual.

The public API is re-exported lazily (PEP 562) so ``import core`` stays cheap: start-up time is a
feature, and a command like ``lha --version`` must not pay for the HTTP client or the agent.
"""

from __future__ import annotations

from core._lazy import lazy_getattr

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "ThreadId": "core.protocol.ids",
    "InitialHistory": "core.protocol.history",
    "SessionSource": "core.protocol.session",
    "Op": "core.protocol.ops",
    "Submission": "core.protocol.ops",
    "Event": "core.protocol.events",
    "EventMsg": "core.protocol.events",
    "RuntimeEndpoint": "core.llm.providers.endpoint",
    "CatalogRefreshStrategy": "core.models.refresh_strategy",
    "ToolCallPayload": "core.protocol.tool_payload",
    "LhaError": "core.errors",
    "ThreadNotFound": "core.errors",
    "SessionConfiguredNotFirstEvent": "core.errors",
    "InternalAgentDied": "core.errors",
    "RolloutError": "core.errors",
    "InvalidRequest": "core.errors",
    "ConfigError": "core.errors",
    "EnvVarError": "core.errors",
    "ProviderError": "core.errors",
    "UnauthorizedError": "core.errors",
    "ProviderUnreachable": "core.errors",
    "StreamError": "core.errors",
    "TryLockError": "core.errors",
    "RolloutRecorder": "core.rollout.recorder",
    "truncate_rollout_before_nth_user_message_from_start": "core.rollout.truncation",
    "truncate_before_nth_user_message": "core.rollout.truncation",
    "ThreadManager": "core.agent.thread_manager",
    "NewThread": "core.agent.thread_manager",
    "AgentThread": "core.agent.agent_thread",
    "Config": "core.config",
    "AuthManager": "core.auth",
    "LhaAuth": "core.auth",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


__getattr__ = lazy_getattr(__name__, _EXPORTS)
