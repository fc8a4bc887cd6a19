"""A poisoned ``OUT/.cache`` is never trusted: every entry is checked against the SHA-256 in
its manifest before reuse, and what fails is made afresh, so the output of a rebuild over a
poisoned cache is byte for byte the output of ``workbench build --no-cache``.

Each case runs through the installed console script, as a user would: a first build, a
poisoning of its cache, then a rebuild over it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import zygote
from conftest import copy_root, tree_state
from workbench.cache import CACHE_DIR, MANIFEST

WORKBENCH = Path(sys.executable).with_name("workbench")
DISCARDED = "cache: discarded {n} entries that failed verification"


def run_build(root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """``workbench build`` through the console script, forked from a pre-imported process."""
    return zygote.run(
        [str(WORKBENCH), "build", "--root", str(root), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )


def relative_state(folder: Path) -> dict[str, str]:
    """``tree_state`` of ``folder`` with paths relative to it (to compare two folders)."""
    return {
        Path(path).relative_to(folder).as_posix(): value
        for path, value in tree_state(folder).items()
    }


@pytest.fixture(scope="module")
def builds(
    tmp_path_factory: pytest.TempPathFactory, shipped_build: Path
) -> tuple[Path, Path, Path]:
    """A corpus root, a first build of it (cache filled: the session's shipped build, which
    each test copies before poisoning it) and a ``--no-cache`` build of it."""
    base = tmp_path_factory.mktemp("poison")
    root = copy_root(base / "root")
    fresh = base / "fresh"
    done = run_build(root, fresh, "--no-cache")
    assert done.returncode == 0, done.stderr
    return root, shipped_build, fresh


def entry_of(out: Path, name: str) -> Path:
    """The cache folder (key) holding the kept file ``name``."""
    (folder,) = [p.parent for p in (out / CACHE_DIR).glob(f"*/{name}")]
    return folder


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit, the length unchanged
    path.write_bytes(bytes(data))


def append_script(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("<script>alert(document.domain)</script>\n")


def symlink_to(target: Path | str) -> Callable[[Path], None]:
    def poison(path: Path) -> None:
        path.unlink()
        path.symlink_to(target)

    return poison


def fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def drop_manifest(path: Path) -> None:
    (path.parent / MANIFEST).unlink()


def garble_manifest(path: Path) -> None:
    (path.parent / MANIFEST).write_text("not a manifest\n", encoding="utf-8")


def manifest_claims_the_poison(path: Path) -> None:
    """Truncate the file and list an extra one the manifest does not vouch for."""
    truncate(path)
    (path.parent / "extra.html").write_text("<script>alert(1)</script>", encoding="utf-8")


# the cases seen: (kept file, poisoning)
CASES = {
    "truncated graph.json": ("graph.json", truncate),
    "garbled edges.csv": ("edges.csv", garble),
    "truncated crosswalk_suggestions.csv": ("crosswalk_suggestions.csv", truncate),
    "<script> in gap_map.html": ("gap_map.html", append_script),
    "symlink to /etc/passwd": ("crosswalk_suggestions.csv", symlink_to("/etc/passwd")),
}
#: more ways an entry fails, one entry each, all in one rebuild: (kept file, poisoning)
MORE = [
    ("graph.json", garble),
    ("crosswalk_suggestions.csv", garble_manifest),
    ("citation_audit.csv", drop_manifest),
    ("search_report.md", manifest_claims_the_poison),
    ("crosswalk_heatmap_csaap.png", fifo),
]


def assert_rebuild_equals_fresh(
    root: Path, out: Path, fresh: Path, discarded: int, outside: tuple[Path, ...] = ()
) -> None:
    untouched = tree_state(root, *outside)
    done = run_build(root, out)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [DISCARDED.format(n=discarded)]
    assert "Traceback" not in done.stdout + done.stderr
    assert relative_state(out) == relative_state(fresh)
    assert tree_state(root, *outside) == untouched, "nothing outside OUT changed"


@pytest.mark.parametrize("name, poison", CASES.values(), ids=list(CASES))
def test_a_poisoned_entry_is_discarded_and_made_afresh(builds, tmp_path, name, poison):
    root, first, fresh = builds
    out = tmp_path / "out"
    shutil.copytree(first, out, symlinks=True)
    poison(entry_of(out, name) / name)
    assert relative_state(out) != relative_state(fresh)
    assert_rebuild_equals_fresh(root, out, fresh, 1)


def test_every_failing_entry_is_counted_and_made_afresh(builds, tmp_path):
    root, first, fresh = builds
    out = tmp_path / "out"
    shutil.copytree(first, out, symlinks=True)
    entries = {entry_of(out, name) for name, _ in MORE}
    assert len(entries) == len(MORE), "one entry each"
    for name, poison in MORE:
        poison(entry_of(out, name) / name)
    assert_rebuild_equals_fresh(root, out, fresh, len(MORE))


def test_a_failing_entry_takes_no_other_entry_with_it(builds, tmp_path):
    # each artefact node is kept in an entry of its own (gap_map.png: the figure, its
    # record and the manifest), and no entry nests another: one poisoned entry is the one
    # discarded, and the gap map's other files are still reused
    root, first, fresh = builds
    out = tmp_path / "out"
    shutil.copytree(first, out, symlinks=True)
    (own,) = [p for p in (out / CACHE_DIR).glob("*/gap_map.png")]
    assert sorted(p.name for p in own.parent.iterdir()) == [MANIFEST, "about.json", "gap_map.png"]
    truncate(own)
    assert_rebuild_equals_fresh(root, out, fresh, 1)


def test_a_file_outside_the_tree_never_reaches_the_output(builds, tmp_path):
    root, first, fresh = builds
    out = tmp_path / "out"
    shutil.copytree(first, out, symlinks=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("row_id,topic_id\nSECRET,outside the tree\n", encoding="utf-8")
    symlink_to(secret)(entry_of(out, "crosswalk_suggestions.csv") / "crosswalk_suggestions.csv")
    assert_rebuild_equals_fresh(root, out, fresh, 1, outside=(secret,))
    assert not any(b"SECRET" in p.read_bytes() for p in out.rglob("*") if p.is_file())


def test_a_cache_folder_linked_out_of_the_tree_is_not_followed(builds, tmp_path):
    # the linked copy is a perfect one: followed, it would verify and be reused
    root, first, fresh = builds
    out = tmp_path / "out"
    shutil.copytree(first, out, symlinks=True)
    elsewhere = tmp_path / "elsewhere"
    entry = entry_of(out, "graph.json")
    shutil.move(entry, elsewhere)
    entry.symlink_to(elsewhere, target_is_directory=True)
    assert_rebuild_equals_fresh(root, out, fresh, 1, outside=(elsewhere,))


def test_a_cache_linked_out_of_the_tree_is_not_followed(builds, tmp_path):
    root, first, fresh = builds
    out = tmp_path / "out"
    shutil.copytree(first, out, symlinks=True)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / CACHE_DIR, elsewhere)
    (out / CACHE_DIR).symlink_to(elsewhere, target_is_directory=True)
    assert_rebuild_equals_fresh(root, out, fresh, 1, outside=(elsewhere,))


def test_a_sound_cache_is_reused_without_a_word(builds, tmp_path):
    root, first, fresh = builds
    out = tmp_path / "out"
    shutil.copytree(first, out, symlinks=True)
    done = run_build(root, out)
    assert done.returncode == 0 and done.stderr == ""
    assert "reused from the previous build" in done.stdout
    assert relative_state(out) == relative_state(fresh)
