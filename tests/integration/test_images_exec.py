"""Images through ``lha exec --image`` as a user runs it: the image parts on both wires, the
rollout that keeps them (so resume and fork send them again), exports and the search index
that do not bloat with them, and one line (exit 2) for each file that cannot be attached."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from core.images.attachment import MAX_IMAGE_BYTES
from tests.integration.test_cli_exec import lha, write_config
from tests.support.images import jpeg_bytes, png_bytes, write_png
from tests.support.scripted_server import Reply, ScriptedServer

PNG_URL = "data:image/png;base64," + base64.b64encode(png_bytes(40, 30)).decode()


def _chat_image_urls(body: dict[str, object]) -> list[str]:
    messages = body["messages"]
    assert isinstance(messages, list)
    return [
        part["image_url"]["url"]
        for message in messages
        if message["role"] == "user" and isinstance(message["content"], list)
        for part in message["content"]
        if part["type"] == "image_url"
    ]


def _rollout(home: Path) -> Path:
    (path,) = (home / "sessions").rglob("*.jsonl")
    return path


def test_exec_image_goes_as_an_image_part_and_resume_and_fork_send_it_again(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    server = scripted_server_thread
    image = write_png(home.parent / "plot.png", 40, 30)
    server.enqueue(Reply.text("a plot"), Reply.text("still a plot"), Reply.text("forked"))

    first = lha(home, "exec", "--image", str(image), "what is this?")
    assert first.returncode == 0, first.stderr
    assert _chat_image_urls(server.last_body()) == [PNG_URL]
    path = _rollout(home)
    parts = [
        part
        for line in path.read_text().splitlines()
        if (record := json.loads(line))["type"] == "transcript_item"
        and record["payload"].get("role") == "user"
        for part in record["payload"]["content"]
        if part["type"] == "input_image"
    ]
    assert parts == [{"type": "input_image", "image_url": PNG_URL, "file_name": "plot.png"}]

    again = lha(home, "exec", "resume", "--last", "and now?")
    assert again.returncode == 0, again.stderr
    assert _chat_image_urls(server.last_body()) == [PNG_URL], "the history keeps the image"

    fork = lha(home, "exec", "fork", str(path), "--image", str(image), "compare")
    assert fork.returncode == 0, fork.stderr
    assert _chat_image_urls(server.last_body()) == [PNG_URL, PNG_URL]


def test_responses_wire_sends_input_image_parts(
    tmp_path: Path, scripted_server_thread: ScriptedServer
) -> None:
    home = tmp_path / "home"
    write_config(home, scripted_server_thread, wire_api="responses")
    shot = tmp_path / "shot.jpg"
    shot.write_bytes(jpeg_bytes())
    scripted_server_thread.enqueue(Reply.text("two images"))
    result = lha(home, "exec", "-i", str(tmp_path / "plot.png"), "-i", str(shot), "look")
    assert result.returncode == 2, "the first file is missing"
    write_png(tmp_path / "plot.png", 40, 30)
    result = lha(home, "exec", "-i", str(tmp_path / "plot.png"), "--image", str(shot), "look")
    assert result.returncode == 0, result.stderr
    user = [i for i in scripted_server_thread.last_body()["input"] if i.get("role") == "user"][-1]
    assert user["content"] == [
        {"type": "input_text", "text": "look"},
        {"type": "input_image", "image_url": PNG_URL},
        {
            "type": "input_image",
            "image_url": "data:image/jpeg;base64," + base64.b64encode(jpeg_bytes()).decode(),
        },
    ], "no file name goes on the wire"


def test_each_bad_image_file_is_one_line_and_exit_2(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    folder = home.parent
    (folder / "notes.png").write_text("text, not an image")
    big = folder / "big.png"
    with big.open("wb") as file:
        file.write(png_bytes())
        file.truncate(MAX_IMAGE_BYTES + 1)
    locked = write_png(folder / "locked.png")
    locked.chmod(0)
    cases = {
        "missing.png": "no file at",
        "notes.png": "is not a PNG, JPEG, GIF or WebP image",
        "big.png": "images over 20.0 MB are refused",
    }
    if os.geteuid() != 0:
        cases["locked.png"] = "cannot read"
    for name, says in cases.items():
        result = lha(home, "exec", "--image", name, "describe it")
        assert result.returncode == 2, (name, result.stderr)
        assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert scripted_server_thread.model_requests() == []


def test_a_model_the_catalog_lists_as_text_only_is_sent_nothing(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    image = write_png(home.parent / "plot.png")
    result = lha(home, "exec", "-m", "gpt-oss-20b", "--image", str(image), "describe it")
    assert result.returncode == 1
    assert "gpt-oss-20b takes no images" in result.stderr
    assert scripted_server_thread.model_requests() == []


def test_exports_show_an_image_line_and_the_index_holds_no_base64(
    home: Path, scripted_server_thread: ScriptedServer
) -> None:
    image = write_png(home.parent / "plot.png", 40, 30)
    scripted_server_thread.enqueue(Reply.text("a plot"))
    assert lha(home, "exec", "--image", str(image), "what is this?").returncode == 0
    path = _rollout(home)
    base64_part = PNG_URL.split(",")[1][8:40]
    for fmt in ("md", "json", "html"):
        out = lha(home, "export", str(path), "--format", fmt)
        assert out.returncode == 0, out.stderr
        if fmt == "json":
            (user,) = [i for i in json.loads(out.stdout)["items"] if i["kind"] == "user"]
            assert user["images"] == ["plot.png"]
        else:
            assert "[image: plot.png]" in out.stdout
        assert base64_part not in out.stdout, f"{fmt} export carries the image data"
    found = lha(home, "search", base64_part, "--json")
    assert found.returncode in (0, 1), found.stderr
    assert "plot" not in found.stdout and path.name not in found.stdout
    text = lha(home, "search", "what is this", "--json")
    assert path.stem.split("-")[-1] in text.stdout or "what is this" in text.stdout


@pytest.fixture(autouse=True)
def _readable_again(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Give back read permission to the files a test locked, so the temp folder is removed."""
    yield
    for locked in tmp_path.rglob("locked.png"):
        locked.chmod(0o600)
