"""Operations a client submits to an agent thread, tagged by ``type``.

See docs/architecture.md, Ops and events."""

from typing import Annotated, Any, Literal

from pydantic import Field

from core.protocol.base import WireModel
from core.protocol.session import ApprovalPolicy


class TextInput(WireModel):
    type: Literal["text"] = "text"
    text: str


class ImageInput(WireModel):
    type: Literal["image"] = "image"
    image_url: str
    """A ``data:`` URL (``core.images``) or an address the provider fetches."""
    file_name: str | None = None
    """The attached file's name, for chips and exports; never sent to the model."""


UserInputItem = Annotated[TextInput | ImageInput, Field(discriminator="type")]


class UserInput(WireModel):
    type: Literal["user_input"] = "user_input"
    items: list[UserInputItem]

    @classmethod
    def text(cls, text: str) -> "UserInput":
        return cls(items=[TextInput(text=text)])


class SteerInput(WireModel):
    """Input for the running turn: it reaches the model at the turn's next request (after the
    tool calls under way), as the Codex CLI's steering does. With no turn running it starts one,
    like ``UserInput``."""

    type: Literal["steer_input"] = "steer_input"
    items: list[UserInputItem]

    @classmethod
    def text(cls, text: str) -> "SteerInput":
        return cls(items=[TextInput(text=text)])


class OverrideTurnContext(WireModel):
    type: Literal["override_turn_context"] = "override_turn_context"
    model: str | None = None
    effort: str | None = None
    identity: str | None = None
    approval_policy: ApprovalPolicy | None = None


class Interrupt(WireModel):
    type: Literal["interrupt"] = "interrupt"


ReviewDecision = Literal["approved", "approved_for_session", "denied", "abort"]


class ExecApproval(WireModel):
    type: Literal["exec_approval"] = "exec_approval"
    id: str
    decision: ReviewDecision


class DynamicToolResponse(WireModel):
    type: Literal["dynamic_tool_response"] = "dynamic_tool_response"
    call_id: str
    output: str
    success: bool = True


class McpServerRefreshConfig(WireModel):
    """The new ``[mcp_servers]`` table, as plain data."""

    mcp_servers: dict[str, Any] = Field(default_factory=dict)


class RefreshMcpServers(WireModel):
    type: Literal["refresh_mcp_servers"] = "refresh_mcp_servers"
    config: McpServerRefreshConfig


class Compact(WireModel):
    """Summarise the thread's history to free the model's context (``/compact``)."""

    type: Literal["compact"] = "compact"
    instructions: str | None = None


class Shutdown(WireModel):
    type: Literal["shutdown"] = "shutdown"


Op = Annotated[
    UserInput
    | SteerInput
    | OverrideTurnContext
    | Interrupt
    | ExecApproval
    | DynamicToolResponse
    | RefreshMcpServers
    | Compact
    | Shutdown,
    Field(discriminator="type"),
]


class Submission(WireModel):
    """One op into an agent; ``id`` is "0", "1", ... in submission order."""

    id: str
    op: Op
