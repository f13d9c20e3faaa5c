"""A diff as Rich text for the UI: added lines green, removed red, hunk headers cyan, file
headers bold (the kinds come from ``core.diff_lines``, shared with ``lha diff``).

The text is shown, never parsed as markup, and terminal escapes in it are neutralised.
"""

from __future__ import annotations

from rich.text import Text

from core.diff_lines import DiffLineKind, diff_line_kinds
from core.sanitize import neutralize_terminal_escapes

DIFF_STYLES: dict[DiffLineKind, str] = {
    "file": "bold",
    "hunk": "cyan",
    "added": "green",
    "removed": "red",
    "context": "",
}


def diff_text(diff: str, *, max_lines: int | None = None, hint: str = "") -> Text:
    """``diff`` coloured line by line; past ``max_lines`` the rest is left out, with a dim note
    saying how many lines that was (and ``hint``, how to see them)."""
    lines = neutralize_terminal_escapes(diff).splitlines()
    shown = lines if max_lines is None else lines[:max_lines]
    text = Text(no_wrap=False)
    for kind, line in diff_line_kinds(shown):
        text.append(line + "\n", style=DIFF_STYLES[kind])
    if len(shown) < len(lines):
        text.append(f"… {len(lines) - len(shown):,} more lines{hint}", style="dim italic")
    text.rstrip()
    return text
