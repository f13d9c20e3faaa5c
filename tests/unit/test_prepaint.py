"""The first frame painted before Textual loads (tui.prepaint): what it draws for a page of
sessions, and when it draws nothing at all."""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.protocol.ids import ThreadId
from core.rollout.listing import list_threads_sync
from tests.support.rollout_factory import write_rollout
from tui.prepaint import (
    HIGHLIGHT,
    SURFACE,
    Line,
    composer_cell,
    encode_frame,
    prepaint_first_frame,
    render_frame,
    take_painted_page,
)
from tui.thread_rows import ThreadRow
from tui.ui_settings import UiSettings

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
STATUS = "gpt-5.1 · scripted · ~/work"


def _row(preview: str, minutes_ago: int, **fields: object) -> ThreadRow:
    return ThreadRow(
        thread_id=ThreadId.new(),
        preview=preview,
        created_at=NOW - timedelta(minutes=minutes_ago),
        live=False,
        model="gpt-5.1",
        **fields,  # type: ignore[arg-type]
    )


def _texts(frame: list[Line]) -> list[str]:
    return ["".join(span.text for span in line) for line in frame]


def test_the_frame_shows_the_rows_where_the_sidebar_draws_them() -> None:
    parent = _row("count the herons\nat the lake", 5)
    rows = [
        parent,
        _row("try the east shore", 2, forked_from_id=parent.thread_id),
        _row("a Codex session", 90, origin="codex"),
    ]
    texts = _texts(render_frame((120, 40), rows, STATUS, NOW))
    assert len(texts) == 40
    assert {len(text) for text in texts} == {120}
    assert texts[0].startswith("   filter threads")
    assert texts[2].startswith(" LIVE") and texts[4].startswith(" PAST SESSIONS")
    assert texts[5].startswith("   count the herons   ")
    assert texts[6].startswith("     5m ago · gpt-5.1   ")
    assert texts[7].startswith(" ↳   try the east shore")
    assert texts[8].startswith(f"     fork of {parent.thread_id.short} · 2   ▕")  # cut
    assert texts[10].startswith("     Codex · 1h ago · gpt-5.1")
    assert all(text[33] == "▕" for text in texts[:39])
    assert "lha — a workbench for coding-agent conversations" in texts[15]
    assert texts[35][35] == "╭" and texts[37][35] == "╰"
    assert "Ask anything · / for commands" in texts[36]
    assert texts[38][34:].startswith("  " + STATUS)
    assert texts[39] == " " * 120


def test_only_the_first_row_is_highlighted() -> None:
    frame = render_frame((120, 40), [_row("first", 1), _row("second", 2)], STATUS, NOW)
    assert frame[5][0].bg is HIGHLIGHT and frame[6][0].bg is HIGHLIGHT
    assert frame[7][0].bg is SURFACE


def test_rows_below_the_screen_are_left_for_the_sidebar() -> None:
    rows = [_row(f"session {n}", n) for n in range(50)]
    texts = _texts(render_frame((120, 40), rows, STATUS, NOW))
    shown = [text for text in texts if text.startswith("   session ")]
    assert len(shown) == (40 - 8) // 2  # as the sidebar composes its first frame


def test_wide_and_long_titles_are_cut_at_the_sidebars_edge() -> None:
    rows = [_row("鷺" * 40, 1), _row("x" * 200, 2)]
    texts = _texts(render_frame((120, 40), rows, STATUS, NOW))
    assert texts[5].startswith("   " + "鷺" * 13 + "    ▕")  # 26 of 29 cells; one cell left
    assert texts[7].startswith("   " + "x" * 27 + "   ▕")


def test_256_colours_unless_the_terminal_says_truecolor() -> None:
    frame = render_frame((120, 40), [_row("first", 1)], STATUS, NOW)
    indexed = encode_frame(frame, truecolor=False, cursor=(36, 37))
    rgb = encode_frame(frame, truecolor=True, cursor=(36, 37))
    assert indexed.startswith("\x1b[?2026h\x1b[?1049h\x1b[?25l")
    assert "48;5;234" in indexed and "48;2;" not in indexed
    assert "48;2;30;30;30" in rgb and "48;5;" not in rgb
    assert indexed.endswith("\x1b[37;38H\x1b[?2026l")


def test_the_hidden_cursor_waits_in_the_composer() -> None:
    line, column = composer_cell((120, 40))
    texts = _texts(render_frame((120, 40), [], STATUS, NOW))
    assert texts[line][column - 2 : column + 3] == "│ Ask"


def test_nothing_is_painted_when_lha_is_not_on_a_terminal(tmp_path: Path) -> None:
    write_rollout(tmp_path, tmp_path, 1)
    assert not sys.stdin.isatty()  # pytest's stdin
    assert not prepaint_first_frame(UiSettings(lha_home=tmp_path, cwd=tmp_path), [])
    assert take_painted_page() is None


def _run_in_terminal(home: Path, size: tuple[int, int], script: str) -> bytes:
    """Everything ``script`` writes to a pseudo-terminal of ``size``, until it exits."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = {
        "LHA_HOME": str(home),
        "HOME": str(home),
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
        "PATH": os.environ.get("PATH", ""),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=home,  # the sessions of this folder are the ones painted
    )
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert process.wait(timeout=30) == 0
    return out


PAINT_AND_QUIT = "import tui.cli; tui.cli.prepaint_for_plain_lha()"


def test_lha_gives_the_screen_back_when_textual_never_takes_it(tmp_path: Path) -> None:
    write_rollout(tmp_path, tmp_path, 1)
    newest = list_threads_sync(tmp_path, 1).items[0].preview.splitlines()[0][:20]
    out = _run_in_terminal(tmp_path, (120, 40), PAINT_AND_QUIT)
    assert out.startswith(b"\x1b[?2026h\x1b[?1049h")
    assert newest.encode() in out
    assert out.endswith(b"\x1b[?25h\x1b[?1049l")


@pytest.mark.parametrize(
    ("size", "config"),
    [((80, 24), ""), ((120, 40), '[tui]\ntheme = "nord"\n')],
    ids=["too small", "another theme"],
)
def test_nothing_is_painted_where_the_frame_would_not_match(
    tmp_path: Path, size: tuple[int, int], config: str
) -> None:
    write_rollout(tmp_path, tmp_path, 1)
    (tmp_path / "config.toml").write_text(config)
    assert _run_in_terminal(tmp_path, size, PAINT_AND_QUIT) == b""
