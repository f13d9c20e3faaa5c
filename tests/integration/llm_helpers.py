"""Shared helpers for the model-client tests (tests/integration/test_llm_*.py)."""

from __future__ import annotations

from typing import Any

from core.errors import LhaError
from core.llm.client import ModelClient
from core.llm.providers.endpoint import RuntimeEndpoint, WireApi
from core.llm.request import ModelRequest, ToolSpec
from core.llm.response_events import (
    Completed,
    OutputItemDone,
    ReasoningDelta,
    ResponseEvent,
    Retrying,
    TextDelta,
)
from core.llm.retry import RetryPolicy
from core.protocol.items import MessageItem, ReasoningItem, ToolCallItem, user_message

KEY = "sk-test-VERYSECRET-0123456789"
WIRES: list[WireApi] = ["chat", "responses"]


def make_client(
    base_url: str, wire: WireApi, *, api_key: str | None = KEY, **endpoint: object
) -> ModelClient:
    ep = RuntimeEndpoint.model_validate(
        {"name": "Scripted", "base_url": base_url, "wire_api": wire, **endpoint}
    )
    return ModelClient(ep, api_key, retry=RetryPolicy(base_delay_s=0.001))


def simple_request(text: str = "hi", **kw: object) -> ModelRequest:
    fields: dict[str, Any] = {"instructions": "be brief", "input": [user_message(text)], **kw}
    return ModelRequest(model="gpt-test", **fields)


SHELL = ToolSpec(
    name="shell",
    description="run a command",
    parameters={"type": "object", "properties": {"command": {"type": "array"}}},
)


async def collect(client: ModelClient, request: ModelRequest) -> list[ResponseEvent]:
    try:
        return [ev async for ev in client.stream(request)]
    finally:
        await client.aclose()


async def failure(
    client: ModelClient, request: ModelRequest
) -> tuple[LhaError, list[ResponseEvent]]:
    seen: list[ResponseEvent] = []
    try:
        async for ev in client.stream(request):
            seen.append(ev)
    except LhaError as exc:
        return exc, seen
    finally:
        await client.aclose()
    raise AssertionError(f"expected an LhaError, got events {seen}")


def text_of(events: list[ResponseEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def reasoning_of(events: list[ResponseEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, ReasoningDelta))


def after_last_retry(events: list[ResponseEvent]) -> list[ResponseEvent]:
    """What a consumer keeps: everything after the last Retrying."""
    idx = max((i for i, e in enumerate(events) if isinstance(e, Retrying)), default=-1)
    return events[idx + 1 :]


def items(events: list[ResponseEvent]) -> list[MessageItem | ReasoningItem | ToolCallItem]:
    return [e.item for e in events if isinstance(e, OutputItemDone)]


def completed(events: list[ResponseEvent]) -> Completed:
    assert isinstance(events[-1], Completed), events[-1]
    return events[-1]
