"""The crosswalk through the command line: `workbench validate` rejects bad crosswalk rows with
FILE:ROW: COLUMN: lines, `workbench suggest-crosswalk` writes candidates and metrics, and
`workbench build` regenerates the crosswalk artefacts."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

import zygote
from workbench.cli import main


def _rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _validate(root: Path, capsys) -> tuple[int, str]:
    code = main(["validate", "--root", str(root)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_validate_reports_bad_crosswalk_rows(tmp_root, capsys):
    crosswalk = tmp_root / "corpus" / "crosswalk.csv"

    def break_rows(rows):
        header = rows[0]
        strength, rationale = header.index("strength"), header.index("rationale")
        reference = header.index("reference_id")
        rows[1][strength] = "0"  # intersects_with at 0
        rows[2][rationale] = "CSAAP: “not in either text”."  # misquoted
        rows[3][reference] = "framework_item:csaap:99"  # no such item

    _rewrite(crosswalk, break_rows)
    code, output = _validate(tmp_root, capsys)
    assert code == 1
    assert "Traceback" not in output
    lines = output.splitlines()
    assert (
        "corpus/crosswalk.csv:2: strength: strength 0 does not fit relation "
        "'intersects_with' (allowed: 1-8); change the strength or the relation" in lines
    )
    assert any(
        line.startswith("corpus/crosswalk.csv:3: rationale: the quoted words") for line in lines
    )
    assert any(line.startswith("corpus/crosswalk.csv:4: reference_id: ") for line in lines)


def test_validate_reports_a_pair_mapped_twice(tmp_root, capsys):
    crosswalk = tmp_root / "corpus" / "crosswalk.csv"
    _rewrite(crosswalk, lambda rows: rows.append(list(rows[1])))
    code, output = _validate(tmp_root, capsys)
    last = sum(1 for _ in crosswalk.open(encoding="utf-8"))
    assert code == 1
    assert f"corpus/crosswalk.csv:{last}: focal_id, reference_id: duplicate primary key" in output


def test_validate_reports_an_unknown_relation_from_the_schema(tmp_root, capsys):
    def break_rows(rows):
        rows[5][rows[0].index("relation")] = "overlaps"

    _rewrite(tmp_root / "corpus" / "crosswalk.csv", break_rows)
    code, output = _validate(tmp_root, capsys)
    assert code == 1
    assert (
        "corpus/crosswalk.csv:6: relation: 'overlaps' is not allowed; use one of: equal, "
        "subset_of, superset_of, intersects_with, not_related" in output
    )


def test_validate_reports_a_guideline_without_disposition(tmp_root, capsys):
    def drop(rows):
        rows[:] = [r for r in rows if r[:2] != ["guideline:4.6", "framework:welsh_vawdasv"]]

    _rewrite(tmp_root / "corpus" / "crosswalk_dispositions.csv", drop)
    code, output = _validate(tmp_root, capsys)
    assert code == 1
    assert (
        "corpus/crosswalk_dispositions.csv: guideline:4.6 is mapped against "
        "framework:welsh_vawdasv in crosswalk.csv but has no disposition" in output
    )
    assert (
        "corpus/crosswalk_dispositions.csv: guideline:4.6 has no disposition against "
        "framework:welsh_vawdasv" in output
    )


def test_suggest_crosswalk_writes_candidates_and_metrics(repo_root, tmp_path, capsys):
    out = tmp_path / "suggestions.csv"
    code = main(
        [
            "suggest-crosswalk",
            "--root",
            str(repo_root),
            "--framework",
            "framework:csaap",
            "--k",
            "2",
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    suggestions = pd.read_csv(out)
    assert set(suggestions["framework_id"]) == {"framework:csaap"}
    assert suggestions["rank"].max() == 2
    assert suggestions.groupby("focal_id").size().max() == 2
    assert "precision" in printed and "framework:csaap" in printed


def test_suggest_crosswalk_rejects_an_unknown_framework(repo_root, tmp_path):
    result = zygote.run(
        [
            str(zygote.WORKBENCH),
            "suggest-crosswalk",
            "--root",
            str(repo_root),
            "--framework",
            "framework:nope",
            "--out",
            str(tmp_path / "s.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "no framework items for 'framework:nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_build_writes_the_crosswalk_artefacts(shipped_build, corpus, tmp_path):
    names = {p.name for p in shipped_build.iterdir()}
    assert {
        "crosswalk.csv",
        "crosswalk_coverage.csv",
        "crosswalk.sssom.tsv",
        "crosswalk_carry_over.csv",
        "crosswalk_collated.csv",
        "crosswalk_suggestions.csv",
        "crosswalk_suggester_metrics.csv",
        "crosswalk_suggester_metrics.png",
        "crosswalk_heatmap_csaap.png",
        "crosswalk_heatmap_respect_4ed.png",
        "crosswalk_heatmap_welsh_vawdasv.png",
        "crosswalk_heatmap_respect_3ed_to_4ed.png",
    } <= names
    assert "crosswalk_coverage.csv" in (shipped_build / "index.html").read_text(encoding="utf-8")
    coverage = pd.read_csv(shipped_build / "crosswalk_coverage.csv")
    assert list(coverage.columns) == [
        "framework",
        "element_id",
        "label",
        "direction",
        "mapped_count",
        "disposition",
        "status",
    ]
    assert set(coverage["status"]) <= {"covered", "partial", "uncovered", "unreviewed"}
    labelled = pd.read_csv(shipped_build / "crosswalk.csv")
    assert len(labelled) == len(corpus["crosswalk"])
    assert {"focal_label", "reference_label"} <= set(labelled.columns)
    sssom = (shipped_build / "crosswalk.sssom.tsv").read_text(encoding="utf-8")
    assert sssom.startswith("# curie_map:\n")
    assert "\tskos:exactMatch\t" in sssom
    from workbench.render.crosswalk_figures import heatmap_figure
    from workbench.render.figures import png_bytes

    again = png_bytes(heatmap_figure(corpus.tables, "framework:csaap"))
    assert again == (shipped_build / "crosswalk_heatmap_csaap.png").read_bytes()
