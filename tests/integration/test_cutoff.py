"""Early cut-off in a real build: a reviewer's edit to ``corpus/crosswalk.csv`` remakes the
files that show what was edited and reuses the others, and the rebuilt output is byte for
byte a build of the edited root with nothing reused."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pandas as pd

from workbench.build import build_report
from workbench.cache import CACHE_DIR
from workbench.dataflow import artefact_nodes, dataflow
from workbench.dataflow.values import is_value_keyed

#: What the suggester makes (it reads the crosswalk's pairs and relations, nothing else).
SUGGESTER = {
    "crosswalk_suggestions.csv",
    "crosswalk_suggester_metrics.csv",
    "crosswalk_suggester_metrics.png",
}
#: What the crosswalk node makes: the curated rows themselves, rationale and strength shown.
CROSSWALK = {
    "crosswalk.csv",
    "crosswalk_coverage.csv",
    "crosswalk_carry_over.csv",
    "crosswalk_collated.csv",
    "crosswalk.sssom.tsv",
}
#: The row edited: CSAAP criterion 2 against guideline 3.1 (``corpus/crosswalk.csv``).
FOCAL, REFERENCE = "guideline:3.1", "framework_item:csaap:2"


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def edit_row(root: Path, **values: str) -> None:
    """Set ``values`` in the crosswalk row FOCAL → REFERENCE, rewriting the file with pandas
    as every other row was (the csv module's quoting), so that only that row changes."""
    path = root / "corpus" / "crosswalk.csv"
    before = path.read_text(encoding="utf-8").splitlines()
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = (frame["focal_id"] == FOCAL) & (frame["reference_id"] == REFERENCE)
    assert row.sum() == 1
    for column, value in values.items():
        frame.loc[row, column] = value
    frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    after = path.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 1, "one row edited"


def row_of(root: Path, column: str) -> str:
    frame = pd.read_csv(root / "corpus" / "crosswalk.csv", dtype=str, keep_default_na=False)
    return frame.loc[
        (frame["focal_id"] == FOCAL) & (frame["reference_id"] == REFERENCE), column
    ].item()


def rebuild_and_fresh(root: Path, tmp_path: Path, shipped_build: Path):
    """Rebuild over a copy of the shipped build, and build the same root with nothing reused;
    return the report of the rebuild and both output folders."""
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    shutil.copytree(shipped_build, out)
    report = build_report(root, out)
    build_report(root, fresh, reuse=False)
    return report, out, fresh


def test_a_reworded_rationale_reuses_the_suggestions_and_every_figure(
    tmp_root, tmp_path, shipped_build
):
    rationale = row_of(tmp_root, "rationale") + " The criterion names desistance outright."
    edit_row(tmp_root, rationale=rationale)

    report, out, fresh = rebuild_and_fresh(tmp_root, tmp_path, shipped_build)

    made, reused = set(report.made), set(report.reused)
    assert SUGGESTER <= reused - made, "the suggester reads no rationale"
    heatmaps = {p.name for p in shipped_build.glob("crosswalk_heatmap_*.png")}
    assert len(heatmaps) == 7 and heatmaps <= reused - made, "no heat-map shows a rationale"
    assert not {name for name in made if name.endswith(".png")}, "no figure shows a rationale"
    assert CROSSWALK <= made, "the crosswalk's own files show the rationale"
    assert rationale in (out / "crosswalk.csv").read_text(encoding="utf-8")
    # the gap analysis reads rationales (a framework link's sentence), so its pages are made
    # again; its figure draws the cells alone, which no rationale changes
    assert "gap_map.html" in made and "gap_map.png" in reused - made
    assert tree(out) == tree(fresh), "reuse changed no byte, the cache included"


def test_a_corrected_strength_redraws_only_its_frameworks_heatmap(
    tmp_root, tmp_path, shipped_build
):
    assert row_of(tmp_root, "strength") == "3"
    edit_row(tmp_root, strength="4")  # intersects_with: a strength of 1 to 9 is in band

    report, out, fresh = rebuild_and_fresh(tmp_root, tmp_path, shipped_build)

    made, reused = set(report.made), set(report.reused)
    assert {name for name in made if name.endswith(".png")} == {"crosswalk_heatmap_csaap.png"}
    others = {p.name for p in shipped_build.glob("crosswalk_heatmap_*.png")} - {
        "crosswalk_heatmap_csaap.png"
    }
    assert len(others) == 6 and others <= reused, "the other frameworks' heat-maps"
    assert SUGGESTER <= reused - made, "the suggester reads no strength"
    assert {"gap_map.html", "gap_map.png", "gaps.md"} <= reused - made, "nor does the gap map"
    assert {"crosswalk.csv", "crosswalk.sssom.tsv", "workbench.xlsx"} <= made, "they show it"
    redrawn = (out / "crosswalk_heatmap_csaap.png").read_bytes()
    assert redrawn != (shipped_build / "crosswalk_heatmap_csaap.png").read_bytes()
    assert tree(out) == tree(fresh), "reuse changed no byte, the cache included"


def test_the_cache_keeps_every_artefact_node_and_the_value_key_of_every_cut_off(shipped_build):
    flow = dataflow()
    cut_offs = [name for name, node in flow.graph.nodes.items() if is_value_keyed(node)]
    assert {"suggester_tables", "gap_crosswalk", "gap_map_grid", "crosswalk_heatmap_00"} <= set(
        cut_offs
    )
    entries = list((shipped_build / CACHE_DIR).iterdir())
    assert len(entries) == len(artefact_nodes(flow)) + len(cut_offs)


def test_a_first_build_computes_each_cut_off_once_where_the_artefacts_need_it(
    tmp_root, tmp_path, shipped_build, monkeypatch
):
    """With nothing to reuse, the keys compute no cut-off value ahead of the run: each value
    is computed once, by the run (in the parent before the worker forks when it reads only
    results both processes need, else where its artefacts are made), its digest comes back
    from the run, and the keys it gives are those a build with a cache works out before the
    run."""
    import workbench.build

    def ahead(*arguments):
        raise AssertionError("a cut-off value was computed ahead of the artefacts")

    monkeypatch.setattr(workbench.build, "_compute", ahead)
    out = tmp_path / "first"
    report = build_report(tmp_root, out)
    assert report.reused == [] and report.made
    monkeypatch.undo()
    again = build_report(tmp_root, out)
    assert again.made == [], "every key of the first build is found again"
    assert tree(out / CACHE_DIR) == tree(shipped_build / CACHE_DIR)
