"""Every tool call followed by its output, as providers demand.

Both wire APIs refuse a request holding a function call without its output, and the chat API
also wants the outputs right after the assistant message that made the calls. A thread can
break that rule when lha stopped mid-tool (kill -9, a crash, a power cut) or the user
interrupted a turn; such a thread could never be continued. ``pair_tool_outputs`` repairs the
model-facing history and returns the outputs it had to make up, which the caller appends to the
rollout so the repair is on record (a rollout is only ever appended to).
"""

from __future__ import annotations

from core.protocol.items import ToolCallItem, ToolCallOutputItem, TranscriptItem

STOPPED_BEFORE_TOOL_FINISHED = "aborted: lha stopped before the tool finished"
"""The output given to a call found without one when a thread is loaded (resume, fork)."""


def pair_tool_outputs(
    history: list[TranscriptItem], missing_output: str
) -> tuple[list[TranscriptItem], list[ToolCallOutputItem]]:
    """``history`` with each run of calls directly followed by their outputs, in call order,
    and the outputs made up (``missing_output``, unsuccessful) for calls that had none.

    An output recorded later than its place (appended by an earlier repair) is moved up to it;
    outputs of unknown calls stay where they are."""
    call_ids = {item.call_id for item in history if isinstance(item, ToolCallItem)}
    outputs: dict[str, ToolCallOutputItem] = {}
    for item in history:
        if isinstance(item, ToolCallOutputItem) and item.call_id in call_ids:
            outputs.setdefault(item.call_id, item)
    made_up: list[ToolCallOutputItem] = []
    paired: list[TranscriptItem] = []
    run: list[ToolCallItem] = []

    def close_run() -> None:
        for call in run:
            output = outputs.pop(call.call_id, None)
            if output is None:
                output = ToolCallOutputItem(
                    call_id=call.call_id, output=missing_output, success=False
                )
                made_up.append(output)
            paired.append(output)
        run.clear()

    for item in history:
        if isinstance(item, ToolCallItem):
            run.append(item)
            paired.append(item)
            continue
        close_run()
        if isinstance(item, ToolCallOutputItem) and item.call_id in call_ids:
            continue  # placed after its call (or a duplicate of one already placed)
        paired.append(item)
    close_run()
    return paired, made_up
