"""A search hit's lines as the hit list draws them: cut to the width as Textual would cut them
(``text-overflow: ellipsis``), matches highlighted, nothing a terminal would obey."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len
from textual.strip import Strip

from core.index.search import SearchHit
from core.index.snippet import Snippet
from tui.screens.search_hits import _MATCH_STYLE, _cut, hit_lines


def test_a_line_that_fits_is_kept_whole() -> None:
    pieces = [("abc", "bold"), ("  ", ""), ("de", "$text-accent")]
    assert _cut(pieces, 7) == pieces


def test_a_long_line_ends_in_an_ellipsis_in_the_style_of_what_it_replaces() -> None:
    pieces = [("abc", "bold"), ("  ", ""), ("defgh", "$text-accent")]
    assert _cut(pieces, 6) == [("abc", "bold"), ("  ", ""), ("…", "$text-accent")]
    assert _cut(pieces, 8) == [("abc", "bold"), ("  ", ""), ("de…", "$text-accent")]
    assert _cut(pieces, 3) == [("ab…", "bold")]
    assert _cut(pieces, 0) == []


def test_wide_characters_are_cut_by_cells_not_characters() -> None:
    cut = _cut([("ab", ""), ("鸟鸟鸟鸟", "bold")], 7)
    assert sum(cell_len(text) for text, _ in cut) == 7
    assert cut[-1][0].endswith("…")


def test_hit_lines_highlight_the_match_and_neutralise_escapes() -> None:
    snippet = Snippet("grey heron \x1b[2J here", ((5, 10),))
    hit = SearchHit(
        thread_id="0190a1b2-c3d2-7000-8000-000000000002",
        rollout="/x.jsonl",
        preview="count\tthe \x1b]0;birds",
        cwd="/w",
        created_at="",
        updated_at=datetime(2026, 1, 2, tzinfo=UTC),
        archived=False,
        turn=1,
        role="assistant",
        snippet=snippet,
    )
    head, line = hit_lines(hit, None)
    assert head[0] == ("count the ␛]0;birds", "bold")
    assert ("heron", _MATCH_STYLE) in line
    assert all("\x1b" not in text and "\t" not in text for text, _ in [*head, *line])
    assert "#2 answer" in "".join(text for text, _ in head)


async def test_paint_now_draws_the_change_before_the_frame_tick() -> None:
    """``paint_now`` leans on Textual's private screen update step (Textual is pinned): this
    fails, instead of the figure quietly growing, if an upgrade takes it away."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from tui.screens._paint import paint_now

    drawn: list[str] = []

    class Probe(Static):
        def render_line(self, y: int) -> Strip:
            drawn.append(str(self.content))
            return super().render_line(y)

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Probe("before")

    async with Host().run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        probe = pilot.app.query_one(Probe)
        probe.update("after")
        drawn.clear()
        assert paint_now(probe)
        assert "after" in drawn  # drawn within the call, no frame awaited
