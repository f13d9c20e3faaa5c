"""The ``initialize`` answer of ``lha acp``, built without the SDK so it can go out at once.

Importing the SDK builds a few hundred pydantic models (most of a second); an editor waits for
``initialize`` before it shows anything, so the wire guard answers it from plain data while the
SDK and the engine load in the background. This is the one home of what ``lha acp`` advertises.

Images are advertised because the model is chosen per session and can change mid-session (the
model option): a prompt with an image for a model whose catalog entry takes only text is refused
then, with a message naming the model.
"""

from __future__ import annotations

from typing import Any

PROTOCOL_VERSION = 1
"""The ACP version lha speaks (the SDK's ``acp.PROTOCOL_VERSION`` at the pinned release)."""


def initialize_result(requested_version: int, lha_version: str) -> dict[str, Any]:
    return {
        "protocolVersion": min(requested_version, PROTOCOL_VERSION),
        "agentCapabilities": {
            "loadSession": True,
            "promptCapabilities": {"image": True, "audio": False, "embeddedContext": True},
            "mcpCapabilities": {"http": True, "sse": False},
            "sessionCapabilities": {"list": {}, "fork": {}, "resume": {}},
        },
        "authMethods": [],
        "agentInfo": {"name": "lha", "title": "lha", "version": lha_version},
    }


def initialize_answer(message: dict[str, Any], lha_version: str) -> dict[str, Any] | None:
    """The JSON-RPC answer to an ``initialize`` request; None when ``message`` is not one."""
    if message.get("method") != "initialize" or "id" not in message:
        return None
    params = message.get("params")
    version = params.get("protocolVersion") if isinstance(params, dict) else None
    answer: dict[str, Any] = {"jsonrpc": "2.0", "id": message["id"]}
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version <= 65535:
        answer["error"] = {
            "code": -32602,
            "message": "Invalid params",
            "data": {"message": "initialize needs params.protocolVersion, a whole number"},
        }
    else:
        answer["result"] = initialize_result(version, lha_version)
    return answer
