"""Rollout lines: ``{"timestamp": ..., "type": T, "payload": {...}}``.

See docs/architecture.md, Rollouts."""

import functools
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from core.protocol.base import WireModel
from core.protocol.events import EventMsg
from core.protocol.items import TranscriptItem
from core.protocol.session import CompactedItem, SessionMeta, TurnContextItem


class SessionMetaRecord(WireModel):
    type: Literal["session_meta"] = "session_meta"
    payload: SessionMeta


class TranscriptRecord(WireModel):
    type: Literal["transcript_item"] = "transcript_item"
    payload: TranscriptItem


class EventRecord(WireModel):
    type: Literal["event_msg"] = "event_msg"
    payload: EventMsg


class TurnContextRecord(WireModel):
    type: Literal["turn_context"] = "turn_context"
    payload: TurnContextItem


class CompactedRecord(WireModel):
    type: Literal["compacted"] = "compacted"
    payload: CompactedItem


RolloutItem = Annotated[
    SessionMetaRecord | TranscriptRecord | EventRecord | TurnContextRecord | CompactedRecord,
    Field(discriminator="type"),
]


@functools.cache
def _item_adapter() -> TypeAdapter[RolloutItem]:
    """Made on first use, not at import: reading a Codex CLI rollout, or writing one, never
    validates a line of lha's (~0.6 ms of every ``lha exec`` start)."""
    return TypeAdapter(RolloutItem)


_validate_json: Callable[[str | bytes], Any] | None = None
"""The adapter's Rust validator, called directly on the reader's hot path:
``TypeAdapter.validate_json`` adds a Python-level wrapper call per line (~10% of parsing)."""


def _line_validator() -> Callable[[str | bytes], Any]:
    global _validate_json
    _validate_json = _item_adapter().validator.validate_json
    return _validate_json


_set = object.__setattr__
_PLAIN_STAMP = re.compile(r"^[0-9A-Za-z:.+\- ]*$")


def _bare(cls: type[WireModel]) -> Any:
    """An uninitialised instance of ``cls``, filled in by the caller (see ``RolloutLine.parse``)."""
    return object.__new__(cls)


def utc_timestamp(moment: datetime | None = None) -> str:
    """``2026-11-25T12:00:00.123Z``: UTC with milliseconds, the rollout's timestamp format."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class RolloutLine(WireModel):
    """One line of a rollout file: a timestamp and a rollout item."""

    # Built when first validated or dumped: ``parse`` and ``dump_item`` (the reader's and the
    # recorder's ways) need no schema of it.
    model_config = ConfigDict(defer_build=True)

    timestamp: str
    item: RolloutItem

    @classmethod
    def parse(cls, raw: str | bytes) -> "RolloutLine":
        """Parse one line; raises ``pydantic.ValidationError`` (a ``ValueError``) when bad."""
        timestamp, item = parse_stamped_item(raw)
        line = _bare(cls)
        _set(line, "__dict__", {"timestamp": timestamp, "item": item})
        _set(line, "__pydantic_extra__", {})
        _set(line, "__pydantic_fields_set__", {"timestamp", "item"})
        _set(line, "__pydantic_private__", None)
        return line  # type: ignore[no-any-return]

    @staticmethod
    def dump_item(timestamp: str, item: RolloutItem) -> str:
        """``RolloutLine(timestamp=timestamp, item=item).dump()`` without building the line."""
        body = item.model_dump_json(exclude_none=True)
        if not _PLAIN_STAMP.match(timestamp):  # quotes, backslashes, control characters
            timestamp = json.dumps(timestamp, ensure_ascii=False)[1:-1]
        return '{"timestamp":"' + timestamp + '",' + body[1:]

    def dump(self) -> str:
        """The line's JSON text, without the newline."""
        return self.dump_item(self.timestamp, self.item)


def parse_stamped_item(raw: str | bytes) -> tuple[str, RolloutItem]:
    """One rollout line as (timestamp, item); raises ``pydantic.ValidationError`` when bad.

    This is the reader's hot path. The line is validated in one Rust pass as a rollout item, whose
    models keep unknown keys, so ``timestamp`` lands among the extras and is popped from there:
    no second model is built per line, which is what lets a 100 MB rollout load at > 100 MB/s.
    """
    item: RolloutItem = (_validate_json or _line_validator())(raw)
    extra = item.__pydantic_extra__
    timestamp = extra.pop("timestamp", None) if extra else None
    if not isinstance(timestamp, str):
        raise ValidationError.from_exception_data(
            "RolloutLine",
            [{"type": "string_type", "loc": ("timestamp",), "input": timestamp}],
        )
    return timestamp, item


def parse_rollout_item(data: object) -> RolloutItem:
    """Validate a rollout item from Python data (``{"type": ..., "payload": ...}``)."""
    return _item_adapter().validate_python(data)
