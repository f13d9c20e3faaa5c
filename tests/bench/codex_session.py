"""A many-turn session in the Codex CLI's own rollout format, built from one real session.

The Codex CLI's rollout lines carry many fields lha does not know (turn ids, history sequence
numbers, world state, usage records), and their exact shapes change between releases. So the
bench never writes them from memory: it runs the real CLI for one turn, reads the rollout it
recorded, and repeats that turn's lines with the words of lha's synthetic conversation, fresh ids,
running ordinals, history sequence numbers and cumulative token counts.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEMPLATE_PROMPT = "lha bench template turn"
"""The prompt of the one real turn; the scripted server answers ``echo: <prompt>``."""
TEMPLATE_ANSWER = f"echo: {TEMPLATE_PROMPT}"

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SESSION_WIDE = {("session_meta", None), ("world_state", None)}
"""Line kinds written once per session (or once per process), never once per turn."""
_PER_PROCESS_EVENTS = {"thread_settings_applied"}

Line = dict[str, Any]


def uuid7() -> str:
    """A time-ordered UUID (version 7), the kind the Codex CLI gives threads, turns and items."""
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _kind(line: Line) -> tuple[str, str | None]:
    payload = line.get("payload") or {}
    return str(line.get("type")), payload.get("type") if line.get("type") == "event_msg" else None


def _is_prompt(line: Line) -> bool:
    payload = line.get("payload") or {}
    content = payload.get("content") or []
    return (
        line.get("type") == "response_item"
        and payload.get("role") == "user"
        and any(part.get("text") == TEMPLATE_PROMPT for part in content)
    )


@dataclass(frozen=True)
class CodexTemplate:
    """The lines of one real one-turn Codex CLI session, split by how often they recur."""

    thread_id: str
    lines: list[Line]
    """Every line of the real session; turn 0 of the synthetic one repeats them all."""
    turn: list[Line]
    """The lines a later turn of the same process writes: no session meta, initial context or
    world state (the Codex CLI writes those once)."""

    @classmethod
    def read(cls, path: Path) -> CodexTemplate:
        lines = [json.loads(text) for text in path.read_text().splitlines() if text.strip()]
        meta = lines[0]
        if meta.get("type") != "session_meta":
            raise ValueError(f"{path}: the first line is not session_meta")
        prompt_at = next((i for i, line in enumerate(lines) if _is_prompt(line)), None)
        if prompt_at is None:
            raise ValueError(f"{path}: no user message {TEMPLATE_PROMPT!r}")
        turn = [
            line
            for i, line in enumerate(lines)
            if _kind(line) not in _SESSION_WIDE
            and _kind(line)[1] not in _PER_PROCESS_EVENTS
            and (line.get("type") != "response_item" or i >= prompt_at)
        ]
        return cls(str(meta["payload"]["id"]), lines, turn)


def _escaped(text: str) -> str:
    return json.dumps(text)[1:-1]


def _turn_lines(
    template: CodexTemplate, lines: Sequence[Line], thread_id: str, texts: tuple[str, str]
) -> list[Line]:
    """``lines`` with the template's words swapped for ``texts`` and every id but the
    thread's renewed (one new id per old one, so references within the turn still agree)."""
    question, answer = texts
    renamed = {template.thread_id: thread_id}

    def rename(match: re.Match[str]) -> str:
        return renamed.setdefault(match.group(0), uuid7())

    out = []
    for line in lines:
        text = json.dumps(line)
        text = text.replace(_escaped(TEMPLATE_ANSWER), _escaped(answer))
        text = text.replace(_escaped(TEMPLATE_PROMPT), _escaped(question))
        out.append(json.loads(_UUID.sub(rename, text)))
    return out


def _scale_usage(usage: Any, factor: int) -> None:
    if isinstance(usage, dict):
        for key, value in usage.items():
            if isinstance(value, int) and not isinstance(value, bool):
                usage[key] = value * factor


def _number_turn(lines: list[Line], turn: int) -> None:
    """History sequence numbers, response id and cumulative usage of the ``turn``-th turn."""
    for line in lines:
        payload = line["payload"]
        meta = line.get("metadata")
        if line["type"] == "response_item" and isinstance(meta, dict) and turn:
            if "history_sequence" in meta and "retained_source" in meta:
                meta["history_sequence"] += 2 * turn
                meta["sampled_through_sequence"] = meta["history_sequence"] - (
                    2 if payload.get("role") == "user" else 1
                )
            if "user_input_order" in meta:
                meta["user_input_order"] += 2 * turn
        if line["type"] == "token_usage_record":
            payload["response_id"] = f"resp_{turn + 1}"
            _scale_usage(payload.get("thread_token_usage"), turn + 1)
        if payload.get("type") == "token_count" and isinstance(payload.get("info"), dict):
            _scale_usage(payload["info"].get("total_token_usage"), turn + 1)


def synthesize_lines(
    template: CodexTemplate, thread_id: str, texts: Sequence[tuple[str, str]]
) -> Iterator[str]:
    """The JSON lines of a session of ``len(texts)`` turns, ``texts`` being (question, answer)."""
    ordinal = 0
    for turn, pair in enumerate(texts):
        lines = _turn_lines(
            template, template.lines if turn == 0 else template.turn, thread_id, pair
        )
        _number_turn(lines, turn)
        for line in lines:
            if "ordinal" in line:
                line["ordinal"] = ordinal
            ordinal += 1
            yield json.dumps(line, separators=(",", ":"))


def write_session(
    template_path: Path, texts: Sequence[tuple[str, str]], thread_id: str | None = None
) -> tuple[str, Path]:
    """Write a ``len(texts)``-turn session next to the real one at ``template_path``.

    Returns (its thread id, its path); the file name follows the Codex CLI's
    ``rollout-<time>-<id>.jsonl`` so the CLI finds it by id.
    """
    template = CodexTemplate.read(template_path)
    thread_id = thread_id or uuid7()
    stamp = template_path.name.removeprefix("rollout-")[: len("2026-01-01T00-00-00")]
    path = template_path.with_name(f"rollout-{stamp}-{thread_id}.jsonl")
    with path.open("w") as out:
        for text in synthesize_lines(template, thread_id, texts):
            out.write(text + "\n")
    os.chmod(path, 0o600)
    return thread_id, path
