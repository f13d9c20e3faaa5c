"""The session-prefix messages that open every new thread's history.

They tell the model where it runs (``<environment_context>``), what the approval policy allows
and what the project asks of it (AGENTS.md). They are user/developer-role messages injected by lha,
not typed by the user, so forking never counts them as user turns (see core/rollout/session_prefix).
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

from core.agent.turn_context import TurnContext
from core.fs import open_regular_file
from core.protocol.items import MessageItem, developer_message, user_message

AGENTS_MD_PREFIX = "# AGENTS.md instructions for "
AGENTS_MD_MAX_BYTES = 32 * 1024

_APPROVAL_TEXT = {
    "untrusted": "Commands other than known read-only ones need the user's approval.",
    "on-request": "Run commands in the sandbox; ask for approval when you need to go beyond it.",
    "never": "Never ask for approval; work within what you are allowed to do.",
}


def find_project_instructions(cwd: Path) -> tuple[Path, str] | None:
    """The nearest AGENTS.md from cwd up to the git root (or cwd alone outside a repository)."""
    current = cwd.resolve()
    for folder in (current, *current.parents):
        candidate = folder / "AGENTS.md"
        if candidate.is_file():
            try:
                with open_regular_file(candidate) as file:
                    data = file.read(AGENTS_MD_MAX_BYTES)
            except OSError:
                return None
            return candidate, data.decode("utf-8", errors="replace")
        if (folder / ".git").exists():
            return None
    return None


def environment_context_text(turn_context: TurnContext) -> str:
    shell = Path(os.environ.get("SHELL", "sh")).name
    now = datetime.now().astimezone()
    timezone = time.tzname[time.localtime().tm_isdst > 0]
    mode = turn_context.sandbox_mode
    open_network = mode == "danger-full-access" or (
        mode == "workspace-write" and turn_context.network_access
    )
    network = "enabled" if open_network else "restricted"
    return (
        "<environment_context>\n"
        f"  <cwd>{turn_context.cwd}</cwd>\n"
        f"  <approval_policy>{turn_context.approval_policy}</approval_policy>\n"
        f"  <sandbox_mode>{turn_context.sandbox_mode}</sandbox_mode>\n"
        f"  <network_access>{network}</network_access>\n"
        f"  <shell>{shell}</shell>\n"
        f"  <current_date>{now.date().isoformat()}</current_date>\n"
        f"  <timezone>{timezone}</timezone>\n"
        "</environment_context>"
    )


def build_initial_context(
    turn_context: TurnContext,
    skills_section: str | None = None,
    memory_section: str | None = None,
) -> list[MessageItem]:
    """Developer permissions note, then memories (a developer message: background, never a user
    turn), then AGENTS.md (when present), then the environment context."""
    developer_text = "<permissions instructions>\n" + _APPROVAL_TEXT[turn_context.approval_policy]
    developer_text += "\n</permissions instructions>"
    if skills_section:
        developer_text += "\n\n" + skills_section
    items: list[MessageItem] = [developer_message(developer_text)]
    if memory_section:
        items.append(developer_message(memory_section))
    project = find_project_instructions(turn_context.cwd)
    if project is not None:
        path, body = project
        items.append(
            user_message(
                f"{AGENTS_MD_PREFIX}{path.parent}\n\n<INSTRUCTIONS>\n{body}\n</INSTRUCTIONS>"
            )
        )
    items.append(user_message(environment_context_text(turn_context)))
    return items
