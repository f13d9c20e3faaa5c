"""One turn: user input in, model sampling (and tool calls) until the model stops, events out."""

from __future__ import annotations

import contextlib
import logging

from core.agent.compaction import compact_before_sampling
from core.agent.initial_context import build_initial_context
from core.agent.prompt_fit import fit_prompt
from core.agent.session import Session
from core.agent.turn_failure import describe_unexpected, session_not_saved
from core.errors import InvalidRequest, LhaError
from core.llm.request import ModelRequest
from core.llm.response_events import (
    Completed,
    OutputItemDone,
    ReasoningDelta,
    Refusal,
    Retrying,
    TextDelta,
)
from core.models.info import images_refused_message
from core.protocol.events import (
    AgentMessage,
    AgentMessageDelta,
    AgentReasoning,
    AgentReasoningDelta,
    ErrorEvent,
    ModelRefusal,
    TaskComplete,
    TaskStarted,
    TokenCount,
    TokenUsage,
    UserMessageEvent,
    Warning,
)
from core.protocol.items import (
    ContentItem,
    InputImage,
    InputText,
    MessageItem,
    ReasoningItem,
    ToolCallItem,
    ToolCallOutputItem,
    TranscriptItem,
    assistant_message,
)
from core.protocol.ops import ImageInput, UserInputItem
from core.protocol.rollout import TurnContextRecord
from core.sanitize import count_undecodable, encodable_text
from core.snapshots.turn_hook import TurnFiles, start_turn_snapshot
from core.tools.router import run_tool_calls, tool_specs

log = logging.getLogger("lha.agent")

MAX_SAMPLING_ROUNDS = 64
"""A model that keeps calling tools forever is stopped after this many requests in one turn."""


def user_input_to_message(items: list[UserInputItem]) -> MessageItem:
    content: list[ContentItem] = []
    for item in items:
        if isinstance(item, ImageInput):
            name = encodable_text(item.file_name) if item.file_name is not None else None
            content.append(InputImage(image_url=encodable_text(item.image_url), file_name=name))
        else:
            content.append(InputText(text=encodable_text(item.text)))
    return MessageItem(role="user", content=content)


def user_message_event(user_item: MessageItem) -> UserMessageEvent:
    """What the UI shows of a user message: its text, and its images with their file names."""
    images = [part for part in user_item.content if isinstance(part, InputImage)]
    return UserMessageEvent(
        message=user_item.text(),
        images=[image.image_url for image in images] or None,
        image_names=[image.file_name for image in images] or None,
    )


def without_tool_images(items: list[TranscriptItem]) -> list[TranscriptItem]:
    """The items with the images tools returned left out (their placeholder lines stay), for
    a model the catalog lists as text-only."""
    return [
        item.model_copy(update={"images": None})
        if isinstance(item, ToolCallOutputItem) and item.images
        else item
        for item in items
    ]


def refuse_images_the_model_cannot_take(session: Session, items: list[UserInputItem]) -> None:
    """Images for a model the catalog lists as text-only: the turn ends before anything is
    recorded or sent (one line; the client keeps what the user wrote). Input steering a
    running turn meets the same rule when it arrives (``Agent._steer``)."""
    if not session.turn_context.takes_images and any(isinstance(i, ImageInput) for i in items):
        raise InvalidRequest(images_refused_message(session.turn_context.model))


async def run_turn(session: Session, sub_id: str, items: list[UserInputItem]) -> None:
    """Run a whole turn. It always ends with one event: ``task_complete``, or ``error`` when
    it failed for any reason (an interrupt cancels it and the agent says ``turn_aborted``)."""
    session.emit(
        sub_id, TaskStarted(model_context_window=session.turn_context.model_context_window)
    )
    files = start_turn_snapshot(session, sub_id)
    try:
        last_message, finish_reason = await _run_turn_body(session, sub_id, items, files)
    except LhaError as err:
        await _end_with_error(session, sub_id, str(err), files)
        return
    except Exception as err:  # a bug or an input nobody foresaw: the turn still ends, visibly
        log.debug("turn of thread %s failed", session.thread_id, exc_info=True)
        message = describe_unexpected(err, session.api_key_in_use())
        await _end_with_error(session, sub_id, message, files)
        return
    not_saved = await _settle(session, files)
    if not_saved is not None:
        session.emit(sub_id, ErrorEvent(message=not_saved))
        return
    session.emit(sub_id, TaskComplete(last_agent_message=last_message, finish_reason=finish_reason))


async def _run_turn_body(
    session: Session, sub_id: str, items: list[UserInputItem], files: TurnFiles
) -> tuple[str | None, str | None]:
    refuse_images_the_model_cannot_take(session, items)
    _warn_about_undecodable_input(session, sub_id, items)
    if not session.initial_context_recorded:
        context = build_initial_context(
            session.turn_context, session.skills_section, session.memory_section
        )
        session.record(list(context))
        session.initial_context_recorded = True
    session.recorder.persist()
    user_item = user_input_to_message(items)
    session.record([*session_skill_injections(session, user_item), user_item])
    session.emit(sub_id, user_message_event(user_item))
    session.record_rollout_only([TurnContextRecord(payload=session.turn_context.to_item())])
    await session.tools.wait_ready()
    may_compact = await compact_before_sampling(session, sub_id)
    return await _sample_until_done(session, sub_id, files, may_compact)


def _warn_about_undecodable_input(
    session: Session, sub_id: str, items: list[UserInputItem]
) -> None:
    """Bytes that are not UTF-8 (``lha exec "$(printf 'caf\\xe9')"``) cannot be sent or
    recorded; they become U+FFFD and the user is told once, for this message."""
    count = sum(count_undecodable(i.text) for i in items if not isinstance(i, ImageInput))
    if count:
        session.emit(
            sub_id,
            Warning(
                message=f"the message had {count} byte(s) that are not valid UTF-8; "
                "each was replaced with \ufffd"
            ),
        )


async def _end_with_error(session: Session, sub_id: str, message: str, files: TurnFiles) -> None:
    """End the turn with one error event, after putting what it did on disk."""
    not_saved = await _settle(session, files)
    if not_saved is not None:
        message = f"{message}; also, {not_saved}"
    session.emit(sub_id, ErrorEvent(message=encodable_text(message)))


async def _settle(session: Session, files: TurnFiles) -> str | None:
    """What every ending of a turn does before its last event: the rollout on disk, then the
    folders' "after" snapshot. Returns what to tell the user when the rollout failed."""
    not_saved = await _flush_rollout(session)
    await files.after_turn()
    return not_saved


async def _flush_rollout(session: Session) -> str | None:
    """Put the turn on disk before announcing its end, so a fork or resume right after sees it.
    Returns what to tell the user when that failed: an unsaved session is an error, not a
    detail (resume and fork would silently miss this turn)."""
    try:
        await session.recorder.flush()
    except LhaError as err:
        session.rollout_failure_reported = True
        return session_not_saved(err)
    return None


def session_skill_injections(session: Session, user_item: MessageItem) -> list[TranscriptItem]:
    """``<skill>`` messages for the skills named with ``$name`` in the user's text."""
    if session.skill_injector is None:
        return []
    return session.skill_injector(user_item.text())


async def _sample_until_done(
    session: Session, sub_id: str, files: TurnFiles, may_compact: bool
) -> tuple[str | None, str | None]:
    """The turn's last assistant message and why its last response ended. Between tool
    rounds the history is compacted when the next request would pass the limit (``may_compact``
    turns false once a compaction of this turn failed)."""
    last_message: str | None = None
    for _ in range(MAX_SAMPLING_ROUNDS):
        done_items, message, finish_reason = await _sample_once(session, sub_id)
        if message is not None:
            last_message = message
        calls = [item for item in done_items if isinstance(item, ToolCallItem)]
        if not calls:
            return last_message, finish_reason
        await files.before_tools()  # nothing may change a file before its "before" exists
        outputs = await run_tool_calls(session, sub_id, calls)
        session.record(list(outputs))
        take_steering(session, sub_id)
        if may_compact:
            may_compact = await compact_before_sampling(session, sub_id, mid_turn=True)
    session.emit(sub_id, Warning(message=f"stopped after {MAX_SAMPLING_ROUNDS} tool rounds"))
    return last_message, None


CUT_SHORT_REASONS = {
    "length": "it reached the output token limit",
    "max_tokens": "it reached the output token limit",
    "content_filter": "the provider's content filter stopped it",
    "incomplete": "the provider marked the response incomplete",
}
"""Finish reasons of an answer that did not end by itself (both wire APIs, Responses'
``response.incomplete`` reasons mapped by its parser)."""


def _warn_if_cut_short(session: Session, sub_id: str, finish_reason: str | None) -> None:
    """A truncated answer ends the turn like a complete one; the user must be told."""
    why = CUT_SHORT_REASONS.get(finish_reason or "")
    if why is not None:
        session.emit(sub_id, Warning(message=f"the model's answer was cut short ({why})"))


def take_steering(session: Session, sub_id: str) -> None:
    """Put input sent to steer this turn into its history, after the tool outputs and before
    the next request, recorded (and shown) where it goes to the model."""
    while session.steering:
        user_item = user_input_to_message(session.steering.pop(0))
        session.record([user_item])
        session.emit(sub_id, user_message_event(user_item))


def _warn_when_turns_start_being_left_out(session: Session, sub_id: str, left_out: int) -> None:
    """Say so when requests start leaving turns out, not again on every turn after."""
    if left_out and not session.turns_left_out:
        window = session.turn_context.model_context_window or 0
        session.emit(
            sub_id,
            Warning(
                message=f"the conversation outgrew {session.turn_context.model}'s "
                f"{window:,}-token context: requests now leave out its oldest turns "
                "(the thread keeps them; /new starts afresh)"
            ),
        )
    session.turns_left_out = left_out


async def _sample_once(
    session: Session, sub_id: str
) -> tuple[list[TranscriptItem], str | None, str | None]:
    """One model request: its items, its assistant message, and its finish reason. Items are
    recorded only when the response completed."""
    context = session.turn_context
    tools = tool_specs(session)
    fitted = fit_prompt(
        session.history,
        session.base_instructions,
        tools,
        context.model_context_window,
        previous_cut=session.turns_left_out,
    )
    _warn_when_turns_start_being_left_out(session, sub_id, fitted.turns_left_out)
    request = ModelRequest(
        model=context.model,
        instructions=session.base_instructions,
        input=fitted.items if context.takes_images else without_tool_images(fitted.items),
        tools=tools,
        effort=context.effort,
    )
    done: list[TranscriptItem] = []
    refusal: str | None = None
    usage: TokenUsage | None = None
    finish_reason: str | None = None
    client = session.model_client()
    async with contextlib.aclosing(client.stream(request)) as stream:
        async for event in stream:
            if isinstance(event, TextDelta):
                session.emit(sub_id, AgentMessageDelta.model_construct(delta=event.text))
            elif isinstance(event, ReasoningDelta):
                session.emit(sub_id, AgentReasoningDelta.model_construct(delta=event.text))
            elif isinstance(event, OutputItemDone):
                done.append(event.item)
            elif isinstance(event, Refusal):
                refusal = event.text
            elif isinstance(event, Retrying):
                done.clear()
                refusal = None
                session.emit(
                    sub_id,
                    Warning(
                        message=f"reconnecting to the model ({event.reason}); "
                        f"attempt {event.attempt}, partial output discarded",
                        partial_output_discarded=True,
                    ),
                )
            elif isinstance(event, Completed):
                usage, finish_reason = event.usage, event.finish_reason
                _warn_if_cut_short(session, sub_id, finish_reason)
    message: str | None = None
    for item in done:
        session.record([item])
        if isinstance(item, ReasoningItem):
            text = "\n".join(part.text for part in item.summary)
            if text:
                session.emit(sub_id, AgentReasoning(text=text))
        elif isinstance(item, MessageItem) and item.role == "assistant":
            message = item.text()
            session.emit(sub_id, AgentMessage(message=message))
    if refusal is not None:
        # The model sees its refusal next turn; the user sees a refusal, not an answer.
        session.record([assistant_message(refusal)])
        session.emit(sub_id, ModelRefusal(message=refusal))
    info = session.add_usage(usage) if usage is not None else session.token_info()
    session.emit(sub_id, TokenCount(info=info))
    return done, message, finish_reason
