"""Builders for rollout tests: session metas, lines and whole files on disk."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from core.protocol import (
    AgentMessage,
    EventRecord,
    MessageItem,
    OutputText,
    RolloutItem,
    RolloutLine,
    SessionMeta,
    SessionMetaRecord,
    SessionSource,
    ThreadId,
    TranscriptRecord,
    UserMessageEvent,
    assistant_message,
    user_message,
    utc_timestamp,
)
from core.rollout.paths import rollout_path_for
from core.rollout.session_prefix import ENVIRONMENT_CONTEXT_OPEN


def meta(
    thread_id: ThreadId | None = None,
    *,
    cwd: str = "/work/project",
    source: SessionSource = SessionSource.CLI,
    model_provider: str | None = "openai",
    forked_from_id: ThreadId | None = None,
) -> SessionMeta:
    return SessionMeta(
        id=thread_id or ThreadId.new(),
        timestamp=utc_timestamp(),
        cwd=cwd,
        originator="lha",
        cli_version="0.1.0",
        source=source,
        model_provider=model_provider,
        forked_from_id=forked_from_id,
    )


def codex_user_msg(text: str) -> MessageItem:
    """The Codex CLI's tests' ``user_msg``: a user-role message whose content is ``output_text``."""
    return MessageItem(role="user", content=[OutputText(text=text)])


def codex_assistant_msg(text: str) -> MessageItem:
    return MessageItem(role="assistant", content=[OutputText(text=text)])


def conversation(session: SessionMeta, turns: int, *, prefix: bool = True) -> list[RolloutItem]:
    """session_meta, an environment-context message, then ``turns`` user/assistant exchanges."""
    items: list[RolloutItem] = [SessionMetaRecord(payload=session)]
    if prefix:
        env = f"{ENVIRONMENT_CONTEXT_OPEN}<cwd>{session.cwd}</cwd></environment_context>"
        items.append(TranscriptRecord(payload=user_message(env)))
    for turn in range(turns):
        items.append(TranscriptRecord(payload=user_message(f"question {turn}")))
        items.append(EventRecord(payload=UserMessageEvent(message=f"question {turn}")))
        items.append(TranscriptRecord(payload=assistant_message(f"answer {turn}")))
        items.append(EventRecord(payload=AgentMessage(message=f"answer {turn}")))
    return items


def lines_of(items: Iterable[RolloutItem]) -> list[str]:
    return [RolloutLine(timestamp=utc_timestamp(), item=item).dump() for item in items]


def write_lines(path: Path, lines: Sequence[str | bytes], *, trailing_newline: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = b"\n".join(line.encode() if isinstance(line, str) else line for line in lines)
    if trailing_newline and lines:
        data += b"\n"
    path.write_bytes(data)
    return path


def write_session(
    lha_home: Path,
    session: SessionMeta,
    items: Sequence[RolloutItem] | None = None,
    *,
    created: datetime | None = None,
    mtime: float | None = None,
) -> Path:
    """Write a rollout where the recorder would put it (name from ``created``, local time)."""
    path = rollout_path_for(lha_home, session.id, created)
    body = list(items) if items is not None else conversation(session, 1)
    write_lines(path, lines_of(body))
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path
