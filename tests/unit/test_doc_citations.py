"""The code cites only documents the repository holds, and only sections they have."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
CITATION = re.compile(r"docs/architecture\.md,\s+([^).:;\"]+)")
ABSENT = re.compile(r"DESIGN\.md|codex-notes|\bthe seed\b|\bseed's\b", re.IGNORECASE)


def _sources() -> list[Path]:
    here = Path(__file__).resolve()
    return [
        path
        for folder in ("core", "tui", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if path.resolve() != here
    ]


def test_no_citation_of_documents_the_repository_does_not_hold() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ABSENT.search(line)
    ]
    assert offenders == []


def test_every_cited_section_of_the_architecture_exists() -> None:
    headings = {
        line.lstrip("#").strip()
        for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }
    cited = {
        " ".join(match.group(1).split()): path.relative_to(ROOT)
        for path in _sources()
        for match in CITATION.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(cited) >= 5, "the pattern still finds the citations"
    assert {section: str(path) for section, path in cited.items() if section not in headings} == {}
