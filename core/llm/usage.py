"""Token usage as both wire APIs report it: the same shape under different names."""

from __future__ import annotations

from typing import Any

from core.protocol.events import TokenUsage


def parse_usage(raw: Any, input_name: str, output_name: str) -> TokenUsage | None:
    """Usage from ``{<in>_tokens, <out>_tokens, <in>_tokens_details, ...}``.

    Chat Completions says ``prompt``/``completion``, the Responses API ``input``/``output``.
    """
    if not isinstance(raw, dict):
        return None
    inp = int(raw.get(f"{input_name}_tokens") or 0)
    out = int(raw.get(f"{output_name}_tokens") or 0)
    in_details = raw.get(f"{input_name}_tokens_details") or {}
    out_details = raw.get(f"{output_name}_tokens_details") or {}
    return TokenUsage(
        input_tokens=inp,
        cached_input_tokens=int(in_details.get("cached_tokens") or 0),
        output_tokens=out,
        reasoning_output_tokens=int(out_details.get("reasoning_tokens") or 0),
        total_tokens=int(raw.get("total_tokens") or inp + out),
    )
