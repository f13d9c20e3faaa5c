"""The pure parts of compaction: the limit, what the replacement history keeps, the TUI's
parsing of ``/compact`` and its transcript entry."""

from __future__ import annotations

from core.agent.compaction import (
    auto_compact_limit,
    has_earlier_turns,
    is_summary_message,
    recent_user_messages,
    replacement_history,
    summary_cap,
)
from core.agent.prompt_fit import item_tokens
from core.protocol.items import assistant_message, user_message
from tui.slash_commands import parse_slash_command
from tui.transcript_model import entry_for_payload

PREFIX = user_message("<environment_context>\n  <cwd>/w</cwd>\n</environment_context>")


def test_the_limit_is_the_configured_one_else_a_share_of_the_window() -> None:
    assert auto_compact_limit(4096, None) == 2457
    assert auto_compact_limit(4096, 1000) == 1000
    assert auto_compact_limit(None, None) is None
    assert summary_cap(4096) is not None and summary_cap(400_000) is None


def test_replacement_keeps_the_prefix_recent_user_messages_and_the_summary() -> None:
    history = [PREFIX]
    for n in range(5):
        history += [user_message(f"q{n} " + "x" * 3000), assistant_message(f"a{n}")]
    replaced = replacement_history(history, "the summary", 4096)  # 512 tokens of user text
    assert replaced[0] == PREFIX
    assert is_summary_message(replaced[-1]) and "the summary" in replaced[-1].text()
    kept = replaced[1:-1]
    assert len(kept) == 1 and kept[0].text().startswith("q4 ") and "left out" in kept[0].text()
    again = replacement_history([*replaced, user_message("q5")], "newer", 4096)
    assert sum(is_summary_message(item) for item in again) == 1, "the old summary is replaced"


def test_recent_user_messages_are_newest_within_the_budget() -> None:
    history = [PREFIX, *(user_message(f"message {n}") for n in range(10))]
    kept = recent_user_messages(history, 40)  # 11 estimated tokens each
    assert [m.text() for m in kept] == [f"message {n}" for n in range(7, 10)]


def test_a_tight_limit_keeps_half_its_room_of_recent_messages_and_never_less_than_a_floor() -> None:
    history = [PREFIX, *(user_message(f"message {n:03d}") for n in range(100))]
    each, prefix = item_tokens(history[1]), item_tokens(PREFIX)

    def kept(room: int | None) -> int:
        return len(replacement_history(history, "s", 4096, room)) - 2

    assert kept(None) == 512 // each  # an eighth of the window
    assert kept(800) == (800 - prefix) // 2 // each  # half of what the limit leaves
    assert kept(0) == 256 // each, "the newest messages keep the floor"
    assert replacement_history(history, "s", 4096, 0)[-2].text() == "message 099"


def test_nothing_before_the_current_turn_is_nothing_to_compact() -> None:
    assert not has_earlier_turns([PREFIX, user_message("huge paste")])
    assert has_earlier_turns([PREFIX, user_message("a"), assistant_message("b"), user_message("c")])
    compacted = replacement_history([PREFIX, user_message("a"), assistant_message("b")], "s", None)
    assert not has_earlier_turns([*compacted, user_message("next")])


def test_slash_compact_takes_instructions() -> None:
    assert parse_slash_command("/compact") == "compact_thread"
    assert parse_slash_command("  /Compact keep the plan ") == "compact_thread('keep the plan')"
    assert parse_slash_command("/compactly") is None
    assert parse_slash_command("please /compact") is None


def test_the_transcript_entry_of_a_compaction() -> None:
    entry = entry_for_payload(
        {"type": "context_compacted", "summary": "S", "tokens_before": 9000, "tokens_after": 900}
    )
    assert entry is not None and entry.kind == "compaction" and entry.text == "S"
    assert entry.title == "context compacted · ~9,000 → ~900 tokens"
