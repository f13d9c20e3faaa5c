"""Fuzzing the reader: whatever bytes a rollout holds, the only failure is an ``LhaError``."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import LhaError
from core.protocol import ThreadId
from core.rollout.head import read_head
from core.rollout.listing import list_threads_sync
from core.rollout.paths import rollout_path_for
from core.rollout.reader import load_rollout, load_rollout_sync

from .helpers import conversation, lines_of, meta

VALID = [line.encode() for line in lines_of(conversation(meta(), 2))]
SHAPES = [
    {"timestamp": "t", "type": "session_meta", "payload": {"id": "nope"}},
    {"timestamp": "t", "type": "event_msg", "payload": {"type": "agent_message"}},
    {"timestamp": 5, "type": "compacted", "payload": {"message": "m"}},
    {"type": "turn_context", "payload": {"cwd": "/", "model": "m"}},
    {"timestamp": "t", "type": "transcript_item", "payload": [1, 2]},
]

valid_lines = st.sampled_from(VALID)
cut_lines = st.builds(
    lambda line, n: line[: n % max(len(line), 1)], valid_lines, st.integers(0, 500)
)
noise = st.one_of(
    st.binary(max_size=60),
    st.text(max_size=60).map(str.encode),
    st.sampled_from([json.dumps(s).encode() for s in SHAPES]),
    st.sampled_from([b"{}", b"[]", b"null", b"1e999", b"[" * 300, b'{"a":' * 300, b"\xef\xbb\xbf"]),
    st.builds(lambda line, b: line.replace(b'"', bytes([b]), 1), valid_lines, st.integers(0, 255)),
)
files = st.builds(
    lambda parts, sep, trailing: sep.join(parts) + (sep if trailing else b""),
    st.lists(valid_lines | cut_lines | noise, max_size=12),
    st.sampled_from([b"\n", b"\r\n", b"\n\n"]),
    st.booleans(),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=files)
def test_reader_only_raises_lha_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        path = rollout_path_for(home, ThreadId.new())
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        for load in (lambda: asyncio.run(load_rollout(path)), lambda: load_rollout_sync(path)):
            try:
                loaded = load()
            except LhaError:
                continue
            report = loaded.report
            assert loaded.history.kind == "resumed"
            assert len(loaded.history.items) + report.bad_lines + report.torn_last_line == (
                report.lines
            )
        read_head(path)
        list_threads_sync(home, 5)
