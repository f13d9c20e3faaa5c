"""The ``apply_patch`` tool: parse, plan (all hunks checked), approve when required, commit.

Approval follows the shell's rules for a write: under ``untrusted`` every patch is asked; under
``on-request`` and ``never`` patches inside the workspace are allowed, unless ``sandbox_mode`` is
``read-only`` (then ``on-request`` asks and ``never`` refuses). A patch that writes inside a
protected folder (``.git``, ``.lha``, ``.codex``, see ``protected_paths``) is always asked, and
refused under ``never``, as the sandbox keeps those folders read-only for commands. Paths outside
the workspace (and, in ``workspace-write``, the writable roots of ``[sandbox_workspace_write]``)
are refused whatever the user would say.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from core.tools.approval import is_approved, refusal_text, request_approval
from core.tools.invocation import ToolInvocation, ToolResult
from core.tools.patch_apply import commit, plan_patch, target_paths
from core.tools.patch_parser import PatchError, PatchOp, UpdateFile, parse_patch
from core.tools.patch_paths import display_path
from core.tools.protected_paths import protected_folder


async def handle_apply_patch(inv: ToolInvocation) -> ToolResult:
    try:
        arguments = inv.json_arguments()
    except ValueError as err:
        return ToolResult.error(f"invalid apply_patch arguments: {err}")
    patch = arguments.get("input", arguments.get("patch"))
    if not isinstance(patch, str):
        return ToolResult.error(
            "invalid apply_patch arguments: `input` (the patch text) is missing"
        )
    workspace = inv.turn.cwd
    policy, mode = inv.turn.approval_policy, inv.turn.sandbox_mode
    roots = inv.turn.writable_roots if mode == "workspace-write" else ()
    try:
        ops = parse_patch(patch)
        paths = target_paths(ops, workspace, roots)
        plan = plan_patch(ops, workspace, roots)
    except PatchError as err:
        return ToolResult.error(str(err))
    read_only = mode == "read-only"
    if read_only and policy == "never":
        return ToolResult.error(
            "files cannot be changed: sandbox_mode is read-only and approval policy is `never`"
        )
    protected = _protected_folders(ops, paths, [workspace, *roots])
    shown_protected = ", ".join(display_path(p, workspace) for p in protected)
    if protected and policy == "never":
        return ToolResult.error(
            f"the patch was not applied: it writes in {shown_protected}, which only the user "
            "may change (.git, .lha and .codex folders are protected and approval policy is "
            "`never`); change other files, or tell the user what to change there"
        )
    if policy == "untrusted" or read_only or protected:
        shown = [display_path(p, workspace) for p in paths]
        key = ("apply_patch", *sorted(str(p) for p in paths))
        reason = "the model wants to change files:\n" + "\n".join(plan.summary)
        if protected:
            reason = f"the patch writes in protected folders ({shown_protected}); " + reason
        decision = await request_approval(inv, ["apply_patch", *shown], workspace, reason, key)
        if not is_approved(decision):
            return ToolResult.error(refusal_text(decision, "this patch"))
        try:
            plan = plan_patch(ops, workspace, roots)
        except PatchError as err:
            return ToolResult.error(f"the files changed while waiting for approval: {err}")
    try:
        commit(plan)
    except PatchError as err:
        return ToolResult.error(str(err))
    return ToolResult(
        output="Success. Updated the following files:\n" + "\n".join(plan.summary), success=True
    )


def _protected_folders(
    ops: Sequence[PatchOp], resolved: Sequence[Path], roots: Sequence[Path]
) -> list[Path]:
    """The protected folders the patch writes in, judged on each path as written in the patch
    and as resolved (a symlink to ``.git`` counts, and so does ``sub/.git`` linking elsewhere)."""
    written = [op.path for op in ops]
    written += [op.move_to for op in ops if isinstance(op, UpdateFile) and op.move_to]
    workspace = roots[0]
    candidates = [workspace / Path(raw).expanduser() for raw in written] + list(resolved)
    found = {folder for path in candidates if (folder := protected_folder(path, roots))}
    return sorted(found)
