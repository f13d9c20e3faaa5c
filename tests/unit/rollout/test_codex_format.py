"""The Codex CLI's rollout format mapped onto lha's items: a real 0.169 file and hand-made lines
for the item kinds that need a real OpenAI model (custom tools, local shell, web search)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.protocol.events import TokenCount
from core.protocol.items import MessageItem, ReasoningItem, ToolCallItem, ToolCallOutputItem
from core.protocol.rollout import (
    CompactedRecord,
    EventRecord,
    SessionMetaRecord,
    TranscriptRecord,
    TurnContextRecord,
)
from core.rollout.codex_format import CodexLineError, convert_line
from core.rollout.reader import load_rollout_sync
from core.rollout.session_prefix import is_real_user_message
from core.rollout.user_turns import list_user_turns

AGENTS = "# AGENTS.md instructions for /w\n"
FIXTURE = Path(__file__).parents[2] / "fixtures" / "codex" / "two_turns_exec_command.jsonl"
META = {
    "type": "session_meta",
    "payload": {
        "id": "01a241e1-4fe9-76b3-8618-9ddf4e3c2263",
        "timestamp": "2026-12-04T16:26:54.829Z",
        "cwd": "/w",
        "originator": "codex_cli_rs",
        "cli_version": "0.169.0",
        "base_instructions": {"text": "You are Codex."},
    },
}


def _item(payload: dict[str, Any]) -> dict[str, Any]:
    return {"timestamp": "2026-12-04T16:27:00.000Z", "type": "response_item", "payload": payload}


def _write(tmp_path: Path, lines: list[dict[str, Any]]) -> Path:
    path = tmp_path / "rollout.jsonl"
    path.write_text("".join(json.dumps({"timestamp": "t", **line}) + "\n" for line in lines))
    return path


def test_real_codex_file_maps_every_line_and_counts_two_user_turns() -> None:
    loaded = load_rollout_sync(FIXTURE)
    assert loaded.report.bad_lines == 0
    assert loaded.report.source_format == "codex"
    assert loaded.history.source_format == "codex"
    items = loaded.history.items
    assert isinstance(items[0], SessionMetaRecord)
    assert items[0].payload.originator == "codex_exec"
    assert "base_instructions" not in items[0].payload.model_dump(exclude_none=True)
    turns = list_user_turns(items)
    assert [turn.text for turn in turns] == ["first question", "second question"]
    real_user_messages = [
        item
        for item in items
        if isinstance(item, TranscriptRecord) and is_real_user_message(item.payload)
    ]
    assert len(real_user_messages) == 2
    transcript = [item.payload for item in items if isinstance(item, TranscriptRecord)]
    call = next(item for item in transcript if isinstance(item, ToolCallItem))
    assert (call.call_id, call.tool_name, call.payload.arguments) == (
        "call_1",
        "exec_command",
        '{"cmd": "echo hi"}',
    )
    reasoning = next(item for item in transcript if isinstance(item, ReasoningItem))
    assert reasoning.id == "rs_1"
    shown = [item.payload.type for item in items if isinstance(item, EventRecord)]
    assert shown.count("user_message") == 2 and shown.count("agent_message") == 2
    assert sum(isinstance(item, TurnContextRecord) for item in items) == 2


def test_hand_made_item_kinds(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            META,
            {"type": "world_state", "payload": {"full": True}},
            {"type": "token_usage_record", "payload": {"usage": {}}},
            {"type": "turn_context", "payload": {"cwd": "/w", "model": "gpt-5",
                                                  "approval_policy": "on-failure",
                                                  "sandbox_policy": {"type": "workspace-write"}}},
            _item({"type": "message", "role": "user",
                   "content": [{"type": "input_text", "text": AGENTS}]}),
            _item({"type": "message", "role": "user",
                   "content": [{"type": "input_text", "text": "patch it"}]}),
            _item({"type": "custom_tool_call", "call_id": "c1", "name": "apply_patch",
                   "input": "*** Begin Patch\n*** End Patch", "status": "completed"}),
            _item({"type": "custom_tool_call_output", "call_id": "c1", "output": "Done!"}),
            _item({"type": "local_shell_call", "call_id": "s1", "status": "completed",
                   "action": {"type": "exec", "command": ["ls"], "workdir": "/w"}}),
            _item({"type": "function_call_output", "call_id": "s1",
                   "output": {"content": "a.txt", "success": True}}),
            _item({"type": "web_search_call", "id": "ws1", "status": "completed",
                   "action": {"type": "search", "query": "x"}}),
            _item({"type": "message", "role": "assistant",
                   "content": [{"type": "refusal", "refusal": "I cannot."}]}),
            {"type": "compacted", "payload": {"message": "summary", "replacement_history": [
                {"type": "message", "role": "user",
                 "content": [{"type": "input_text", "text": "patch it"}]}]}},
            {"type": "event_msg", "payload": {"type": "item_completed", "item": {}}},
        ],
    )  # fmt: skip
    loaded = load_rollout_sync(path)
    assert loaded.report.bad_lines == 0
    items = loaded.history.items
    context = next(item.payload for item in items if isinstance(item, TurnContextRecord))
    assert (context.approval_policy, context.sandbox_mode) == ("on-request", "workspace-write")
    transcript = [item.payload for item in items if isinstance(item, TranscriptRecord)]
    patch, patch_out, shell, shell_out, refusal = transcript[2:]
    assert isinstance(patch, ToolCallItem) and patch.tool_name == "apply_patch"
    assert json.loads(patch.payload.arguments) == {"input": "*** Begin Patch\n*** End Patch"}
    assert isinstance(patch_out, ToolCallOutputItem) and patch_out.output == "Done!"
    assert isinstance(shell, ToolCallItem) and shell.tool_name == "local_shell"
    assert json.loads(shell.payload.arguments) == {"command": ["ls"], "workdir": "/w"}
    assert isinstance(shell_out, ToolCallOutputItem)
    assert (shell_out.output, shell_out.success) == ("a.txt", True)
    assert isinstance(refusal, MessageItem) and refusal.text() == "I cannot."
    assert [turn.text for turn in list_user_turns(items)] == ["patch it"]
    compacted = next(item.payload for item in items if isinstance(item, CompactedRecord))
    assert compacted.replacement_history is not None
    assert len(compacted.replacement_history) == 1


def test_unknown_conversation_kind_is_unreadable_with_its_reason(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [META, _item({"type": "hologram_call", "role": "user", "call_id": "h"})],
    )
    report = load_rollout_sync(path).report
    assert (report.bad_lines, report.first_bad_line, report.lost_user_lines) == (1, 2, (2,))
    refusal = report.refusal()
    assert refusal is not None and "unknown conversation item kind 'hologram_call'" in refusal


def test_unknown_fields_are_kept_on_the_items() -> None:
    (record,) = [
        r
        for r in convert_line(_item({"type": "function_call", "call_id": "c", "name": "f",
                                     "arguments": "{}", "namespace": "mcp"}))
        if isinstance(r, TranscriptRecord)
    ]  # fmt: skip
    assert record.payload.model_dump()["namespace"] == "mcp"


@pytest.mark.parametrize("line", [[], {"type": "response_item", "payload": 3}])
def test_lines_of_the_wrong_shape_are_errors(line: object) -> None:
    with pytest.raises(CodexLineError):
        convert_line(line)


def test_a_line_only_the_json_module_reads_is_still_read() -> None:
    """The reader parses with pydantic-core and falls back to ``json`` (an escaped lone
    surrogate is valid JSON to it): no line reads differently than with ``json`` alone."""
    from core.rollout.codex_reader import _decode

    assert _decode(b'{"text": "\\ud800x"}') == {"text": "\ud800x"}
    assert _decode(b'{"text": "heron"}') == {"text": "heron"}


def _token_counts(items: list[Any]) -> list[int]:
    counts = [
        item.payload.info
        for item in items
        if isinstance(item, EventRecord) and isinstance(item.payload, TokenCount)
    ]
    return [info.total_token_usage.input_tokens if info else -1 for info in counts]


def test_only_the_newest_token_count_is_kept_and_the_others_are_not_unreadable() -> None:
    """The Codex CLI writes a count after every response; a continued thread needs the last."""
    lines = FIXTURE.read_bytes().splitlines()
    written = [json.loads(line)["payload"] for line in lines if b'"token_count"' in line]
    assert len(written) == 3, "the fixture has a count after each of its three responses"
    loaded = load_rollout_sync(FIXTURE)
    assert _token_counts(loaded.history.items) == [
        written[-1]["info"]["total_token_usage"]["input_tokens"]
    ]
    assert (loaded.report.lines, loaded.report.bad_lines) == (len(lines), 0)


def test_a_torn_last_token_count_leaves_the_one_before(tmp_path: Path) -> None:
    lines = FIXTURE.read_bytes().splitlines()
    counts = [n for n, line in enumerate(lines) if b'"token_count"' in line]
    torn = tmp_path / "torn.jsonl"
    torn.write_bytes(b"\n".join([*lines[: counts[-1]], lines[counts[-1]][:60]]))
    loaded = load_rollout_sync(torn)
    before = json.loads(lines[counts[-2]])["payload"]["info"]["total_token_usage"]
    assert _token_counts(loaded.history.items) == [before["input_tokens"]]
    assert loaded.report.torn_last_line and loaded.report.bad_lines == 0
