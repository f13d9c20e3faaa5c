"""``lha exec`` answering the thread's requests: dynamic tools from stdin, approvals refused.

With ``--dynamic-tools FILE`` (a JSON list of ``{name, description, input_schema}``), each
``dynamic_tool_call_request`` is answered by the next JSON line on stdin:
``{"call_id": "...", "output": "...", "success": true}``. A script reads the request from the
``--json`` event stream on stdout and writes its answer; nothing else is read from stdin.

``lha exec`` has nobody to ask, so an ``exec_approval_request`` is denied with a note saying how
to allow commands non-interactively.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

from core.errors import InvalidRequest
from core.fs import MiB, UnreadableFileError, read_regular_text
from core.protocol.events import DynamicToolCallRequest, ExecApprovalRequest
from core.protocol.ops import DynamicToolResponse, ExecApproval
from core.protocol.session import DynamicToolSpec

if TYPE_CHECKING:
    from core.agent.agent_thread import AgentThread
    from tui.commands.event_printer import EventPrinter

DYNAMIC_TOOLS_MAX_BYTES = 16 * MiB
APPROVAL_DENIED_NOTE = (
    "lha exec cannot ask for approval; denied `{command}`. To let commands run, use "
    '-c approval_policy="never" (sandboxed) or -c approval_policy="on-request"'
)


def load_dynamic_tools(path: str) -> list[DynamicToolSpec]:
    """The specs in ``path``; ``InvalidRequest`` with a one-line reason when it is unusable."""
    try:
        data = json.loads(read_regular_text(path, max_bytes=DYNAMIC_TOOLS_MAX_BYTES))
    except UnreadableFileError as err:
        raise InvalidRequest(f"--dynamic-tools {path}: cannot read it ({err.reason})") from None
    except OSError as err:
        raise InvalidRequest(f"--dynamic-tools {path}: cannot read it ({err.strerror})") from None
    except (json.JSONDecodeError, RecursionError) as err:
        raise InvalidRequest(f"--dynamic-tools {path}: not valid JSON ({err})") from None
    if not isinstance(data, list):
        raise InvalidRequest(
            f"--dynamic-tools {path}: expected a JSON list of "
            "{name, description, input_schema} objects"
        )
    specs: list[DynamicToolSpec] = []
    for index, item in enumerate(data):
        try:
            specs.append(DynamicToolSpec.model_validate(item))
        except ValidationError as err:
            first = err.errors()[0]
            key = ".".join(str(p) for p in first["loc"]) or "entry"
            raise InvalidRequest(
                f"--dynamic-tools {path}: tool #{index}: `{key}`: {first['msg']}"
            ) from None
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise InvalidRequest(
            f"--dynamic-tools {path}: duplicate tool names: {', '.join(duplicates)}"
        )
    return specs


class RequestAnswerer:
    """Answers the requests a thread makes while ``lha exec`` drives it."""

    def __init__(self, printer: EventPrinter, stdin: TextIO | None = None) -> None:
        self._printer = printer
        self._stdin = stdin if stdin is not None else sys.stdin
        self._line_number = 0

    async def handle(self, thread: AgentThread, msg: object) -> None:
        if isinstance(msg, DynamicToolCallRequest):
            await thread.submit(await self._dynamic_answer(msg))
        elif isinstance(msg, ExecApprovalRequest):
            self._printer.warn(APPROVAL_DENIED_NOTE.format(command=" ".join(msg.command)))
            await thread.submit(ExecApproval(id=msg.call_id, decision="denied"))

    async def _dynamic_answer(self, request: DynamicToolCallRequest) -> DynamicToolResponse:
        line = await asyncio.to_thread(self._stdin.readline)
        self._line_number += 1
        where = f"stdin line {self._line_number}"
        if not line:
            self._printer.warn(f"no answer on stdin for tool call {request.call_id} (end of input)")
            return DynamicToolResponse(
                call_id=request.call_id, output="the client gave no answer", success=False
            )
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise TypeError("not an object")
            output = data.get("output")
            if output is not None and not isinstance(output, str):
                data["output"] = json.dumps(output)
            fields = {k: data[k] for k in ("call_id", "output", "success") if k in data}
            answer = DynamicToolResponse.model_validate(fields)
        except (json.JSONDecodeError, ValidationError, TypeError) as err:
            reason = err.msg if isinstance(err, json.JSONDecodeError) else "missing or bad fields"
            raise InvalidRequest(
                f'{where}: expected {{"call_id": ..., "output": ..., "success": ...}} ({reason})'
            ) from None
        if answer.call_id != request.call_id:
            raise InvalidRequest(
                f"{where}: answers call_id {answer.call_id!r}, but the pending call is "
                f"{request.call_id!r}"
            )
        return answer
