"""Events an agent thread emits, tagged by ``type`` (docs/architecture.md, Ops and events)."""

from typing import Annotated, Literal

from pydantic import Field

from core.protocol.base import WireModel
from core.protocol.ids import ThreadId


class TokenUsage(WireModel):
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0
    total_tokens: int = 0

    def plus(self, other: "TokenUsage") -> "TokenUsage":
        return TokenUsage(
            input_tokens=self.input_tokens + other.input_tokens,
            cached_input_tokens=self.cached_input_tokens + other.cached_input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            reasoning_output_tokens=self.reasoning_output_tokens + other.reasoning_output_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
        )


class TokenUsageInfo(WireModel):
    total_token_usage: TokenUsage
    last_token_usage: TokenUsage
    model_context_window: int | None = None


class TaskStarted(WireModel):
    type: Literal["task_started"] = "task_started"
    model_context_window: int | None = None


class UserMessageEvent(WireModel):
    type: Literal["user_message"] = "user_message"
    message: str
    images: list[str] | None = None
    """The attached images' ``data:`` URLs, as the Codex CLI's ``user_message`` event has them."""
    image_names: list[str | None] | None = None
    """Their file names, in the same order (None for an image that came without one)."""


class AgentMessageDelta(WireModel):
    type: Literal["agent_message_delta"] = "agent_message_delta"
    delta: str


class AgentMessage(WireModel):
    type: Literal["agent_message"] = "agent_message"
    message: str


class AgentReasoningDelta(WireModel):
    type: Literal["agent_reasoning_delta"] = "agent_reasoning_delta"
    delta: str


class AgentReasoning(WireModel):
    type: Literal["agent_reasoning"] = "agent_reasoning"
    text: str


class ToolCallBegin(WireModel):
    type: Literal["tool_call_begin"] = "tool_call_begin"
    call_id: str
    tool_name: str
    arguments: str


class ToolCallOutputDelta(WireModel):
    type: Literal["tool_call_output_delta"] = "tool_call_output_delta"
    call_id: str
    chunk: str


class ToolCallEnd(WireModel):
    type: Literal["tool_call_end"] = "tool_call_end"
    call_id: str
    tool_name: str
    output: str
    success: bool = True
    duration_ms: int | None = None
    arguments: str | None = None
    """An ``apply_patch`` call's arguments (its patch), so a transcript replayed from the
    rollout can show the patch as a diff; None for other tools, whose arguments only the
    begin event carries (not recorded)."""


class ExecApprovalRequest(WireModel):
    type: Literal["exec_approval_request"] = "exec_approval_request"
    call_id: str
    command: list[str]
    cwd: str
    reason: str | None = None


class DynamicToolCallRequest(WireModel):
    type: Literal["dynamic_tool_call_request"] = "dynamic_tool_call_request"
    call_id: str
    tool: str
    arguments: str


class TokenCount(WireModel):
    type: Literal["token_count"] = "token_count"
    info: TokenUsageInfo | None = None


class TaskComplete(WireModel):
    type: Literal["task_complete"] = "task_complete"
    last_agent_message: str | None = None
    finish_reason: str | None = None
    """Why the turn's last model response ended ("stop", "length", "content_filter", ...), so a
    client can tell a finished answer from one cut by the output limit or a refusal."""


class TurnAbortedEvent(WireModel):
    type: Literal["turn_aborted"] = "turn_aborted"
    reason: str = "interrupted"


class Warning(WireModel):
    type: Literal["warning"] = "warning"
    message: str
    partial_output_discarded: bool | None = None
    """True when the model stream is retried: what it streamed so far will not be completed,
    so a client drops its half-shown answer (None, left out of the JSON, otherwise)."""


class ModelRefusal(WireModel):
    """The model declined to answer; ``message`` is what it said instead (shown as a refusal,
    not as an answer, and ``lha exec`` exits 1)."""

    type: Literal["model_refusal"] = "model_refusal"
    message: str


class ErrorEvent(WireModel):
    type: Literal["error"] = "error"
    message: str


class ContextCompacted(WireModel):
    """The model-facing history was replaced by a summary (``/compact``, ``lha compact``, or
    automatically before a turn that would not fit). Sizes are the request estimates."""

    type: Literal["context_compacted"] = "context_compacted"
    summary: str
    tokens_before: int
    tokens_after: int
    automatic: bool = False


class ShutdownComplete(WireModel):
    type: Literal["shutdown_complete"] = "shutdown_complete"


class SessionConfigured(WireModel):
    type: Literal["session_configured"] = "session_configured"
    thread_id: ThreadId
    forked_from_id: ThreadId | None = None
    model: str
    model_provider_id: str
    cwd: str
    rollout_path: str | None = None
    initial_messages: "list[EventMsg] | None" = None


EventMsg = Annotated[
    SessionConfigured
    | TaskStarted
    | UserMessageEvent
    | AgentMessageDelta
    | AgentMessage
    | AgentReasoningDelta
    | AgentReasoning
    | ToolCallBegin
    | ToolCallOutputDelta
    | ToolCallEnd
    | ExecApprovalRequest
    | DynamicToolCallRequest
    | TokenCount
    | TaskComplete
    | TurnAbortedEvent
    | Warning
    | ModelRefusal
    | ErrorEvent
    | ContextCompacted
    | ShutdownComplete,
    Field(discriminator="type"),
]

SessionConfigured.model_rebuild()

PERSISTED_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "user_message",
        "agent_message",
        "agent_reasoning",
        "model_refusal",
        "tool_call_end",
        "token_count",
        "turn_aborted",
        "error",
        "warning",
        "context_compacted",
    }
)
"""Event types worth replaying from a rollout; deltas and lifecycle events are never stored."""


class Event(WireModel):
    """One event out of an agent: ``id`` is the submission it answers ("" for session setup)."""

    id: str
    msg: EventMsg
