"""Slash commands that take text (``/find TEXT``) run their action with it; the others run only
when typed exactly."""

from __future__ import annotations

from textual.actions import parse

from tui.slash_commands import matching_commands, parse_slash_command


def test_a_command_taking_text_gets_it_as_its_argument() -> None:
    action = parse_slash_command('/find  it\'s "quoted" \\ text ')
    assert action is not None
    _, name, arguments = parse(action)
    assert name == "find" and arguments == ('it\'s "quoted" \\ text',)
    assert parse_slash_command("/find") == "find"


def test_other_commands_run_only_when_typed_exactly() -> None:
    assert parse_slash_command("/copy") == "copy_last_answer"
    assert parse_slash_command("/copy that please") is None
    assert parse_slash_command("/outline") == "outline"
    assert [c.name for c in matching_commands("/c")] == ["/compact", "/copy"]
