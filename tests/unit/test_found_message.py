"""A search hit (user turn, role, matched word) points at one transcript entry."""

from __future__ import annotations

from core.index.snippet import Snippet
from tui.found_message import entry_of_hit, matched_word
from tui.transcript_model import Entry

ENTRIES = [
    Entry("user", "first question"),  # 0: turn 0
    Entry("assistant", "first answer"),
    Entry("user", "count the herons"),  # 2: turn 1
    Entry("reasoning", "the heron is a bird"),
    Entry("tool", "ls output"),
    Entry("tool", "grep found HERON twice"),  # 5
    Entry("assistant", "two herons"),  # 6
    Entry("user", "thanks"),  # 7: turn 2
    Entry("assistant", "welcome"),
]


def test_a_user_hit_is_the_turns_user_message() -> None:
    assert entry_of_hit(ENTRIES, 0, "user", "first") == 0
    assert entry_of_hit(ENTRIES, 1, "user", "herons") == 2
    assert entry_of_hit(ENTRIES, 2, "user", "thanks") == 7


def test_an_answer_or_tool_hit_is_the_entry_of_its_kind_holding_the_word() -> None:
    assert entry_of_hit(ENTRIES, 1, "tool", "heron") == 5  # case-insensitive, not the ls one
    assert entry_of_hit(ENTRIES, 1, "assistant", "herons") == 6
    assert entry_of_hit(ENTRIES, 2, "assistant", "welcome") == 8


def test_without_the_word_the_first_of_its_kind_then_the_user_message() -> None:
    assert entry_of_hit(ENTRIES, 1, "tool", "pelican") == 4
    assert entry_of_hit(ENTRIES, 1, "tool", "") == 4
    assert entry_of_hit([Entry("user", "q")], 0, "assistant", "x") == 0


def test_a_turn_past_the_transcript_is_its_last_turn_and_a_name_hit_is_no_entry() -> None:
    assert entry_of_hit(ENTRIES, 9, "user", "") == 7
    assert entry_of_hit(ENTRIES, 1, "name", "heron") is None
    assert entry_of_hit([Entry("assistant", "a")], 0, "assistant", "a") is None


def test_matched_word_is_the_first_match_as_written() -> None:
    assert matched_word(Snippet("the Grey  Heron flew", ((4, 15),))) == "Grey"
    assert matched_word(Snippet("a Café here", ((2, 6),))) == "Café"
    assert matched_word(Snippet("no match", ())) == ""
