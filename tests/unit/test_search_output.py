"""``lha search``'s text lines: a label is one harmless line, whatever the session held."""

from __future__ import annotations

from tui.commands.search_cmd import _one_line


def test_terminal_escapes_in_a_label_are_shown_not_sent() -> None:
    line = _one_line("fix \x1b]52;c;aGk=\x07 the\nbuild\x1c", 40)
    assert "\x1b" not in line and "\x07" not in line and "\x1c" not in line
    assert line.startswith("fix ␛]52;c;aGk=␇ the build")


def test_a_plain_label_is_kept_and_cut_to_width() -> None:
    assert _one_line("  naming   the café  ", 40) == "naming the café"
    assert _one_line("x" * 50, 10) == "x" * 9 + "…"


def test_a_lone_surrogate_cannot_reach_the_terminal() -> None:
    assert _one_line("bad \udcff byte", 40) == "bad \\udcff byte"
