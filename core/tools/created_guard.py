"""What happens to the protected folders (``.git``, ``.lha``, ``.codex``) a sandboxed command
created (found by ``created_protected``): creating one is a write there, so it needs the user's
approval like any other.

The user is asked after the command, the way an escalation is asked ("the command created
sub/.git — keep it?"); denied, aborted, or under approval policy ``never``, lha removes what the
command created (and only that), and the model reads why in the command's output. A legitimate
``git clone`` or ``git init`` thus takes one approval. An interrupted command has nobody to ask:
what it created is removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.tools.approval import is_approved, request_approval
from core.tools.created_protected import CreationWatch
from core.tools.invocation import ToolInvocation, ToolResult
from core.tools.patch_paths import display_path

_WHY_PROTECTED = (
    ".git, .lha and .codex folders can run programs or instruct later sessions, so only the "
    "user may create them"
)


async def settle_created(
    inv: ToolInvocation, watch: CreationWatch, argv: Sequence[str], cwd: Path, result: ToolResult
) -> ToolResult:
    """``result`` with a note on the protected folders the command created, each kept only if
    the user approved it."""
    created = watch.created()
    if not created:
        return result
    shown = ", ".join(display_path(path, inv.turn.cwd) for path in created)
    if inv.turn.approval_policy == "never":
        note = _remove_all(watch, created, shown, "approval policy is `never`")
        return ToolResult(output=result.output + note, success=False)
    reason = f"the command created {shown} ({_WHY_PROTECTED}): keep it? Denying removes it"
    key = ("keep-created", *(str(path) for path in created))
    decision = await request_approval(inv, argv, cwd, reason, key)
    if is_approved(decision):
        note = f"\nNote: the command created {shown}; the user approved keeping it."
        return ToolResult(output=result.output + note, success=result.success)
    why = "the user declined to keep it" if decision == "denied" else "the user aborted the turn"
    note = _remove_all(watch, created, shown, why)
    return ToolResult(output=result.output + note, success=False)


def remove_created(watch: CreationWatch) -> None:
    """Remove what an interrupted command created, without asking."""
    for path in watch.created():
        watch.remove(path)


def _remove_all(watch: CreationWatch, created: Sequence[Path], shown: str, why: str) -> str:
    failures = [f"{path} ({err})" for path in created if (err := watch.remove(path))]
    note = (
        f"\nNote: the command created {shown}; lha removed it ({why}; {_WHY_PROTECTED}). "
        "Do not retry it as is: continue without it, or tell the user what to create."
    )
    if failures:
        note += f" lha could not remove {', '.join(failures)}: tell the user."
    return note
