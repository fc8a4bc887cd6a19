"""The command line as a pipeline stage: a reader that closes the pipe early (``| head``)
ends the command quietly, and ``--version`` prints the installed version."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

WORKBENCH = Path(sys.executable).with_name("workbench")


@pytest.mark.parametrize(
    "args",
    [
        ["evidence", "guideline:3.3"],
        ["validate"],
        ["suggest-crosswalk", "--framework", "framework:csaap"],
    ],
    ids=["evidence", "validate", "suggest-crosswalk"],
)
def test_a_closed_pipe_ends_the_command_quietly(args, repo_root):
    # The reading end is closed before the command writes a byte, as `| head -0` does at
    # once and `| head -1` after its first line: every write meets a closed pipe.
    process = subprocess.Popen(
        [str(WORKBENCH), *args, "--root", str(repo_root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(timeout=300)
    assert stderr == ""
    assert process.returncode == 0


def test_a_closed_pipe_on_the_shell(repo_root):
    result = subprocess.run(
        [
            "bash",
            "-c",
            'set -o pipefail; "$0" evidence guideline:3.3 --root "$1" | head -1',
            str(WORKBENCH),
            str(repo_root),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.count("\n") == 1


def test_version_is_the_installed_one(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    result = subprocess.run(
        [str(WORKBENCH), "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout == f"workbench {project['project']['version']}\n"
    assert result.stderr == ""
