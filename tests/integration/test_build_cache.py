"""Reuse between builds: a rebuild copies the files of every artefact node whose key is
unchanged from ``OUT/.cache`` and computes the others, and the output is byte for byte what
computing everything afresh gives."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from workbench.build import build_report
from workbench.cache import CACHE_DIR
from workbench.cli import main
from workbench.dataflow import artefact_nodes, dataflow
from workbench.dataflow.declared import UndeclaredTable, declared_corpus, declared_tables
from workbench.dataflow.values import is_value_keyed
from workbench.render.crosswalk_figures import heatmap_figure
from workbench.render.figures import png_bytes
from workbench.validation import load_corpus

SEARCH = {
    "search_analysis.csv",
    "search_pairs.csv",
    "search_design_audit.csv",
    "search_report.md",
    "search_report.json",
    "search_report.html",
    "search_hits_by_facet.png",
    "search_design_audit.png",
}


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def figures(folder: Path) -> set[str]:
    return {p.name for p in folder.glob("*.png")}


def test_a_rebuild_reuses_every_figure_and_changes_no_byte(repo_root, tmp_path, shipped_build):
    out = tmp_path / "out"
    shutil.copytree(shipped_build, out)
    report = build_report(repo_root, out, jobs=1)  # serial; the shipped build used two
    assert len(figures(out)) == 11
    assert report.made == []
    assert figures(out) <= set(report.reused)
    assert tree_digest(out) == tree_digest(shipped_build)


def test_an_edit_recomputes_only_what_reads_the_edited_table(tmp_root, tmp_path, shipped_build):
    out = tmp_path / "out"
    shutil.copytree(shipped_build, out)
    crosswalk = tmp_root / "corpus" / "crosswalk.csv"
    text = crosswalk.read_text(encoding="utf-8")
    row = "guideline:3.1,framework_item:csaap:2,framework:csaap,intersects_with,semantic,"
    edited = text.replace(row + "3,", row + "4,")  # one strength, within its band
    assert edited != text
    crosswalk.write_text(edited, encoding="utf-8")

    report = build_report(tmp_root, out)

    assert {
        "crosswalk_heatmap_csaap.png",
        "crosswalk.csv",
        "workbench.xlsx",
    } <= set(report.made), "they show the crosswalk's strengths"
    assert "gap_map.html" in set(report.reused) - set(report.made), (
        "the gap analysis reads no strength (an early cut-off: tests/integration/test_cutoff.py)"
    )
    assert "corpus_summary.csv" in report.made, "it counts the rows of every table"
    assert {"graph.graphml", "citation_audit.csv", "search_report.md", "references.ris"} <= set(
        report.reused
    ) - set(report.made), "no node upstream of them reads the crosswalk"
    redrawn = (out / "crosswalk_heatmap_csaap.png").read_bytes()
    assert redrawn != (shipped_build / "crosswalk_heatmap_csaap.png").read_bytes()
    fresh = png_bytes(heatmap_figure(load_corpus(tmp_root).tables, "framework:csaap"))
    assert redrawn == fresh
    before, after = (
        sorted(p.name for p in (folder / CACHE_DIR).iterdir()) for folder in (shipped_build, out)
    )
    assert len(after) == len(before) and after != before, "the stale keys are dropped"


def test_no_cache_makes_everything_afresh_and_still_keeps_it(
    repo_root, tmp_path, shipped_build, capsys
):
    out = tmp_path / "out"
    shutil.copytree(shipped_build, out)
    assert main(["build", "--root", str(repo_root), "--out", str(out)]) == 0
    assert "reused from the previous build" in capsys.readouterr().out
    nodes = ["search_files", "search_figure_files"]
    report = build_report(repo_root, out, nodes, reuse=False)
    assert report.reused == []
    assert set(report.made) == SEARCH
    for name in SEARCH:
        assert (out / name).read_bytes() == (shipped_build / name).read_bytes(), name
    assert len(list((out / CACHE_DIR).iterdir())) == len(nodes), "one entry per node"


def test_every_artefact_node_is_kept_under_a_key_of_its_own(shipped_build):
    flow = dataflow()
    cut_offs = [node for node in flow.graph.nodes.values() if is_value_keyed(node)]
    # and every early cut-off node's value key, under the key of its inputs
    assert len(list((shipped_build / CACHE_DIR).iterdir())) == len(artefact_nodes(flow)) + len(
        cut_offs
    )


def test_a_node_cannot_read_a_table_its_parameters_do_not_name(corpus):
    # the build's keys follow the parameters, so a read they leave out is refused, whether
    # hard (tables[name]), soft (tables.get) or a question (name in tables)
    tables = declared_tables(guidelines=corpus["guidelines"], narratives=None)
    assert "narratives" not in tables and tables.get("narratives") is None
    for read in (
        lambda: tables["standards"],
        lambda: tables.get("standards"),
        lambda: "standards" in tables,
    ):
        with pytest.raises(UndeclaredTable, match="'standards' is read but not a parameter"):
            read()
    view = declared_corpus(guidelines=corpus["guidelines"])
    with pytest.raises(KeyError, match="no table 'crosswalk' in the corpus"):
        view["crosswalk"]
