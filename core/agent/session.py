"""One thread's mutable state: history, settings, rollout, token usage and pending answers.

The Agent's submission loop and its turn task are the only writers; both run on one event loop,
so plain attributes need no locks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.agent.turn_context import TurnContext
from core.protocol.events import PERSISTED_EVENT_TYPES, Event, EventMsg, TokenUsage, TokenUsageInfo
from core.protocol.ids import ThreadId
from core.protocol.items import TranscriptItem
from core.protocol.ops import DynamicToolResponse, ReviewDecision, UserInputItem
from core.protocol.rollout import EventRecord, RolloutItem, TranscriptRecord
from core.protocol.session import DynamicToolSpec, SessionSource
from core.tools.state import ToolsState

if TYPE_CHECKING:
    from core.auth import AuthManager
    from core.llm.client import ModelStreamer
    from core.rollout.recorder import RolloutRecorder
    from core.snapshots.recorder import FileSnapshots

log = logging.getLogger("lha.agent")


@dataclass
class Session:
    """One thread's state while it runs: its settings, history, recorder and event queue."""

    thread_id: ThreadId
    turn_context: TurnContext
    recorder: RolloutRecorder
    auth_manager: AuthManager
    base_instructions: str
    source: SessionSource
    events: asyncio.Queue[Event]
    history: list[TranscriptItem] = field(default_factory=list)
    dynamic_tools: list[DynamicToolSpec] = field(default_factory=list)
    initial_context_recorded: bool = False
    skills_section: str | None = None
    memory_section: str | None = None
    total_usage: TokenUsage = field(default_factory=TokenUsage)
    pending_dynamic: dict[str, asyncio.Future[DynamicToolResponse]] = field(default_factory=dict)
    pending_approvals: dict[str, asyncio.Future[ReviewDecision]] = field(default_factory=dict)
    context_window_of: Callable[[str], Awaitable[int | None]] | None = None
    """The context window of another model, for ``override_turn_context`` switching models."""
    takes_images_of: Callable[[str], Awaitable[bool]] | None = None
    """Whether another model takes images (``TurnContext.takes_images``), for the same switch."""
    turns_left_out: int = 0
    """Oldest turns the last request left out to fit the context (see ``prompt_fit``)."""
    skill_injector: Callable[[str], list[TranscriptItem]] | None = None
    rollout_failure_reported: bool = False
    """The user was told the rollout could not be written; shutting down does not repeat it."""
    tools: ToolsState = field(default_factory=ToolsState)
    """Approvals remembered for the session, MCP connections (see ``core.tools``)."""
    steering: list[list[UserInputItem]] = field(default_factory=list)
    """Input sent to steer the running turn (``SteerInput``), taken before its next request."""
    file_snapshots: FileSnapshots | None = None
    """The workspace's snapshots around turns (``core.snapshots``), made at the first turn."""
    _client: ModelStreamer | None = field(default=None, repr=False)
    _client_key: tuple[str, str | None] | None = field(default=None, repr=False)

    def emit(self, sub_id: str, msg: EventMsg) -> None:
        """Send an event to the client, recording it when it is worth replaying."""
        # The agent built ``msg`` itself: no need to validate it again on every token.
        self.events.put_nowait(Event.model_construct(id=sub_id, msg=msg))
        if msg.type in PERSISTED_EVENT_TYPES:
            self.recorder.record_items([EventRecord(payload=msg)])

    def record(self, items: list[TranscriptItem]) -> None:
        """Append to the rollout and to what the model sees (in that order: an item that cannot
        be recorded raises before it could poison every later request)."""
        self.recorder.record_items([TranscriptRecord(payload=item) for item in items])
        self.history.extend(items)

    def record_rollout_only(self, items: list[RolloutItem]) -> None:
        self.recorder.record_items(items)

    def seed_token_usage(self, info: TokenUsageInfo | None) -> None:
        if info is not None:
            self.total_usage = info.total_token_usage

    def token_info(self) -> TokenUsageInfo | None:
        """The running totals, or None before the provider reported any usage."""
        if self.total_usage == TokenUsage():
            return None
        return TokenUsageInfo(
            total_token_usage=self.total_usage,
            last_token_usage=TokenUsage(),
            model_context_window=self.turn_context.model_context_window,
        )

    def add_usage(self, usage: TokenUsage) -> TokenUsageInfo:
        self.total_usage = self.total_usage.plus(usage)
        return TokenUsageInfo(
            total_token_usage=self.total_usage,
            last_token_usage=usage,
            model_context_window=self.turn_context.model_context_window,
        )

    def model_client(self) -> ModelStreamer:
        """The HTTP client for this thread's provider, made at the first turn (key checked then)."""
        from core.auth import resolve_api_key
        from core.llm.client import new_model_client

        provider = self.turn_context.provider
        api_key = resolve_api_key(provider, self.auth_manager)
        key = (provider.base_url, api_key)
        if self._client is None or self._client_key != key:
            self._client = new_model_client(provider, api_key)
            self._client_key = key
        return self._client

    def api_key_in_use(self) -> str | None:
        """The key of the current model client, so error text can be scrubbed of it."""
        return self._client_key[1] if self._client_key is not None else None

    async def close(self) -> None:
        for dynamic in self.pending_dynamic.values():
            dynamic.cancel()
        for approval in self.pending_approvals.values():
            approval.cancel()
        await self.tools.aclose()
        if self._client is not None:
            await self._client.aclose()
            self._client = None
