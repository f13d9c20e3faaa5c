"""The bench's Codex CLI session synthesizer repeats one real turn with fresh ids and numbers.

The template below has the line kinds and fields of a one-turn session recorded by the Codex CLI
0.169 against the scripted server (texts shortened); the bench itself always reads a real one.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.bench.codex_session import (
    TEMPLATE_ANSWER,
    TEMPLATE_PROMPT,
    CodexTemplate,
    synthesize_lines,
    write_session,
)

THREAD = "01a241c3-8e1f-7ef1-8ce1-4cceba265bd4"
TURN = "01a241c3-8e89-79b0-91c2-dab1101d3736"
USER_MSG = "01a241c3-8f08-7343-8643-e8fc26aaf274"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _usage(n: int) -> dict[str, int]:
    return {"input_tokens": 10 * n, "output_tokens": 5 * n, "total_tokens": 15 * n}


def _message(role: str, text: str, seq: int, sampled: int, **extra: Any) -> dict[str, Any]:
    kind = "output_text" if role == "assistant" else "input_text"
    payload = {"type": "message", "role": role, "content": [{"type": kind, "text": text}]}
    meta: dict[str, Any] = {"history_sequence": seq, "sampled_through_sequence": sampled}
    return {"type": "response_item", "payload": payload, "metadata": meta | extra}


def _template_lines() -> list[dict[str, Any]]:
    retained = {"retained_source": {"id": {"turn_id": TURN, "message_id": USER_MSG}}}
    lines: list[dict[str, Any]] = [
        {"type": "session_meta", "payload": {"id": THREAD, "session_id": THREAD}},
        {"type": "event_msg", "payload": {"type": "task_started", "turn_id": TURN}},
        _message("developer", "<permissions instructions>", 1, 0),
        _message("user", "<environment_context>", 2, 0),
        {"type": "world_state", "payload": {"full": True}},
        {"type": "turn_context", "payload": {"turn_id": TURN}},
        {"type": "event_msg", "payload": {"type": "thread_settings_applied", "thread_id": THREAD}},
        _message("user", TEMPLATE_PROMPT, 3, 0, user_input_order=0, **retained),
        {"type": "event_msg", "payload": {"type": "item_completed", "turn_id": TURN}},
        _message("assistant", TEMPLATE_ANSWER, 4, 3, user_input_order=1, **retained),
        {
            "type": "token_usage_record",
            "payload": {"turn_id": TURN, "response_id": "resp_1", "thread_token_usage": _usage(1)},
        },
        {
            "type": "event_msg",
            "payload": {"type": "token_count", "info": {"total_token_usage": _usage(1)}},
        },
        {"type": "event_msg", "payload": {"type": "task_complete", "last_agent_message": "x"}},
    ]
    for ordinal, line in enumerate(lines):
        line["ordinal"] = ordinal
        line["timestamp"] = "2026-12-04T15:54:24.785Z"
    return lines


def _write_template(folder: Path) -> Path:
    path = folder / f"rollout-2026-12-04T15-54-24-{THREAD}.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in _template_lines()))
    return path


def _synthesize(folder: Path, texts: list[tuple[str, str]]) -> list[dict[str, Any]]:
    template = CodexTemplate.read(_write_template(folder))
    thread = "01a241c5-7bbf-7140-8a74-38f034a2d7e6"
    return [json.loads(text) for text in synthesize_lines(template, thread, texts)]


TEXTS = [("turn 0: q", "Done with step 0."), ("turn 1: q", "Done with step 1.")]


def test_later_turns_repeat_only_the_per_turn_lines(tmp_path: Path) -> None:
    lines = _synthesize(tmp_path, [*TEXTS, ("turn 2: q", "Done with step 2.")])
    assert len(lines) == 13 + 2 * 8  # no session meta, context, world state or settings again
    assert [line["ordinal"] for line in lines] == list(range(len(lines)))
    kinds = [line["type"] for line in lines]
    assert kinds.count("session_meta") == 1 and kinds.count("world_state") == 1
    prompts = [
        line["payload"]["content"][0]["text"]
        for line in lines
        if line["type"] == "response_item" and line["payload"]["role"] in ("user", "assistant")
    ]
    assert prompts[1:] == [
        "turn 0: q",
        "Done with step 0.",
        "turn 1: q",
        "Done with step 1.",
        "turn 2: q",
        "Done with step 2.",
    ]


def test_each_turn_gets_fresh_ids_and_the_new_thread_id(tmp_path: Path) -> None:
    lines = _synthesize(tmp_path, TEXTS)
    text = json.dumps(lines)
    assert THREAD not in text and TURN not in text and USER_MSG not in text
    assert lines[0]["payload"]["id"] == lines[0]["payload"]["session_id"]
    first, second = json.dumps(lines[:13]), json.dumps(lines[13:])
    first_ids = set(UUID.findall(first)) - {lines[0]["payload"]["id"]}
    assert first_ids and first_ids.isdisjoint(UUID.findall(second))


def test_sequence_numbers_and_usage_run_on(tmp_path: Path) -> None:
    lines = _synthesize(tmp_path, TEXTS)
    second = lines[13:]
    user, assistant = (line for line in second if line["type"] == "response_item")
    assert (user["metadata"]["history_sequence"], user["metadata"]["sampled_through_sequence"]) == (
        5,
        3,
    )
    assert assistant["metadata"]["history_sequence"] == 6
    assert assistant["metadata"]["sampled_through_sequence"] == 5
    assert assistant["metadata"]["user_input_order"] == 3
    record = next(line for line in second if line["type"] == "token_usage_record")
    assert record["payload"]["response_id"] == "resp_2"
    assert record["payload"]["thread_token_usage"] == _usage(2)


def test_write_session_names_the_file_by_its_thread_id(tmp_path: Path) -> None:
    thread, path = write_session(_write_template(tmp_path), TEXTS)
    assert path.name.endswith(f"-{thread}.jsonl") and path.parent == tmp_path
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(path.read_text().splitlines()) == 13 + 8
