"""core.text: one rule for "on one line", one for "the first line of a message", one cut."""

from __future__ import annotations

from pathlib import Path

from core.protocol import InputImage, MessageItem, TranscriptRecord
from core.rollout.head import read_head
from core.text import ELLIPSIS, IMAGE_PLACEHOLDER, first_line, one_line, shorten
from tests.support.rollout_factory import write_rollout
from tui.first_page import read_first_page


def test_first_line_skips_blank_lines_and_strips() -> None:
    assert first_line("") == ""
    assert first_line(" \n\t\n") == ""
    assert first_line("\n \n  a b \nc") == "a b"
    assert first_line("title\r\nbody") == "title"


def test_one_line_collapses_every_run_of_whitespace() -> None:
    assert one_line("  a \n\n b\tc  ") == "a b c"
    assert one_line("") == ""


def test_a_cut_keeps_the_limit_and_says_so_with_one_ellipsis() -> None:
    assert shorten("abcdef", 6) == "abcdef"
    assert shorten("abcdefg", 6) == "abcde" + ELLIPSIS
    assert shorten("abc   defg", 7) == "abc" + ELLIPSIS, "no blank before the ellipsis"
    assert shorten("abc", 0) == ""
    assert len(one_line("word " * 100, 60)) == 60
    assert first_line("x" * 100 + "\nmore", 10) == "x" * 9 + ELLIPSIS


def test_an_image_only_first_message_reads_the_same_in_every_list(tmp_path: Path) -> None:
    """The session list (core.rollout.head) and the first frame's page (tui.first_page) agree."""
    image = MessageItem(role="user", content=[InputImage(image_url="data:image/png;base64,AA")])
    path = write_rollout(tmp_path, tmp_path, 0, tail=[TranscriptRecord(payload=image)])
    head = read_head(path)
    assert head is not None and head.preview == IMAGE_PLACEHOLDER
    page = read_first_page(tmp_path, 10)
    assert [row.preview for row in page.rows] == [IMAGE_PLACEHOLDER]
