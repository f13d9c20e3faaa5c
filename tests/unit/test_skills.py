"""Skill discovery, front matter, precedence, caching and $mentions, on real files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.skills import (
    SkillReadError,
    SkillScope,
    SkillsManager,
    find_mentioned_skills,
    render_skills_section,
    skill_injection_text,
)
from core.skills.frontmatter import FrontMatterError, parse_front_matter


def write_skill(root: Path, folder: str, name: str, description: str, body: str = "") -> Path:
    path = root / folder / "SKILL.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\nname: {name}\ndescription: {description}\n---\n{body}")
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    return repo


def test_repo_skill_wins_over_user_skill(home: Path, repo: Path) -> None:
    write_skill(home / "skills", "deploy", "deploy", "user version")
    write_skill(home / "skills", "lint", "lint", "user lint")
    write_skill(repo / ".lha" / "skills", "deploy", "deploy", "repo version")
    outcome = SkillsManager(home).skills_for_cwd(repo)
    assert outcome.errors == []
    assert [(s.name, s.description, s.scope) for s in outcome.skills] == [
        ("deploy", "repo version", SkillScope.REPO),
        ("lint", "user lint", SkillScope.USER),
    ]


def test_repo_roots_walk_up_to_the_git_root(home: Path, repo: Path, tmp_path: Path) -> None:
    write_skill(repo / ".lha" / "skills", "a", "top", "from the repo root")
    write_skill(repo / "pkg" / ".lha" / "skills", "a", "near", "from pkg")
    write_skill(repo / "pkg" / ".lha" / "skills", "b", "top", "nearer wins")
    write_skill(tmp_path / ".lha" / "skills", "c", "outside", "above the git root")
    cwd = repo / "pkg" / "sub"
    cwd.mkdir(parents=True)
    outcome = SkillsManager(home).skills_for_cwd(cwd)
    assert {s.name: s.description for s in outcome.skills} == {
        "near": "from pkg",
        "top": "nearer wins",
    }


def test_outside_git_only_cwd_is_searched(home: Path, tmp_path: Path) -> None:
    write_skill(tmp_path / ".lha" / "skills", "x", "parent", "not searched")
    cwd = tmp_path / "work"
    write_skill(cwd / ".lha" / "skills", "x", "here", "searched")
    assert [s.name for s in SkillsManager(home).skills_for_cwd(cwd).skills] == ["here"]


def test_sorted_by_name_and_nested_folders_found(home: Path, tmp_path: Path) -> None:
    root = home / "skills"
    write_skill(root, "z", "zeta", "z")
    write_skill(root, "group/deeper", "alpha", "a")
    outcome = SkillsManager(home).skills_for_cwd(tmp_path)
    assert [s.name for s in outcome.skills] == ["alpha", "zeta"]
    assert outcome.skills[0].path == (root / "group/deeper/SKILL.md").resolve()


def test_hidden_folders_and_symlinks_are_skipped(home: Path, tmp_path: Path) -> None:
    root = home / "skills"
    write_skill(root, ".system/hidden", "hidden", "h")
    elsewhere = write_skill(tmp_path / "elsewhere", "s", "linked", "l")
    os.symlink(elsewhere.parent, root / "linked-dir")
    (root / "file-link").mkdir(parents=True)
    os.symlink(elsewhere, root / "file-link" / "SKILL.md")
    write_skill(root, "real", "real", "r")
    outcome = SkillsManager(home).skills_for_cwd(tmp_path)
    assert [s.name for s in outcome.skills] == ["real"]
    assert outcome.errors == []


def test_limits_and_missing_fields_are_collected(home: Path, tmp_path: Path) -> None:
    root = home / "skills"
    write_skill(root, "long-name", "n" * 65, "d")
    write_skill(root, "long-desc", "ok-name", "d" * 1025)
    write_skill(root, "max", "m" * 64, "d" * 1024)
    (root / "no-front").mkdir(parents=True)
    (root / "no-front" / "SKILL.md").write_text("# Just markdown\n")
    (root / "no-desc").mkdir()
    (root / "no-desc" / "SKILL.md").write_text("---\nname: x\n---\nbody\n")
    (root / "short").mkdir()
    (root / "short" / "SKILL.md").write_text(
        "---\nname: s\ndescription: d\nmetadata:\n  short-description: " + "x" * 501 + "\n---\n"
    )
    outcome = SkillsManager(home).skills_for_cwd(tmp_path)
    assert [s.name for s in outcome.skills] == ["m" * 64]
    errors = {e.path.parent.name: e.message for e in outcome.errors}
    assert "limit is 64" in errors["long-name"]
    assert "limit is 1024" in errors["long-desc"]
    assert errors["no-front"] == "missing YAML front matter delimited by ---"
    assert errors["no-desc"] == "missing field `description`"
    assert "limit is 500" in errors["short"]
    assert all(str(e).startswith(str(e.path)) for e in outcome.errors)


def test_front_matter_forms() -> None:
    front = parse_front_matter(
        "---\n"
        "# a comment\n"
        'name: "quoted name"\n'
        "description: >\n"
        "  folded over\n"
        "  two lines\n"
        "metadata:\n"
        "  short-description: 'short   one'\n"
        "  owner: me\n"
        "---\n"
        "Body line\n"
    )
    assert front.fields == {"name": "quoted name", "description": "folded over two lines"}
    assert front.nested == {"metadata": {"short-description": "short one", "owner": "me"}}
    assert front.body == "Body line"
    with pytest.raises(FrontMatterError):
        parse_front_matter("---\nname: x\n")  # never closed
    with pytest.raises(FrontMatterError):
        parse_front_matter("---\n---\n")


def test_short_description_aliases(home: Path, tmp_path: Path) -> None:
    path = home / "skills" / "s" / "SKILL.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\nname: s\ndescription: d\nmetadata:\n  shortDescription: tiny\n---\n")
    skill = SkillsManager(home).skills_for_cwd(tmp_path).skills[0]
    assert skill.short_description == "tiny"


def test_cached_per_cwd_until_reload(home: Path, tmp_path: Path) -> None:
    manager = SkillsManager(home)
    write_skill(home / "skills", "a", "a", "first")
    first = manager.skills_for_cwd(tmp_path)
    write_skill(home / "skills", "b", "b", "second")
    assert manager.skills_for_cwd(tmp_path) is first
    assert [s.name for s in manager.skills_for_cwd(tmp_path, force_reload=True).skills] == [
        "a",
        "b",
    ]
    write_skill(home / "skills", "c", "c", "third")
    manager.clear_cache()
    assert len(manager.skills_for_cwd(tmp_path).skills) == 3


def test_mentions_and_injection(home: Path, tmp_path: Path) -> None:
    write_skill(home / "skills", "deploy", "deploy-app", "Deploys.", body="Step 1\nStep 2\n")
    write_skill(home / "skills", "lint", "Lint", "Lints.")
    skills = SkillsManager(home).skills_for_cwd(tmp_path).skills
    mentioned = find_mentioned_skills(
        "use $deploy-app, then $lint. Not $HOME or a$deploy-app; again $deploy-app", skills
    )
    assert [s.name for s in mentioned] == ["deploy-app", "Lint"]
    deploy = mentioned[0]
    assert skill_injection_text(deploy) == (
        f"<skill>\n<name>deploy-app</name>\n<path>{deploy.path}</path>\nStep 1\nStep 2\n</skill>"
    )
    deploy.path.unlink()
    with pytest.raises(SkillReadError, match="deploy-app"):
        skill_injection_text(deploy)


def test_render_section(home: Path, tmp_path: Path) -> None:
    assert render_skills_section([]) == ""
    write_skill(home / "skills", "deploy", "deploy", "Deploys the app.")
    skills = SkillsManager(home).skills_for_cwd(tmp_path).skills
    section = render_skills_section(skills)
    assert section.startswith("## Skills\n")
    assert f"- deploy: Deploys the app. (file: {skills[0].path})" in section
