"""An image attached to a message: its name, kind, size and the ``data:`` URL that carries it.

One home for what the TUI (``/image``, a pasted path), ``lha exec --image`` and the ACP server
attach, and for the label a chip shows, live or read back from a rollout. Every refusal is an
``InvalidRequest`` with one line saying what to do; nothing here touches the composer's text.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from core.errors import InvalidRequest
from core.images.sniff import SNIFF_BYTES, image_dimensions, image_mime

if TYPE_CHECKING:
    from core.protocol.ops import ImageInput

MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""The largest image lha sends (OpenAI's own limit for an image input)."""

HEADER_BYTES = 64 * 1024
"""How much of a recorded image is decoded again to find its dimensions for a chip."""

ACCEPTED_KINDS = "PNG, JPEG, GIF or WebP"


@dataclass(frozen=True)
class ImageAttachment:
    name: str
    """The file's name (no folder): what chips and exports show."""
    mime: str
    size: int
    """Bytes of the image itself (not of its base64 form)."""
    dimensions: tuple[int, int] | None
    data_url: str

    @property
    def label(self) -> str:
        return chip_label(self.name, self.size, self.dimensions)

    def to_input(self) -> ImageInput:
        """The image as user input for a turn (``UserInput``/``SteerInput`` items)."""
        from core.protocol.ops import ImageInput

        return ImageInput(image_url=self.data_url, file_name=self.name)


def human_size(size: int) -> str:
    """``512 B``, ``12 KB``, ``3.4 MB``: a size as a chip shows it."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def chip_label(name: str, size: int | None, dimensions: tuple[int, int] | None) -> str:
    """``shot.png · 120 KB · 800x600`` (the parts that are known)."""
    parts = [name]
    if size is not None:
        parts.append(human_size(size))
    if dimensions is not None:
        parts.append(f"{dimensions[0]}x{dimensions[1]}")
    return " · ".join(parts)


def image_from_bytes(data: bytes, name: str) -> ImageAttachment:
    """An attachment of ``data`` (a whole image file); refused when it is not one of the four
    kinds or is over ``MAX_IMAGE_BYTES``."""
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidRequest(_too_big(name, len(data)))
    mime = image_mime(data[:SNIFF_BYTES])
    if mime is None:
        raise InvalidRequest(f"{name} is not a {ACCEPTED_KINDS} image; attach one of those")
    encoded = base64.b64encode(data).decode("ascii")
    return ImageAttachment(
        name=name,
        mime=mime,
        size=len(data),
        dimensions=image_dimensions(data[:HEADER_BYTES], mime),
        data_url=f"data:{mime};base64,{encoded}",
    )


def image_from_base64(data: str, name: str) -> ImageAttachment:
    """An attachment of base64 ``data`` (an ACP image content block, say): decoded, then
    checked like a file's bytes; data that is not base64 is one line too."""
    if len(data) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise InvalidRequest(_too_big(name, len(data) * 3 // 4))
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequest(
            f"{name} is not valid base64 image data; send the image again"
        ) from None
    return image_from_bytes(raw, name)


def load_image_file(path: Path) -> ImageAttachment:
    """The image at ``path`` (blocking read). Missing, unreadable, not an image, too big:
    ``InvalidRequest`` with one line each."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InvalidRequest(f"{path} is a folder; attach an image file")
        if size > MAX_IMAGE_BYTES:
            raise InvalidRequest(_too_big(str(path), size))
        with path.open("rb") as file:
            data = file.read(MAX_IMAGE_BYTES + 1)
    except FileNotFoundError:
        raise InvalidRequest(f"no file at {path}; check the path") from None
    except OSError as err:
        why = err.strerror or type(err).__name__
        raise InvalidRequest(f"cannot read {path}: {why}; check its permissions") from None
    if image_mime(data[:SNIFF_BYTES]) is None:
        raise InvalidRequest(f"{path} is not a {ACCEPTED_KINDS} image; attach one of those")
    return image_from_bytes(data, path.name)


def _too_big(what: str, size: int) -> str:
    limit = human_size(MAX_IMAGE_BYTES)
    return f"{what} is {human_size(size)}; images over {limit} are refused: attach a smaller one"


def resolve_image_path(text: str, cwd: Path) -> Path:
    """A path typed or pasted by a person: quotes a file manager adds, a ``file://`` URL and
    ``~`` are understood; a relative path is taken from ``cwd``."""
    raw = text.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        raw = raw[1:-1]
    if raw.startswith("file://"):
        raw = unquote(urlparse(raw).path)
    path = Path(os.path.expanduser(raw))
    return path if path.is_absolute() else cwd / path


def pasted_image_path(text: str, cwd: Path) -> Path | None:
    """The image file ``text`` names when a paste is exactly one existing image's path (its
    first bytes say so), else None: a paste of anything else is text."""
    if not text.strip() or "\n" in text.strip():
        return None
    try:
        path = resolve_image_path(text, cwd)
        if not path.is_file():
            return None
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
    except (OSError, ValueError):
        return None
    return path if image_mime(head) is not None else None


def describe_image_url(url: str, name: str | None) -> str:
    """The chip label of a recorded image (a ``data:`` URL): its name (else its kind), size and
    dimensions, read from the URL without decoding all of it."""
    header, sep, payload = url.partition(",")
    if not (url.startswith("data:") and sep and header.endswith(";base64")):
        return name or "image"
    mime = header[len("data:") : -len(";base64")]
    size = len(payload) * 3 // 4 - payload[-2:].count("=")
    try:
        head = base64.b64decode(payload[: HEADER_BYTES // 3 * 4])
    except (binascii.Error, ValueError):
        return chip_label(name or mime, size, None)
    return chip_label(name or mime, size, image_dimensions(head, mime))
