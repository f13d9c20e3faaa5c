"""Forking cuts: the Codex CLI's test ported exactly, plus the rules in docs/architecture.md,
A fork."""

from __future__ import annotations

import json

import pytest

from core.errors import InvalidRequest
from core.protocol import (
    InitialHistory,
    JsonArguments,
    ReasoningItem,
    RolloutItem,
    SummaryText,
    ToolCallItem,
    TranscriptItem,
    TranscriptRecord,
    developer_message,
    user_message,
)
from core.rollout import (
    truncate_before_nth_user_message,
    truncate_rollout_before_nth_user_message_from_start,
)
from core.rollout.session_prefix import ENVIRONMENT_CONTEXT_OPEN, PROJECT_INSTRUCTIONS_PREFIX

from .helpers import codex_assistant_msg, codex_user_msg, meta


def _as_json(items: list[RolloutItem]) -> object:
    return json.loads(
        "[" + ",".join(item.model_dump_json(exclude_none=True) for item in items) + "]"
    )


def _records(items: list[TranscriptItem]) -> list[RolloutItem]:
    return [TranscriptRecord(payload=item) for item in items]


def test_drops_from_last_user_only() -> None:
    items: list[TranscriptItem] = [
        codex_user_msg("u1"),
        codex_assistant_msg("a1"),
        codex_assistant_msg("a2"),
        codex_user_msg("u2"),
        codex_assistant_msg("a3"),
        ReasoningItem(
            id="r1", summary=[SummaryText(text="s")], content=None, encrypted_content=None
        ),
        ToolCallItem(
            id=None, call_id="c1", tool_name="tool", payload=JsonArguments(arguments="{}")
        ),
        codex_assistant_msg("a4"),
    ]
    initial = _records(items)
    truncated = truncate_before_nth_user_message(InitialHistory.forked(initial), 1)
    got_items = truncated.get_rollout_items()
    expected_items = _records(items[:3])
    assert _as_json(got_items) == _as_json(expected_items)

    initial2 = _records(items)
    truncated2 = truncate_before_nth_user_message(InitialHistory.forked(initial2), 2)
    assert truncated2.kind == "new"


def test_ignores_session_prefix_messages_when_truncating() -> None:
    prefix = [
        developer_message("<permissions>be careful</permissions>"),
        user_message(f"{PROJECT_INSTRUCTIONS_PREFIX}/work\n\n<INSTRUCTIONS>x</INSTRUCTIONS>"),
        user_message(f"{ENVIRONMENT_CONTEXT_OPEN}<cwd>/work</cwd></environment_context>"),
    ]
    items = [
        *prefix,
        user_message("feature request"),
        codex_assistant_msg("ack"),
        user_message("second question"),
        codex_assistant_msg("answer"),
    ]
    truncated = truncate_before_nth_user_message(InitialHistory.forked(_records(items)), 1)
    assert truncated.kind == "forked"
    assert _as_json(truncated.get_rollout_items()) == _as_json(_records(items[:5]))


def test_zero_keeps_everything_before_first_real_message() -> None:
    from core.protocol import SessionMetaRecord

    session = SessionMetaRecord(payload=meta())
    items: list[RolloutItem] = [session, *_records([user_message("hi"), codex_assistant_msg("a")])]
    assert truncate_rollout_before_nth_user_message_from_start(items, 0) == [session]
    history = truncate_before_nth_user_message(InitialHistory.forked(items), 0)
    assert history.kind == "forked"
    assert history.forked_from_id() == session.payload.id


def test_out_of_range_gives_empty_list() -> None:
    items = _records([user_message("only"), codex_assistant_msg("a")])
    assert truncate_rollout_before_nth_user_message_from_start(items, 1) == []
    assert truncate_rollout_before_nth_user_message_from_start(items, 10**9) == []
    assert truncate_before_nth_user_message(InitialHistory.new(), 0).kind == "new"


def test_negative_index_is_invalid_request() -> None:
    with pytest.raises(InvalidRequest) as raised:
        truncate_rollout_before_nth_user_message_from_start([], -1)
    assert "\n" not in str(raised.value)
    assert "-1" in str(raised.value)
