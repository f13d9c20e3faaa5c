"""The Codex CLI's rollout format, read as a second input format and mapped onto lha's items.

A Codex rollout has the same line shape as lha's (``{"timestamp", "type", "payload"}``) but other
kinds: the conversation is in ``response_item`` lines (the Responses API's items: ``message``,
``reasoning``, ``function_call``, ...), and it writes many lines lha has no use for
(``world_state``, ``token_usage_record``, most ``event_msg`` kinds). A file is in this format
when its ``session_meta`` names another originator than lha.

Each line becomes zero or more lha rollout items; the fields lha does not model are kept on the
items (lha's models keep unknown keys). The transcript entries a resumed thread shows come from
``event_msg`` lines in lha's own rollouts; Codex 0.169 writes its own event kinds there, so the
entries are made from the conversation itself (a user message, an answer, a reasoning summary).
A conversation line that cannot be mapped is reported as unreadable, with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from core.protocol.events import (
    AgentMessage,
    AgentReasoning,
    TokenCount,
    UserMessageEvent,
)
from core.protocol.items import (
    MessageItem,
    ReasoningItem,
    ReasoningText,
    SummaryText,
    ToolCallItem,
    ToolCallOutputItem,
    TranscriptItem,
)
from core.protocol.rollout import (
    CompactedRecord,
    EventRecord,
    RolloutItem,
    SessionMetaRecord,
    TranscriptRecord,
    TurnContextRecord,
)
from core.protocol.session import CompactedItem, SessionMeta, TurnContextItem
from core.protocol.tool_payload import JsonArguments
from core.rollout.session_prefix import is_session_prefix_message

LHA_ORIGINATOR = "lha"

SKIPPED_RESPONSE_ITEMS = frozenset({"web_search_call", "ghost_snapshot", "image_generation_call"})
"""Conversation kinds kept out on purpose: a web search (or image generation) ran on the
provider's side and its result is already in the answer that follows; a ghost snapshot is the
Codex CLI's own undo bookkeeping."""

_APPROVAL_POLICIES = {"untrusted": "untrusted", "on-request": "on-request", "never": "never"}
_NEAREST_APPROVAL = {"on-failure": "on-request"}
_SANDBOX_MODES = frozenset({"read-only", "workspace-write", "danger-full-access"})


class CodexLineError(ValueError):
    """A conversation line of a Codex rollout that lha cannot map; the message says why."""


def is_codex_session_meta(first_line: bytes) -> bool:
    """True when a rollout's first line is a ``session_meta`` written by another originator."""
    try:
        data = json.loads(first_line)
    except (ValueError, RecursionError):
        return False
    if not isinstance(data, dict) or data.get("type") != "session_meta":
        return False
    payload = data.get("payload")
    if not isinstance(payload, dict):
        return False
    originator = payload.get("originator")
    return isinstance(originator, str) and originator != LHA_ORIGINATOR


def convert_line(data: Any) -> list[RolloutItem]:
    """One decoded Codex rollout line as lha rollout items (``[]``: nothing lha uses).

    Raises:
        CodexLineError: a line that should hold something lha uses but cannot be mapped.
    """
    if not isinstance(data, dict):
        raise CodexLineError("not a JSON object")
    kind, payload = data.get("type"), data.get("payload")
    converter = _LINE_CONVERTERS.get(kind) if isinstance(kind, str) else None
    if converter is None:
        return []  # world_state, token_usage_record and whatever lha has no use for
    if not isinstance(payload, dict):
        raise CodexLineError(f"{kind} without a payload object")
    try:
        return converter(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise CodexLineError(f"{kind}: {where}: {first['msg']}") from None


def _session_meta(payload: dict[str, Any]) -> list[RolloutItem]:
    # Codex's base instructions describe Codex's tools; lha continues with its own.
    kept = {key: value for key, value in payload.items() if key not in ("base_instructions",)}
    kept.pop("dynamic_tools", None)
    return [SessionMetaRecord(payload=SessionMeta.model_validate(kept))]


def _turn_context(payload: dict[str, Any]) -> list[RolloutItem]:
    policy = str(payload.get("approval_policy") or "on-request")
    policy = _APPROVAL_POLICIES.get(policy) or _NEAREST_APPROVAL.get(policy, "on-request")
    sandbox = payload.get("sandbox_policy")
    mode = sandbox.get("type") if isinstance(sandbox, dict) else sandbox
    item = TurnContextItem(
        cwd=str(payload.get("cwd") or ""),
        approval_policy=policy,
        sandbox_mode=mode if mode in _SANDBOX_MODES else None,
        model=str(payload.get("model") or ""),
        effort=payload.get("effort") if isinstance(payload.get("effort"), str) else None,
    )
    return [TurnContextRecord(payload=item)]


def _event(payload: dict[str, Any]) -> list[RolloutItem]:
    """Only token counts: the other Codex events are either shown from the conversation items
    or are the Codex CLI's own bookkeeping."""
    if payload.get("type") != "token_count":
        return []
    try:
        return [EventRecord(payload=TokenCount.model_validate(payload))]
    except ValidationError:
        return []  # a count lha cannot read only costs the status line its number


def _compacted(payload: dict[str, Any]) -> list[RolloutItem]:
    replacement = payload.get("replacement_history")
    history: list[TranscriptItem] | None = None
    if isinstance(replacement, list):
        history = [item for raw in replacement for item in _transcript_items(raw)]
    message = str(payload.get("message") or "")
    return [CompactedRecord(payload=CompactedItem(message=message, replacement_history=history))]


def _response_item(payload: dict[str, Any]) -> list[RolloutItem]:
    records: list[RolloutItem] = []
    for item in _transcript_items(payload):
        records.append(TranscriptRecord(payload=item))
        shown = _shown_event(item)
        if shown is not None:
            # Validated as a record in one pass (what is in it was validated with the item).
            records.append(_EVENT_RECORD({"payload": shown}))
    return records


_EVENT_RECORD = EventRecord.model_validate
_USER_MESSAGE, _AGENT_MESSAGE, _AGENT_REASONING = (
    kind.model_fields["type"].default for kind in (UserMessageEvent, AgentMessage, AgentReasoning)
)


def _shown_event(item: TranscriptItem) -> dict[str, str] | None:
    """The transcript entry a resumed thread shows for a conversation item, if any, as event
    data made from the validated item's own strings (a 1,000-turn rollout has 2,000 of them)."""
    if isinstance(item, MessageItem):
        if item.role == "user":
            if is_session_prefix_message(item):
                return None
            return {"type": _USER_MESSAGE, "message": item.text()}
        text = item.text() if item.role == "assistant" else ""
        if text:
            return {"type": _AGENT_MESSAGE, "message": text}
    if isinstance(item, ReasoningItem) and item.summary:
        return {"type": _AGENT_REASONING, "text": "\n\n".join(p.text for p in item.summary)}
    return None


def _transcript_items(raw: Any) -> list[TranscriptItem]:
    if not isinstance(raw, dict):
        raise CodexLineError("a conversation item that is not a JSON object")
    kind = raw.get("type")
    if kind in SKIPPED_RESPONSE_ITEMS:
        return []
    converter = _ITEM_CONVERTERS.get(kind) if isinstance(kind, str) else None
    if converter is None:
        raise CodexLineError(f"unknown conversation item kind {str(kind)[:40]!r}")
    return [converter(raw)]


def _extras(raw: dict[str, Any], *mapped: str) -> dict[str, Any]:
    """The fields lha does not map, kept on the item."""
    return {key: value for key, value in raw.items() if key not in ("type", *mapped)}


def _message(raw: dict[str, Any]) -> MessageItem:
    role = raw.get("role")
    parts = raw.get("content")
    if not isinstance(parts, list):
        parts = [{"type": "input_text", "text": parts}] if isinstance(parts, str) else []
    content = [part for raw_part in parts if (part := _content_part(raw_part, role)) is not None]
    return MessageItem.model_validate({**raw, "type": "message", "role": role, "content": content})


def _content_part(raw: Any, role: Any) -> dict[str, str] | None:
    """A content part as lha's ``ContentItem`` data (validated with the message, in one go)."""
    if not isinstance(raw, dict):
        return None
    if raw.get("type") == "input_image" and isinstance(raw.get("image_url"), str):
        return {"type": "input_image", "image_url": raw["image_url"]}
    text = raw.get("text", raw.get("refusal"))
    if not isinstance(text, str):
        return None
    return {"type": "output_text" if role == "assistant" else "input_text", "text": text}


def _reasoning(raw: dict[str, Any]) -> ReasoningItem:
    summary = [SummaryText(text=str(part.get("text", ""))) for part in _dicts(raw.get("summary"))]
    content = [ReasoningText(text=str(part.get("text", ""))) for part in _dicts(raw.get("content"))]
    return ReasoningItem.model_validate(
        {
            **_extras(raw, "summary", "content"),
            "id": str(raw.get("id") or "reasoning"),
            "summary": summary,
            "content": content or None,
        }
    )


def _function_call(raw: dict[str, Any]) -> ToolCallItem:
    arguments = raw.get("arguments")
    return ToolCallItem.model_validate(
        {
            **_extras(raw, "name", "arguments"),
            "tool_name": raw.get("name"),
            "payload": JsonArguments(arguments=arguments if isinstance(arguments, str) else "{}"),
        }
    )


def _custom_tool_call(raw: dict[str, Any]) -> ToolCallItem:
    """A free-form tool call (the Codex CLI's ``apply_patch``): its text becomes ``input``."""
    arguments = json.dumps({"input": str(raw.get("input", ""))}, ensure_ascii=False)
    return ToolCallItem.model_validate(
        {
            **_extras(raw, "name", "input"),
            "tool_name": raw.get("name"),
            "payload": JsonArguments(arguments=arguments),
        }
    )


def _local_shell_call(raw: dict[str, Any]) -> ToolCallItem:
    action = raw.get("action")
    action = {k: v for k, v in action.items() if k != "type"} if isinstance(action, dict) else {}
    return ToolCallItem.model_validate(
        {
            **_extras(raw, "action"),
            "call_id": raw.get("call_id") or raw.get("id"),
            "tool_name": "local_shell",
            "payload": JsonArguments(arguments=json.dumps(action, ensure_ascii=False)),
        }
    )


def _call_output(raw: dict[str, Any]) -> ToolCallOutputItem:
    output = raw.get("output")
    success: Any = None
    if isinstance(output, dict):  # {"content": ..., "success": ...}
        success = output.get("success")
        output = output.get("content")
    return ToolCallOutputItem.model_validate(
        {
            **_extras(raw, "output", "success"),
            "output": _output_text(output),
            "success": success if isinstance(success, bool) else raw.get("success"),
        }
    )


def _output_text(output: Any) -> str:
    """A call's output as text: content parts (text and images) are joined."""
    if isinstance(output, str):
        return output
    if isinstance(output, list):
        return "\n".join(_part_text(part) for part in output)
    return "" if output is None else json.dumps(output, ensure_ascii=False)


def _part_text(part: Any) -> str:
    if isinstance(part, dict) and isinstance(part.get("text"), str):
        return str(part["text"])
    if isinstance(part, dict) and part.get("type") == "input_image":
        return "[image]"
    return json.dumps(part, ensure_ascii=False)


def _dicts(value: Any) -> Iterable[dict[str, Any]]:
    return [part for part in value if isinstance(part, dict)] if isinstance(value, list) else []


_ITEM_CONVERTERS: dict[str, Callable[[dict[str, Any]], TranscriptItem]] = {
    "message": _message,
    "reasoning": _reasoning,
    "function_call": _function_call,
    "function_call_output": _call_output,
    "custom_tool_call": _custom_tool_call,
    "custom_tool_call_output": _call_output,
    "local_shell_call": _local_shell_call,
}

_LINE_CONVERTERS: dict[str, Callable[[dict[str, Any]], list[RolloutItem]]] = {
    "session_meta": _session_meta,
    "turn_context": _turn_context,
    "event_msg": _event,
    "compacted": _compacted,
    "response_item": _response_item,
}
