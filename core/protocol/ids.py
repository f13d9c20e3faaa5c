"""Thread ids: UUIDv7 strings, so sorting ids sorts threads by creation time."""

from __future__ import annotations

import os
import re
import time
from _thread import allocate_lock  # threading's Lock, without importing threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_UUID_TEMPLATE = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
_HEX_DIGITS = frozenset("0123456789abcdef")
_lock = allocate_lock()
_last_ms = 0
_last_rand_a = 0


def _uuid7_hex() -> str:
    """32 hex digits of a UUIDv7; ids made in one millisecond still increase (RFC 9562 §6.2)."""
    global _last_ms, _last_rand_a
    with _lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms = now_ms
            _last_rand_a = int.from_bytes(os.urandom(2), "big") & 0x3FF
        else:
            _last_rand_a += 1
            if _last_rand_a > 0xFFF:
                _last_ms += 1
                _last_rand_a = 0
        ms, rand_a = _last_ms, _last_rand_a
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return f"{value:032x}"


class ThreadId(str):
    """The id of a thread: a lower-case, hyphenated UUID (v7 when lha made it)."""

    __slots__ = ()

    def __new__(cls, value: str) -> ThreadId:
        text = str(value).strip().lower()
        if not _UUID_RE.match(text):
            raise ValueError(f"not a thread id: {value!r} (expected a UUID like 0190a1b2-...)")
        return super().__new__(cls, text)

    @classmethod
    def new(cls) -> ThreadId:
        h = _uuid7_hex()
        return cls(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")

    @classmethod
    def is_valid(cls, value: str) -> bool:
        return bool(_UUID_RE.match(value.strip().lower()))

    @classmethod
    def is_prefix(cls, value: str) -> bool:
        """True when ``value`` (any case) can begin a thread id: hex digits, with the hyphens
        where a UUID has them (``0190a1b2-c3``, or a whole id)."""
        text = value.strip().lower()
        if not 0 < len(text) <= len(_UUID_TEMPLATE):
            return False
        return all(
            char == "-" if slot == "-" else char in _HEX_DIGITS
            for char, slot in zip(text, _UUID_TEMPLATE, strict=False)
        )

    @property
    def short(self) -> str:
        """The id up to the end of its millisecond timestamp (``0190a1b2-c3d4``), to tell
        threads apart on screen. The first 8 characters alone change only every 65 seconds, so
        a thread and its fork would look the same. Any unique prefix names a thread on the
        command line, so what is shown can be typed back."""
        return str(self)[:13]

    def __repr__(self) -> str:
        return f"ThreadId({str(self)!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic_core import core_schema  # only models need it: ids stay cheap to import

        return core_schema.no_info_after_validator_function(
            cls, core_schema.str_schema(), serialization=core_schema.to_string_ser_schema()
        )
