"""Two builds of the same root are byte-identical: CSV, JSON, GraphML, Markdown, HTML and PNG.

The two builds run in separate processes with different hash seeds, at different times, so
output that depends on the iteration order of a set or dict of strings, on the clock or on an
unseeded layout shows up as a difference. The first build is the session's shipped build
(made in the test process); the second runs through the console script with another seed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WORKBENCH = Path(sys.executable).with_name("workbench")


def other_seed() -> str:
    """A hash seed other than this process's: its PYTHONHASHSEED plus one, or 1 when it is
    random (a random hash secret is not the secret of any fixed seed)."""
    seed = os.environ.get("PYTHONHASHSEED", "random")
    return str(int(seed) + 1) if seed.isdigit() else "1"


def test_two_builds_are_byte_identical(repo_root, shipped_build, tmp_path):
    second = tmp_path / "second"
    result = subprocess.run(
        [str(WORKBENCH), "build", "--root", str(repo_root), "--out", str(second)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": other_seed()},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    outs = [shipped_build, second]
    files = [
        sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) for out in outs
    ]
    assert files[0] == files[1]
    suffixes = {Path(name).suffix for name in files[0]}
    assert {".csv", ".json", ".md", ".html", ".png"} <= suffixes, suffixes
    differing = [
        name for name in files[0] if (outs[0] / name).read_bytes() != (outs[1] / name).read_bytes()
    ]
    assert differing == [], f"these outputs differ between two builds: {differing}"
