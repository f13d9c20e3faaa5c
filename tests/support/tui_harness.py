"""Helpers for driving the Textual app with Textual's pilot against the scripted server."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot

from core.config import Config
from core.llm.providers.endpoint import RuntimeEndpoint
from core.protocol.ids import ThreadId
from tests.support.scripted_server import ScriptedServer
from tui.app import LhaApp
from tui.start_request import StartRequest
from tui.threads.controller import Controller
from tui.threads.state import ThreadState

FIXED_NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


def patch_thread_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ThreadId.new() deterministic: 0190...0001, 0190...0002, ..."""
    counter = itertools.count(1)
    monkeypatch.setattr(
        "core.protocol.ids._uuid7_hex", lambda: f"0190a1b2c3d47000{next(counter):016x}"
    )


def app_config(home: Path, server: ScriptedServer, cwd: Path, *, model: str = "gpt-5.1") -> Config:
    endpoint = RuntimeEndpoint(
        name="Scripted", base_url=server.base_url, wire_api="chat", stream_idle_timeout_ms=5_000
    )
    return Config.for_testing(home, cwd=cwd, provider_id="scripted", provider=endpoint, model=model)


def make_app(
    home: Path,
    server: ScriptedServer,
    cwd: Path,
    *,
    start: StartRequest | None = None,
    model: str = "gpt-5.1",
) -> LhaApp:
    return LhaApp(app_config(home, server, cwd, model=model), clock=fixed_clock, start=start)


async def wait_until(
    pilot: Pilot[None],
    predicate: Callable[[], bool],
    within_s: float = 5.0,
    step_s: float = 0.02,
) -> None:
    """Poll the app until ``predicate`` holds (timing differs across machines; never sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(step_s)


async def send_burst(app: App[Any], keys: list[str]) -> None:
    """Queue every key before the app handles the first, as the terminal driver does with what
    one read of the terminal returned (a fast typist, tmux send-keys, a paste without bracketed
    paste). ``keys`` are key names, or single characters typed as themselves."""
    for key in keys:
        name = {" ": "space", "\r": "enter"}.get(key, key)
        character = key if len(key) == 1 else {"enter": "\r", "ctrl+j": "\n"}.get(key)
        await app._post_message(events.Key(name, character))


def engine(app: LhaApp) -> Controller:
    """The app's engine side (made right after its first frame)."""
    assert app.controller is not None, "the engine has not started yet"
    return app.controller


def current_id(app: LhaApp) -> ThreadId | None:
    """The thread on screen (None before the engine starts, or with no thread open)."""
    return app.controller.current if app.controller is not None else None


def thread_on_screen(app: LhaApp) -> ThreadState:
    """The state of the thread on screen (there must be one)."""
    state = engine(app).current_thread()
    assert state is not None, "no thread on screen"
    return state


def open_threads(app: LhaApp) -> dict[ThreadId, ThreadState]:
    return app.controller.threads if app.controller is not None else {}


def answered(view: ThreadState, text: str) -> bool:
    """The thread is idle and ``text`` is one of its transcript's entries."""
    return not view.running and any(e.text == text for e in view.transcript.entries)


async def pick_model_with_keys(
    pilot: Pilot[None], query: str, effort_keys: tuple[str, ...] = ()
) -> None:
    """Ctrl+O, type ``query``, Enter: the model picker as a user drives it. For a model that
    reasons, ``effort_keys`` then Enter in the effort picker (none: its preselected effort)."""
    from tui.screens.effort_picker import EffortPickerScreen
    from tui.screens.model_picker import ModelPickerScreen

    app = pilot.app

    def picking() -> bool:
        return any(w.group == "modal" and w.is_running for w in app.workers)

    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(app.screen, ModelPickerScreen))
    await pilot.press(*query, "enter")
    await wait_until(pilot, lambda: isinstance(app.screen, EffortPickerScreen) or not picking())
    if isinstance(app.screen, EffortPickerScreen):
        await pilot.press(*effort_keys, "enter")
    await wait_until(pilot, lambda: not picking())


async def chat(pilot: Pilot[None], *texts: str) -> ThreadState:
    """Type and send each text in turn, waiting for the scripted server's echo to each; returns
    the thread they went to."""
    app = pilot.app
    assert isinstance(app, LhaApp)
    view: ThreadState | None = None
    for text in texts:
        await pilot.press(*text, "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda v=view, t=text: answered(v, f"echo: {t}"))
    assert view is not None
    return view
