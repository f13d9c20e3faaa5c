"""What each line of a diff is: git's unified diff and the apply_patch envelope alike."""

from __future__ import annotations

from core.diff_lines import diff_line_kinds
from tui.commands.snapshot_cmd import colored_diff

UNIFIED = """\
diff --git a/schema.sql b/schema.sql
index 1111111..2222222 100644
--- a/schema.sql
+++ b/schema.sql
@@ -1,3 +1,3 @@
 create table herons (id int);
--- counted by hand
+-- counted by lha
 create index on herons (id);
\\ No newline at end of file
diff --git a/map.png b/map.png
Binary files a/map.png and b/map.png differ
"""

ENVELOPE = """\
*** Begin Patch
*** Add File: notes.md
+# Herons
*** Update File: count.py
 def count():
-    return 1
+    return 2
*** End Patch
"""


def kinds(text: str) -> list[str]:
    return [kind for kind, _ in diff_line_kinds(text.splitlines())]


def test_unified_diff_lines_inside_a_hunk_are_lines_not_headers() -> None:
    assert kinds(UNIFIED) == [
        "file",
        "file",
        "file",
        "file",
        "hunk",
        "context",
        "removed",  # "--- counted by hand" is the removed line "-- counted by hand"
        "added",
        "context",
        "context",
        "file",
        "file",  # "Binary files ... differ": a header of the next file, not a line
    ]


def test_the_apply_patch_envelope_has_file_headers_and_lines_without_hunks() -> None:
    assert kinds(ENVELOPE) == [
        "file",
        "file",
        "added",
        "file",
        "context",
        "removed",
        "added",
        "file",
    ]


def test_lha_diff_on_a_terminal_colours_by_the_same_kinds() -> None:
    coloured = colored_diff(UNIFIED).splitlines()
    assert coloured[2] == "\x1b[1m--- a/schema.sql\x1b[0m"
    assert coloured[4] == "\x1b[36m@@ -1,3 +1,3 @@\x1b[0m"
    assert coloured[6] == "\x1b[31m--- counted by hand\x1b[0m"
    assert coloured[7] == "\x1b[32m+-- counted by lha\x1b[0m"
    assert coloured[5] == " create table herons (id int);"
