"""`workbench build`: artefacts from the shipped corpus, atomic replacement, failure safety."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd

from workbench.build import build
from workbench.cache import CACHE_DIR
from workbench.cli import main
from workbench.dataflow import node_module
from workbench.outputs import MARKER


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_writes_index_and_summary(shipped_build):
    out = shipped_build
    written = [
        p.relative_to(out)
        for p in out.rglob("*")
        if p.is_file() and p.relative_to(out).parts[0] != CACHE_DIR and p.name != MARKER
    ]
    assert Path("index.html") in written
    assert len(written) > 20
    index = (out / "index.html").read_text(encoding="utf-8")
    for path in written:
        if path.name != "index.html":
            assert f'href="{path.as_posix()}"' in index, path
    summary = pd.read_csv(out / "corpus_summary.csv").set_index("table")
    assert summary.loc["guidelines", "rows"] == 37
    assert summary.loc["references.bib", "rows"] == 86
    joined = pd.read_csv(out / "standards_and_guidelines.csv")
    assert len(joined) == 37
    assert joined.loc[joined["guideline_id"] == "guideline:3.3", "standard_number"].item() == 3
    assert [p.name for p in out.parent.iterdir()] == ["build"], "no staging folder is left"


def test_failed_build_leaves_previous_output_untouched(tmp_root, tmp_path, shipped_build, capsys):
    out = tmp_path / "out"
    shutil.copytree(shipped_build, out)
    before = tree_digest(out)
    guidelines = tmp_root / "corpus/guidelines.csv"
    guidelines.write_text(
        guidelines.read_text(encoding="utf-8").replace(
            "guideline:3.3,standard:3,", "guideline:3.3,standard:9,"
        ),
        encoding="utf-8",
    )
    assert main(["build", "--root", str(tmp_root), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert "standard_id: 'standard:9' does not exist" in captured.err
    assert "was left as it was" in captured.err
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "root"]


def test_writer_failure_midway_leaves_previous_output_untouched(tmp_path, repo_root):
    out = tmp_path / "out"
    build(repo_root, out, ["corpus_summary_files"])
    before = tree_digest(out)
    failing = node_module(
        "def half_then_fail(corpus_summary_files: Artefacts) -> Artefacts:\n"
        "    raise RuntimeError('disk full')\n"
    )

    try:
        build(repo_root, out, ["corpus_summary_files", "half_then_fail"], modules=[failing])
    except RuntimeError:
        pass
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_index_links_are_relative_when_out_is_relative(tmp_path, repo_root, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = build(repo_root, Path("out"), ["corpus_summary_files"])
    assert sorted(p.as_posix() for p in written) == [
        "corpus_summary.csv",
        "datapackage.json",
        "index.html",
        "source_issues.csv",
        "standards_and_guidelines.csv",
    ]
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="corpus_summary.csv"' in index
    assert ".tmp/" not in index
