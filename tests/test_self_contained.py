"""A fresh clone stands on its own: nothing the project runs reads outside it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parent.parent
# paths that climb out of the clone ("../x") or name the folder beside it ("shared")
OUTSIDE = re.compile(r"""\.\./[A-Za-z]|["']shared["']|/work/shared""")
CODE_SUFFIXES = {".py", ".yml", ".yaml", ".cfg", ".toml", ".sh", ".conf", ".js", ".html", ".json"}


def tracked_files() -> list:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / line for line in listed.splitlines()]


def test_no_code_or_config_reads_outside_the_clone():
    offenders = []
    for path in tracked_files():
        if path.name in ("Makefile", "Dockerfile") or path.suffix in CODE_SUFFIXES:
            if "datasets" in path.parts or not path.exists() or path.name == Path(__file__).name:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if OUTSIDE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_pattern_catches_the_old_ways():
    for line in (
        'ROUTING = ROOT.parent / "shared" / "facts"',
        "location: ../shared/seeds/000.txt",
        "Path(__file__).resolve().parents[2] / 'shared'",
    ):
        assert OUTSIDE.search(line), line


def test_the_clinc_copy_has_its_licence_and_citation():
    folder = ROOT / "datasets" / "clinc150"
    assert "Creative Commons Attribution 3.0" in (folder / "LICENSE").read_text()
    assert "Larson" in (folder / "README.md").read_text()
    assert (folder / "clinc150_dev.json").stat().st_size > 100_000


def test_the_readme_layout_table_names_every_top_level_folder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    folders = {
        Path(p).parts[0]
        for p in subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.splitlines()
        if "/" in p
    }
    missing = [f for f in sorted(folders) if f"`{f}/" not in table and f"`{f}`" not in table]
    assert not missing, missing


def test_the_readme_stays_a_front_door():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 200
    for page in ("evaluation", "content", "web-and-agent", "sms", "production", "benchmarks", "development"):
        assert (ROOT / "docs" / f"{page}.md").exists() and f"docs/{page}.md" in "\n".join(lines)
