"""The status line: model, provider, short thread id, cwd, tokens used and context left."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.status_text import StatusInfo, status_text


def render_status(info: StatusInfo) -> Text:
    return Text(status_text(info), no_wrap=True, overflow="ellipsis")


class StatusLine(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.info = StatusInfo()

    def show(self, info: StatusInfo) -> None:
        self.info = info
        self.update(render_status(info))
