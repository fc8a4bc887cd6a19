"""Outputs never replace a user's files: the guard, the lock and the repair of killed runs.

Every case runs the console script (forked from a pre-imported process, tests/zygote.py; the
real script, and real processes, where a lock is held or a build is killed) on a copy of the
shipped root (``tmp_root``, inside ``tmp_path``) and compares the state of the whole temporary
tree (the root, the output and everything beside them) before and after: a refused command
touches nothing, and says what it refused, why and what to do instead in one line, before doing
any work.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import faults
import zygote
from conftest import tree_state
from workbench.crosswalk_suggest import SUGGESTION_COLUMNS
from workbench.outputs import MARKER

WORKBENCH = Path(sys.executable).with_name("workbench")

#: What a refused folder output (build, synth) and a refused file output suggest instead.
FOLDER_ADVICE = "nothing was written: choose a folder of its own, e.g. --out build"
FILE_ADVICE = (
    "nothing was written: omit --out to print to standard output, or choose a file "
    "outside the corpus"
)
OLD_OUTPUT_ADVICE = (
    "nothing was written: choose another folder, or delete it yourself if it "
    "is the output of an older workbench (those left no marker)"
)


def workbench(*args: str, cwd: Path, real: bool = False) -> subprocess.CompletedProcess:
    """Run the ``workbench`` console script in ``cwd``: forked from a pre-imported process,
    or, if ``real``, the installed script itself."""
    return (subprocess.run if real else zygote.run)(
        [str(WORKBENCH), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def assert_refused(result: subprocess.CompletedProcess, line: str) -> None:
    """The command exited 1 printing exactly ``line`` (on stderr) and nothing else."""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [line], result.stderr
    assert result.stdout == ""
    assert result.returncode == 1


def _docs_with_a_file(root: Path) -> None:
    (root / "docs").mkdir()
    (root / "docs" / "faults.md").write_text("# a user's notes\n", encoding="utf-8")


def _old_build_without_marker(root: Path) -> None:
    """An output folder as workbench builds before the marker left it."""
    (root / "build").mkdir()
    (root / "build" / "index.html").write_text("<!DOCTYPE html>\n", encoding="utf-8")
    (root / "build" / "gaps.md").write_text("# Gaps\n", encoding="utf-8")


def _symlink_to_a_build(root: Path) -> None:
    """A link to a folder that a build made: even so, the link is not followed."""
    target = root.parent / "elsewhere"
    target.mkdir()
    (target / MARKER).write_text(json.dumps({"made_by": "workbench build"}), encoding="utf-8")
    (target / "index.html").write_text("kept\n", encoding="utf-8")
    (root / "out_link").symlink_to(target)


def _a_file(root: Path) -> None:
    (root / "notes.txt").write_text("a user's file\n", encoding="utf-8")


def _nothing(root: Path) -> None:
    pass


#: case -> (set-up of the copied root, the command's arguments (``{root}`` and ``{parent}``
#: stand for the root's and its parent's absolute paths), the one line it must print).
REFUSALS = {
    "build --out corpus": (
        _nothing,
        ["build", "--root", ".", "--out", "corpus"],
        f"workbench build: --out corpus is the corpus folder of --root .; outputs never go "
        f"into the corpus; {FOLDER_ADVICE}",
    ),
    "build --out corpus/sub": (
        _nothing,
        ["build", "--root", ".", "--out", "corpus/sub"],
        f"workbench build: --out corpus/sub is inside the corpus folder of --root .; outputs "
        f"never go into the corpus; {FOLDER_ADVICE}",
    ),
    "build --out $PWD (the root)": (
        _nothing,
        ["build", "--root", ".", "--out", "{root}"],
        f"workbench build: --out {{root}} is the corpus root (--root .); writing it would "
        f"replace corpus/ and references.bib; {FOLDER_ADVICE}",
    ),
    "build --out the root's parent": (
        _nothing,
        ["build", "--root", ".", "--out", "{parent}"],
        f"workbench build: --out {{parent}} holds the corpus root (--root .); writing it "
        f"would delete the corpus; {FOLDER_ADVICE}",
    ),
    "build --out docs (a file in it)": (
        _docs_with_a_file,
        ["build", "--root", ".", "--out", "docs"],
        "workbench build: --out docs is a non-empty folder that workbench build did not make "
        f"(it has no {MARKER}); {OLD_OUTPUT_ADVICE}",
    ),
    "build --out build (an older build, no marker)": (
        _old_build_without_marker,
        ["build", "--root", ".", "--out", "build"],
        "workbench build: --out build is a non-empty folder that workbench build did not make "
        f"(it has no {MARKER}); {OLD_OUTPUT_ADVICE}",
    ),
    "build --out references.bib": (
        _nothing,
        ["build", "--root", ".", "--out", "references.bib"],
        f"workbench build: --out references.bib is the bibliography of --root .; {FOLDER_ADVICE}",
    ),
    "build --out a file": (
        _a_file,
        ["build", "--root", ".", "--out", "notes.txt"],
        f"workbench build: --out notes.txt is a file, not a folder; {FOLDER_ADVICE}",
    ),
    "build --out .": (
        _nothing,
        ["build", "--root", ".", "--out", "."],
        f"workbench build: --out . names the current folder; {FOLDER_ADVICE}",
    ),
    "build --out ..": (
        _nothing,
        ["build", "--root", ".", "--out", ".."],
        f"workbench build: --out .. names a parent folder; {FOLDER_ADVICE}",
    ),
    "build --out /": (
        _nothing,
        ["build", "--root", ".", "--out", "/"],
        f"workbench build: --out / is the filesystem root; {FOLDER_ADVICE}",
    ),
    "build --out a symlink": (
        _symlink_to_a_build,
        ["build", "--root", ".", "--out", "out_link"],
        "workbench build: --out out_link is a symbolic link to {parent}/elsewhere (the link is "
        f"not followed); {FOLDER_ADVICE}",
    ),
    "build --out corpus, corpus broken (the guard comes first)": (
        faults.dangling_standard,
        ["build", "--root", ".", "--out", "corpus"],
        f"workbench build: --out corpus is the corpus folder of --root .; outputs never go "
        f"into the corpus; {FOLDER_ADVICE}",
    ),
    "synth --out .": (
        _nothing,
        ["synth", "--root", ".", "--scale", "2", "--out", "."],
        f"workbench synth: --out . names the current folder; {FOLDER_ADVICE}",
    ),
    "synth --out corpus": (
        _nothing,
        ["synth", "--root", ".", "--scale", "2", "--out", "corpus"],
        f"workbench synth: --out corpus is the corpus folder of --root .; outputs never go "
        f"into the corpus; {FOLDER_ADVICE}",
    ),
    "synth --out docs (a file in it)": (
        _docs_with_a_file,
        ["synth", "--root", ".", "--scale", "2", "--out", "docs"],
        "workbench synth: --out docs is a non-empty folder that workbench synth did not make "
        f"(it has no {MARKER}); {OLD_OUTPUT_ADVICE}",
    ),
    "suggest-crosswalk --out corpus/crosswalk.csv": (
        _nothing,
        ["suggest-crosswalk", "--root", ".", "--out", "corpus/crosswalk.csv"],
        "workbench suggest-crosswalk: --out corpus/crosswalk.csv is inside the corpus folder "
        f"of --root .; outputs never go into the corpus; {FILE_ADVICE}",
    ),
    "suggest-crosswalk --out references.bib": (
        _nothing,
        ["suggest-crosswalk", "--root", ".", "--out", "references.bib"],
        f"workbench suggest-crosswalk: --out references.bib is the bibliography of --root .; "
        f"{FILE_ADVICE}",
    ),
    "suggest-crosswalk --out a user's file": (
        _a_file,
        ["suggest-crosswalk", "--root", ".", "--out", "notes.txt"],
        "workbench suggest-crosswalk: --out notes.txt exists and is not a file workbench "
        "suggest-crosswalk wrote (its first line differs); nothing was written: choose another "
        "name, delete it yourself, or omit --out to print to standard output",
    ),
    "suggest-crosswalk --out .": (
        _nothing,
        ["suggest-crosswalk", "--root", ".", "--out", "."],
        f"workbench suggest-crosswalk: --out . names the current folder; {FILE_ADVICE}",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_refused_output_touches_nothing(case, tmp_root):
    setup, args, line = REFUSALS[case]
    setup(tmp_root)
    paths = {"root": str(tmp_root), "parent": str(tmp_root.parent)}
    before = tree_state(tmp_root.parent)
    result = workbench(*(a.format(**paths) for a in args), cwd=tmp_root)
    assert_refused(result, line.format(**paths))
    assert tree_state(tmp_root.parent) == before


def test_build_refuses_a_folder_synth_made(tmp_root):
    assert (
        workbench("synth", "--root", ".", "--scale", "1", "--out", "x1", cwd=tmp_root).returncode
        == 0
    )
    before = tree_state(tmp_root.parent)
    result = workbench("build", "--root", ".", "--out", "x1", cwd=tmp_root)
    assert_refused(
        result,
        "workbench build: --out x1 was made by workbench synth, not "
        f"workbench build; {FOLDER_ADVICE}",
    )
    assert tree_state(tmp_root.parent) == before


def test_synth_replaces_its_own_output_only(tmp_root):
    first = workbench("synth", "--root", ".", "--scale", "2", "--out", "x2", cwd=tmp_root)
    assert first.returncode == 0, first.stderr
    marker = json.loads((tmp_root / "x2" / MARKER).read_text(encoding="utf-8"))
    assert (marker["made_by"], marker["scale"], marker["state"]) == (
        "workbench synth",
        2,
        "complete",
    )
    state = tree_state(tmp_root / "x2")
    (tmp_root / "x2" / "corpus" / "standards.csv").write_text("changed\n", encoding="utf-8")
    again = workbench("synth", "--root", ".", "--scale", "2", "--out", "x2", cwd=tmp_root)
    assert again.returncode == 0, again.stderr
    assert tree_state(tmp_root / "x2") == state, "its own output is replaced, as a whole"
    assert sorted(p.name for p in tmp_root.iterdir()) == [
        "corpus",
        "references.bib",
        "sources",
        "x2",
    ]


def test_suggest_crosswalk_prints_to_standard_output_by_default(tmp_root):
    before = tree_state(tmp_root.parent)
    result = workbench(
        "suggest-crosswalk",
        "--root",
        ".",
        "--framework",
        "framework:csaap",
        "--k",
        "2",
        cwd=tmp_root,
    )
    assert result.returncode == 0, result.stderr
    assert tree_state(tmp_root.parent) == before, "no file is written by default"
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == SUGGESTION_COLUMNS
    assert {row[0] for row in rows[1:]} == {"framework:csaap"}
    said = result.stderr.splitlines()[0]
    assert said.startswith(f"wrote {len(rows) - 1} candidate rows to standard output: ")


def test_suggest_crosswalk_replaces_only_a_file_it_wrote(tmp_root, tmp_path):
    target = tmp_path / "suggestions.csv"
    args = [
        "suggest-crosswalk",
        "--root",
        ".",
        "--framework",
        "framework:csaap",
        "--k",
        "1",
        "--out",
        str(target),
    ]
    assert workbench(*args, cwd=tmp_root).returncode == 0
    header = target.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(SUGGESTION_COLUMNS)
    first = target.read_bytes()
    target.write_text(header + "\nstale,row,1,x,0,y,\n", encoding="utf-8")
    assert workbench(*args, cwd=tmp_root).returncode == 0
    assert target.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root", "suggestions.csv"], (
        "the temporary file of the atomic write is gone"
    )


# --------------------------------------------------------------------------------------
# The lock, and the repair of what killed builds left
# --------------------------------------------------------------------------------------


@pytest.fixture
def previous(tmp_root, shipped_build) -> Path:
    """An output folder a build made (a copy of the shipped build, cache included), beside
    the copied root: a rebuild of the unchanged corpus reuses its cache and takes seconds."""
    out = tmp_root.parent / "out"
    shutil.copytree(shipped_build, out, symlinks=True)
    return out


def _siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != "root")


def test_a_second_build_of_the_same_output_is_refused_at_once(tmp_root, previous):
    lock = previous.parent / ".out.lock"
    state = tree_state(tmp_root, previous)
    first = subprocess.Popen(
        [str(WORKBENCH), "build", "--root", str(tmp_root), "--out", str(previous)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not lock.exists():
            assert time.monotonic() < deadline and first.poll() is None, "no lock was taken"
            time.sleep(0.01)
        first.send_signal(signal.SIGSTOP)  # held mid-build, whatever the machine's speed
        try:
            result = workbench(
                "build", "--root", str(tmp_root), "--out", str(previous), cwd=tmp_root, real=True
            )
        finally:
            first.send_signal(signal.SIGCONT)
        assert_refused(
            result,
            f"workbench build: another workbench build is writing "
            f"{previous} (it holds {lock}, process {first.pid}); nothing was "
            "written: wait for it to finish, or choose another --out",
        )
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert "Traceback" not in err
    assert _siblings(previous) == ["out"], "the lock file goes with the build"
    assert tree_state(tmp_root, previous) == state, "the first build went on undisturbed"


#: Run the build of ``sys.argv[1:]`` and kill it (SIGKILL) right after the rename of the
#: output's swap named by WB_CRASH_AFTER ("first": OUT moved aside; "second": the new
#: output moved in, the old one not yet removed): a crash at the worst moments.
CRASHING_BUILD = """
import os, signal, sys
from workbench.cli import main
real_rename, renames = os.rename, []
def rename(source, target):
    real_rename(source, target)
    if str(target).endswith(".old/out") or renames:
        renames.append(target)
        if len(renames) == {"first": 1, "second": 2}[os.environ["WB_CRASH_AFTER"]]:
            os.kill(os.getpid(), signal.SIGKILL)
os.rename = rename
sys.exit(main(["build", *sys.argv[1:]]))
"""


def _crash(root: Path, out: Path, moment: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_BUILD, "--root", str(root), "--out", str(out)],
        env={**os.environ, "WB_CRASH_AFTER": moment},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == -9, result.stderr


def test_next_build_completes_a_swap_a_crash_interrupted(tmp_root, previous):
    state = tree_state(tmp_root, previous)
    _crash(tmp_root, previous, "first")
    assert not previous.exists(), "the crash came between the two renames"
    leftovers = {Path(n).suffix: n for n in _siblings(previous)}
    assert sorted(leftovers) == [".lock", ".old", ".tmp"], leftovers
    result = workbench("build", "--root", str(tmp_root), "--out", str(previous), cwd=tmp_root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"workbench build: an earlier run was interrupted while replacing {previous}; "
        "completed its replacement with its finished output",
        f"workbench build: removed 1 folder(s) left beside {previous} by interrupted runs: "
        f"{leftovers['.old']}",
    ]
    assert _siblings(previous) == ["out"]
    assert tree_state(tmp_root, previous) == state, "same corpus, same output, byte for byte"


def test_next_build_restores_the_output_a_crash_moved_aside(tmp_root, previous):
    state = tree_state(tmp_root, previous)
    _crash(tmp_root, previous, "first")
    staging = next(p for p in previous.parent.iterdir() if p.suffix == ".tmp")
    shutil.rmtree(staging)  # the new output is lost: only the previous one can come back
    retired = next(p.name for p in previous.parent.iterdir() if p.suffix == ".old")
    faults.dangling_standard(tmp_root)  # the next build stops at validation, after repairing
    result = workbench("build", "--root", str(tmp_root), "--out", str(previous), cwd=tmp_root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"workbench build: an earlier run was interrupted while replacing {previous}; "
        "restored the previous output",
        f"workbench build: removed 1 folder(s) left beside {previous} by interrupted runs: "
        f"{retired}",
    ], result.stderr
    assert _siblings(previous) == ["out"]
    assert tree_state(previous) == {k: v for k, v in state.items() if k.startswith(str(previous))}


def test_next_build_removes_only_the_leftovers_it_made(tmp_root, previous):
    state = tree_state(tmp_root, previous)
    _crash(tmp_root, previous, "second")  # the new output is in, the old one left aside
    retired = [p.name for p in previous.parent.iterdir() if p.suffix == ".old"]
    assert len(retired) == 1
    lookalike = previous.parent / ".out.abcdefgh.tmp"  # the pattern, but no marker: a user's
    lookalike.mkdir()
    (lookalike / "notes.txt").write_text("keep me\n", encoding="utf-8")
    other = previous.parent / ".out.ijklmnop.old"  # a marker, but another command's
    other.mkdir()
    (other / MARKER).write_text(
        json.dumps({"made_by": "workbench synth", "state": "retired"}), encoding="utf-8"
    )
    kept = tree_state(lookalike, other)
    result = workbench("build", "--root", str(tmp_root), "--out", str(previous), cwd=tmp_root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        f"workbench build: removed 1 folder(s) left beside {previous} by interrupted runs: "
        f"{retired[0]}"
    )
    assert _siblings(previous) == [".out.abcdefgh.tmp", ".out.ijklmnop.old", "out"]
    assert tree_state(lookalike, other) == kept
    assert tree_state(tmp_root, previous) == state
