"""The Chat Completions wire format (``POST {base_url}/chat/completions``): body and parser.

This is what local servers speak (llama.cpp's server, Ollama, LM Studio, vLLM), so the body is
conservative: an assistant message always carries ``"content": ""`` rather than null (llama.cpp
rejects null), developer-role items become ``system`` messages, and tool calls that follow an
assistant message are folded into it as one message with ``tool_calls``.
"""

from __future__ import annotations

import json
from typing import Any

from core.llm import errors_map, usage
from core.llm.providers.endpoint import RuntimeEndpoint
from core.llm.request import ModelRequest
from core.llm.response_events import (
    Completed,
    OutputItemDone,
    ReasoningDelta,
    Refusal,
    ResponseEvent,
    TextDelta,
)
from core.protocol.events import TokenUsage
from core.protocol.items import (
    InputImage,
    MessageItem,
    OutputText,
    ReasoningItem,
    SummaryText,
    ToolCallItem,
    ToolCallOutputItem,
    TranscriptItem,
)
from core.protocol.tool_payload import JsonArguments

ROUTE = "/chat/completions"


def _user_content(item: MessageItem) -> str | list[dict[str, Any]]:
    """Plain text when there is no image (what every server accepts), else content parts."""
    if not any(isinstance(p, InputImage) for p in item.content):
        return item.text()
    parts: list[dict[str, Any]] = []
    for p in item.content:
        if isinstance(p, InputImage):
            parts.append({"type": "image_url", "image_url": {"url": p.image_url}})
        else:
            parts.append({"type": "text", "text": p.text})
    return parts


def _tool_images_message(outputs: list[ToolCallOutputItem]) -> dict[str, Any]:
    """A user message with the images tools returned: a ``tool`` message holds text only, so
    the images follow the group of tool results, each introduced by its call's id."""
    parts: list[dict[str, Any]] = []
    for output in outputs:
        parts.append({"type": "text", "text": f"Images returned by tool call {output.call_id}:"})
        parts += [{"type": "image_url", "image_url": {"url": url}} for url in output.images or []]
    return {"role": "user", "content": parts}


def messages(instructions: str, items: list[TranscriptItem]) -> list[dict[str, Any]]:
    """The ``messages`` array: system prompt, then the transcript in chat form."""
    out: list[dict[str, Any]] = []
    if instructions:
        out.append({"role": "system", "content": instructions})
    with_images: list[ToolCallOutputItem] = []
    for item in items:
        if with_images and not isinstance(item, ToolCallOutputItem):
            out.append(_tool_images_message(with_images))
            with_images = []
        if isinstance(item, MessageItem):
            if item.role in ("developer", "system"):
                out.append({"role": "system", "content": item.text()})
            elif item.role == "assistant":
                out.append({"role": "assistant", "content": item.text()})
            else:
                out.append({"role": "user", "content": _user_content(item)})
        elif isinstance(item, ToolCallItem):
            call = {
                "id": item.call_id,
                "type": "function",
                "function": {"name": item.tool_name, "arguments": item.payload.arguments},
            }
            if out and out[-1]["role"] == "assistant":
                out[-1].setdefault("tool_calls", []).append(call)
            else:
                out.append({"role": "assistant", "content": "", "tool_calls": [call]})
        elif isinstance(item, ToolCallOutputItem):
            out.append({"role": "tool", "tool_call_id": item.call_id, "content": item.output})
            if item.images:
                with_images.append(item)
        # Reasoning has no place in a chat request: servers derive it again.
    if with_images:
        out.append(_tool_images_message(with_images))
    return out


def build_body(req: ModelRequest) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": req.model,
        "messages": messages(req.instructions, req.input),
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if req.max_output_tokens is not None:
        body["max_tokens"] = req.max_output_tokens
    if req.tools:
        body["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.parameters,
                },
            }
            for t in req.tools
        ]
        body["tool_choice"] = "auto"
        body["parallel_tool_calls"] = req.parallel_tool_calls
    if req.effort:
        body["reasoning_effort"] = req.effort
    return body


def parse_usage(raw: Any) -> TokenUsage | None:
    return usage.parse_usage(raw, "prompt", "completion")


class _PendingCall:
    __slots__ = ("args", "call_id", "name")

    def __init__(self) -> None:
        self.call_id = ""
        self.name = ""
        self.args: list[str] = []


class ChatParser:
    """Accumulates chat chunks; the finished items are emitted when the stream ends.

    Complete means a ``finish_reason`` arrived. ``[DONE]`` (or the end of the body) after it ends
    the stream; either without a finish reason is a cut stream.
    """

    def __init__(self, endpoint: RuntimeEndpoint, api_key: str | None) -> None:
        self._endpoint = endpoint
        self._api_key = api_key
        self.done = False
        self._response_id: str | None = None
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._calls: dict[int, _PendingCall] = {}
        self._finish_reason: str | None = None
        self._usage: TokenUsage | None = None
        self._refusal: list[str] = []

    def can_finish(self) -> bool:
        """A finish reason arrived: a transport failure now loses at most the usage chunk."""
        return self._finish_reason is not None

    def feed(self, event: str, data: str) -> list[ResponseEvent]:
        if data.strip() == "[DONE]":
            self.done = True
            return []
        try:
            obj = json.loads(data)
        except ValueError:
            raise errors_map.malformed(data) from None
        if not isinstance(obj, dict):
            raise errors_map.malformed(data)
        err = obj.get("error")
        if err:
            code = err.get("code") or err.get("type") if isinstance(err, dict) else None
            message = err.get("message") if isinstance(err, dict) else err
            raise errors_map.in_stream_failure(
                str(code) if code else None, str(message or ""), self._api_key
            )
        if obj.get("id") and self._response_id is None:
            self._response_id = str(obj["id"])
        if obj.get("usage"):
            self._usage = parse_usage(obj["usage"])
        events: list[ResponseEvent] = []
        choices = obj.get("choices") or []
        if not isinstance(choices, list):
            raise errors_map.malformed(data)
        for choice in choices[:1]:
            if not isinstance(choice, dict):
                raise errors_map.malformed(data)
            delta = choice.get("delta") or {}
            reasoning = delta.get("reasoning_content") or delta.get("reasoning")
            if isinstance(reasoning, str) and reasoning:
                self._reasoning.append(reasoning)
                events.append(ReasoningDelta(reasoning))
            content = delta.get("content")
            if isinstance(content, str) and content:
                self._text.append(content)
                events.append(TextDelta(content))
            refusal = delta.get("refusal")
            if isinstance(refusal, str) and refusal:
                self._refusal.append(refusal)
            for tc in delta.get("tool_calls") or []:
                self._add_tool_fragment(tc)
            if choice.get("finish_reason"):
                self._finish_reason = str(choice["finish_reason"])
        return events

    def _add_tool_fragment(self, tc: Any) -> None:
        if not isinstance(tc, dict):
            return
        index = tc.get("index")
        if not isinstance(index, int):
            # Servers that omit the index send one call per fragment group, id first.
            new = tc.get("id") and all(c.call_id != tc["id"] for c in self._calls.values())
            index = len(self._calls) if new or not self._calls else max(self._calls)
        call = self._calls.setdefault(index, _PendingCall())
        if tc.get("id"):
            call.call_id = str(tc["id"])
        fn = tc.get("function") or {}
        if fn.get("name"):
            call.name = str(fn["name"])
        if fn.get("arguments"):
            call.args.append(str(fn["arguments"]))

    def finish(self) -> list[ResponseEvent]:
        if self._finish_reason is None:
            why = "[DONE] without a finish_reason" if self.done else "no finish_reason"
            raise errors_map.stream_cut(self._endpoint, why)
        events: list[ResponseEvent] = []
        if self._reasoning:
            summary = [SummaryText(text="".join(self._reasoning))]
            events.append(OutputItemDone(ReasoningItem(id="reasoning", summary=summary)))
        if self._text:
            text = OutputText(text="".join(self._text))
            events.append(OutputItemDone(MessageItem(role="assistant", content=[text])))
        for n, index in enumerate(sorted(self._calls)):
            call = self._calls[index]
            events.append(
                OutputItemDone(
                    ToolCallItem(
                        call_id=call.call_id or f"call_{n}",
                        tool_name=call.name,
                        payload=JsonArguments(arguments="".join(call.args) or "{}"),
                    )
                )
            )
        if self._refusal:
            events.append(Refusal("".join(self._refusal)))
        events.append(Completed(self._response_id, self._usage, self._finish_reason))
        self.done = True
        return events
