"""A build says how it is getting on: one line per stage on standard error, on a terminal
or with --progress, nothing with --quiet, through the console script: forked from a
pre-imported process (tests/zygote.py), and the real script where the terminal is tested.

The stages of a first build are checked once; the quiet and terminal tests build again
over a copy of the shipped build, since what they check (where the lines go) does not
depend on what is made afresh."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import zygote
from workbench.build import stage_label
from workbench.dataflow import artefact_nodes, dataflow
from workbench.validation import load_corpus

WORKBENCH = Path(sys.executable).parent / "workbench"
ENV = {"PATH": "/usr/bin:/bin", "COLUMNS": "80"}


def test_progress_lines_name_each_stage_with_its_counts(repo_root, tmp_path):
    out = tmp_path / "out"
    result = zygote.run(
        [str(WORKBENCH), "build", "--root", str(repo_root), "--out", str(out), "--progress"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith("workbench build: ") for line in lines)
    corpus = load_corpus(repo_root)
    rows = sum(len(frame) for frame in corpus.tables.values())
    assert lines[0] == (
        f"workbench build: corpus valid: {len(corpus.tables)} tables, "
        f"{rows} rows, {len(corpus.references)} references"
    )
    files = {}
    for node in artefact_nodes(dataflow()):
        label = stage_label(node)
        found = [
            re.match(rf"workbench build: {re.escape(label)}: (\d+) files?", line) for line in lines
        ]
        found = [m for m in found if m]
        assert len(found) <= 1, label
        # a node with no files (a heat-map slot beyond the corpus's frameworks) goes unsaid
        files[label] = int(found[0][1]) if found else 0
    # the shipped corpus has 7 heat-maps (slots 00 to 06), so the last five slots are empty
    assert sorted(label for label, count in files.items() if count == 0) == [
        f"crosswalk heatmap {slot:02d}" for slot in range(7, 12)
    ]
    built = int(re.match(r"built (\d+) files into ", result.stdout)[1])
    assert sum(files.values()) + 2 == built  # and datapackage.json and index.html
    assert lines[-1] == f"workbench build: index.html: links the {built - 1} files written"
    assert built == sum(
        1
        for p in out.rglob("*")
        if p.is_file() and ".cache" not in p.relative_to(out).parts and not p.name.startswith(".")
    )


def test_quiet_prints_nothing_and_still_builds(repo_root, shipped_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(shipped_build, out, symlinks=True)
    (out / "index.html").unlink()
    (out / "gap_map.html").unlink()
    result = zygote.run(
        [str(WORKBENCH), "build", "--root", str(repo_root), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("", "")
    assert (out / "index.html").is_file() and (out / "gap_map.html").is_file()


def test_a_terminal_gets_progress_without_asking(repo_root, shipped_build, tmp_path):
    shutil.copytree(shipped_build, tmp_path / "out", symlinks=True)
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [str(WORKBENCH), "build", "--root", str(repo_root), "--out", str(tmp_path / "out")],
            stdout=subprocess.PIPE,
            stderr=terminal,
            env=ENV,
        )
        os.close(terminal)
        seen = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the build ended
                break
            if not chunk:
                break
            seen += chunk
        process.wait(timeout=600)
    finally:
        os.close(controller)
    assert process.returncode == 0
    assert b"workbench build: corpus valid: " in seen
    assert b"workbench build: gap map: " in seen


def test_quiet_and_progress_exclude_each_other(repo_root, tmp_path):
    result = zygote.run(
        [
            str(WORKBENCH),
            "build",
            "--root",
            str(repo_root),
            "--out",
            str(tmp_path / "out"),
            "--quiet",
            "--progress",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr
    assert not (tmp_path / "out").exists()
