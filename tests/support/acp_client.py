"""The ACP SDK's own client side, driving ``lha acp`` as a real subprocess over stdio.

``RecordingClient`` keeps every ``session/update`` it receives and answers permission requests
with a scripted option (or cancels them); ``open_lha_acp`` starts ``python -m tui.cli acp`` in a
given LHA_HOME with stderr going to a file the test can read afterwards.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acp import PROTOCOL_VERSION, RequestError, spawn_agent_process
from acp.core import ClientSideConnection
from acp.schema import (
    AllowedOutcome,
    DeniedOutcome,
    PermissionOption,
    RequestPermissionResponse,
    ToolCallUpdate,
)


@dataclass
class RecordingClient:
    """An ACP client that records updates and answers permission requests from a script."""

    answers: list[str | None] = field(default_factory=list)
    """Option ids to pick, in order (None: cancel the request; "fail": answer with a JSON-RPC
    error, as a client that cannot ask anybody); when empty: reject."""
    updates: list[tuple[str, Any]] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    """When each of ``updates`` came (``time.monotonic``)."""
    permission_requests: list[tuple[ToolCallUpdate, list[PermissionOption]]] = field(
        default_factory=list
    )
    first_chunk: asyncio.Event = field(default_factory=asyncio.Event)
    permission_asked: asyncio.Event = field(default_factory=asyncio.Event)

    async def session_update(self, session_id: str, update: Any, **_: Any) -> None:
        self.updates.append((session_id, update))
        self.arrivals.append(time.monotonic())
        if update.session_update == "agent_message_chunk":
            self.first_chunk.set()

    async def request_permission(
        self, session_id: str, tool_call: ToolCallUpdate, options: list[PermissionOption], **_: Any
    ) -> RequestPermissionResponse:
        self.permission_requests.append((tool_call, options))
        self.permission_asked.set()
        answer = self.answers.pop(0) if self.answers else "reject_once"
        if answer is None:
            return RequestPermissionResponse(outcome=DeniedOutcome(outcome="cancelled"))
        if answer == "fail":
            raise RequestError.internal_error({"message": "nobody here to ask"})
        return RequestPermissionResponse(
            outcome=AllowedOutcome(outcome="selected", option_id=answer)
        )

    def kinds(self, session_id: str | None = None) -> list[str]:
        return [u.session_update for s, u in self.updates if session_id in (None, s)]

    def of_kind(self, kind: str, session_id: str | None = None) -> list[Any]:
        return [u for s, u in self.updates if u.session_update == kind and session_id in (None, s)]

    def text_of(self, kind: str, session_id: str | None = None) -> str:
        return "".join(u.content.text for u in self.of_kind(kind, session_id))

    def clear(self) -> None:
        self.updates.clear()
        self.arrivals.clear()


def acp_env(home: Path) -> dict[str, str]:
    return {**os.environ, "LHA_HOME": str(home), "LHA_RETRY_BASE_DELAY_MS": "1"}


@asynccontextmanager
async def open_lha_acp(
    home: Path, client: RecordingClient, stderr_file: Path, *args: str
) -> AsyncIterator[tuple[ClientSideConnection, asyncio.subprocess.Process]]:
    """``lha acp`` started and initialized; closed (stdin shut) on exit."""
    with stderr_file.open("wb") as stderr:
        async with spawn_agent_process(
            client,
            sys.executable,
            "-m",
            "tui.cli",
            "acp",
            *args,
            env=acp_env(home),
            cwd=home.parent,
            transport_kwargs={"stderr": stderr.fileno()},
            use_unstable_protocol=True,
        ) as (conn, process):
            await asyncio.wait_for(conn.initialize(protocol_version=PROTOCOL_VERSION), 30)
            yield conn, process
