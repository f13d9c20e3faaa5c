"""Fitting a long conversation into the model's context window.

A small model (the embedded one has 4,096 tokens) outgrows its context after a few turns; the
server would then refuse every request. So each request leaves out the oldest whole turns until
the estimate fits, keeping the session's prefix (instructions, environment) and the current turn.
Only the request is cut: the rollout, the transcript and forks keep everything.

The estimate is deliberately pessimistic (3 bytes a token; real tokenizers average about 4 on
English and code): leaving a turn out too early costs little, a refused request costs the turn.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from core.llm.request import ToolSpec
from core.protocol.items import (
    InputImage,
    MessageItem,
    ReasoningItem,
    ToolCallItem,
    ToolCallOutputItem,
    TranscriptItem,
)
from core.rollout.session_prefix import is_real_user_message, is_session_prefix_message

BYTES_PER_TOKEN = 3
ITEM_OVERHEAD_TOKENS = 8
"""Role markers and framing each item costs on top of its text."""
MAX_OUTPUT_RESERVE = 8192
REFILL_FRACTION = 0.6
"""When turns must be left out, enough go to bring the request to this share of the budget."""


@dataclass(frozen=True)
class FittedPrompt:
    """The items a request sends, and how many of the oldest turns were left out to fit."""

    items: list[TranscriptItem]
    turns_left_out: int
    estimated_tokens: int
    """The request's estimated size; 0 when the window is unknown (nothing was weighed)."""


def estimate_tokens(text: str) -> int:
    return -(-len(text.encode()) // BYTES_PER_TOKEN)


IMAGE_TOKENS = 1000
"""What an image is reckoned to cost: its base64 says nothing about it (a provider scales an
image to tiles; a large one costs about a thousand tokens on OpenAI's models)."""


def item_tokens(item: TranscriptItem) -> int:
    images = 0
    if isinstance(item, MessageItem):
        text = item.text()
        images = sum(1 for part in item.content if isinstance(part, InputImage))
    elif isinstance(item, ToolCallItem):
        text = item.tool_name + item.payload.arguments
    elif isinstance(item, ToolCallOutputItem):
        text = item.output
        images = len(item.images or ())
    elif isinstance(item, ReasoningItem):
        text = "".join(part.text for part in item.summary) + (item.encrypted_content or "")
    else:
        text = ""
    return estimate_tokens(text) + images * IMAGE_TOKENS + ITEM_OVERHEAD_TOKENS


def fixed_tokens(instructions: str, tools: Sequence[ToolSpec]) -> int:
    """What a request costs before its items: the instructions and the tools' schemas."""
    return estimate_tokens(instructions) + sum(
        estimate_tokens(json.dumps(tool.to_dict())) for tool in tools
    )


def output_reserve(context_window: int) -> int:
    """Tokens kept free for the answer: a quarter of the window, at most 8,192."""
    return min(context_window // 4, MAX_OUTPUT_RESERVE)


def turn_starts(items: Sequence[TranscriptItem]) -> list[int]:
    """Where each user turn begins: its message, or the injections (skills...) just before it.
    Whatever precedes the first user message is the session's prefix, kept in every request."""
    starts: list[int] = []
    for index, item in enumerate(items):
        if not is_real_user_message(item):
            continue
        start = index
        if starts:
            while start - 1 > starts[-1] and is_session_prefix_message(items[start - 1]):
                start -= 1
        starts.append(start)
    return starts


def fit_prompt(
    items: Sequence[TranscriptItem],
    instructions: str,
    tools: Sequence[ToolSpec],
    context_window: int | None,
    previous_cut: int = 0,
) -> FittedPrompt:
    """``items`` without their oldest turns when they do not fit the window.

    The cut is sticky: ``previous_cut`` turns (the last request's) stay out while the rest fits,
    and when more must go, enough go to bring the request down to ``REFILL_FRACTION`` of the
    budget. So the request's beginning stays the same for several turns, and a server that
    caches the prompt it saw last (llama.cpp does) only evaluates each turn's new tokens,
    instead of the whole window again on every turn.
    """
    if context_window is None:  # nothing to fit to: no need to weigh anything
        return FittedPrompt(list(items), 0, 0)
    fixed = fixed_tokens(instructions, tools)
    costs = [item_tokens(item) for item in items]
    total = fixed + sum(costs)
    budget = context_window - output_reserve(context_window)
    if total <= budget:
        return FittedPrompt(list(items), 0, total)
    starts = turn_starts(items)
    if len(starts) < 2:  # nothing but the current turn: send it whole, the server decides
        return FittedPrompt(list(items), 0, total)
    prefix_end = starts[0]
    most = len(starts) - 1  # the current turn always stays

    running = list(accumulate(costs, initial=0))  # running[i]: the cost of items[:i]

    def cut_end(dropped: int) -> int:
        return starts[dropped] if dropped else prefix_end

    def size_after(dropped: int) -> int:
        return total - (running[cut_end(dropped)] - running[prefix_end])

    dropped = min(previous_cut, most)
    if size_after(dropped) > budget:
        target = int(budget * REFILL_FRACTION)
        while dropped < most and size_after(dropped) > target:
            dropped += 1
    kept = [*items[:prefix_end], *items[cut_end(dropped) :]]
    return FittedPrompt(kept, dropped, size_after(dropped))
