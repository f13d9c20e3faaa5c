"""One MCP server (over stdio or streamable HTTP), connected with the official ``mcp`` SDK.

The SDK's transports are anyio context managers that must be entered and left in the same task,
so each server lives in its own task: it starts the process (or connects), initializes, lists
the tools, marks itself ready, and then waits until it is told to stop; leaving the contexts stops
the process.
Calls from turns go through the shared ``ClientSession`` from any task.

``mcp`` costs ~0.6 s to import, so it is imported here, inside the task, and only when a server
is configured. The server's stderr goes to a temporary file whose tail explains a failed start.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from core.config.model import McpServerConfig
from core.images.attachment import MAX_IMAGE_BYTES
from core.text import one_line
from core.tools.invocation import ToolResult
from core.tools.mcp_transport import McpConfigProblem, client_info, open_transport

log = logging.getLogger("lha.mcp")

ServerStatus = Literal["starting", "ready", "failed", "stopped"]
STDERR_TAIL_CHARS = 400
STOP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class McpTool:
    name: str
    description: str
    input_schema: dict[str, Any]


class McpServer:
    """A configured server and its connection state; ``start`` it, ``stop`` it, call its tools."""

    def __init__(
        self, name: str, config: McpServerConfig, on_warning: Callable[[str], None]
    ) -> None:
        self.name = name
        self.config = config
        self.status: ServerStatus = "starting"
        self.error: str | None = None
        self.tools: list[McpTool] = []
        self.ready = asyncio.Event()
        self._on_warning = on_warning
        self._stop = asyncio.Event()
        self._session: Any = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"mcp-{self.name}")

    async def stop(self) -> None:
        """Ask the server's task to leave its contexts (stopping the process) and wait for it."""
        self._stop.set()
        task = self._task
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_TIMEOUT_S)
        except TimeoutError:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _run(self) -> None:
        import anyio
        from mcp import ClientSession

        _quiet_sdk_logging()
        cfg = self.config
        not_mcp = _NotMcpDetector(anyio.CancelScope())
        with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errlog:
            try:
                async with (
                    open_transport(cfg, errlog) as (read, write),
                    ClientSession(
                        read, write, message_handler=not_mcp, client_info=client_info()
                    ) as session,
                ):
                    with anyio.fail_after(cfg.startup_timeout_sec), not_mcp.scope:
                        await session.initialize()
                        self.tools = await _list_tools(session)
                    if not_mcp.reason is not None:
                        raise ConnectionAbortedError(not_mcp.reason)
                    self._session = session
                    self.status = "ready"
                    self.ready.set()
                    await self._stop.wait()
            except Exception as err:
                self._fail(not_mcp.reason or _describe(err, cfg.startup_timeout_sec, errlog))
            finally:
                self._session = None
                if self.status in ("starting", "ready"):
                    self.status = "stopped"
                self.ready.set()

    def _fail(self, reason: str) -> None:
        if self.status == "failed":
            return
        was_ready = self.status == "ready"
        self.status, self.error, self.tools = "failed", reason, []
        if self._stop.is_set():
            return
        verb = "stopped working" if was_ready else "failed to start"
        self._on_warning(f"MCP server `{self.name}` {verb}: {reason}; its tools are unavailable")

    async def call(self, tool: str, arguments: dict[str, Any]) -> ToolResult:
        session = self._session
        if session is None or self.status != "ready":
            why = f": {self.error}" if self.error else ""
            return ToolResult.error(
                f"MCP server `{self.name}` is not available ({self.status}{why})"
            )
        timeout = self.config.tool_timeout_sec
        try:
            result = await asyncio.wait_for(session.call_tool(tool, arguments), timeout)
        except TimeoutError:
            return ToolResult.error(f"the MCP tool `{tool}` did not answer within {timeout:g} s")
        except Exception as err:
            reason = _one_line(err)
            self._fail(reason)
            self._stop.set()
            return ToolResult.error(f"the MCP server `{self.name}` failed: {reason}")
        return ToolResult(
            output=render_result(result), success=not result.is_error, images=result_images(result)
        )


class _NotMcpDetector:
    """The session's message handler: a line on the server's stdout that is not JSON-RPC during
    start-up means the program is not an MCP server (or logs to stdout). It cancels ``scope``
    (around the start-up requests), so the server fails at once with one clear reason instead
    of waiting out the start-up timeout."""

    def __init__(self, scope: Any) -> None:
        self.scope = scope
        self.reason: str | None = None

    async def __call__(self, message: Any) -> None:
        if isinstance(message, Exception) and self.reason is None:
            self.reason = (
                "it is not speaking MCP: its stdout has a line that is not a JSON-RPC message "
                "(check `command` and `args`; a server must log to stderr, not stdout)"
            )
            self.scope.cancel()


_SDK_LOGGERS = ("mcp", "client")
"""The SDK logs a full traceback for every bad stdout line (100,000 lines for a chatty
program); lha reports each server's failure itself, in one line."""


def _quiet_sdk_logging() -> None:
    for name in _SDK_LOGGERS:
        sdk_log = logging.getLogger(name)
        if not sdk_log.handlers:
            sdk_log.addHandler(logging.NullHandler())
        sdk_log.propagate = False


async def _list_tools(session: Any) -> list[McpTool]:
    tools: list[McpTool] = []
    cursor: str | None = None
    while True:
        from mcp.types import PaginatedRequestParams

        params = PaginatedRequestParams(cursor=cursor) if cursor else None
        listed = await session.list_tools(params=params)
        for tool in listed.tools:
            schema = dict(tool.input_schema or {}) or {"type": "object", "properties": {}}
            tools.append(McpTool(tool.name, tool.description or "", schema))
        cursor = listed.next_cursor
        if not cursor:
            return tools


MODEL_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
"""The image kinds both wire APIs take; other image content stays a placeholder line."""
MAX_IMAGE_BASE64_CHARS = MAX_IMAGE_BYTES * 4 // 3 + 4
"""An image over the limit a user's attachment has (20 MB) stays a placeholder line too."""


def result_images(result: Any) -> tuple[str, ...]:
    """An MCP result's image content as ``data:`` URLs, for models that take images."""
    return tuple(
        f"data:{block.mime_type};base64,{block.data}"
        for block in result.content or []
        if getattr(block, "type", "") == "image"
        and getattr(block, "mime_type", "") in MODEL_IMAGE_TYPES
        and isinstance(getattr(block, "data", None), str)
        and len(block.data) <= MAX_IMAGE_BASE64_CHARS
    )


def render_result(result: Any) -> str:
    """An MCP ``CallToolResult`` as text for the model: text parts, placeholders for the rest."""
    parts: list[str] = []
    for block in result.content or []:
        kind = getattr(block, "type", "")
        if kind == "text":
            parts.append(block.text)
        elif kind == "resource":
            inner = block.resource
            parts.append(getattr(inner, "text", None) or f"[resource {inner.uri}]")
        elif kind == "resource_link":
            parts.append(f"[resource {block.uri}]")
        else:
            parts.append(f"[{kind} content: {getattr(block, 'mime_type', '') or 'binary'}]")
    if not parts and result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    return "\n".join(parts)


def _leaf(err: BaseException) -> BaseException:
    while isinstance(err, BaseExceptionGroup) and err.exceptions:
        err = err.exceptions[0]
    return err


def _one_line(err: BaseException) -> str:
    leaf = _leaf(err)
    return one_line(str(leaf), 300) or type(leaf).__name__


def _describe(err: BaseException, timeout: float, errlog: Any) -> str:
    leaf = _leaf(err)
    if isinstance(leaf, McpConfigProblem):
        return str(leaf)
    if isinstance(leaf, TimeoutError):
        reason = f"no answer within {timeout:g} s (startup_timeout_sec)"
    elif isinstance(leaf, FileNotFoundError):
        reason = f"command not found: {leaf.filename or leaf}"
    else:
        reason = _one_line(leaf)
    try:
        errlog.seek(0)
        tail = one_line(errlog.read()[-STDERR_TAIL_CHARS:])
    except (OSError, ValueError):
        tail = ""
    return f"{reason} (stderr: {tail})" if tail else reason
