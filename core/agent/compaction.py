"""Compaction: replacing a long history with a summary the model wrote, so nothing is forgotten.

Leaving the oldest turns out of a request (``prompt_fit``) makes the model forget the plan it made
at the start. Compaction asks the thread's own model for a summary instead and replaces what the
model sees with: the session's prefix (instructions, environment), the user's most recent messages
up to a budget, and the summary, in that order (the shape the Codex CLI uses). It is recorded as a
``compacted`` rollout line whose ``replacement_history`` resume and fork read back; every earlier
line stays in the file, so a fork from before it gets the original history.

A compaction that fails leaves the history exactly as it was: the summary is only used once the
response completed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from core.agent.prompt_fit import (
    fit_prompt,
    fixed_tokens,
    item_tokens,
    turn_starts,
)
from core.agent.session import Session
from core.errors import LhaError
from core.llm.request import ModelRequest, ToolSpec
from core.llm.response_events import Completed, OutputItemDone, Retrying
from core.protocol.events import ContextCompacted, Event, EventMsg, Warning
from core.protocol.items import MessageItem, TranscriptItem, user_message
from core.protocol.rollout import CompactedRecord
from core.protocol.session import CompactedItem
from core.rollout.session_prefix import (
    COMPACTION_SUMMARY_CLOSE,
    COMPACTION_SUMMARY_OPEN,
    is_real_user_message,
)
from core.tools.router import tool_specs

AUTO_COMPACT_WINDOW_FRACTION = 0.6
"""Without ``model_auto_compact_token_limit``, a turn compacts first when its request would pass
this share of the model's context window: the rest leaves room for the answer, the summary
request's own prompt, and the pessimism of the size estimate."""
MAX_KEPT_USER_TOKENS = 20_000
KEPT_USER_WINDOW_FRACTION = 0.125
"""The user's recent messages kept verbatim: at most this share of the window (and 20,000)."""
MIN_KEPT_USER_TOKENS = 256
"""However tight the limit, the newest user messages keep this much (the current one first)."""
MAX_SUMMARY_WORDS = 600
SUMMARY_WORDS_PER_WINDOW_TOKEN = 0.06
"""The summary asked for is shorter for a small window (about 250 words for 4,096 tokens)."""
TOKENS_PER_SUMMARY_WORD = 2
CAPPED_WINDOW = 32_768
"""With a window this small or smaller, the summary's answer is capped at two tokens a word
asked for: a small model that rambles (the embedded one writes until its window is full) stops
at a summary's length. Larger models are not capped: their reasoning counts against the cap."""

COMPACTION_PROMPT = """\
Stop working on the task for a moment: the conversation above is about to be replaced by a \
summary you write now, because it no longer fits your context. Whoever reads the summary has \
nothing else but the user's latest messages, so it must let them carry on without asking again.

Write, in plain text and at most {words} words:
- the user's goal and every requirement or preference they stated;
- what was decided and what was done (files, commands, results), and what failed and why;
- the state of the work now, and the next steps that remain;
- names, paths, numbers and facts that will be needed later, exactly as they appeared.
Do not call tools. Do not address the user. Write only the summary.
"""

SUMMARY_PREAMBLE = (
    "Earlier parts of this conversation were replaced by the summary below, written by the "
    "assistant when they stopped fitting in its context. Treat it as your own memory of them "
    "and continue from the user's latest message."
)


class NothingToCompact(LhaError):
    """The thread has no message of the user yet: there is nothing to summarise."""


@dataclass(frozen=True)
class Compaction:
    """A summary and the history that replaces the old one, with both sizes (estimates)."""

    summary: str
    replacement: list[TranscriptItem]
    tokens_before: int
    tokens_after: int


def auto_compact_limit(context_window: int | None, configured: int | None) -> int | None:
    """The estimated request size above which a turn compacts first; None: never."""
    if configured is not None:
        return configured
    if context_window is None:
        return None
    return int(context_window * AUTO_COMPACT_WINDOW_FRACTION)


def request_tokens(
    items: Sequence[TranscriptItem], instructions: str, tools: Sequence[ToolSpec]
) -> int:
    """The estimated size of a request, as ``prompt_fit`` weighs it."""
    return fixed_tokens(instructions, tools) + sum(item_tokens(item) for item in items)


def is_summary_message(item: TranscriptItem) -> bool:
    return (
        isinstance(item, MessageItem)
        and item.role == "user"
        and item.text().lstrip().startswith(COMPACTION_SUMMARY_OPEN)
    )


def summary_message(summary: str) -> MessageItem:
    return user_message(
        f"{COMPACTION_SUMMARY_OPEN}\n{SUMMARY_PREAMBLE}\n\n{summary}\n{COMPACTION_SUMMARY_CLOSE}"
    )


def kept_user_budget(context_window: int | None) -> int:
    if context_window is None:
        return MAX_KEPT_USER_TOKENS
    return min(MAX_KEPT_USER_TOKENS, int(context_window * KEPT_USER_WINDOW_FRACTION))


def summary_words(context_window: int | None) -> int:
    if context_window is None:
        return MAX_SUMMARY_WORDS
    return max(80, min(MAX_SUMMARY_WORDS, int(context_window * SUMMARY_WORDS_PER_WINDOW_TOKEN)))


def summary_cap(context_window: int | None) -> int | None:
    if context_window is None or context_window > CAPPED_WINDOW:
        return None
    return summary_words(context_window) * TOKENS_PER_SUMMARY_WORD


def recent_user_messages(history: Sequence[TranscriptItem], budget: int) -> list[TranscriptItem]:
    """The user's newest messages, oldest first, whose estimated size fits ``budget``; the
    newest one is always kept, cut in the middle when it alone is too big."""
    typed = [item for item in history if is_real_user_message(item)]
    kept: list[TranscriptItem] = []
    used = 0
    for item in reversed(typed):
        cost = item_tokens(item)
        if kept and used + cost > budget:
            break
        kept.append(item if cost <= budget else _shortened(item, budget))
        used += cost
    return kept[::-1]


def _shortened(item: TranscriptItem, budget: int) -> TranscriptItem:
    assert isinstance(item, MessageItem)
    text = item.text()
    half = max(budget * 3 // 2 - 40, 1)  # about 3 bytes a token, both ends
    return user_message(
        f"{text[:half]}\n[… {len(text) - 2 * half} characters left out …]\n{text[-half:]}"
    )


def replacement_history(
    history: Sequence[TranscriptItem],
    summary: str,
    context_window: int | None,
    room: int | None = None,
) -> list[TranscriptItem]:
    """The session prefix, the recent user messages, then the summary.

    ``room`` is what the limit leaves for the recent messages once the instructions, tools,
    prefix and summary are counted; they get half of it at most, so the compacted request sits
    well under the limit and the next turns do not compact again at once (in a 4K window the
    fixed part alone is most of the limit)."""
    starts = turn_starts(history)
    prefix = list(history[: starts[0]]) if starts else []
    prefix = [item for item in prefix if not is_summary_message(item)]
    budget = kept_user_budget(context_window)
    if room is not None:
        left = max(0, room - sum(item_tokens(item) for item in prefix)) // 2
        budget = max(min(budget, left), min(budget, MIN_KEPT_USER_TOKENS))
    recent = recent_user_messages(history, budget)
    return [*prefix, *recent, summary_message(summary)]


def has_user_message(history: Sequence[TranscriptItem]) -> bool:
    return any(is_real_user_message(item) for item in history)


async def summarise(session: Session, instructions: str | None) -> Compaction:
    """Ask the thread's model for the summary and build the new history (nothing recorded)."""
    history = session.history
    if not has_user_message(history):
        raise NothingToCompact("nothing to compact: the thread has no message yet")
    context = session.turn_context
    window = context.model_context_window
    tools = tool_specs(session)
    before = request_tokens(history, session.base_instructions, tools)
    prompt = COMPACTION_PROMPT.format(words=summary_words(window))
    if instructions and instructions.strip():
        prompt += f"\nThe user asks the summary to: {instructions.strip()}\n"
    fitted = fit_prompt([*history, user_message(prompt)], session.base_instructions, [], window)
    request = ModelRequest(
        model=context.model,
        instructions=session.base_instructions,
        input=fitted.items,
        effort=context.effort,
        max_output_tokens=summary_cap(window),
    )
    summary = await _complete_text(session, request)
    limit = auto_compact_limit(window, context.auto_compact_token_limit)
    room = None
    if limit is not None:
        fixed = request_tokens([summary_message(summary)], session.base_instructions, tools)
        room = limit - fixed
    replacement = replacement_history(history, summary, window, room)
    after = request_tokens(replacement, session.base_instructions, tools)
    return Compaction(summary, replacement, before, after)


async def _complete_text(session: Session, request: ModelRequest) -> str:
    """The answer's text, only once the response completed (a cut stream raises)."""
    done: list[MessageItem] = []
    completed = False
    client = session.model_client()
    async with contextlib.aclosing(client.stream(request)) as stream:
        async for event in stream:
            if isinstance(event, OutputItemDone) and isinstance(event.item, MessageItem):
                done.append(event.item)
            elif isinstance(event, Retrying):
                done.clear()
            elif isinstance(event, Completed):
                completed = True
                if event.usage is not None:
                    session.add_usage(event.usage)
    text = "\n".join(item.text() for item in done if item.role == "assistant").strip()
    if not completed:
        raise LhaError("the model's answer ended before it completed")
    if not text:
        raise LhaError("the model answered with an empty summary")
    return text


def apply_compaction(session: Session, sub_id: str, result: Compaction, automatic: bool) -> None:
    """Record the ``compacted`` line, switch the history, and tell the client."""
    item = CompactedItem(message=result.summary, replacement_history=result.replacement)
    session.record_rollout_only([CompactedRecord(payload=item)])
    session.history = list(result.replacement)
    session.turns_left_out = 0
    session.emit(
        sub_id,
        ContextCompacted(
            summary=result.summary,
            tokens_before=result.tokens_before,
            tokens_after=result.tokens_after,
            automatic=automatic,
        ),
    )


async def compact(session: Session, sub_id: str, instructions: str | None, automatic: bool) -> None:
    """Summarise and apply; raises ``LhaError`` (history unchanged) when that fails."""
    result = await summarise(session, instructions)
    apply_compaction(session, sub_id, result, automatic)


def has_earlier_turns(history: Sequence[TranscriptItem]) -> bool:
    """True when something besides the current turn came after the last summary: compacting
    only the current message (a huge paste) would summarise nothing; the cut handles that."""
    starts = turn_starts(history)
    if len(starts) < 2:
        return False
    summaries = [i for i, item in enumerate(history) if is_summary_message(item)]
    return not summaries or summaries[-1] + 1 < starts[-1]


def has_work_to_summarise(history: Sequence[TranscriptItem]) -> bool:
    """Mid-turn: True when answers, tool calls or their outputs came after the last summary
    (or since the session prefix): the model's work so far is what a summary would keep."""
    summaries = [i for i, item in enumerate(history) if is_summary_message(item)]
    starts = turn_starts(history)
    start = summaries[-1] + 1 if summaries else (starts[0] if starts else len(history))
    return any(not is_real_user_message(item) for item in history[start:])


def needs_auto_compaction(session: Session, *, mid_turn: bool = False) -> bool:
    """Whether the next request would pass the limit and a summary would help. The size is
    weighed first: one pass over the history, where telling the turns apart takes two, and
    most requests fit (a 1,000-turn thread starts each turn with this)."""
    context = session.turn_context
    limit = auto_compact_limit(context.model_context_window, context.auto_compact_token_limit)
    if limit is None:
        return False
    history = session.history
    if request_tokens(history, session.base_instructions, tool_specs(session)) <= limit:
        return False
    return has_work_to_summarise(history) if mid_turn else has_earlier_turns(history)


async def compact_before_sampling(session: Session, sub_id: str, *, mid_turn: bool = False) -> bool:
    """Compact when the next request would pass the limit: before a turn's first request, or
    (``mid_turn``) between tool rounds, after the tool outputs, as the Codex CLI does. A
    failure is one warning and the turn goes on with the history as it was (requests then
    leave out oldest turns if they must). Returns False when a compaction was needed and
    failed, so the turn does not ask again at every round."""
    if not needs_auto_compaction(session, mid_turn=mid_turn):
        return True
    try:
        await compact(session, sub_id, None, automatic=True)
    except LhaError as err:
        session.emit(sub_id, Warning(message=f"compaction failed, the history is unchanged: {err}"))
        return False
    return True


def tell(session: Session, sub_id: str, msg: EventMsg) -> None:
    """An event that is not recorded: nothing happened to the thread."""
    session.events.put_nowait(Event(id=sub_id, msg=msg))
