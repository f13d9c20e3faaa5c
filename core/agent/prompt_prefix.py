"""What every first request of a new thread starts with, known before any thread exists.

The embedded model's server caches the prompt it evaluated last and reuses the longest common
start. Evaluating this prefix while the user types (``core.llm.local.client.warm_up``) spares the
first turn most of its prompt. It is built by the same functions a new thread uses: the same
instructions, initial context (permissions, skills, memories, AGENTS.md, environment) and tools
in the same order (MCP and dynamic tools come after these).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from core.agent.initial_context import build_initial_context
from core.agent.skill_injection import skills_section_for
from core.agent.spawn import (
    memory_section_for_new_thread,
    new_thread_base_instructions,
    new_turn_context,
)
from core.config import Config
from core.llm.request import ModelRequest
from core.protocol.session import SessionSource
from core.skills import SkillsManager
from core.tools.router import built_in_specs


async def new_thread_prompt_prefix(
    config: Config, model: str, skills_manager: SkillsManager, source: SessionSource
) -> ModelRequest:
    turn_context = new_turn_context(config, model, None)
    skills = await asyncio.to_thread(skills_manager.skills_for_cwd, Path(config.cwd))
    context = build_initial_context(
        turn_context,
        skills_section_for(skills.skills),
        await memory_section_for_new_thread(config, source),
    )
    return ModelRequest(
        model=model,
        instructions=new_thread_base_instructions(config),
        input=list(context),
        tools=built_in_specs(),
        effort=config.model_reasoning_effort,
    )
