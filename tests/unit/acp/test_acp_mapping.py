"""The pure parts of ``lha acp``: how events, answers and prompts are translated."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from acp import RequestError
from acp.schema import (
    AllowedOutcome,
    AudioContentBlock,
    DeniedOutcome,
    EmbeddedResourceContentBlock,
    ImageContentBlock,
    ResourceContentBlock,
    TextContentBlock,
    TextResourceContents,
)

from core.images.attachment import MAX_IMAGE_BYTES
from core.models.info import ModelPreset, ReasoningEffortPreset
from core.protocol.events import TaskComplete, ToolCallBegin, ToolCallEnd
from core.protocol.ops import ImageInput, TextInput
from tests.support.images import png_bytes
from tui.acp.capabilities import initialize_answer
from tui.acp.commands import CommandCall, command_of
from tui.acp.live_output import CUT_NOTE, SHOWN_CHARS, LiveOutput
from tui.acp.models import config_options
from tui.acp.permissions import decision_for
from tui.acp.prompt_input import user_input_items
from tui.acp.session import stop_reason_of
from tui.acp.tool_calls import call_ended, call_started, tool_title


@pytest.mark.parametrize(
    ("finish", "stop"),
    [
        (None, "end_turn"),
        ("stop", "end_turn"),
        ("length", "max_tokens"),
        ("content_filter", "refusal"),
        ("tool_calls", "end_turn"),
    ],
)
def test_stop_reason_from_the_finish_reason(finish: str | None, stop: str) -> None:
    assert stop_reason_of(TaskComplete(finish_reason=finish)) == stop


def test_tool_titles() -> None:
    assert tool_title("shell", {"command": ["grep", "-n", "a b", "f.py"]}) == "grep -n 'a b' f.py"
    assert tool_title("shell", {"command": "ls -la"}) == "ls -la"
    assert tool_title("mcp__docs__search", {}) == "search (MCP docs)"
    assert tool_title("lookup_ticket", {"id": 3}) == "lookup_ticket"


def test_apply_patch_diffs_come_from_the_patch_text(tmp_path: Path) -> None:
    patch = (
        "*** Begin Patch\n*** Add File: new.txt\n+hello\n"
        "*** Update File: old.txt\n@@\n keep\n-gone\n+here\n"
        "*** Delete File: dead.txt\n*** End Patch"
    )
    begin = ToolCallBegin(
        call_id="p", tool_name="apply_patch", arguments=json.dumps({"input": patch})
    )
    start = call_started(begin, tmp_path)
    assert start.kind == "edit" and start.status == "in_progress"
    added, updated, deleted = start.content or []
    assert added.path == str(tmp_path / "new.txt")
    assert (added.old_text, added.new_text) == (None, "hello\n")
    assert (updated.old_text, updated.new_text) == ("keep\ngone\n", "keep\nhere\n")
    assert deleted.content.text == "delete dead.txt"


def test_a_patch_that_does_not_parse_has_no_diff(tmp_path: Path) -> None:
    begin = ToolCallBegin(call_id="p", tool_name="apply_patch", arguments='{"input": "junk"}')
    assert call_started(begin, tmp_path).content is None


def test_a_failed_call_ends_failed_with_its_output() -> None:
    end = call_ended(ToolCallEnd(call_id="c", tool_name="shell", output="boom", success=False))
    assert end.status == "failed" and end.content[0].content.text == "boom"


def test_permission_outcomes_map_to_the_modal_decisions() -> None:
    def chosen(option: str) -> str:
        return decision_for(AllowedOutcome(outcome="selected", option_id=option))

    assert chosen("allow_once") == "approved"
    assert chosen("allow_always") == "approved_for_session"
    assert chosen("reject_once") == "denied"
    assert chosen("something else") == "denied"
    assert decision_for(DeniedOutcome(outcome="cancelled")) == "abort"


def test_initialize_is_answered_without_the_sdk() -> None:
    answer = initialize_answer(
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": 7}},
        "9.9",
    )
    assert answer is not None
    assert answer["result"]["protocolVersion"] == 1
    assert answer["result"]["agentCapabilities"]["loadSession"] is True
    assert answer["result"]["agentCapabilities"]["mcpCapabilities"] == {"http": True, "sse": False}
    bad = initialize_answer({"id": 2, "method": "initialize", "params": {}}, "9.9")
    assert bad is not None and bad["error"]["code"] == -32602
    assert initialize_answer({"id": 3, "method": "session/new"}, "9.9") is None


def test_prompt_blocks_become_user_input() -> None:
    png = base64.b64encode(png_bytes()).decode()
    items = user_input_items(
        [
            TextContentBlock(type="text", text="look at"),
            ResourceContentBlock(type="resource_link", uri="file:///a.py", name="a.py"),
            EmbeddedResourceContentBlock(
                type="resource",
                resource=TextResourceContents(uri="file:///b.py", text="print(1)"),
            ),
            ImageContentBlock(type="image", data=png, mime_type="image/png"),
        ]
    )
    assert items[0] == TextInput(text="look at")
    assert items[1] == TextInput(text="file:///a.py")
    assert isinstance(items[2], TextInput) and "print(1)" in items[2].text
    assert items[3] == ImageInput(image_url=f"data:image/png;base64,{png}")


def test_an_image_is_sent_as_the_kind_its_bytes_say_with_the_name_of_its_uri() -> None:
    png = base64.b64encode(png_bytes()).decode()
    block = ImageContentBlock(
        type="image", data=png, mime_type="image/jpeg", uri="file:///tmp/my%20shot.png"
    )
    [item] = user_input_items([block])
    assert item == ImageInput(image_url=f"data:image/png;base64,{png}", file_name="my shot.png")


@pytest.mark.parametrize(
    ("data", "uri", "says"),
    [
        ("AAAA", None, "image 2 is not a PNG, JPEG, GIF or WebP image"),
        ("@@not base64@@", None, "image 2 is not valid base64 image data"),
        (base64.b64encode(b"plain text").decode(), "file:///x/notes.png", "notes.png is not a PNG"),
        ("A" * (MAX_IMAGE_BYTES * 4 // 3 + 8), None, "images over 20.0 MB are refused"),
    ],
    ids=["not-an-image", "not-base64", "text-named-png", "over-20-MB"],
)
def test_a_bad_image_is_refused_with_one_line_naming_it(
    data: str, uri: str | None, says: str
) -> None:
    good = ImageContentBlock(
        type="image", data=base64.b64encode(png_bytes()).decode(), mime_type="image/png"
    )
    bad = ImageContentBlock(type="image", data=data, mime_type="image/png", uri=uri)
    with pytest.raises(RequestError) as caught:
        user_input_items([TextContentBlock(type="text", text="look"), good, bad])
    assert caught.value.code == -32602
    message = caught.value.data["message"]
    assert says in message and "\n" not in message


def test_audio_and_empty_prompts_are_refused() -> None:
    with pytest.raises(RequestError):
        user_input_items([AudioContentBlock(type="audio", data="AAAA", mime_type="audio/wav")])
    with pytest.raises(RequestError):
        user_input_items([TextContentBlock(type="text", text="   ")])


def test_config_options_list_the_catalog_and_the_efforts_of_the_model() -> None:
    presets = [
        ModelPreset(
            id="a",
            model="a",
            display_name="Model A",
            supported_reasoning_efforts=[
                ReasoningEffortPreset(effort="low"),
                ReasoningEffortPreset(effort="high"),
            ],
            default_reasoning_effort="high",
        ),
        ModelPreset(id="b", model="b", display_name="Model B"),
    ]
    model, effort = config_options(presets, "a", None)
    assert [o.value for o in model.options] == ["a", "b"] and model.current_value == "a"
    assert [o.value for o in effort.options] == ["low", "high"] and effort.current_value == "high"
    (only_model,) = config_options(presets, "b", None)
    assert only_model.current_value == "b"
    (unknown,) = config_options(presets, "custom", None)
    assert unknown.options[0].value == "custom"


def test_slash_commands_take_the_rest_of_the_prompt() -> None:
    assert command_of(" /diff ") == CommandCall("diff", "")
    assert command_of("/compact keep\nthe numbers") == CommandCall("compact", "keep\nthe numbers")
    assert command_of("/rename\nmy work") == CommandCall("rename", "my work")
    assert command_of("/nope") is None
    assert command_of("please /diff") is None


def test_live_output_is_throttled_and_shows_the_output_so_far() -> None:
    live = LiveOutput(interval_s=0.05)
    sent = []
    for step in range(100):  # a chunk every millisecond for 0.1 s
        live.add("c1", f"{step}\n")
        sent += [(step, u.content[0].content.text) for u in live.due(step / 1000)]
    assert [step for step, _ in sent] == [0, 50]
    assert sent[1][1] == "".join(f"{n}\n" for n in range(51))
    assert live.wait_s(0.099) == pytest.approx(0.001)
    live.end("c1")
    assert live.wait_s(0.099) is None and live.due(1.0) == []


def test_live_output_keeps_the_end_of_a_long_output() -> None:
    live = LiveOutput()
    live.add("c1", "a" * SHOWN_CHARS)
    live.add("c1", "b" * 10)
    (update,) = live.due(0.0)
    text = update.content[0].content.text
    assert text.startswith(CUT_NOTE) and text.endswith("b" * 10)
    assert len(text) == len(CUT_NOTE) + SHOWN_CHARS
