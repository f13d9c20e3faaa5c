"""The ``shell`` tool: run a command in the thread's cwd, under the approval policy and sandbox.

Who decides what (policy x request):

- ``untrusted``: known read-only commands (see ``safe_commands``: programs found on PATH outside
  the workspace, git with the repository's program-running settings off) run in the sandbox;
  anything else is asked first and, once approved, also runs in the sandbox. An escalation
  request is asked and runs unsandboxed.
- ``on-request``: commands run in the sandbox without asking; a call with
  ``with_escalated_permissions`` is asked (its ``justification`` shown) and runs unsandboxed.
- ``never``: nothing is asked; escalation requests are refused.

A sandboxed command that creates a ``.git``, ``.lha`` or ``.codex`` folder is asked about
afterwards, and under ``never`` it is removed (see ``created_guard``).

With ``sandbox_mode = "danger-full-access"`` there is no sandbox to escape, so escalation is moot.
"""

import asyncio
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.protocol.events import Warning
from core.tools.approval import is_approved, refusal_text, request_approval
from core.tools.created_guard import remove_created, settle_created
from core.tools.exec_runner import ExecResult, run_process
from core.tools.invocation import ToolInvocation, ToolResult
from core.tools.live_output import LiveOutput
from core.tools.protected_paths import PROTECTED_NAMES
from core.tools.safe_commands import known_safe_argv
from core.tools.sandbox import SandboxSpec, bwrap_problem, needs_sandbox, sandbox_launch
from core.tools.shell_env import command_env, held_secrets

DEFAULT_TIMEOUT_MS = 60_000
MAX_TIMEOUT_MS = 600_000


class ShellArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")

    command: list[str] | str
    workdir: str | None = None
    timeout_ms: int | None = Field(default=None, gt=0)
    with_escalated_permissions: bool = False
    justification: str | None = None

    def argv(self) -> list[str]:
        """A bare string is taken as a bash script, the way models often write it."""
        if isinstance(self.command, str):
            return ["bash", "-lc", self.command]
        return list(self.command)


def parse_shell_args(inv: ToolInvocation) -> ShellArgs:
    """The call's arguments; ``ValueError`` with a one-line reason when they are unusable."""
    try:
        args = ShellArgs.model_validate(inv.json_arguments())
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "arguments"
        raise ValueError(f"`{where}`: {first['msg']}") from None
    if not args.argv() or not args.argv()[0]:
        raise ValueError("`command` is empty; give the program and its arguments")
    return args


def is_parallel_safe(inv: ToolInvocation) -> bool:
    """Known read-only, not escalated: may run alongside the turn's other calls."""
    try:
        args = parse_shell_args(inv)
    except ValueError:
        return True
    return not args.with_escalated_permissions and _safe_argv(inv, args.argv()) is not None


def _safe_argv(inv: ToolInvocation, argv: list[str], cwd: Path | None = None) -> list[str] | None:
    """``argv`` as run when it is known-safe (git hardened), else None."""
    turn = inv.turn
    roots = [turn.cwd, *turn.writable_roots]
    return known_safe_argv(argv, cwd=cwd or turn.cwd, roots=roots, path=_env(inv).get("PATH"))


def _env(inv: ToolInvocation) -> dict[str, str]:
    """The command's environment: no key lha knows of, by name or by value."""
    names = set(inv.session.tools.secret_env_names)
    if inv.turn.provider.env_key:
        names.add(inv.turn.provider.env_key)
    saved = inv.session.auth_manager.auth()
    secrets = held_secrets(names, saved.api_key if saved is not None else None)
    return command_env(secret_names=names, secrets=secrets)


async def handle_shell(inv: ToolInvocation) -> ToolResult:
    try:
        args = parse_shell_args(inv)
    except ValueError as err:
        return ToolResult.error(f"invalid shell arguments: {err}")
    argv = args.argv()
    cwd = _resolve_workdir(inv.turn.cwd, args.workdir)
    if not cwd.is_dir():
        return ToolResult.error(f"workdir {cwd} does not exist or is not a directory")
    policy, mode = inv.turn.approval_policy, inv.turn.sandbox_mode
    escalate = args.with_escalated_permissions and needs_sandbox(mode)
    if escalate and policy == "never":
        return ToolResult.error(
            "escalated permissions are not available (approval policy is `never`); "
            "run the command inside the sandbox or do without it"
        )
    safe = _safe_argv(inv, argv, cwd) if policy == "untrusted" and not escalate else None
    if escalate or (policy == "untrusted" and safe is None):
        kind = "escalated" if escalate else "sandboxed"
        reason = args.justification if escalate else None
        if escalate and not reason:
            reason = "the model asks to run this outside the sandbox"
        decision = await request_approval(inv, argv, cwd, reason, ("shell", kind, *argv))
        if not is_approved(decision):
            return ToolResult.error(refusal_text(decision, "running this command"))
    sandboxed = needs_sandbox(mode) and not escalate
    return await _run(inv, safe or argv, cwd, args.timeout_ms, sandboxed)


def _resolve_workdir(cwd: Path, workdir: str | None) -> Path:
    if not workdir:
        return cwd
    path = Path(workdir).expanduser()
    return path if path.is_absolute() else (cwd / path)


async def _run(
    inv: ToolInvocation, argv: list[str], cwd: Path, timeout_ms: int | None, sandboxed: bool
) -> ToolResult:
    if not sandboxed:
        return await _execute(inv, argv, cwd, timeout_ms)
    problem = await bwrap_problem()
    if problem is not None:
        if inv.session.tools.first_time("bwrap"):
            inv.emit(Warning(message=problem))
        return ToolResult.error(f"the command was not run: {problem}")
    home = inv.session.tools.lha_home
    spec = SandboxSpec(
        mode=inv.turn.sandbox_mode,
        workspace=inv.turn.cwd,
        cwd=cwd,
        writable_roots=inv.turn.writable_roots,
        network_access=inv.turn.network_access,
        lha_home=home,
        hidden_files=[home / "auth.json"] if home else [],
    )
    with sandbox_launch(argv, spec) as launch:
        try:
            result = await _execute(inv, launch.command, cwd, timeout_ms, launch.pass_fds)
        except asyncio.CancelledError:
            if launch.watch is not None:
                remove_created(launch.watch)
            raise
    if launch.watch is not None:
        result = await settle_created(inv, launch.watch, argv, cwd, result)
    if not result.success and _hit_protected_folder(result.output):
        result = ToolResult(output=result.output + _protected_note(inv), success=False)
    return result


def _hit_protected_folder(output: str) -> bool:
    return "Read-only file system" in output and any(name in output for name in PROTECTED_NAMES)


def _protected_note(inv: ToolInvocation) -> str:
    """Why a write to ``.git``/``.lha``/``.codex`` failed, and the one way to make it."""
    names = ", ".join(PROTECTED_NAMES)
    if inv.turn.approval_policy == "never":
        how = "only the user can change them (approval policy is `never`)"
    else:
        how = "to change them, run the command again with `with_escalated_permissions`"
    return f"\nNote: {names} folders are read-only in the sandbox; {how}."


async def _execute(
    inv: ToolInvocation,
    command: list[str],
    cwd: Path,
    timeout_ms: int | None,
    pass_fds: tuple[int, ...] = (),
) -> ToolResult:
    timeout_s = min(timeout_ms or DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS) / 1000
    live = LiveOutput(inv.call_id, inv.emit)
    try:
        result = await run_process(
            command,
            cwd=cwd,
            env=_env(inv),
            timeout_s=timeout_s,
            on_output=live.feed,
            pass_fds=pass_fds,
        )
    except OSError as err:
        return ToolResult.error(f"the command could not start: {err.strerror or err}")
    finally:
        live.flush()
    return ToolResult(output=format_result(result, timeout_s), success=result.exit_code == 0)


def format_result(result: ExecResult, timeout_s: float) -> str:
    """What the model reads: exit status, wall time, then the (head+tail) output."""
    if result.timed_out:
        status = f"Exit code: none (timed out after {timeout_s:g} s; the command was killed)"
    else:
        status = f"Exit code: {result.exit_code}"
    return f"{status}\nWall time: {result.duration_s:.2f} seconds\nOutput:\n{result.output}"
