"""Find's bookkeeping: counts across entries, the current match near the view, stepping."""

from __future__ import annotations

from tui.transcript_find import FindState, FoldedTexts, Match
from tui.transcript_model import Entry

ENTRIES = [
    Entry("user", "Find the Bug"),
    Entry("assistant", "no match here"),
    Entry("assistant", "bug one, BUG two"),
    Entry("tool", "a bug"),
]


def test_counts_every_occurrence_ignoring_case_and_starts_near_the_view() -> None:
    folded = FoldedTexts().of(ENTRIES)
    state = FindState.search(folded, "bug", near=2)
    assert state.total == 4 and state.entries == [0, 2, 3]
    assert state.current_match == Match(2, 0) and state.count_label() == "2 of 4"
    assert state.step(1) == Match(2, 1)
    assert state.step(1) == Match(3, 0)
    assert state.step(1) == Match(0, 0), "wraps around"
    assert state.step(-1) == Match(3, 0)


def test_no_match_and_no_query() -> None:
    folded = FoldedTexts().of(ENTRIES)
    assert FindState.search(folded, "zebra").count_label() == "no match"
    assert FindState.search(folded, "zebra").step(1) is None
    assert FindState.search(folded, "").count_label() == ""
    assert FindState.search(folded, "bug", near=99).current_match == Match(3, 0), "the last"


def test_folded_texts_follow_an_entry_that_grows() -> None:
    entries = [Entry("assistant", "Hello")]
    texts = FoldedTexts()
    assert texts.of(entries) == ["hello"]
    entries[0].text += " World"
    entries.append(Entry("user", "MORE"))
    assert texts.of(entries) == ["hello world", "more"]
    assert texts.of(entries[:1]) == ["hello world"]
