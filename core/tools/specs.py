"""The JSON-schema function specs of the built-in tools, with the descriptions the model reads."""

from __future__ import annotations

from core.llm.request import ToolSpec

SHELL_DESCRIPTION = """\
Run a command and get its exit code, wall time and output (stdout and stderr merged; long output \
keeps its beginning and end). `command` is the program and its arguments, e.g. ["ls", "-la"]; \
use ["bash", "-lc", "<script>"] for pipes, redirection or several commands. The command runs in \
the workspace (the thread's cwd) unless `workdir` says otherwise. Commands run in a sandbox: the \
file system is read-only except the workspace and /tmp, and there is no network access. If a \
command needs more (network, writing elsewhere), set `with_escalated_permissions` to true and \
explain why in `justification`: the user will be asked to approve it. Prefer `rg` to search \
files."""

PATCH_DESCRIPTION = """\
Edit files with a patch. `input` is the whole patch in this format:

*** Begin Patch
*** Add File: path/to/new_file.py
+every line of the new file, each prefixed with +
*** Update File: path/to/existing.py
*** Move to: path/to/renamed.py   (optional: rename the file as well)
@@ def some_function():   (optional anchor: a line that precedes the change)
 context line (unchanged, prefixed with one space)
-old line to remove
+new line to add
 context line
*** Delete File: path/to/obsolete.py
*** End Patch

Rules: paths are relative to the workspace (absolute paths must be inside it); each hunk starts \
with `@@` (an optional anchor text may follow it) and shows about 3 lines of unchanged context \
before and after the change so it can be found; several hunks per file are applied in order. \
The patch is applied atomically: if any hunk does not match, no file is changed and the failing \
hunks are reported with the context that did not match."""


def shell_spec() -> ToolSpec:
    return ToolSpec(
        name="shell",
        description=SHELL_DESCRIPTION,
        parameters={
            "type": "object",
            "properties": {
                "command": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": 'The program and its arguments, e.g. ["rg", "-n", "TODO"].',
                },
                "workdir": {
                    "type": "string",
                    "description": "Directory to run in (default: the workspace).",
                },
                "timeout_ms": {
                    "type": "integer",
                    "description": "Kill the command after this many milliseconds "
                    "(default 60000, at most 600000).",
                },
                "with_escalated_permissions": {
                    "type": "boolean",
                    "description": "Run outside the sandbox; needs the user's approval.",
                },
                "justification": {
                    "type": "string",
                    "description": "Why escalated permissions are needed (shown to the user).",
                },
            },
            "required": ["command"],
            "additionalProperties": False,
        },
    )


def apply_patch_spec() -> ToolSpec:
    return ToolSpec(
        name="apply_patch",
        description=PATCH_DESCRIPTION,
        parameters={
            "type": "object",
            "properties": {
                "input": {
                    "type": "string",
                    "description": "The patch, from *** Begin Patch to *** End Patch.",
                }
            },
            "required": ["input"],
            "additionalProperties": False,
        },
    )
