"""Which items a request keeps when the conversation outgrows the model's context."""

from __future__ import annotations

from core.agent.prompt_fit import REFILL_FRACTION, fit_prompt, output_reserve, turn_starts
from core.protocol.items import (
    ToolCallItem,
    ToolCallOutputItem,
    TranscriptItem,
    assistant_message,
    developer_message,
    user_message,
)
from core.protocol.tool_payload import JsonArguments

PREFIX: list[TranscriptItem] = [
    developer_message("be brief"),
    user_message("<environment_context>cwd=/w</environment_context>"),
]


def _turn(n: int, size: int = 600) -> list[TranscriptItem]:
    return [
        user_message(f"q{n} " + "x" * size),
        ToolCallItem(
            call_id=f"c{n}",
            tool_name="shell",
            payload=JsonArguments(arguments='{"command":["ls"]}'),
        ),
        ToolCallOutputItem(call_id=f"c{n}", output="y" * size),
        assistant_message(f"a{n}"),
    ]


def _texts(items: list[TranscriptItem]) -> list[str]:
    return [getattr(i, "call_id", None) or i.text()[:3] for i in items]  # type: ignore[union-attr]


def test_turns_start_at_user_messages_and_take_their_skill_injections() -> None:
    skill = user_message('<skill name="deploy">steps</skill>')
    items = [*PREFIX, *_turn(0), skill, *_turn(1)]
    assert turn_starts(items) == [2, 6], "the environment is prefix; the skill joins turn 1"


def test_everything_is_sent_when_it_fits_or_the_window_is_unknown() -> None:
    items = [*PREFIX, *_turn(0), *_turn(1)]
    for window in (None, 100_000):
        fitted = fit_prompt(items, "instructions", [], window)
        assert fitted.items == items and fitted.turns_left_out == 0


def test_oldest_whole_turns_go_first_keeping_prefix_and_current_turn() -> None:
    items = [*PREFIX, *_turn(0), *_turn(1), *_turn(2), *_turn(3)]
    fitted = fit_prompt(items, "instructions", [], 1500)
    budget = 1500 - output_reserve(1500)
    assert fitted.turns_left_out == 3, "down to REFILL_FRACTION of the budget, not just under"
    assert _texts(fitted.items) == ["be ", "<en", "q3 ", "c3", "c3", "a3"]
    assert fitted.estimated_tokens <= budget * REFILL_FRACTION


def test_the_cut_stays_put_while_the_rest_fits() -> None:
    """Turn after turn the request starts the same way (a prompt cache keeps working) until
    the window is full again; then the cut jumps ahead in one go."""
    items = [*PREFIX, *(item for n in range(12) for item in _turn(n, size=100))]
    cut = fit_prompt(items, "", [], 1500).turns_left_out
    assert cut > 0
    firsts = []
    for n in range(12, 24):
        items = [*items, *_turn(n, size=100)]
        fitted = fit_prompt(items, "", [], 1500, previous_cut=cut)
        assert fitted.estimated_tokens <= 1500 - output_reserve(1500)
        firsts.append(_texts(fitted.items)[2])
        cut = fitted.turns_left_out
    assert len(set(firsts)) < len(firsts) / 2, f"the start moved on most turns: {firsts}"


def test_a_bigger_window_brings_every_turn_back() -> None:
    items = [*PREFIX, *_turn(0), *_turn(1), *_turn(2)]
    fitted = fit_prompt(items, "", [], 400_000, previous_cut=2)
    assert fitted.items == items and fitted.turns_left_out == 0


def test_a_call_is_never_sent_without_its_output() -> None:
    items = [*PREFIX, *_turn(0), *_turn(1), *_turn(2)]
    for window in range(800, 4000, 97):
        kept = fit_prompt(items, "", [], window).items
        calls = {i.call_id for i in kept if isinstance(i, ToolCallItem)}
        outputs = {i.call_id for i in kept if isinstance(i, ToolCallOutputItem)}
        assert calls == outputs


def test_a_current_turn_too_big_alone_is_sent_whole() -> None:
    items = [*PREFIX, *_turn(0, size=30_000)]
    fitted = fit_prompt(items, "", [], 4096)
    assert fitted.items == items and fitted.turns_left_out == 0
    items = [*PREFIX, *_turn(0), *_turn(1, size=30_000)]
    fitted = fit_prompt(items, "", [], 4096)
    assert fitted.turns_left_out == 1 and _texts(fitted.items)[2] == "q1 "


def test_an_image_is_weighed_by_a_fixed_cost_not_by_its_base64() -> None:
    from core.agent.prompt_fit import IMAGE_TOKENS, ITEM_OVERHEAD_TOKENS, item_tokens
    from core.protocol.items import InputImage, MessageItem, ToolCallOutputItem

    url = "data:image/png;base64," + "A" * 400_000
    message = MessageItem(role="user", content=[InputImage(image_url=url)])
    assert item_tokens(message) == IMAGE_TOKENS + ITEM_OVERHEAD_TOKENS
    output = ToolCallOutputItem(call_id="c", output="", images=[url, url])
    assert item_tokens(output) == 2 * IMAGE_TOKENS + ITEM_OVERHEAD_TOKENS
