"""Joining the deltas a fast model streams, so the UI updates once per batch, not per token."""

from __future__ import annotations

from core.protocol.events import AgentMessageDelta, AgentReasoningDelta, Event


def coalesce_deltas(events: list[Event]) -> list[Event]:
    """Join consecutive answer (or reasoning) deltas of one submission into one delta.

    Parts are gathered and joined once per run: joining pairwise would copy the growing text
    for every token (quadratic on a long answer).
    """
    out: list[Event] = []
    run: list[str] = []
    run_head: Event | None = None

    def close_run() -> None:
        nonlocal run_head
        if run_head is not None:
            joined = "".join(run)
            kind = (
                AgentMessageDelta
                if isinstance(run_head.msg, AgentMessageDelta)
                else AgentReasoningDelta
            )
            msg = kind.model_construct(delta=joined)
            out.append(Event.model_construct(id=run_head.id, msg=msg) if len(run) > 1 else run_head)
        run.clear()
        run_head = None

    for event in events:
        msg = event.msg
        if isinstance(msg, AgentMessageDelta | AgentReasoningDelta):
            if run_head is not None and (
                type(run_head.msg) is not type(msg) or run_head.id != event.id
            ):
                close_run()
            if run_head is None:
                run_head = event
            run.append(msg.delta)
        else:
            close_run()
            out.append(event)
    close_run()
    return out
