"""Which user-role messages count as the user's own turns (docs/architecture.md, Vocabulary)."""

from __future__ import annotations

import pytest

from core.protocol import (
    InputImage,
    InputText,
    MessageItem,
    OutputText,
    ReasoningItem,
    assistant_message,
    developer_message,
    user_message,
)
from core.rollout import is_real_user_message, is_session_prefix_message
from core.rollout.session_prefix import SESSION_PREFIX_MARKERS, is_session_prefix_text


@pytest.mark.parametrize("marker", SESSION_PREFIX_MARKERS)
def test_each_marker_is_prefix(marker: str) -> None:
    item = user_message(f"{marker}body")
    assert is_session_prefix_message(item)
    assert not is_real_user_message(item)


@pytest.mark.parametrize("marker", SESSION_PREFIX_MARKERS)
def test_leading_whitespace_and_upper_case(marker: str) -> None:
    assert is_session_prefix_message(user_message(f"  \n\t{marker.upper()}body"))


def test_context_update_with_spaces_and_upper_case() -> None:
    assert is_session_prefix_message(user_message("   <CONTEXT_UPDATE>model changed"))


@pytest.mark.parametrize("text", ['<skill name="x">', "<skill\n<name>x</name>", "<skill>\n"])
def test_skill_wrappers(text: str) -> None:
    assert is_session_prefix_text(text)


@pytest.mark.parametrize(
    "text",
    ["hello", "", "   ", "<skills are cool>", "please read <environment_context>", "#AGENTS.md"],
)
def test_plain_text_is_not_prefix(text: str) -> None:
    item = user_message(text)
    assert not is_session_prefix_message(item)
    assert is_real_user_message(item)


def test_output_text_part_is_checked_too() -> None:
    item = MessageItem(role="user", content=[OutputText(text="<turn_aborted>x</turn_aborted>")])
    assert is_session_prefix_message(item)


def test_any_text_part_with_a_marker_makes_it_prefix() -> None:
    item = MessageItem(
        role="user",
        content=[InputText(text="note"), InputText(text="<environment_context>x")],
    )
    assert is_session_prefix_message(item)


@pytest.mark.parametrize("make", [developer_message, assistant_message])
def test_developer_and_assistant_never_count(make: object) -> None:
    assert callable(make)
    for text in ("<environment_context>x", "hello"):
        item = make(text)
        assert not is_session_prefix_message(item)
        assert not is_real_user_message(item)
    system = MessageItem(role="system", content=[InputText(text="hello")])
    assert not is_real_user_message(system)


def test_text_and_image_is_a_real_message() -> None:
    item = MessageItem(
        role="user",
        content=[InputText(text="what is this?"), InputImage(image_url="data:image/png;base64,AA")],
    )
    assert is_real_user_message(item)
    assert not is_session_prefix_message(item)


def test_non_messages_are_neither() -> None:
    item = ReasoningItem(id="r", summary=[])
    assert not is_session_prefix_message(item)
    assert not is_real_user_message(item)
