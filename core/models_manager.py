"""``from core.models_manager import ModelsManager`` (DESIGN.md's layout); the code is in
``core.models``."""

from core.models.manager import ModelsManager

__all__ = ["ModelsManager"]
