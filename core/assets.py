"""Finding shipped data files (``assets/``) both in a checkout and in an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def assets_dir() -> Path:
    """The folder holding models.json and base_instructions.md.

    The wheel force-includes ``assets/`` as ``core/_assets``; an editable install or a checkout
    has it beside the packages.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "_assets"
    if packaged.is_dir():
        return packaged
    return here.parent / "assets"


def read_asset_text(name: str) -> str:
    return (assets_dir() / name).read_text(encoding="utf-8")
