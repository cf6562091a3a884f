"""`make format` on the code as committed changes nothing and leaves it passing `make lint`: it once ran ruff's
formatter, which rewrote nearly every file into another layout and left lines that lint refuses."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

FOLDERS = ("pipelines", "dashboard", "tests", "benchmarks")


def _texts(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for folder in FOLDERS for p in (root / folder).rglob("*.py")}


def test_make_format_leaves_the_committed_code_as_it_is_and_lint_passes(tmp_path):
    copy = tmp_path / "code"
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, copy / name)
    venv = Path(sys.executable).parent.parent
    stamp = tmp_path / "installed-stamp"  # set up already: make installs nothing
    stamp.touch()
    before = _texts(copy)
    for target in ("format", "lint"):
        done = subprocess.run(["make", "-s", target, f"VENV={venv}", f"STAMP={stamp}"], cwd=copy,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    changed = [name for name, text in _texts(copy).items() if before.get(name) != text]
    assert not changed, f"make format changed {len(changed)} file(s), such as {changed[:3]}"
