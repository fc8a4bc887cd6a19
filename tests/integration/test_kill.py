"""A build stopped by a signal ends cleanly, leaves no process and no damage behind.

The build runs as the real console script on a synthetic root 10 times the corpus (written
once per module by ``workbench synth --scale 10``), in a session of its own, over an output
folder a previous build made. It is sent SIGKILL, SIGINT (to its whole process group, as
Ctrl-C does) or SIGTERM at several moments: early, when its staging folder appears, and when
its worker process is running. Then:

- SIGINT and SIGTERM end it with exit 130 or 143 and one line, no traceback, and nothing of
  the build left beside the output (staging folder, lock file);
- SIGKILL ends it at once; the next build of the same output removes what it left;
- no process of the build remains (a zombie, dead and waiting for the container's init to
  reap it, does not count);
- the previous output and the root are byte for byte as they were.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import tree_state

WORKBENCH = Path(sys.executable).with_name("workbench")


@pytest.fixture(scope="module")
def x10(tmp_path_factory, repo_root) -> Path:
    """A synthetic root 10 times the corpus: a build of it runs long enough to be stopped."""
    root = tmp_path_factory.mktemp("kill") / "x10"
    subprocess.run(
        [str(WORKBENCH), "synth", "--root", str(repo_root), "--scale", "10", "--out", str(root)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root


def processes_in_group(group: int) -> list[str]:
    """Return the living processes of process group ``group`` ("pid state command")."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended while we looked
            continue
        command, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        state, _parent, pgrp = fields.split()[:3]
        if int(pgrp) == group and state != "Z":
            found.append(f"{entry.name} {state} {command}")
    return found


def _wait_for(moment: float | str, build: subprocess.Popen, out: Path) -> None:
    """Wait until ``moment``: seconds after the start, "staging" (the staging folder
    exists) or "worker" (a process other than the build itself runs in its group)."""
    deadline = time.monotonic() + 120
    if isinstance(moment, float):
        time.sleep(moment)
        return
    while True:
        assert build.poll() is None, f"the build ended before {moment}"
        assert time.monotonic() < deadline, f"no {moment} within 120 s"
        if moment == "staging" and any(out.parent.glob(f".{out.name}.*.tmp")):
            return
        if moment == "worker" and len(processes_in_group(build.pid)) > 1:
            return
        time.sleep(0.01)


#: (signal, sent to the process or its whole group, when)
CASES = [
    ("SIGKILL", "process", 0.5),
    ("SIGKILL", "process", "worker"),
    ("SIGINT", "group", "staging"),
    ("SIGINT", "group", "worker"),
    ("SIGTERM", "process", "worker"),
    ("SIGTERM", "group", 2.0),
]


@pytest.mark.parametrize(
    ("name", "target", "moment"), CASES, ids=[f"{n}-{t}-{m}" for n, t, m in CASES]
)
def test_a_stopped_build_leaves_everything_as_it_was(
    name, target, moment, x10, repo_root, shipped_build, tmp_path
):
    out = tmp_path / "out"
    shutil.copytree(shipped_build, out, symlinks=True)
    before = tree_state(out, x10)
    build = subprocess.Popen(
        [str(WORKBENCH), "build", "--root", str(x10), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for(moment, build, out)
        assert build.poll() is None, "the build ended before it could be stopped"
        number = getattr(signal, name)
        if target == "group":
            os.killpg(build.pid, number)
        else:
            build.send_signal(number)
        stdout, stderr = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.communicate()

    assert "Traceback" not in stderr
    if name == "SIGKILL":
        assert build.returncode == -signal.SIGKILL
        assert stderr == ""
    else:
        what = "interrupted" if name == "SIGINT" else "terminated (SIGTERM)"
        assert build.returncode == 128 + number
        assert stderr.splitlines() == [f"workbench build: {what}; {out} was left as it was"]
        assert stdout == ""
    deadline = time.monotonic() + 10
    while processes_in_group(build.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_in_group(build.pid) == [], "a process of the build outlived it"
    assert tree_state(out, x10) == before

    if name != "SIGKILL":
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], (
            "the build removed its staging folder and its lock"
        )
        return
    # The next build of the same output (the shipped root, whose build it holds) cleans up.
    again = subprocess.run(
        [str(WORKBENCH), "build", "--root", str(repo_root), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert tree_state(out) == {k: v for k, v in before.items() if k.startswith(str(out))}
