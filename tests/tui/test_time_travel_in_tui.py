"""Issue 12 in the TUI: ``/diff`` (a screen of coloured hunks, stepping through turns), ``/undo``
(the files listed, a confirmation, edits since marked) and the fork dialog's Ctrl+R (fork and
restore the files), over real turns whose ``apply_patch`` calls edit a temp workspace, real
shadow git repositories and the scripted server."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from tests.support.scripted_server import Reply, ScriptedServer
from tests.support.tool_harness import patch_call
from tests.support.tui_harness import (
    answered,
    current_id,
    make_app,
    open_threads,
    thread_on_screen,
    wait_until,
)
from tui.app import LhaApp
from tui.screens.confirm_restore import EDITED_MARK, ConfirmRestoreScreen
from tui.screens.diff_view import DiffScreen
from tui.screens.fork_dialog import ForkDialogScreen
from tui.start_request import StartRequest
from tui.threads.state import ThreadState
from tui.widgets.entries import ToolCallView

SIZE = (110, 34)

TWO = "*** Begin Patch\n*** Update File: notes.txt\n@@\n-one\n+two\n*** End Patch"
THREE = (
    "*** Begin Patch\n*** Update File: notes.txt\n@@\n-two\n+three\n"
    "*** Add File: other.txt\n+new\n*** End Patch"
)


def three_turns(server: ScriptedServer) -> None:
    """Message 1 edits notes.txt, message 2 only talks, message 3 edits it and adds a file."""
    server.enqueue(
        Reply.tool_calls([patch_call("p1", TWO)]),
        Reply.text("edited"),
        Reply.text("just talk"),
        Reply.tool_calls([patch_call("p3", THREE)]),
        Reply.text("edited again"),
    )


async def send_three(pilot, app: LhaApp) -> ThreadState:  # type: ignore[no-untyped-def]
    for text, answer in (("first", "edited"), ("second", "just talk"), ("third", "edited again")):
        await pilot.press(*text, "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        await wait_until(pilot, lambda a=answer: answered(thread_on_screen(app), a), within_s=10)
    return thread_on_screen(app)


async def send_edit(pilot, app: LhaApp) -> None:  # type: ignore[no-untyped-def]
    """Send "edit" and wait for the turn (one apply_patch, then "edited") to end."""
    await pilot.press(*"edit", "enter")
    await wait_until(pilot, lambda: current_id(app) is not None)
    await wait_until(pilot, lambda: answered(thread_on_screen(app), "edited"), within_s=10)


def workspace(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("one\n")
    return work


def line_styles(widget: Static) -> dict[str, str]:
    """Each styled line of a Static (its first line, for a span over several) and its colour
    or weight, as drawn."""
    content = widget.visual
    plain: str = content.plain  # type: ignore[union-attr]
    return {
        plain[span.start : span.end].split("\n")[0]: str(span.style).replace("ansi_", "")
        for span in content.spans  # type: ignore[union-attr]
    }


def damaged_lines(app: LhaApp) -> list[str]:
    return [str(n.message) for n in app._notifications if "is damaged" in str(n.message)]


def notified(app: LhaApp, needle: str) -> bool:
    return any(needle in str(n.message) for n in app._notifications)


async def test_slash_diff_shows_coloured_hunks_and_steps_through_turns(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = workspace(tmp_path)
    three_turns(scripted_server)
    app = make_app(tmp_path / "home", scripted_server, work)
    async with app.run_test(size=SIZE) as pilot:
        await send_three(pilot, app)
        await pilot.press(*"/diff", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        await wait_until(pilot, lambda: screen.shown is not None)
        assert screen.turn == 2, "the last turn that changed files: message 3"
        assert "-two\n+three" in (screen.shown or "") and "+new" in (screen.shown or "")
        styles = line_styles(screen.query_one("#diff-body", Static))
        assert styles["+three"] == "green" and styles["-two"] == "red", styles
        assert styles["@@ -1 +1 @@"] == "cyan" and styles["+++ b/notes.txt"] == "bold"

        await pilot.press("[")
        await wait_until(pilot, lambda: screen.shown is not None and screen.turn == 0)
        assert "-one\n+two" in (screen.shown or "") and "other.txt" not in (screen.shown or "")
        await pilot.press("[")
        await wait_until(pilot, lambda: notified(app, "the first turn that changed files"))
        assert screen.turn == 0
        await pilot.press("]")
        await wait_until(pilot, lambda: screen.shown is not None and screen.turn == 2)

        await pilot.press("a")
        await wait_until(pilot, lambda: screen.shown is not None and screen.turn is None)
        assert "-one\n+three" in (screen.shown or "") and "+new" in (screen.shown or "")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, DiffScreen))

        await pilot.press(*"/diff --all", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DiffScreen))
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        await wait_until(pilot, lambda: screen.shown is not None)
        assert screen.turn is None and "-one\n+three" in (screen.shown or "")


async def test_slash_diff_without_changes_says_so_in_one_line(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = workspace(tmp_path)
    scripted_server.enqueue(Reply.text("hello"))
    app = make_app(tmp_path / "home", scripted_server, work)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"hi", "enter")
        await wait_until(pilot, lambda: current_id(app) is not None)
        await wait_until(pilot, lambda: answered(thread_on_screen(app), "hello"))
        await pilot.press(*"/diff", "enter")
        await wait_until(pilot, lambda: notified(app, "no file changes in this thread yet"))
        assert not isinstance(app.screen, DiffScreen)


async def test_slash_undo_lists_marks_edits_and_restores_turn_by_turn(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = workspace(tmp_path)
    three_turns(scripted_server)
    app = make_app(tmp_path / "home", scripted_server, work)
    async with app.run_test(size=SIZE) as pilot:
        await send_three(pilot, app)
        (work / "other.txt").write_text("my own edit\n")

        await pilot.press(*"/undo", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmRestoreScreen))
        screen = app.screen
        assert isinstance(screen, ConfirmRestoreScreen)
        assert f"{work / 'other.txt'}{EDITED_MARK}" in screen.question
        assert f"{work / 'notes.txt'}\n" in screen.question, "listed, not marked"
        await pilot.press("escape")
        await wait_until(pilot, lambda: notified(app, "nothing was changed"))
        assert (work / "notes.txt").read_text() == "three\n", "no: nothing touched"
        assert (work / "other.txt").read_text() == "my own edit\n"

        await pilot.press(*"/undo", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmRestoreScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: notified(app, "undid message 3's changes (2 files)"))
        assert (work / "notes.txt").read_text() == "two\n"
        assert not (work / "other.txt").exists()

        await pilot.press(*"/undo", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmRestoreScreen))
        screen = app.screen
        assert isinstance(screen, ConfirmRestoreScreen)
        assert EDITED_MARK not in screen.question
        await pilot.press("y")
        await wait_until(pilot, lambda: notified(app, "undid message 1's changes (1 file)"))
        assert (work / "notes.txt").read_text() == "one\n", "one more turn back"

        await pilot.press(*"/undo", "enter")
        await wait_until(pilot, lambda: notified(app, "nothing to undo"))
        assert not isinstance(app.screen, ConfirmRestoreScreen)


async def test_slash_undo_with_the_workspace_gone_touches_nothing(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = workspace(tmp_path)
    scripted_server.enqueue(Reply.tool_calls([patch_call("p1", TWO)]), Reply.text("edited"))
    app = make_app(tmp_path / "home", scripted_server, work)
    async with app.run_test(size=SIZE) as pilot:
        await send_edit(pilot, app)
        moved = tmp_path / "moved"
        work.rename(moved)
        await pilot.press(*"/undo", "enter")
        await wait_until(pilot, lambda: notified(app, "no longer exists; nothing was changed"))
        assert not isinstance(app.screen, ConfirmRestoreScreen)
        assert (moved / "notes.txt").read_text() == "two\n"


async def test_apply_patch_calls_show_their_patch_as_a_coloured_diff(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = workspace(tmp_path)
    scripted_server.enqueue(Reply.tool_calls([patch_call("p1", TWO)]), Reply.text("edited"))
    app = make_app(tmp_path / "home", scripted_server, work)
    async with app.run_test(size=SIZE) as pilot:
        await send_edit(pilot, app)
        assert_coloured_patch(app)
        path = thread_on_screen(app).rollout_path
    assert path is not None
    resumed = make_app(tmp_path / "home", scripted_server, work, start=StartRequest("resume", path))
    async with resumed.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(resumed.query(ToolCallView)))
        assert_coloured_patch(resumed)  # from the rollout's tool_call_end line


def assert_coloured_patch(app: LhaApp) -> None:
    [view] = app.query(ToolCallView)
    assert not view.collapsed, "a patch is shown open"
    assert "apply_patch notes.txt" in str(view.title)
    output = view.query_one(".tool-output", Static)
    assert "-one\n+two" in output.visual.plain  # type: ignore[union-attr]
    styles = line_styles(output)
    assert styles["+two"] == "green" and styles["-one"] == "red"
    assert styles["@@"] == "cyan" and styles["*** Update File: notes.txt"] == "bold"


async def test_fork_dialog_ctrl_r_forks_and_restores_the_files(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = workspace(tmp_path)
    three_turns(scripted_server)
    app = make_app(tmp_path / "home", scripted_server, work)
    async with app.run_test(size=SIZE) as pilot:
        source = (await send_three(pilot, app)).thread_id
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: isinstance(app.screen, ForkDialogScreen))
        await pilot.press("up", "up", "ctrl+r")  # message 1: the files as before it
        await wait_until(pilot, lambda: len(open_threads(app)) == 2)
        await wait_until(pilot, lambda: current_id(app) not in (None, source))
        assert (work / "notes.txt").read_text() == "one\n"
        assert not (work / "other.txt").exists()
        assert notified(app, "restored 2 files as before message 1")


async def test_fork_restoring_over_an_edit_asks_and_no_keeps_everything(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = workspace(tmp_path)
    three_turns(scripted_server)
    app = make_app(tmp_path / "home", scripted_server, work)
    async with app.run_test(size=SIZE) as pilot:
        await send_three(pilot, app)
        (work / "notes.txt").write_text("mine\n")
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: isinstance(app.screen, ForkDialogScreen))
        await pilot.press("up", "ctrl+r")  # message 2: the files as after message 1
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmRestoreScreen))
        screen = app.screen
        assert isinstance(screen, ConfirmRestoreScreen)
        assert f"{work / 'notes.txt'}{EDITED_MARK}" in screen.question
        await pilot.press("escape")
        await wait_until(pilot, lambda: notified(app, "no fork was made"))
        assert len(open_threads(app)) == 1
        assert (work / "notes.txt").read_text() == "mine\n"
        assert (work / "other.txt").read_text() == "new\n"


async def test_a_damaged_snapshot_list_is_one_line_for_diff_and_undo(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    work = workspace(tmp_path)
    home = tmp_path / "home"
    scripted_server.enqueue(Reply.tool_calls([patch_call("p1", TWO)]), Reply.text("edited"))
    app = make_app(home, scripted_server, work)
    async with app.run_test(size=SIZE) as pilot:
        await send_edit(pilot, app)
        listing = home / "snapshots" / "threads" / f"{thread_on_screen(app).thread_id}.json"
        listing.write_text("{not json")
        await pilot.press(*"/diff", "enter")
        await wait_until(pilot, lambda: notified(app, "is damaged"))
        await pilot.press(*"/undo", "enter")
        await wait_until(pilot, lambda: len(damaged_lines(app)) == 2)
        assert all("\n" not in message for message in damaged_lines(app))
        assert not isinstance(app.screen, (DiffScreen, ConfirmRestoreScreen))
        assert (work / "notes.txt").read_text() == "two\n", "untouched"
