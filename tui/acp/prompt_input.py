"""An ACP prompt (content blocks) as lha user input: text, images, and files the editor attached.

Embedded text resources become the file's text in a ``<file>`` block, as if pasted; a resource
link becomes its URI, for the model to read with its tools. Audio and binary resources have no
place in a chat message: they are refused with a message saying so, not dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from acp import RequestError
from acp.schema import (
    AudioContentBlock,
    EmbeddedResourceContentBlock,
    ImageContentBlock,
    ResourceContentBlock,
    TextContentBlock,
    TextResourceContents,
)

from core.protocol.ops import ImageInput, TextInput, UserInputItem

PromptBlock = (
    TextContentBlock
    | ImageContentBlock
    | AudioContentBlock
    | ResourceContentBlock
    | EmbeddedResourceContentBlock
)


def user_input_items(blocks: Sequence[PromptBlock]) -> list[UserInputItem]:
    items = [_item(block) for block in blocks]
    if not any(isinstance(i, TextInput) and i.text.strip() for i in items) and not any(
        isinstance(i, ImageInput) for i in items
    ):
        raise RequestError.invalid_params({"message": "the prompt is empty; say what to do"})
    return items


def _item(block: PromptBlock) -> UserInputItem:
    if isinstance(block, TextContentBlock):
        return TextInput(text=block.text)
    if isinstance(block, ImageContentBlock):
        return ImageInput(image_url=f"data:{block.mime_type};base64,{block.data}")
    if isinstance(block, ResourceContentBlock):
        return TextInput(text=block.uri)
    if isinstance(block, EmbeddedResourceContentBlock) and isinstance(
        block.resource, TextResourceContents
    ):
        resource = block.resource
        return TextInput(text=f'<file uri="{resource.uri}">\n{resource.text}\n</file>')
    raise RequestError.invalid_params(
        {"message": f"lha cannot send {block.type} content to the model; send text or images"}
    )
