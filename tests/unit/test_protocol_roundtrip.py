"""Every protocol model survives JSON: ``parse(dump(x)) == x`` (hypothesis round trips)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from core.protocol import (
    AgentMessage,
    AgentMessageDelta,
    AgentReasoning,
    AgentReasoningDelta,
    BaseInstructions,
    CompactedItem,
    CompactedRecord,
    DynamicToolCallRequest,
    DynamicToolResponse,
    DynamicToolSpec,
    ErrorEvent,
    Event,
    EventMsg,
    EventRecord,
    ExecApproval,
    ExecApprovalRequest,
    GitInfo,
    ImageInput,
    InputImage,
    InputText,
    Interrupt,
    JsonArguments,
    McpServerRefreshConfig,
    MessageItem,
    Op,
    OutputText,
    OverrideTurnContext,
    ReasoningItem,
    ReasoningText,
    RefreshMcpServers,
    RolloutItem,
    RolloutLine,
    SessionConfigured,
    SessionMeta,
    SessionMetaRecord,
    SessionSource,
    Shutdown,
    ShutdownComplete,
    SteerInput,
    Submission,
    SummaryText,
    TaskComplete,
    TaskStarted,
    TextInput,
    ThreadId,
    TokenCount,
    TokenUsage,
    TokenUsageInfo,
    ToolCallBegin,
    ToolCallEnd,
    ToolCallItem,
    ToolCallOutputDelta,
    ToolCallOutputItem,
    TranscriptItem,
    TranscriptRecord,
    TurnAbortedEvent,
    TurnContextItem,
    TurnContextRecord,
    UserInput,
    UserMessageEvent,
    Warning,
    WireModel,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text = st.text(max_size=40)
opt_text = st.none() | text
small_int = st.integers(min_value=0, max_value=2**53)
opt_int = st.none() | small_int
thread_ids = st.uuids().map(lambda u: ThreadId(str(u))) | st.builds(ThreadId.new)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
json_objects = st.dictionaries(text, json_values, max_size=4)

# ----- transcript items

content_items = st.one_of(
    st.builds(InputText, text=text),
    st.builds(OutputText, text=text),
    st.builds(InputImage, image_url=text),
)
messages = st.builds(
    MessageItem,
    id=opt_text,
    role=st.sampled_from(["user", "assistant", "developer", "system"]),
    content=st.lists(content_items, max_size=4),
    end_turn=st.none() | st.booleans(),
)
reasonings = st.builds(
    ReasoningItem,
    id=text,
    summary=st.lists(st.builds(SummaryText, text=text), max_size=3),
    content=st.none() | st.lists(st.builds(ReasoningText, text=text), max_size=3),
    encrypted_content=opt_text,
)
tool_calls = st.builds(
    ToolCallItem,
    id=opt_text,
    call_id=text,
    tool_name=text,
    payload=st.builds(JsonArguments, arguments=text),
)
tool_outputs = st.builds(
    ToolCallOutputItem, call_id=text, output=text, success=st.none() | st.booleans()
)
transcript_items = st.one_of(messages, reasonings, tool_calls, tool_outputs)

# ----- session facts

session_metas = st.builds(
    SessionMeta,
    id=thread_ids,
    timestamp=text,
    cwd=text,
    originator=text,
    cli_version=text,
    source=st.sampled_from(list(SessionSource)),
    model_provider=opt_text,
    base_instructions=st.none() | st.builds(BaseInstructions, text=text),
    dynamic_tools=st.none()
    | st.lists(
        st.builds(DynamicToolSpec, name=text, description=text, input_schema=json_objects),
        max_size=2,
    ),
    forked_from_id=st.none() | thread_ids,
    git=st.none()
    | st.builds(GitInfo, commit_hash=opt_text, branch=opt_text, repository_url=opt_text),
)
approval = st.sampled_from(["untrusted", "on-request", "never"])
turn_contexts = st.builds(
    TurnContextItem,
    cwd=text,
    approval_policy=approval,
    model=text,
    effort=opt_text,
    identity=opt_text,
)
compacted = st.builds(
    CompactedItem,
    message=text,
    replacement_history=st.none() | st.lists(transcript_items, max_size=3),
)

# ----- events

usages = st.builds(
    TokenUsage,
    input_tokens=small_int,
    cached_input_tokens=small_int,
    output_tokens=small_int,
    reasoning_output_tokens=small_int,
    total_tokens=small_int,
)
plain_events = st.one_of(
    st.builds(TaskStarted, model_context_window=opt_int),
    st.builds(UserMessageEvent, message=text, images=st.none() | st.lists(text, max_size=2)),
    st.builds(AgentMessageDelta, delta=text),
    st.builds(AgentMessage, message=text),
    st.builds(AgentReasoningDelta, delta=text),
    st.builds(AgentReasoning, text=text),
    st.builds(ToolCallBegin, call_id=text, tool_name=text, arguments=text),
    st.builds(ToolCallOutputDelta, call_id=text, chunk=text),
    st.builds(
        ToolCallEnd,
        call_id=text,
        tool_name=text,
        output=text,
        success=st.booleans(),
        duration_ms=opt_int,
    ),
    st.builds(
        ExecApprovalRequest,
        call_id=text,
        command=st.lists(text, max_size=3),
        cwd=text,
        reason=opt_text,
    ),
    st.builds(DynamicToolCallRequest, call_id=text, tool=text, arguments=text),
    st.builds(
        TokenCount,
        info=st.none()
        | st.builds(
            TokenUsageInfo,
            total_token_usage=usages,
            last_token_usage=usages,
            model_context_window=opt_int,
        ),
    ),
    st.builds(TaskComplete, last_agent_message=opt_text),
    st.builds(TurnAbortedEvent, reason=text),
    st.builds(Warning, message=text),
    st.builds(ErrorEvent, message=text),
    st.builds(ShutdownComplete),
)
session_configured = st.builds(
    SessionConfigured,
    thread_id=thread_ids,
    forked_from_id=st.none() | thread_ids,
    model=text,
    model_provider_id=text,
    cwd=text,
    rollout_path=opt_text,
    initial_messages=st.none() | st.lists(plain_events, max_size=4),
)
event_msgs = plain_events | session_configured

# ----- ops

ops = st.one_of(
    st.builds(
        UserInput,
        items=st.lists(
            st.builds(TextInput, text=text) | st.builds(ImageInput, image_url=text), max_size=3
        ),
    ),
    st.builds(
        OverrideTurnContext,
        model=opt_text,
        effort=opt_text,
        identity=opt_text,
        approval_policy=st.none() | approval,
    ),
    st.builds(SteerInput, items=st.lists(st.builds(TextInput, text=text), max_size=3)),
    st.builds(Interrupt),
    st.builds(
        ExecApproval,
        id=text,
        decision=st.sampled_from(["approved", "approved_for_session", "denied", "abort"]),
    ),
    st.builds(DynamicToolResponse, call_id=text, output=text, success=st.booleans()),
    st.builds(
        RefreshMcpServers,
        config=st.builds(McpServerRefreshConfig, mcp_servers=json_objects),
    ),
    st.builds(Shutdown),
)

# ----- rollout lines

rollout_items = st.one_of(
    st.builds(SessionMetaRecord, payload=session_metas),
    st.builds(TranscriptRecord, payload=transcript_items),
    st.builds(EventRecord, payload=event_msgs),
    st.builds(TurnContextRecord, payload=turn_contexts),
    st.builds(CompactedRecord, payload=compacted),
)
rollout_lines = st.builds(RolloutLine, timestamp=text, item=rollout_items)

TRANSCRIPT_ADAPTER: TypeAdapter[TranscriptItem] = TypeAdapter(TranscriptItem)
EVENT_ADAPTER: TypeAdapter[EventMsg] = TypeAdapter(EventMsg)
OP_ADAPTER: TypeAdapter[Op] = TypeAdapter(Op)
ITEM_ADAPTER: TypeAdapter[RolloutItem] = TypeAdapter(RolloutItem)


def _same_class_roundtrip(model: WireModel) -> None:
    again = type(model).model_validate_json(model.to_json())
    assert again == model
    assert again.to_json() == model.to_json()


@SETTINGS
@given(transcript_items)
def test_transcript_items(item: TranscriptItem) -> None:
    _same_class_roundtrip(item)
    assert TRANSCRIPT_ADAPTER.validate_json(item.to_json()) == item


@SETTINGS
@given(event_msgs, text)
def test_events(msg: EventMsg, event_id: str) -> None:
    _same_class_roundtrip(msg)
    assert EVENT_ADAPTER.validate_json(msg.to_json()) == msg
    event = Event(id=event_id, msg=msg)
    assert Event.model_validate_json(event.to_json()) == event


@SETTINGS
@given(session_configured)
def test_session_configured_with_initial_messages(msg: SessionConfigured) -> None:
    again = EVENT_ADAPTER.validate_json(msg.to_json())
    assert isinstance(again, SessionConfigured)
    assert again.initial_messages == msg.initial_messages
    assert again == msg


@SETTINGS
@given(ops, text)
def test_ops(op: Op, submission_id: str) -> None:
    _same_class_roundtrip(op)
    assert OP_ADAPTER.validate_json(op.to_json()) == op
    submission = Submission(id=submission_id, op=op)
    assert Submission.model_validate_json(submission.to_json()) == submission


@SETTINGS
@given(st.one_of(session_metas, turn_contexts, compacted))
def test_session_facts(model: WireModel) -> None:
    _same_class_roundtrip(model)


@SETTINGS
@given(rollout_lines)
def test_rollout_lines(line: RolloutLine) -> None:
    dumped = line.dump()
    assert "\n" not in dumped
    parsed = RolloutLine.parse(dumped)
    assert parsed == line
    assert parsed.dump() == dumped
    assert ITEM_ADAPTER.validate_json(line.item.to_json()) == line.item
    assert RolloutLine.parse(dumped.encode()) == line


@SETTINGS
@given(thread_ids)
def test_thread_ids(thread_id: ThreadId) -> None:
    assert ThreadId(str(thread_id)) == thread_id
    assert ThreadId(str(thread_id).upper()) == thread_id
    adapter: TypeAdapter[ThreadId] = TypeAdapter(ThreadId)
    again = adapter.validate_json(adapter.dump_json(thread_id))
    assert again == thread_id and isinstance(again, ThreadId)


def test_new_thread_ids_sort_by_creation() -> None:
    ids = [ThreadId.new() for _ in range(2000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(str(i)[14] == "7" for i in ids)


@SETTINGS
@given(json_objects)
def test_unknown_fields_survive(extra: dict[str, Any]) -> None:
    reserved = set(MessageItem.model_fields)
    # ``to_json`` leaves out None values, so an extra field set to null is not kept.
    extra = {k: v for k, v in extra.items() if k not in reserved and v is not None}
    data = {"type": "message", "role": "user", "content": [], **extra}
    item = TRANSCRIPT_ADAPTER.validate_python(data)
    assert item.model_extra == extra
    assert TRANSCRIPT_ADAPTER.validate_json(item.to_json()) == item
