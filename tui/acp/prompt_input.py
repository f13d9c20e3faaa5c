"""An ACP prompt (content blocks) as lha user input: text, images, and files the editor attached.

Embedded text resources become the file's text in a ``<file>`` block, as if pasted; a resource
link becomes its URI, for the model to read with its tools. An image is checked by its bytes as
any attachment is (``core.images``: one of four kinds, at most 20 MB, real base64) and sent with
the kind its bytes say, whatever the client declared. Audio, binary resources and a bad image are
refused with a JSON-RPC error saying so, not dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from acp import RequestError
from acp.schema import (
    AudioContentBlock,
    EmbeddedResourceContentBlock,
    ImageContentBlock,
    ResourceContentBlock,
    TextContentBlock,
    TextResourceContents,
)

from core.images.attachment import image_from_base64
from core.protocol.ops import ImageInput, TextInput, UserInputItem
from tui.acp.errors import as_request_errors

PromptBlock = (
    TextContentBlock
    | ImageContentBlock
    | AudioContentBlock
    | ResourceContentBlock
    | EmbeddedResourceContentBlock
)


def user_input_items(blocks: Sequence[PromptBlock]) -> list[UserInputItem]:
    items: list[UserInputItem] = []
    images = 0
    for block in blocks:
        if isinstance(block, ImageContentBlock):
            images += 1
            items.append(_image(block, images))
        else:
            items.append(_item(block))
    if not any(isinstance(i, TextInput) and i.text.strip() for i in items) and not any(
        isinstance(i, ImageInput) for i in items
    ):
        raise RequestError.invalid_params({"message": "the prompt is empty; say what to do"})
    return items


def _item(block: PromptBlock) -> UserInputItem:
    if isinstance(block, TextContentBlock):
        return TextInput(text=block.text)
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


def _image(block: ImageContentBlock, number: int) -> ImageInput:
    """The image as input, refused with one line (the client shows it) when its data is not a
    PNG, JPEG, GIF or WebP image in base64 of at most 20 MB. ``number`` names it in that line
    when the client gave it no URI: "image 2 is not valid base64 image data"."""
    name = _file_name(block.uri)
    with as_request_errors():
        image = image_from_base64(block.data, name or f"image {number}")
    return ImageInput(image_url=image.data_url, file_name=name)


def _file_name(uri: str | None) -> str | None:
    """The last segment of an image's URI (``file:///tmp/shot.png``: ``shot.png``), if any."""
    if not uri:
        return None
    return PurePosixPath(unquote(urlparse(uri).path)).name or None
