"""The forked console script (tests/zygote.py) behaves as the real one as far as a test sees:
exit status, stdout, stderr, a traceback, its own process, a timeout that kills it, and the
working folder and environment it is given. Each case runs the real script too and compares."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

import zygote
from conftest import copy_root

WORKBENCH = str(zygote.WORKBENCH)


def both(*args: str, **kwargs) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """Run ``workbench ARGS`` through the real console script and forked; return both."""
    kwargs = {"capture_output": True, "text": True, "timeout": 120, **kwargs}
    return subprocess.run([WORKBENCH, *args], **kwargs), zygote.run([WORKBENCH, *args], **kwargs)


def test_a_usage_error_exits_2_with_the_same_lines():
    real, forked = both("frobnicate")
    assert real.returncode == 2
    assert (forked.returncode, forked.stdout, forked.stderr) == (2, real.stdout, real.stderr)
    assert "invalid choice: 'frobnicate'" in forked.stderr


def test_success_and_invalid_input_give_the_same_status_and_output(repo_root, tmp_path):
    real, forked = both("validate", "--root", str(repo_root))
    assert real.returncode == 0 and real.stdout.startswith("corpus valid: ")
    assert (forked.returncode, forked.stdout, forked.stderr) == (0, real.stdout, real.stderr)
    root = copy_root(tmp_path / "root")
    (root / "corpus/roundtables.csv").unlink()
    real, forked = both("validate", "--root", str(root))
    assert real.returncode == 1 and "roundtables.csv" in real.stdout + real.stderr
    assert (forked.returncode, forked.stdout, forked.stderr) == (1, real.stdout, real.stderr)


def test_an_uncaught_exception_prints_its_traceback_and_exits_1(repo_root):
    """``--debug`` lets an unexpected error through as the interpreter reports it. A standard
    output that is full (``/dev/full``: every write fails with ENOSPC) is an error the
    command cannot help, and the same in both processes."""
    args = [WORKBENCH, "--debug", "validate", "--root", str(repo_root)]
    with open("/dev/full", "w") as full:
        real = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
        forked = zygote.run(args, capture_output=False, stdout=full, text=True, timeout=120)
    assert real.returncode == 1
    assert forked.returncode == 1
    for result in (real, forked):
        assert result.stderr.startswith("Traceback (most recent call last):\n")
        assert "in main\n" in result.stderr  # workbench.cli:main, the script's entry point
    last = real.stderr.splitlines()[-1]
    assert last.startswith("OSError: [Errno 28] No space left on device")
    assert forked.stderr.splitlines()[-1] == last


def test_the_command_is_its_own_process_and_a_timeout_kills_it(repo_root, tmp_path):
    done = zygote.run([WORKBENCH, "--version"], text=True)
    assert done.returncode == 0 and done.stdout.startswith("workbench ")
    assert done.pid != os.getpid()
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired) as expired:
        zygote.run(
            [WORKBENCH, "build", "--root", str(repo_root), "--out", str(tmp_path / "out")],
            text=True,
            timeout=0.5,
        )
    assert time.monotonic() - started < 10, "the build was stopped, not waited for"
    pid = expired.value.pid
    assert pid not in (os.getpid(), done.pid)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped


def test_the_working_folder_and_environment_are_the_ones_given(repo_root, tmp_path):
    real, forked = both("validate", cwd=repo_root)  # --root defaults to the working folder
    assert real.returncode == 0
    assert (forked.returncode, forked.stdout) == (0, real.stdout)
    real, forked = both("validate", cwd=tmp_path)
    assert real.returncode == 1
    assert (forked.returncode, forked.stdout, forked.stderr) == (1, real.stdout, real.stderr)
    narrow = {**os.environ, "COLUMNS": "40"}  # argparse wraps the help to the terminal width
    real, forked = both("validate", "--help", env=narrow)
    assert max(map(len, real.stdout.splitlines())) <= 40
    assert (forked.returncode, forked.stdout) == (0, real.stdout)
    wide = zygote.run(
        [WORKBENCH, "validate", "--help"], text=True, env={**narrow, "COLUMNS": "200"}
    )
    assert wide.stdout != forked.stdout
