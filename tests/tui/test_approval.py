"""The approval modal: one decision per key and per button; commands shown literally."""

from __future__ import annotations

from typing import Any

import pytest
from textual.binding import Binding
from textual.widgets import Button, Static

from core.protocol.events import ExecApprovalRequest
from tests.tui.modal_host import ModalHost, settle
from tui.screens.approval import ApprovalScreen

SIZE = (100, 30)

REQUEST = ExecApprovalRequest(
    call_id="call-1",
    command=["git", "push", "--force-with-lease", "origin", "feature/json output"],
    cwd="/work/project",
    reason="Publish the branch so CI can run.",
)


def host(request: ExecApprovalRequest = REQUEST) -> ModalHost:
    return ModalHost(lambda: ApprovalScreen(request))


def rendered(app: ModalHost, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.parametrize(
    ("key", "decision"),
    [
        ("y", "approved"),
        ("a", "approved_for_session"),
        ("n", "denied"),
        ("escape", "abort"),
    ],
)
async def test_each_key_gives_its_decision(key: str, decision: str) -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(key)
        assert app.results == [decision]


@pytest.mark.parametrize(
    ("button", "decision"),
    [
        ("#approval-approved", "approved"),
        ("#approval-approved-for-session", "approved_for_session"),
        ("#approval-denied", "denied"),
        ("#approval-abort", "abort"),
    ],
)
async def test_each_button_gives_its_decision(button: str, decision: str) -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(button, Button).press()
        await pilot.pause()
        assert app.results == [decision]


async def test_enter_alone_decides_nothing() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.focused is None
        await pilot.press("enter")
        assert app.results == []
        while not isinstance(app.screen.focused, Button):  # an explicit choice: the first button
            await pilot.press("tab")
        assert app.screen.focused.id == "approval-approved"
        await pilot.press("enter")
        assert app.results == ["approved"]


async def test_shows_command_cwd_and_reason() -> None:
    app = host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        command = "$ git push --force-with-lease origin 'feature/json output'"
        assert rendered(app, "#approval-command") == command
        assert rendered(app, "#approval-cwd").split() == ["in", "/work/project"]
        assert rendered(app, "#approval-reason").endswith("Publish the branch so CI can run.")


async def test_no_reason_line_without_a_reason() -> None:
    app = host(ExecApprovalRequest(call_id="c", command=["ls"], cwd="/tmp"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query("#approval-reason")


async def test_markup_and_escapes_in_the_request_show_literally() -> None:
    evil = ExecApprovalRequest(
        call_id="c",
        command=["echo", "[bold]x[/]", "\x1b[2J"],
        cwd="/tmp/[red]dir[/red]",
        reason="because [link=https://x]click[/link] \x1b]52;c;Zm9v\x07",
    )
    app = host(evil)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        command = rendered(app, "#approval-command")
        assert "[bold]x[/]" in command and "␛[2J" in command and "\x1b" not in command
        assert "/tmp/[red]dir[/red]" in rendered(app, "#approval-cwd")
        reason = rendered(app, "#approval-reason")
        assert "[link=https://x]click[/link] ␛]52;c;Zm9v␇" in reason


async def test_bindings_have_ids_for_the_keymap() -> None:
    ids = {binding.id for binding in ApprovalScreen.BINDINGS if isinstance(binding, Binding)}
    assert ids == {
        "approval.approve",
        "approval.approve_for_session",
        "approval.deny",
        "approval.abort",
    }
    app = host()
    app.set_keymap({"approval.deny": "d"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert app.results == ["denied"]


def test_snapshot_approval_modal(snap_compare: Any) -> None:
    assert snap_compare(host(), terminal_size=SIZE, run_before=settle)


def test_snapshot_approval_modal_injection(snap_compare: Any) -> None:
    evil = ExecApprovalRequest(
        call_id="c",
        command=["sh", "-c", "echo [bold]x[/] \x1b[2J; rm -rf build"],
        cwd="/work/project",
    )
    assert snap_compare(host(evil), terminal_size=(80, 24), run_before=settle)
