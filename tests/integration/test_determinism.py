"""Two builds of the same root are byte-identical: CSV, JSON, GraphML, Markdown, HTML and PNG.

The two builds run as separate processes with different hash seeds, so output that depends on
the iteration order of a set or dict of strings, on the clock or on an unseeded layout shows
up as a difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

WORKBENCH = Path(sys.executable).with_name("workbench")


def _build(root: Path, out: Path, seed: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [str(WORKBENCH), "build", "--root", str(root), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_two_builds_are_byte_identical(repo_root, tmp_path):
    outs = [tmp_path / "first", tmp_path / "second"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_build, [repo_root] * 2, outs, ["1", "2"]))
    for result in results:
        assert result.returncode == 0, result.stderr
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
