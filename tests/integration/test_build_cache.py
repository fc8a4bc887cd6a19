"""Reuse between builds: a rebuild copies unchanged figures from ``OUT/.cache`` and redraws
only what an edit changed, and the output is byte-for-byte what drawing afresh gives."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest

from workbench import citations, gaps, graph
from workbench.build import build_report
from workbench.cache import CACHE_DIR
from workbench.cli import main
from workbench.corpus import load_corpus
from workbench.render.crosswalk_figures import heatmap_figure
from workbench.render.figures import save_png
from workbench.search import ARTEFACTS as SEARCH_ARTEFACTS
from workbench.search import write_artefacts as write_search_analysis


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def figures(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*.png")}


def test_a_rebuild_reuses_every_figure_and_changes_no_byte(repo_root, tmp_path, shipped_build):
    out = tmp_path / "out"
    shutil.copytree(shipped_build, out)
    report = build_report(repo_root, out, jobs=1)  # serial; the shipped build used the lanes
    assert len(figures(out)) == 11
    assert report.made == []
    assert figures(out) <= set(report.reused)
    assert tree_digest(out) == tree_digest(shipped_build)


def test_an_edit_redraws_only_the_figure_it_changes(tmp_root, tmp_path, shipped_build):
    out = tmp_path / "out"
    shutil.copytree(shipped_build, out)
    crosswalk = tmp_root / "corpus" / "crosswalk.csv"
    text = crosswalk.read_text(encoding="utf-8")
    row = "guideline:3.1,framework_item:csaap:2,framework:csaap,intersects_with,semantic,"
    edited = text.replace(row + "3,", row + "4,")  # one strength, within its band
    assert edited != text
    crosswalk.write_text(edited, encoding="utf-8")

    report = build_report(tmp_root, out)

    assert [name for name in report.made if name.endswith(".png")] == [
        "crosswalk_heatmap_csaap.png"]
    assert "crosswalk_heatmap_welsh_vawdasv.png" in report.reused
    assert "crosswalk_suggestions.csv" in report.reused, "a strength is not what it reads"
    assert {"graph.graphml", "citation_audit.csv"} <= set(report.reused), "nor what they read"
    assert "gap_map.html" in report.made, "the gap map reads the crosswalk"
    redrawn = (out / "crosswalk_heatmap_csaap.png").read_bytes()
    assert redrawn != (shipped_build / "crosswalk_heatmap_csaap.png").read_bytes()
    fresh = save_png(heatmap_figure(load_corpus(tmp_root).tables, "framework:csaap"),
                     tmp_path / "fresh.png")
    assert redrawn == fresh.read_bytes()
    before, after = (sorted(p.name for p in (folder / CACHE_DIR).iterdir())
                     for folder in (shipped_build, out))
    assert len(after) == len(before) and after != before, "the stale key is dropped"


def test_no_cache_makes_everything_afresh_and_still_keeps_it(repo_root, tmp_path,
                                                             shipped_build, capsys):
    out = tmp_path / "out"
    shutil.copytree(shipped_build, out)
    assert main(["build", "--root", str(repo_root), "--out", str(out)]) == 0
    assert "reused from the previous build" in capsys.readouterr().out
    report = build_report(repo_root, out, writers=(write_search_analysis,), reuse=False)
    assert report.reused == []
    assert set(report.made) == set(SEARCH_ARTEFACTS)
    for name in SEARCH_ARTEFACTS:
        assert (out / name).read_bytes() == (shipped_build / name).read_bytes(), name
    # kept: the search artefacts as a whole, and each figure on its own (reused when a
    # change to the searches leaves a figure's data as it was)
    assert len(list((out / CACHE_DIR).iterdir())) == 3


@pytest.mark.parametrize("writer, reads", [
    (graph.write_artefacts, graph.GRAPH_READS),
    (citations.write_artefacts, citations.CITATION_READS),
    (gaps.write_artefacts, gaps.GAP_READS),
], ids=["graph", "citations", "gaps"])
def test_a_writer_needs_no_table_its_cache_key_leaves_out(corpus, tmp_path, writer, reads):
    # a build reuses these writers' files while the tables they declare are unchanged: they
    # must write the same bytes from those tables alone (a missing one would raise)
    alone = dataclasses.replace(corpus, tables={name: corpus.tables[name] for name in reads},
                                digests={})
    outs = [tmp_path / "whole", tmp_path / "alone"]
    for out, which in zip(outs, (corpus, alone), strict=True):
        out.mkdir()
        writer(which, out)
    assert tree_digest(outs[0]) == tree_digest(outs[1])
    assert len(tree_digest(outs[0])) >= 2
