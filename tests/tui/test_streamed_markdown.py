"""A streamed answer ends up rendered exactly as the whole text would be, without a re-parse."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll

from tui.transcript_model import Entry
from tui.widgets.entries import AssistantMessageView

ANSWER = """# Plan

Some *intro* text that wraps over a few words.

1. first item
2. second item with `code`

```python
def main() -> None:
    print("hi")
```

| a | b |
|---|---|
| 1 | 2 |

Closing paragraph.
"""


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="box")


def blocks(view: AssistantMessageView) -> list[tuple[str, str]]:
    return [(type(child).__name__, str(child.render())) for child in view.children]


async def test_streamed_blocks_match_a_full_render() -> None:
    app = Host()
    async with app.run_test(size=(100, 60)) as pilot:
        streamed = AssistantMessageView(Entry("assistant", ""))
        whole = AssistantMessageView(Entry("assistant", ANSWER))
        await app.query_one("#box").mount_all([streamed, whole])
        for start in range(0, len(ANSWER), 7):
            await streamed.append_delta(ANSWER[start : start + 7])
            await pilot.pause()
        await streamed.finish(ANSWER)
        await pilot.pause()
        assert streamed.source == whole.source
        assert blocks(streamed) == blocks(whole)
        assert {"MarkdownH1", "CodeBlockView", "MarkdownTable"} <= {b[0] for b in blocks(whole)}
