"""Render a scripted ``Reply`` as the SSE frames (or JSON body) of either OpenAI wire API.

The frames follow what api.openai.com, llama.cpp's server and Ollama actually send, closely
enough that a client which handles these handles the real thing: Responses API events with
``type`` and ``sequence_number``; Chat Completions chunks with the role in the first delta, tool
calls streamed by ``index`` (id and name in the first fragment only), the finish reason in its own
chunk, usage in a last chunk with empty ``choices`` and finally ``data: [DONE]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tests.support.replies import Reply


@dataclass(frozen=True)
class Frame:
    """One SSE event. ``is_delta`` frames count for fault positions; ``terminal`` frames complete
    the response (faults scheduled past the last delta fire before the first of them)."""

    data: str
    event: str | None = None
    is_delta: bool = False
    terminal: bool = False

    def encode(self) -> bytes:
        head = f"event: {self.event}\n" if self.event else ""
        return f"{head}data: {self.data}\n\n".encode()


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


def _chunks(text: str, n: int) -> list[str]:
    if not text:
        return [""]
    n = max(1, min(n, len(text)))
    size = -(-len(text) // n)
    return [text[i : i + size] for i in range(0, len(text), size)]


# -- Responses API -----------------------------------------------------------------------------


class _Seq:
    def __init__(self) -> None:
        self.n = 0

    def frame(
        self, obj: dict[str, Any], *, is_delta: bool = False, terminal: bool = False
    ) -> Frame:
        obj["sequence_number"] = self.n
        self.n += 1
        return Frame(_dumps(obj), event=obj["type"], is_delta=is_delta, terminal=terminal)


def responses_usage(reply: Reply) -> dict[str, Any] | None:
    nums = reply.usage_numbers()
    if nums is None:
        return None
    inp, out, cached, reasoning = nums
    return {
        "input_tokens": inp,
        "input_tokens_details": {"cached_tokens": cached},
        "output_tokens": out,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": inp + out,
    }


def responses_output_items(reply: Reply) -> list[dict[str, Any]]:
    """The finished output items, as in ``response.output_item.done`` and a non-streamed body."""
    items: list[dict[str, Any]] = []
    if reply.reasoning_deltas:
        items.append(
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [{"type": "summary_text", "text": reply.full_reasoning}],
            }
        )
    if reply.text_deltas:
        items.append(
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": reply.full_text, "annotations": []}],
            }
        )
    for i, call in enumerate(reply.calls):
        items.append(
            {
                "type": "function_call",
                "id": f"fc_{i + 1}",
                "status": "completed",
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
            }
        )
    return items


def responses_frames(reply: Reply, model: str, response_id: str) -> list[Frame]:
    seq = _Seq()
    base = {"id": response_id, "object": "response", "model": model, "created_at": 0}
    frames = [
        seq.frame({"type": "response.created", "response": {**base, "status": "in_progress"}}),
    ]
    done_items = responses_output_items(reply)
    idx = 0
    if reply.reasoning_deltas:
        item = done_items[idx]
        frames.append(
            seq.frame(
                {
                    "type": "response.output_item.added",
                    "output_index": idx,
                    "item": {"type": "reasoning", "id": "rs_1", "summary": []},
                }
            )
        )
        for d in reply.reasoning_deltas:
            frames.append(
                seq.frame(
                    {
                        "type": "response.reasoning_summary_text.delta",
                        "item_id": "rs_1",
                        "output_index": idx,
                        "summary_index": 0,
                        "delta": d,
                    },
                    is_delta=True,
                )
            )
        frames.append(
            seq.frame({"type": "response.output_item.done", "output_index": idx, "item": item})
        )
        idx += 1
    if reply.text_deltas:
        item = done_items[idx]
        added = {**item, "status": "in_progress", "content": []}
        frames.append(
            seq.frame({"type": "response.output_item.added", "output_index": idx, "item": added})
        )
        for d in reply.text_deltas:
            frames.append(
                seq.frame(
                    {
                        "type": "response.output_text.delta",
                        "item_id": "msg_1",
                        "output_index": idx,
                        "content_index": 0,
                        "delta": d,
                    },
                    is_delta=True,
                )
            )
        frames.append(
            seq.frame(
                {
                    "type": "response.output_text.done",
                    "item_id": "msg_1",
                    "output_index": idx,
                    "content_index": 0,
                    "text": reply.full_text,
                }
            )
        )
        frames.append(
            seq.frame({"type": "response.output_item.done", "output_index": idx, "item": item})
        )
        idx += 1
    for call in reply.calls:
        item = done_items[idx]
        frames.append(
            seq.frame(
                {
                    "type": "response.output_item.added",
                    "output_index": idx,
                    "item": {**item, "status": "in_progress", "arguments": ""},
                }
            )
        )
        for frag in _chunks(call.arguments, reply.arg_chunks):
            frames.append(
                seq.frame(
                    {
                        "type": "response.function_call_arguments.delta",
                        "item_id": item["id"],
                        "output_index": idx,
                        "delta": frag,
                    },
                    is_delta=True,
                )
            )
        frames.append(
            seq.frame({"type": "response.output_item.done", "output_index": idx, "item": item})
        )
        idx += 1
    completed: dict[str, Any] = {**base, "status": "completed", "output": done_items}
    usage = responses_usage(reply)
    if usage is not None:
        completed["usage"] = usage
    frames.append(seq.frame({"type": "response.completed", "response": completed}, terminal=True))
    return frames


def responses_failure_frame(reply: Reply, response_id: str) -> Frame:
    err = {"code": reply.error_code or "server_error", "message": reply.error_message or "failed"}
    body = {
        "type": "response.failed",
        "response": {"id": response_id, "object": "response", "status": "failed", "error": err},
    }
    return Frame(_dumps(body), event="response.failed")


def responses_body(reply: Reply, model: str, response_id: str) -> dict[str, Any]:
    """A non-streamed Responses API answer (``"stream": false``)."""
    body: dict[str, Any] = {
        "id": response_id,
        "object": "response",
        "model": model,
        "created_at": 0,
        "status": "completed",
        "output": responses_output_items(reply),
    }
    usage = responses_usage(reply)
    if usage is not None:
        body["usage"] = usage
    return body


# -- Chat Completions --------------------------------------------------------------------------


def chat_usage(reply: Reply) -> dict[str, Any] | None:
    nums = reply.usage_numbers()
    if nums is None:
        return None
    inp, out, cached, reasoning = nums
    return {
        "prompt_tokens": inp,
        "completion_tokens": out,
        "total_tokens": inp + out,
        "prompt_tokens_details": {"cached_tokens": cached},
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }


def chat_frames(reply: Reply, model: str, response_id: str, include_usage: bool) -> list[Frame]:
    base = {"id": response_id, "object": "chat.completion.chunk", "created": 0, "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        return _dumps({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})

    frames = [Frame(chunk({"role": "assistant", "content": ""}))]
    frames += [
        Frame(chunk({reply.reasoning_field: d}), is_delta=True) for d in reply.reasoning_deltas
    ]
    frames += [Frame(chunk({"content": d}), is_delta=True) for d in reply.text_deltas]
    for i, call in enumerate(reply.calls):
        for j, frag in enumerate(_chunks(call.arguments, reply.arg_chunks)):
            tc: dict[str, Any] = {"index": i, "function": {"arguments": frag}}
            if j == 0:
                tc = {
                    "index": i,
                    "id": call.call_id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": frag},
                }
            frames.append(Frame(chunk({"tool_calls": [tc]}), is_delta=True))
    frames.append(Frame(chunk({}, reply.chat_finish_reason()), terminal=True))
    usage = chat_usage(reply)
    if include_usage and usage is not None:
        frames.append(Frame(_dumps({**base, "choices": [], "usage": usage}), terminal=True))
    if not reply.omit_done:
        frames.append(Frame("[DONE]", terminal=True))
    return frames


def chat_failure_frame(reply: Reply) -> Frame:
    err = {
        "message": reply.error_message or "failed",
        "type": reply.error_code or "server_error",
        "code": reply.error_code or "server_error",
    }
    return Frame(_dumps({"error": err}))


def chat_body(reply: Reply, model: str, response_id: str) -> dict[str, Any]:
    """A non-streamed Chat Completions answer (``"stream": false``)."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.full_text}
    if reply.reasoning_deltas:
        message[reply.reasoning_field] = reply.full_reasoning
    if reply.calls:
        message["tool_calls"] = [
            {
                "id": c.call_id,
                "type": "function",
                "function": {"name": c.name, "arguments": c.arguments},
            }
            for c in reply.calls
        ]
    body: dict[str, Any] = {
        "id": response_id,
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.chat_finish_reason()}],
    }
    usage = chat_usage(reply)
    if usage is not None:
        body["usage"] = usage
    return body


def error_body(status: int, message: str | None, code: str | None) -> dict[str, Any]:
    """An OpenAI-style error body; the default messages are what real servers say."""
    defaults = {
        400: "Invalid request",
        401: "Incorrect API key provided.",
        403: "You are not allowed to use this model.",
        404: "File Not Found",
        429: "Rate limit reached. Please try again later.",
        500: "The server had an error while processing your request.",
        502: "Bad gateway",
        503: "The engine is currently overloaded, please try again later.",
    }
    kinds = {
        400: "invalid_request_error",
        401: "invalid_api_key",
        404: "not_found_error",
        429: "rate_limit_exceeded",
    }
    return {
        "error": {
            "message": message or defaults.get(status, f"HTTP {status}"),
            "type": kinds.get(status, "server_error"),
            "code": code or kinds.get(status, "server_error"),
        }
    }
