"""Images in the UI: ``/image PATH`` and a pasted path attach an image (a chip above the
composer), Enter sends it as an image part, the transcript shows a chip; a file that cannot be
attached, or a model the catalog lists as text-only, is one line and the composer keeps all."""

from __future__ import annotations

import base64
from pathlib import Path

from textual import events

from tests.support.images import png_bytes, write_png
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import current_id, make_app, thread_on_screen, wait_until
from tui.widgets.attachments import AttachmentChip, AttachmentChips
from tui.widgets.composer import Composer


def _image_urls(body: dict[str, object]) -> list[str]:
    """The image parts' URLs of a chat completions request's last user message."""
    messages = body["messages"]
    assert isinstance(messages, list)
    content = [m for m in messages if m["role"] == "user"][-1]["content"]
    return [p["image_url"]["url"] for p in content if p["type"] == "image_url"]


async def test_image_command_attaches_shows_a_chip_and_sends_an_image_part(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    image = write_png(tmp_path / "plot.png", 40, 30)
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        composer = app.query_one(Composer)
        await pilot.press(*f"/image {image}", "enter")
        chips = app.query_one(AttachmentChips)
        await wait_until(pilot, lambda: len(chips.query(AttachmentChip)) == 1)
        assert chips.display and "plot.png" in chips.labels[0] and "40x30" in chips.labels[0]
        assert composer.text == "" and len(composer.attachments) == 1

        await pilot.press(*"what is this?", "enter")
        await scripted_server.wait_for_requests(1)
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: not view.running and view.has_user_message)
        encoded = base64.b64encode(png_bytes(40, 30)).decode()
        assert _image_urls(scripted_server.last_body()) == [f"data:image/png;base64,{encoded}"]
        assert composer.attachments == [] and not chips.display, "sent, then cleared"
        user = next(e for e in view.transcript.entries if e.kind == "user")
        assert user.text == "what is this?" and user.images == [chips_label(image)]


def chips_label(image: Path) -> str:
    from core.images.attachment import load_image_file

    return load_image_file(image).label


async def test_a_pasted_image_path_attaches_and_other_pastes_stay_text(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    image = write_png(tmp_path / "shot.png")
    (tmp_path / "notes.png").write_text("not an image")
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        composer = app.query_one(Composer)
        composer.focus()  # the terminal's paste goes to the focused widget
        app.post_message(events.Paste(f"'{image}'"))
        await wait_until(pilot, lambda: len(composer.attachments) == 1)
        assert composer.text == "", "the path is not inserted"
        app.post_message(events.Paste("notes.png"))
        await wait_until(pilot, lambda: composer.text == "notes.png")
        assert len(composer.attachments) == 1

        await pilot.press("ctrl+r")  # the key removes the last image
        assert composer.attachments == []
        await wait_until(pilot, lambda: not app.query_one(AttachmentChips).display)


async def test_a_bad_file_is_one_line_and_nothing_is_lost(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    (tmp_path / "notes.txt").write_text("text")
    good = write_png(tmp_path / "ok.png")
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        composer = app.query_one(Composer)
        await pilot.press(*f"/image {good}", "enter")
        await wait_until(pilot, lambda: len(composer.attachments) == 1)
        for name, says in (("missing.png", "no file at"), ("notes.txt", "is not a PNG")):
            command = f"/image {name}"
            await pilot.press(*command, "enter")
            await wait_until(pilot, lambda command=command: composer.text == command)
            notes = [n.message for n in app._notifications]
            assert any(says in note for note in notes), notes
            composer.clear()
        assert [a.name for a in composer.attachments] == ["ok.png"], "the good one stays"
        assert scripted_server.model_requests() == []


async def test_a_text_only_model_gets_no_image_and_the_composer_keeps_everything(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    image = write_png(tmp_path / "plot.png")
    app = make_app(tmp_path / "home", scripted_server, tmp_path, model="gpt-oss-20b")
    async with app.run_test(size=(110, 32)) as pilot:
        composer = app.query_one(Composer)
        await pilot.press(*f"/image {image}", "enter")
        await wait_until(pilot, lambda: len(composer.attachments) == 1)
        await pilot.press(*"describe it", "enter")
        await wait_until(pilot, lambda: composer.text == "describe it")
        assert len(composer.attachments) == 1
        notes = [n.message for n in app._notifications]
        assert any("gpt-oss-20b takes no images" in note for note in notes), notes
        assert scripted_server.model_requests() == []


async def test_an_image_sent_alone_has_no_empty_text_part_and_a_row_preview(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    image = write_png(tmp_path / "alone.png")
    app = make_app(tmp_path / "home", scripted_server, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        composer = app.query_one(Composer)
        await pilot.press(*f"/image {image}", "enter")
        await wait_until(pilot, lambda: len(composer.attachments) == 1)
        await pilot.press("enter")
        await scripted_server.wait_for_requests(1)
        messages = scripted_server.last_body()["messages"]
        content = [m for m in messages if m["role"] == "user"][-1]["content"]
        assert [part["type"] for part in content] == ["image_url"]
        await wait_until(pilot, lambda: current_id(app) is not None)
        view = thread_on_screen(app)
        await wait_until(pilot, lambda: view.has_user_message)
        assert view.row().preview == "[image]"
