"""Image attachments: kinds by magic bytes, dimensions, the 20 MB limit, and one line for each
file that cannot be attached."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from core.errors import InvalidRequest
from core.images.attachment import (
    MAX_IMAGE_BYTES,
    describe_image_url,
    image_from_base64,
    image_from_bytes,
    load_image_file,
    pasted_image_path,
    resolve_image_path,
)
from tests.support.images import gif_bytes, jpeg_bytes, png_bytes, webp_bytes, write_png


@pytest.mark.parametrize(
    ("data", "mime", "size"),
    [
        (png_bytes(4, 3), "image/png", (4, 3)),
        (jpeg_bytes(640, 480), "image/jpeg", (640, 480)),
        (gif_bytes(5, 7), "image/gif", (5, 7)),
        (webp_bytes(300, 200), "image/webp", (300, 200)),
    ],
)
def test_kind_comes_from_the_bytes_not_the_suffix(
    tmp_path: Path, data: bytes, mime: str, size: tuple[int, int]
) -> None:
    path = tmp_path / "misnamed.txt"
    path.write_bytes(data)
    image = load_image_file(path)
    assert (image.mime, image.dimensions, image.size, image.name) == (
        mime,
        size,
        len(data),
        "misnamed.txt",
    )
    assert image.data_url == f"data:{mime};base64,{base64.b64encode(data).decode()}"
    assert image.to_input().file_name == "misnamed.txt"


def test_each_bad_file_is_one_line(tmp_path: Path) -> None:
    text = tmp_path / "notes.png"
    text.write_text("just text")
    unreadable = write_png(tmp_path / "locked.png")
    unreadable.chmod(0)
    big = tmp_path / "huge.png"
    with big.open("wb") as file:
        file.write(png_bytes())
        file.truncate(MAX_IMAGE_BYTES + 1)
    cases = {
        tmp_path / "missing.png": "no file at",
        text: "is not a PNG, JPEG, GIF or WebP image",
        big: "images over 20.0 MB are refused",
        tmp_path: "is a folder",
    }
    if os.geteuid() != 0:  # root reads any file
        cases[unreadable] = "cannot read"
    for path, expected in cases.items():
        with pytest.raises(InvalidRequest) as caught:
            load_image_file(path)
        assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_bytes_over_the_limit_are_refused() -> None:
    with pytest.raises(InvalidRequest, match="refused"):
        image_from_bytes(png_bytes() + bytes(MAX_IMAGE_BYTES), "big.png")


def test_a_pasted_path_is_an_image_only_when_it_names_one(tmp_path: Path) -> None:
    image = write_png(tmp_path / "shot one.png")
    (tmp_path / "notes.png").write_text("text")
    assert pasted_image_path(str(image), tmp_path) == image
    assert pasted_image_path(f"'{image}'", tmp_path) == image, "quoted by a file manager"
    assert pasted_image_path(f"file://{image}".replace(" ", "%20"), tmp_path) == image
    assert pasted_image_path("shot one.png", tmp_path) == image, "relative to the folder"
    assert pasted_image_path("notes.png", tmp_path) is None
    assert pasted_image_path(f"{image}\n{image}", tmp_path) is None
    assert pasted_image_path("look at this", tmp_path) is None
    assert resolve_image_path("~/x.png", tmp_path) == Path.home() / "x.png"


def test_a_recorded_image_is_described_without_its_file() -> None:
    image = image_from_bytes(png_bytes(40, 30), "plot.png")
    assert describe_image_url(image.data_url, "plot.png") == image.label
    assert image.label == f"plot.png · {len(png_bytes(40, 30))} B · 40x30"
    assert describe_image_url(image.data_url, None).startswith("image/png · ")
    assert describe_image_url("https://example.com/a.png", None) == "image"


def test_base64_data_is_checked_like_a_file() -> None:
    encoded = base64.b64encode(png_bytes(4, 3)).decode()
    image = image_from_base64(encoded, "pasted")
    assert (image.mime, image.dimensions) == ("image/png", (4, 3))
    with pytest.raises(InvalidRequest, match="not valid base64"):
        image_from_base64("@@not base64@@", "pasted")
    with pytest.raises(InvalidRequest, match="is not a PNG"):
        image_from_base64(base64.b64encode(b"plain text").decode(), "pasted")
