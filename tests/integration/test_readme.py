"""Every command the README shows runs: each `workbench` line of its shell blocks goes
through the real console script, in document order, in a copy of the shipped root that
holds a build (as after `make run`) and the copy `build-before` the README makes; every
`make` target it names exists."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, copy_root

README = REPO_ROOT / "README.md"
#: Arguments that stand for a value the reader supplies: such a line is a pattern, not a call.
PLACEHOLDERS = {"OLD", "NEW", "DIR", "ID", "N", "FILE", "COMMAND"}


def shell_lines() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    lines = []
    for block in re.findall(r"^ *```sh\n(.*?)^ *```", text, re.M | re.S):
        for line in block.splitlines():
            argv = shlex.split(line, comments=True)
            if argv:
                lines.append(argv)
    return lines


def test_every_make_target_the_readme_names_exists():
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    named = set(re.findall(r"`make ([a-z-]+)`", README.read_text(encoding="utf-8")))
    named |= {argv[1] for argv in shell_lines() if argv[0] == "make" and len(argv) > 1}
    assert named and named <= targets, named - targets


def test_every_workbench_command_of_the_readme_runs(shipped_build, tmp_path):
    root = copy_root(tmp_path / "root")  # with the shipped sources/
    shutil.copytree(shipped_build, root / "build")
    shutil.copytree(shipped_build, root / "build-before")  # `cp -r build build-before`
    script = Path(sys.executable).parent / "workbench"
    ran, patterns = [], []
    for argv in shell_lines():
        if argv[0] not in ("workbench", ".venv/bin/workbench"):
            continue
        if PLACEHOLDERS & set(argv):
            patterns.append(argv)
            continue
        result = subprocess.run(
            [str(script), *argv[1:]],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 0, (argv, result.stderr)
        assert "Traceback" not in result.stderr
        ran.append(argv[1])
    # the reference block and the first ten minutes: each command at least once
    assert {"validate", "build", "tidy", "synth", "evidence", "suggest-crosswalk", "diff"} <= set(
        ran
    )
    assert [argv[1] for argv in patterns] == ["diff"]  # diff OLD NEW --out DIR, run above too
