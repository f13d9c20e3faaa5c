"""Find highlights the matched words inside the messages (a Markdown answer's paragraphs and
code block, the user's message), not only the entries that hold them; a new query replaces
the highlights and closing find takes them all away. Driven with the pilot against the
scripted server."""

from __future__ import annotations

from pathlib import Path

from tests.support.find_marks import highlighted_words
from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tui_harness import current_id, make_app, thread_on_screen, wait_until
from tui.widgets.entries import AssistantMessageView, UserMessageView
from tui.widgets.find_bar import FindBar

ANSWER = """The Stream ends here.

```python
for event in stream:
    handle(event)
```

Nothing else."""


async def test_find_highlights_the_words_in_messages_and_code(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.enqueue(Reply.text(ANSWER, chunks=4))
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 36)) as pilot:
        await pilot.press(*"where does the stream end?", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: not view.running and bool(view.transcript.last_answer()))
        view.transcript.focus()
        await pilot.press("ctrl+f", *"stream")
        await pilot.pause()
        bar = app.query_one(FindBar)
        assert bar.state.count_label() == "1 of 3"
        [question] = app.query(UserMessageView)
        [answer] = app.query(AssistantMessageView)
        assert highlighted_words(question) == ["stream"]
        assert highlighted_words(answer) == ["Stream", "stream"], "a paragraph and the code"

        await pilot.press("ctrl+u", *"handle")
        await pilot.pause()
        assert highlighted_words(question) == []
        assert highlighted_words(answer) == ["handle"]
        assert bar.state.count_label() == "1 of 1"

        await pilot.press("escape")
        await pilot.pause()
        assert highlighted_words(answer) == [] and highlighted_words(question) == []
        assert "for event in stream:" in answer.query_one("MarkdownFence Label").content.plain
