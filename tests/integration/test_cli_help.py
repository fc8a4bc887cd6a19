"""The help of every command is plain text that fits an 80-column terminal: no reST markup
(the module docstring doubles as the help), through the real console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import build_parser

COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


def test_every_command_is_covered():
    assert {"validate", "build", "tidy", "suggest-crosswalk", "synth", "evidence", "diff"} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_plain_text_within_80_columns(command):
    script = Path(sys.executable).parent / "workbench"
    argv = [str(script), *([command] if command else []), "--help"]
    result = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("usage: workbench")
    assert "`" not in text
    assert "::" not in text
    assert [line for line in text.splitlines() if len(line) > 80] == []
