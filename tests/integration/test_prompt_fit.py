"""A conversation longer than the model's context: requests leave out the oldest turns, the
thread keeps them, and switching to a model with a larger window sends everything again."""

from __future__ import annotations

import json
from pathlib import Path

from core.models.refresh_strategy import CatalogRefreshStrategy
from core.protocol.events import TaskStarted, Warning
from core.protocol.ops import OverrideTurnContext
from core.rollout.recorder import RolloutRecorder
from tests.support.agent_harness import make_harness, run_turn
from tests.support.scripted_server import ScriptedServer

SMALL_WINDOW = 4608
"""Two turns fit whole beside the instructions and the built-in tools' specs, six do not."""


def _question(n: int) -> str:
    return f"question {n}: " + "word " * 300  # ~1,500 bytes: ~500 estimated tokens


def _sent_user_texts(body: dict[str, object]) -> list[str]:
    messages = body["messages"]
    assert isinstance(messages, list)
    return [
        str(m["content"])
        for m in messages
        if m["role"] == "user" and str(m["content"]).startswith("question")
    ]


async def test_oldest_turns_are_left_out_to_fit_and_come_back_with_a_bigger_model(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.models = ["gpt-small", "gpt-big"]
    scripted_server.model_fields = {
        "gpt-small": {"context_window": SMALL_WINDOW},
        "gpt-big": {"context_window": 400_000},
    }
    h = make_harness(tmp_path, scripted_server, model="gpt-small")
    # compaction off (a limit no request reaches): this is the last resort it otherwise precedes
    h.config = h.config.model_copy(update={"model_auto_compact_token_limit": 10**9})
    await h.manager.list_models(h.config, CatalogRefreshStrategy.ONLINE)  # as the picker does
    new = await h.manager.start_thread(h.config)
    warnings: list[str] = []
    windows: list[int | None] = []
    for n in range(6):  # the server echoes each question: ~1,000 tokens a turn
        events = await run_turn(new.thread, _question(n))
        warnings += [e.msg.message for e in events if isinstance(e.msg, Warning)]
        windows += [e.msg.model_context_window for e in events if isinstance(e.msg, TaskStarted)]
    assert windows == [SMALL_WINDOW] * 6

    sent = [_sent_user_texts(body) for body in scripted_server.bodies()]
    assert [len(texts) for texts in sent[:2]] == [1, 2], "the first turns fit whole"
    assert sent[-1][-1].startswith("question 5:"), "the current turn is always sent"
    assert not any(t.startswith("question 0:") for t in sent[-1]), "the oldest is left out"
    assert 1 < len(sent[-1]) < 6
    system = scripted_server.last_body()["messages"][0]
    assert system["role"] == "system", "the instructions stay"
    assert any(
        "<environment_context>" in str(m["content"])
        for m in scripted_server.last_body()["messages"]
    )
    request_bytes = len(json.dumps(scripted_server.last_body()).encode())
    assert request_bytes < 3 * (SMALL_WINDOW - 1024), "the estimate keeps the request in the budget"

    assert len(warnings) == 1, f"said once, not on every turn: {warnings}"
    assert "outgrew gpt-small's 4,608-token context" in warnings[0]

    path = new.thread.rollout_path
    assert path is not None
    history = await RolloutRecorder.get_rollout_history(path)
    kept = [m.message for m in history.get_event_msgs() or [] if m.type == "user_message"]
    assert len(kept) == 6 and kept[0].startswith("question 0:"), "the thread keeps every turn"

    await new.thread.submit(OverrideTurnContext(model="gpt-big"))
    events = await run_turn(new.thread, _question(6))
    started = [e.msg for e in events if isinstance(e.msg, TaskStarted)]
    assert started[0].model_context_window == 400_000
    assert len(_sent_user_texts(scripted_server.last_body())) == 7, "everything fits again"
    assert not any(isinstance(e.msg, Warning) for e in events)
    await h.manager.remove_and_close_all_threads()


async def test_model_context_window_from_config_is_the_window_requests_fit(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    """A local server the catalog does not know: config.toml's ``model_context_window``."""
    h = make_harness(tmp_path, scripted_server, model="my-llama")
    h.config = h.config.model_copy(update={"model_context_window": 4096})
    new = await h.manager.start_thread(h.config)
    windows: list[int | None] = []
    for n in range(6):
        events = await run_turn(new.thread, _question(n))
        windows += [e.msg.model_context_window for e in events if isinstance(e.msg, TaskStarted)]
    assert windows == [4096] * 6
    sent = _sent_user_texts(scripted_server.last_body())
    assert sent[-1].startswith("question 5:")
    assert not any(t.startswith("question 0:") for t in sent), "the oldest is left out"
