"""Loading a whole Codex CLI rollout into lha's items, with the same report as lha's reader.

The rules are lha's (see ``core.rollout.reader``): a torn last line is dropped, any other line
that cannot be read is counted, and one that held a user message is remembered so that resume and
fork refuse to continue without it. Lines lha has no use for are skipped knowingly, not counted.

The Codex CLI writes a token count after every response, each superseding the one before: only
the newest is of use (a continued thread's counter starts from it), so the others are skipped
before they are parsed. They are a quarter of a long session's bytes.
"""

from __future__ import annotations

import gc
import json
import re
from pathlib import Path

from pydantic_core import from_json

from core.errors import RolloutError
from core.protocol.history import InitialHistory
from core.protocol.ids import ThreadId
from core.protocol.rollout import RolloutItem, SessionMetaRecord
from core.rollout.codex_format import CodexLineError, convert_line
from core.rollout.reader import LoadedRollout, RolloutReadReport, _promote_young_objects

CODEX_FORMAT = "codex"

_TOKEN_COUNT_LINE = re.compile(
    rb'\{"timestamp":"[^"\\]*",(?:"ordinal":\d+,)?"type":"event_msg","payload":\{"type":"token_count"'
)
"""The start of a token count line as the Codex CLI writes it (compact JSON, keys in this order);
a line written any other way is simply parsed."""


def _decode(raw: bytes) -> object:
    """One line's JSON: pydantic-core's parser (about twice as fast as ``json``), with ``json``
    for what only it accepts (an escaped lone surrogate), so the same lines read as before."""
    try:
        return from_json(raw)
    except ValueError:
        return json.loads(raw)


class _CodexLines:
    """The converted items of one file, and what could not be read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[RolloutItem] = []
        self.thread_id: ThreadId | None = None
        self.lines = 0
        self.bad: list[int] = []
        self.lost_user: list[int] = []
        self.first_reason = ""
        self.torn = False

    def skip(self) -> None:
        """A line lha knows it has no use for, counted but not parsed."""
        self.lines += 1

    def add(self, number: int, raw: bytes, may_be_torn: bool) -> None:
        self.lines += 1
        try:
            converted = convert_line(_decode(raw))
        except (ValueError, RecursionError) as error:
            self._bad(number, raw, error, may_be_torn)
            return
        for item in converted:
            if self.thread_id is None and isinstance(item, SessionMetaRecord):
                self.thread_id = item.payload.id
        self.items.extend(converted)

    def _bad(self, number: int, raw: bytes, error: Exception, may_be_torn: bool) -> None:
        if b'"user"' in raw and b'"role"' in raw:
            self.lost_user.append(number)
        if may_be_torn:
            self.torn = True
            return
        self.bad.append(number)
        if not self.first_reason:
            reason = str(error) if isinstance(error, CodexLineError) else "not valid JSON"
            self.first_reason = reason

    def report(self) -> RolloutReadReport:
        return RolloutReadReport(
            path=self.path,
            lines=self.lines,
            bad_lines=len(self.bad),
            first_bad_line=self.bad[0] if self.bad else None,
            torn_last_line=self.torn,
            lost_user_lines=tuple(self.lost_user),
            first_bad_reason=self.first_reason or "not valid JSON",
            source_format=CODEX_FORMAT,
        )


def _last_token_count(lines: list[bytes], start: int) -> int:
    """The index of the newest token count line at or before ``start``, -1 when none."""
    for index in range(start, -1, -1):
        if _TOKEN_COUNT_LINE.match(lines[index]):
            return index
    return -1


def load_codex_rollout(path: Path, data: bytes) -> LoadedRollout:
    """A Codex CLI rollout's lines as lha's history (``kind`` resumed, the Codex session's id:
    the thread manager turns it into a fork, so nothing is ever written to the Codex file)."""
    lines = data.split(b"\n")
    last = len(lines) - 1
    may_tear = not data.endswith(b"\n")
    parsed = _CodexLines(path)
    # The newest complete count; a last line that may be torn is parsed whatever it is.
    newest_count = _last_token_count(lines, len(lines) - 2 if may_tear else last)
    is_count = _TOKEN_COUNT_LINE.match
    gc_was_enabled = gc.isenabled()
    gc.disable()  # many small long-lived objects: see ``_promote_young_objects``
    try:
        for index, raw in enumerate(lines):
            if not raw or raw.isspace():
                continue
            if index not in (newest_count, last) and is_count(raw):
                parsed.skip()
            else:
                parsed.add(index + 1, raw, may_tear and index == last)
    finally:
        if gc_was_enabled:
            _promote_young_objects()
            gc.enable()
    if parsed.thread_id is None:
        raise RolloutError(
            path, "its session_meta line has no usable id, so it cannot be continued"
        )
    report = parsed.report()
    history = InitialHistory.resumed(
        parsed.thread_id,
        parsed.items,
        path,
        source_format=CODEX_FORMAT,
        lost_user_messages=report.refusal(),
    )
    return LoadedRollout(history, report)
