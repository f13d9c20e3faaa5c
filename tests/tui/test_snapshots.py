"""How lha looks: SVG snapshots at a fixed size, clock and ids, with no cursor blink."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from core.protocol.events import (
    AgentMessage,
    AgentReasoning,
    ErrorEvent,
    ToolCallEnd,
    UserMessageEvent,
    Warning,
)
from core.protocol.ids import ThreadId
from core.protocol.items import user_message
from core.protocol.rollout import EventRecord, RolloutItem, TranscriptRecord
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import Reply, ScriptedServer, serve_in_thread
from tests.support.tui_harness import (
    current_id,
    make_app,
    open_threads,
    patch_thread_ids,
    thread_on_screen,
    wait_until,
)
from tui.app import LhaApp
from tui.start_request import StartRequest
from tui.widgets.composer import Composer
from tui.widgets.transcript import WINDOW

CWD = Path("/work/project")
THREAD = ThreadId("0190a1b2-c3d4-7000-8000-00000000abcd")
ANSWER = """Here is the plan:

1. Read `core/agent/turn.py`.
2. Add a retry around the stream:

```python
async with contextlib.aclosing(client.stream(request)) as stream:
    async for event in stream:
        handle(event)
```

That keeps **partial output** out of the rollout."""


@pytest.fixture(autouse=True)
def _fixed_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    patch_thread_ids(monkeypatch)


def _every_kind_rollout(home: Path) -> Path:
    extra: list[RolloutItem] = [
        TranscriptRecord(payload=user_message("Make the stream retry safe.")),
        EventRecord(payload=UserMessageEvent(message="Make the stream retry safe.")),
        EventRecord(payload=AgentReasoning(text="The client yields Retrying; discard partials.")),
        EventRecord(
            payload=ToolCallEnd(
                call_id="call_1", tool_name="shell", output="core/agent/turn.py\n", success=True
            )
        ),
        EventRecord(
            payload=ToolCallEnd(
                call_id="call_2", tool_name="shell", output="permission denied", success=False
            )
        ),
        EventRecord(payload=Warning(message="reconnecting to the model (HTTP 500); attempt 1")),
        EventRecord(payload=AgentMessage(message=ANSWER)),
        EventRecord(payload=ErrorEvent(message="the provider rejected the API key (HTTP 401)")),
    ]
    return _rollout_with(home, extra)


def _rollout_with(home: Path, extra: list[RolloutItem]) -> Path:
    """A one-turn rollout of ``THREAD`` with ``extra`` items after it."""
    from core.protocol.rollout import RolloutLine

    path = write_rollout(home, CWD, 1, thread_id=THREAD)
    with path.open("a") as f:
        for item in extra:
            f.write(RolloutLine(timestamp="2026-11-25T11:59:00.000Z", item=item).dump() + "\n")
    return path


async def _settled(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, LhaApp)
    await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
    await pilot.pause(0.3)


def test_empty_state(snap_compare, tmp_path: Path, scripted_server_thread: ScriptedServer) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path / "home", scripted_server_thread, CWD)
    assert snap_compare(app, terminal_size=(110, 30), run_before=lambda pilot: pilot.pause(0.3))


def test_thread_with_every_item_kind(
    snap_compare, tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    path = _every_kind_rollout(home)
    app = make_app(home, scripted_server_thread, CWD, start=StartRequest("resume", path))
    assert snap_compare(app, terminal_size=(110, 40), run_before=_settled)


def test_small_terminal(
    snap_compare, tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    path = _every_kind_rollout(home)
    app = make_app(home, scripted_server_thread, CWD, start=StartRequest("resume", path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settled)


def test_find_highlights_the_words(
    snap_compare, tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    path = _every_kind_rollout(home)
    app = make_app(home, scripted_server_thread, CWD, start=StartRequest("resume", path))

    async def find_stream(pilot: Pilot[None]) -> None:
        await _settled(pilot)
        thread_on_screen(app).transcript.focus()
        await pilot.press("ctrl+f", *"stream")
        await pilot.pause(0.3)
        for field in app.screen.query(Input):  # a blinking cursor: frames on and off differ
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(110, 40), run_before=find_stream)


def test_a_plan_entry(snap_compare, tmp_path: Path, scripted_server_thread: ScriptedServer) -> None:  # type: ignore[no-untyped-def]
    checklist = "Plan updated:\n[x] read the stream code\n[>] add the retry\n[ ] test it"
    plan = ToolCallEnd(call_id="p1", tool_name="update_plan", output=checklist)
    path = _rollout_with(tmp_path / "home", [EventRecord(payload=plan)])
    app = make_app(
        tmp_path / "home", scripted_server_thread, CWD, start=StartRequest("resume", path)
    )
    assert snap_compare(app, terminal_size=(110, 30), run_before=_settled)


FIXED_PORT = 47813
"""The error names the server's URL, so this snapshot needs a server on a known port."""


def test_an_error(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with serve_in_thread(port=FIXED_PORT) as server:
        server.enqueue(Reply.error(401))
        app = make_app(tmp_path / "home", server, CWD)
        _snap_error(snap_compare, app)


def _snap_error(snap_compare, app: LhaApp) -> None:  # type: ignore[no-untyped-def]
    async def send_and_fail(pilot: Pilot[None]) -> None:
        await pilot.press(*"hello", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: any(e.kind == "error" for e in view.transcript.entries))
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(110, 30), run_before=send_and_fail)


def test_long_thread_scrolled_to_top(
    snap_compare, tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    path = write_rollout(home, CWD, 1000, thread_id=THREAD)
    app = make_app(home, scripted_server_thread, CWD, start=StartRequest("resume", path))

    async def to_top(pilot: Pilot[None]) -> None:
        await _settled(pilot)
        view = open_threads(app)[THREAD]
        view.transcript.focus()
        await pilot.pause()
        await pilot.press("home")
        transcript = view.transcript
        await wait_until(
            pilot,
            lambda: (
                transcript.mounted_range == (0, WINDOW)
                and transcript.scroll_y == 0
                and not transcript.is_loading_edge
            ),
        )
        app.query_one(Composer).focus()  # a stable focus for the picture
        # The scrollbar's colours after a window swap depend on render timing (text does not):
        # leave it out of the picture; the tests in test_long_thread.py check the scrolling.
        transcript.styles.scrollbar_size_vertical = 0
        await pilot.pause(0.3)
        assert transcript.mounted_range == (0, WINDOW), transcript.mounted_range

    assert snap_compare(app, terminal_size=(110, 30), run_before=to_top)


def test_sidebar_with_names_and_other_folders(
    snap_compare, tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:  # type: ignore[no-untyped-def]
    """Named sessions show their name; another folder's session is aside, counted in the last
    row with the key that shows it."""
    from core.session_names import set_name
    from tui.widgets.sidebar import ElsewhereRow

    home = tmp_path / "home"
    ids = [ThreadId(f"0190a1b2-c3d4-7000-8000-00000000010{n}") for n in range(4)]
    write_rollout(home, Path("/work/elsewhere"), 1, seed=1, thread_id=ids[0])
    for n in (1, 2, 3):
        write_rollout(home, CWD, 1, seed=n + 1, thread_id=ids[n])
    set_name(home, ids[2], "heron survey")
    app = make_app(home, scripted_server_thread, CWD)

    async def named(pilot: Pilot[None]) -> None:
        sidebar = app.sidebar
        await wait_until(pilot, lambda: any(r.row.name for r in sidebar.rows()), within_s=10)
        await wait_until(pilot, lambda: sidebar.query_one(ElsewhereRow).display)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(110, 30), run_before=named)
