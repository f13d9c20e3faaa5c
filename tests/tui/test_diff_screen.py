"""The ``/diff`` screen alone, over diffs real ``git`` made in a shadow repository: how it
looks (a snapshot), and what its keys step through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.snapshots.store import shadow_repo_for
from tests.tui.modal_host import ModalHost, settle
from tui.screens.diff_view import DiffScreen, DiffSource

SIZE = (100, 30)


def real_diffs(tmp_path: Path) -> dict[int | None, str]:
    """Two turns' diffs and the whole thread's, from a shadow repository over a folder."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "birds.py").write_text("def count(herons):\n    return len(herons)\n\n\nLIMIT = 10\n")
    (work / "notes.md").write_text("# Survey\n\n- herons: 3\n")
    repo = shadow_repo_for(tmp_path / "home", work)
    first = repo.snapshot()
    (work / "birds.py").write_text(
        'def count(herons, egrets=()):\n    """Every wader seen."""\n'
        "    return len(herons) + len(egrets)\n\n\nLIMIT = 10\n"
    )
    second = repo.snapshot()
    (work / "notes.md").unlink()
    (work / "README.md").write_text("Counting waders.\n")
    third = repo.snapshot()
    return {
        0: repo.unified_diff(first, second),
        1: repo.unified_diff(second, third),
        None: repo.unified_diff(first, third),
    }


def host(diffs: dict[int | None, str]) -> ModalHost:
    async def load(turn: int | None) -> str:
        return diffs[turn]

    return ModalHost(lambda: DiffScreen(DiffSource([0, 1], load)))


def test_snapshot_diff_screen(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(host(real_diffs(tmp_path)), terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize(
    ("keys", "turn", "expected"),
    [
        ((), 1, "+Counting waders."),
        (("[",), 0, '+    """Every wader seen."""'),
        (("[", "]"), 1, "-- herons: 3"),
        (("a",), None, "+    return len(herons) + len(egrets)"),
        (("a", "a"), 1, "+Counting waders."),
    ],
)
async def test_keys_step_between_turns_and_the_whole_thread(
    tmp_path: Path, keys: tuple[str, ...], turn: int | None, expected: str
) -> None:
    app = host(real_diffs(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiffScreen)
        assert screen.turn == turn
        assert expected in (screen.shown or "").splitlines()
        await pilot.press("escape")
        assert app.results == [None]
