"""The Responses API wire format (``POST {base_url}/responses``): request body and stream parser.

Parsing keys off each event's JSON ``type`` (the SSE ``event:`` line is only a fallback: some
compatible servers leave it out). Unknown event and item types are ignored so newer server
features do not break older clients.
"""

from __future__ import annotations

import json
from typing import Any

from core.errors import ProviderError
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
    InputText,
    MessageItem,
    OutputText,
    ReasoningItem,
    ReasoningText,
    SummaryText,
    ToolCallItem,
    ToolCallOutputItem,
    TranscriptItem,
)
from core.protocol.tool_payload import JsonArguments

ROUTE = "/responses"


def _content_part(part: InputText | OutputText | InputImage, assistant: bool) -> dict[str, Any]:
    if isinstance(part, InputImage):
        return {"type": "input_image", "image_url": part.image_url}
    return {"type": "output_text" if assistant else "input_text", "text": part.text}


def input_item(item: TranscriptItem) -> dict[str, Any] | None:
    """One transcript item as a Responses input item; ``None`` when it cannot be sent.

    Message and call ids are left out: with ``store: false`` the server keeps nothing to refer
    to. A reasoning item is sent back only with its ``encrypted_content`` (that is what lets the
    model continue its chain of thought; a bare summary is for the user, and servers reject it as
    input), and with its ``id``, which the API reference marks required for reasoning input.
    """
    if isinstance(item, MessageItem):
        assistant = item.role == "assistant"
        return {
            "type": "message",
            "role": item.role,
            "content": [_content_part(p, assistant) for p in item.content],
        }
    if isinstance(item, ReasoningItem):
        if not item.encrypted_content:
            return None
        return {
            "type": "reasoning",
            "id": item.id,
            "summary": [{"type": "summary_text", "text": s.text} for s in item.summary],
            "encrypted_content": item.encrypted_content,
        }
    if isinstance(item, ToolCallItem):
        return {
            "type": "function_call",
            "call_id": item.call_id,
            "name": item.tool_name,
            "arguments": item.payload.arguments,
        }
    if isinstance(item, ToolCallOutputItem):
        return {"type": "function_call_output", "call_id": item.call_id, "output": _output(item)}
    return None


def _output(item: ToolCallOutputItem) -> str | list[dict[str, Any]]:
    """The text, or (with images a tool returned) content parts: the API reference lets a
    function call's output be a list of ``input_text`` and ``input_image`` parts."""
    if not item.images:
        return item.output
    parts: list[dict[str, Any]] = [{"type": "input_text", "text": item.output}]
    parts += [{"type": "input_image", "image_url": url} for url in item.images]
    return parts


def build_body(req: ModelRequest) -> dict[str, Any]:
    items = (input_item(i) for i in req.input)
    body: dict[str, Any] = {
        "model": req.model,
        "instructions": req.instructions,
        "input": [i for i in items if i is not None],
        "stream": True,
        "store": False,
    }
    if req.max_output_tokens is not None:
        body["max_output_tokens"] = req.max_output_tokens
    if req.tools:
        body["tools"] = [
            {
                "type": "function",
                "name": t.name,
                "description": t.description,
                "parameters": t.parameters,
                # The Responses API defaults ``strict`` to true, which makes every optional
                # parameter required; lha's schemas are not written for strict mode.
                "strict": False,
            }
            for t in req.tools
        ]
        body["tool_choice"] = "auto"
        body["parallel_tool_calls"] = req.parallel_tool_calls
    if req.effort:
        body["reasoning"] = {"effort": req.effort, "summary": "auto"}
        body["include"] = ["reasoning.encrypted_content"]
    return body


def parse_usage(raw: Any) -> TokenUsage | None:
    return usage.parse_usage(raw, "input", "output")


def output_item(raw: Any) -> MessageItem | ReasoningItem | ToolCallItem | None:
    """A finished output item as a transcript item; ``None`` for kinds lha does not keep."""
    if not isinstance(raw, dict):
        return None
    kind = raw.get("type")
    if kind == "message":
        parts: list[InputText | OutputText | InputImage] = []
        refused = False
        for p in raw.get("content") or []:
            if isinstance(p, dict) and p.get("type") == "output_text":
                parts.append(OutputText(text=str(p.get("text") or "")))
            refused = refused or (isinstance(p, dict) and p.get("type") == "refusal")
        if refused and not parts:
            return None  # a refusal, not an answer: the parser reports it as one
        return MessageItem(id=raw.get("id"), role="assistant", content=parts)
    if kind == "reasoning":
        summary = [
            SummaryText(text=str(s.get("text") or ""))
            for s in raw.get("summary") or []
            if isinstance(s, dict)
        ]
        content = [
            ReasoningText(text=str(c.get("text") or ""))
            for c in raw.get("content") or []
            if isinstance(c, dict)
        ]
        return ReasoningItem(
            id=str(raw.get("id") or "reasoning"),
            summary=summary,
            content=content or None,
            encrypted_content=raw.get("encrypted_content"),
        )
    if kind == "function_call":
        call_id = str(raw.get("call_id") or raw.get("id") or "")
        return ToolCallItem(
            id=raw.get("id"),
            call_id=call_id,
            tool_name=str(raw.get("name") or ""),
            payload=JsonArguments(arguments=str(raw.get("arguments") or "{}")),
        )
    return None


_INCOMPLETE_REASONS = {"max_output_tokens": "length", "content_filter": "content_filter"}


class ResponsesParser:
    """Turns Responses API SSE events into ResponseEvents; ``done`` once the response ended."""

    def __init__(self, endpoint: RuntimeEndpoint, api_key: str | None) -> None:
        self._endpoint = endpoint
        self._api_key = api_key
        self.done = False
        self._response_id: str | None = None
        self._text: list[str] = []
        self._message_done = False
        self._saw_tool_call = False
        self._items_done = 0
        self._refusal: list[str] = []
        self._refusal_done = False

    def can_finish(self) -> bool:
        """Whether a transport failure now still leaves a complete answer (never, here)."""
        return self.done

    def feed(self, event: str, data: str) -> list[ResponseEvent]:
        try:
            obj = json.loads(data)
        except ValueError:
            raise errors_map.malformed(data) from None
        if not isinstance(obj, dict):
            raise errors_map.malformed(data)
        kind = obj.get("type") or event
        if kind == "response.output_text.delta":
            delta = str(obj.get("delta") or "")
            self._text.append(delta)
            return [TextDelta(delta)] if delta else []
        if kind == "response.refusal.delta":
            self._refusal.append(str(obj.get("delta") or ""))
            return []
        if kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            delta = str(obj.get("delta") or "")
            return [ReasoningDelta(delta)] if delta else []
        if kind == "response.output_item.done":
            self._take_refusal(obj.get("item"))
            item = output_item(obj.get("item"))
            if item is None:
                return []
            self._items_done += 1
            if isinstance(item, MessageItem):
                self._message_done = True
            elif isinstance(item, ToolCallItem):
                self._saw_tool_call = True
            return [OutputItemDone(item)]
        if kind == "response.created":
            self._remember_id(obj.get("response"))
            return []
        if kind in ("response.completed", "response.incomplete"):
            return self._complete(obj.get("response"), kind)
        if kind == "response.failed":
            resp = obj.get("response") or {}
            err = resp.get("error") or {} if isinstance(resp, dict) else {}
            raise self._failure(err.get("code"), err.get("message"))
        if kind == "error":
            raise self._failure(obj.get("code"), obj.get("message"))
        return []

    def finish(self) -> list[ResponseEvent]:
        """Called when the body ended: without ``response.completed`` the stream was cut."""
        if not self.done:
            raise errors_map.stream_cut(self._endpoint, "no response.completed")
        return []

    def _remember_id(self, resp: Any) -> None:
        if isinstance(resp, dict) and resp.get("id"):
            self._response_id = str(resp["id"])

    def _complete(self, resp: Any, kind: str) -> list[ResponseEvent]:
        self._remember_id(resp)
        resp = resp if isinstance(resp, dict) else {}
        events: list[ResponseEvent] = []
        if not self._items_done and not self._text:
            # Some servers put the output only in the final response object.
            events.extend(self._final_output(resp.get("output")))
        if self._text and not self._message_done:
            # Some compatible servers stream text but never send output_item.done for it.
            events.append(
                OutputItemDone(
                    MessageItem(role="assistant", content=[OutputText(text="".join(self._text))])
                )
            )
        if kind == "response.incomplete":
            reason = str((resp.get("incomplete_details") or {}).get("reason") or "incomplete")
            finish: str = _INCOMPLETE_REASONS.get(reason, reason)
        else:
            finish = "tool_calls" if self._saw_tool_call else "stop"
        if self._refusal:
            events.append(Refusal("".join(self._refusal)))
        events.append(Completed(self._response_id, parse_usage(resp.get("usage")), finish))
        self.done = True
        return events

    def _take_refusal(self, raw: Any) -> None:
        """A message's ``refusal`` parts: the whole text, which replaces what the deltas said."""
        parts = raw.get("content") if isinstance(raw, dict) else None
        texts = [
            str(p.get("refusal") or "")
            for p in parts or []
            if isinstance(p, dict) and p.get("type") == "refusal"
        ]
        if texts:
            self._refusal = ["".join(texts)]

    def _final_output(self, output: Any) -> list[ResponseEvent]:
        raws = output if isinstance(output, list) else []
        for raw in raws:
            self._take_refusal(raw)
        items = [output_item(raw) for raw in raws]
        for item in items:
            self._saw_tool_call = self._saw_tool_call or isinstance(item, ToolCallItem)
        return [OutputItemDone(item) for item in items if item is not None]

    def _failure(self, code: Any, message: Any) -> ProviderError:
        return errors_map.in_stream_failure(
            str(code) if code else None, str(message or ""), self._api_key
        )
