"""How images look: a chip waiting above the composer, and the chip of a resumed message that
had an image (an SVG snapshot at a fixed size, clock and ids)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from core.images.attachment import image_from_bytes
from core.protocol.events import AgentMessage, UserMessageEvent
from core.protocol.ids import ThreadId
from core.protocol.items import InputImage, InputText, MessageItem
from core.protocol.rollout import EventRecord, RolloutItem, RolloutLine, TranscriptRecord
from tests.support.images import png_bytes
from tests.support.rollout_factory import write_rollout
from tests.support.scripted_server import ScriptedServer
from tests.support.tui_harness import current_id, make_app, patch_thread_ids, wait_until
from tui.app import LhaApp
from tui.start_request import StartRequest
from tui.widgets.attachments import AttachmentChip
from tui.widgets.composer import Composer

CWD = Path("/work/project")
THREAD = ThreadId("0190a1b2-c3d4-7000-8000-00000000abce")


@pytest.fixture(autouse=True)
def _fixed_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    patch_thread_ids(monkeypatch)


def _rollout_with_an_image(home: Path) -> Path:
    path = write_rollout(home, CWD, 1, thread_id=THREAD)
    url = image_from_bytes(png_bytes(64, 48), "error-dialog.png").data_url
    text = "Why does this dialog show up?"
    content = [InputText(text=text), InputImage(image_url=url, file_name="error-dialog.png")]
    extra: list[RolloutItem] = [
        TranscriptRecord(payload=MessageItem(role="user", content=content)),
        EventRecord(
            payload=UserMessageEvent(message=text, images=[url], image_names=["error-dialog.png"])
        ),
        EventRecord(payload=AgentMessage(message="The config file is missing.")),
    ]
    with path.open("a") as f:
        for item in extra:
            f.write(RolloutLine(timestamp="2026-11-25T11:59:00.000Z", item=item).dump() + "\n")
    return path


def test_composer_chip_and_a_resumed_message_chip(
    snap_compare, tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "home"
    path = _rollout_with_an_image(home)
    app = make_app(home, scripted_server_thread, CWD, start=StartRequest("resume", path))

    async def attach(pilot: Pilot[None]) -> None:
        assert isinstance(app, LhaApp)
        await wait_until(pilot, lambda: current_id(app) is not None, within_s=10)
        composer = app.query_one(Composer)
        composer.attach(image_from_bytes(png_bytes(800, 600), "screenshot.png"))
        await pilot.press(*"and this one?")
        await wait_until(pilot, lambda: len(app.query(AttachmentChip)) == 1)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=(110, 30), run_before=attach)
