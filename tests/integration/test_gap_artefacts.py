"""The gap map's build artefacts, and a reviewer's override changing the map."""

from __future__ import annotations

import csv
import hashlib
import json
import re

import pandas as pd
import pytest

from workbench import build
from workbench.gaps import CHANNELS
from workbench.render.gap_map import script_json
from workbench.validation import load_corpus

#: The gap map's files, made by these nodes of the dataflow.
ARTEFACTS = (
    "gap_map.html",
    "gap_map.png",
    "gap_map.csv",
    "gaps.md",
    "gaps.html",
    "gap_evidence.csv",
    "citation_support.csv",
    "coding_agreement.csv",
    "gap_agreement.csv",
)
NODES = ("gap_map_files", "gap_map_figure_files")


def write_artefacts(corpus, out):
    return build.write_artefacts(corpus, out, NODES)


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return out, write_artefacts(corpus, out)


def test_the_nodes_make_the_nine_artefacts(built):
    # gaps.html is the register's page, made with gaps.md by the same node
    out, written = built
    assert (
        sorted(p.name for p in written)
        == sorted(ARTEFACTS)
        == [
            "citation_support.csv",
            "coding_agreement.csv",
            "gap_agreement.csv",
            "gap_evidence.csv",
            "gap_map.csv",
            "gap_map.html",
            "gap_map.png",
            "gaps.html",
            "gaps.md",
        ]
    )
    assert all(p.parent == out and p.stat().st_size > 0 for p in written)


def test_gap_map_csv_is_tidy_long(built, corpus):
    out, _ = built
    frame = pd.read_csv(out / "gap_map.csv")
    assert list(frame.columns[:7]) == [
        "row_id",
        "row_label",
        "topic_id",
        "dimension",
        "evidence_count",
        "framework_count",
        "status",
    ]
    assert [c for c in frame.columns if c.startswith("count_")] == [f"count_{c}" for c in CHANNELS]
    assert len(frame) == 44 * len(corpus["codebook"])
    assert not frame.duplicated(["row_id", "topic_id"]).any()
    honour = frame[
        (frame["topic_id"] == "topic:honour_based_abuse")
        & frame["row_id"].str.startswith("standard:")
    ]
    assert set(honour["status"]) == {"absolute_gap"}


def test_gaps_markdown_states_the_rules_and_ranks_the_gaps(built):
    out, _ = built
    text = (out / "gaps.md").read_text(encoding="utf-8")
    assert "covered_min_references = 3" in text
    assert "guidelines inherit their standard's narrative evidence" in text
    assert re.search(
        r"^### 1\. Guideline \d\.\d × .+ \(absolute gap, demand without "
        r"evidence\)$",
        text,
        re.M,
    )
    assert "## Subgroup view" in text


def test_html_is_self_contained_and_offline(built):
    out, _ = built
    html = (out / "gap_map.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html and "@import" not in html
    assert html.count("<script") == 2
    data = html.split('<script type="application/json" id="gap-data">')[1].split("</script>")[0]
    assert "<" not in data and ">" not in data and "&" not in data
    payload = json.loads(data)
    assert len(payload["rows"]) == 44
    assert "innerHTML" not in html and "insertAdjacentHTML" not in html


def test_script_json_escapes_what_could_close_the_script_element():
    text = script_json({"t": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def test_png_is_byte_identical_between_builds(built, corpus, tmp_path):
    out, _ = built
    again = write_artefacts(corpus, tmp_path)
    digest = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in again}
    for name in ARTEFACTS:
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest[name], name


def test_a_rule_override_on_a_reference_no_longer_changes_the_map(tmp_root, tmp_path, built):
    """The rule coder only proposes: a reviewer's coding override that codes a reference
    behind Standard 4 with 'honour'-based abuse changes no cell, because only the curated
    evidence codes (corpus/evidence_codes.csv) decide what a cited work is about."""
    out, _ = built
    before = pd.read_csv(out / "gap_map.csv").set_index(["row_id", "topic_id"])
    overrides = tmp_root / "corpus" / "coding_overrides.csv"
    with overrides.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [
                "ref:babcock2016",
                "topic:honour_based_abuse",
                "add",
                "A reviewer reads this study as covering 'honour'-based abuse.",
                "a reviewer",
            ]
        )
    changed = tmp_path / "out"
    changed.mkdir()
    write_artefacts(load_corpus(tmp_root), changed)
    after = pd.read_csv(changed / "gap_map.csv").set_index(["row_id", "topic_id"])
    pd.testing.assert_frame_equal(before, after)


def _rows_of(corpus, standards):
    """The standards and their guidelines (the rows a standard's narrative evidence reaches)."""
    guidelines = corpus["guidelines"]
    return set(standards) | set(
        guidelines.loc[guidelines["standard_id"].isin(standards), "guideline_id"]
    )


def test_removing_one_evidence_code_changes_exactly_its_cells(tmp_root, tmp_path, built, corpus):
    """Remove the code 'Gray et al. 2020 is about LGB and/or T people'. Worked by hand: the
    work is cited in the narratives of Standard 5 (001 line 295, "Both roundtables and
    academic sources (Gray et al., 2020) concur ...") and Standard 7 (line 359, "(Gray et al.,
    2020, p. 22; ...)"), so exactly the LGB and/or T cells of those standards and of their
    guidelines change, each losing one academic reference."""
    out, _ = built
    citing = sorted(
        n.removeprefix("narrative:")
        for n, text in zip(
            corpus["narratives"]["narrative_id"], corpus["narratives"]["text"], strict=True
        )
        if "Gray et al" in text
    )
    assert citing == ["standard:5", "standard:7"]
    expected = {(row, "topic:lgbt") for row in _rows_of(corpus, citing)}
    codes = tmp_root / "corpus" / "evidence_codes.csv"
    lines = codes.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("ref:gray2020,topic:lgbt,")]
    assert len(kept) == len(lines) - 1
    codes.write_text("".join(kept), encoding="utf-8")
    changed = tmp_path / "out"
    changed.mkdir()
    write_artefacts(load_corpus(tmp_root), changed)
    before = pd.read_csv(out / "gap_map.csv").set_index(["row_id", "topic_id"])
    after = pd.read_csv(changed / "gap_map.csv").set_index(["row_id", "topic_id"])
    differs = (before != after) & ~(before.isna() & after.isna())
    assert set(differs.index[differs.any(axis=1)]) == expected
    for key in expected:
        assert after.loc[key, "count_academic"] == before.loc[key, "count_academic"] - 1


def test_a_planted_disagreement_shows_in_the_agreement_report(tmp_root, tmp_path, built):
    """Plant a disagreement: tie statement 8 (001 line 281, under Standard 5: minoritised
    perpetrators "have had less access") to behaviour change work, a topic the map shows
    covered under Standard 5. The agreement report must list that cell as a contradiction,
    with the statement's words beside the map's, and change nothing else."""
    out, _ = built
    cells = pd.read_csv(out / "gap_map.csv").set_index(["row_id", "topic_id"])
    assert cells.loc[("standard:5", "topic:behaviour_change"), "status"] == "covered"
    topics = tmp_root / "corpus" / "stated_gap_topics.csv"
    with topics.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            ["stated_gap:8", "topic:behaviour_change", "planted for a test"]
        )
    changed = tmp_path / "out"
    changed.mkdir()
    write_artefacts(load_corpus(tmp_root), changed)
    before = pd.read_csv(out / "gap_agreement.csv", dtype=str, keep_default_na=False)
    after = pd.read_csv(changed / "gap_agreement.csv", dtype=str, keep_default_na=False)
    new = after.merge(before, how="left", indicator=True)
    new = new[new["_merge"] == "left_only"]
    assert len(new) == 1 and len(after) == len(before) + 1
    row = new.iloc[0]
    assert (row["gap_id"], row["row_id"], row["topic_id"], row["status"], row["verdict"]) == (
        "stated_gap:8",
        "standard:5",
        "topic:behaviour_change",
        "covered",
        "contradicts",
    )
    assert "have had less access" in row["quote"]
    markdown = (changed / "gaps.md").read_text(encoding="utf-8")
    table = markdown.split("### Where the map contradicts a statement")[1].split("###")[0]
    planted = [
        line
        for line in table.splitlines()
        if line.startswith("| Standard 5 × Behaviour") and "have had less access" in line
    ]
    assert len(planted) == 1 and "covered" in planted[0]


def test_agreement_figures_are_those_of_the_two_tables(built, repo_root):
    """Recompute the rule coder's agreement from citation_support.csv and the curated
    evidence_codes.csv with plain sets, and compare with coding_agreement.csv."""
    out, _ = built
    with (out / "citation_support.csv").open(encoding="utf-8", newline="") as handle:
        support = list(csv.DictReader(handle))
    with (repo_root / "corpus" / "evidence_codes.csv").open(encoding="utf-8", newline="") as handle:
        curated_rows = list(csv.DictReader(handle))
    cited = {r["work_id"] for r in support if r["work_id"]}
    proposed = {
        (r["work_id"], r["topic_id"])
        for r in support
        if r["work_id"] and r["rule_proposes"] == "True"
    }
    curated = {(r["work_id"], r["topic_id"]) for r in curated_rows if r["work_id"] in cited}
    with (out / "coding_agreement.csv").open(encoding="utf-8", newline="") as handle:
        table = {r["topic_id"]: r for r in csv.DictReader(handle)}
    topics = {t for _, t in proposed | curated}
    assert topics <= set(table)
    for topic, row in table.items():
        p = {w for w, t in proposed if t == topic or topic == "all"}
        c = {w for w, t in curated if t == topic or topic == "all"}
        if topic == "all":
            p, c = proposed, curated
        tp, fp, fn = len(p & c), len(p - c), len(c - p)
        assert (int(row["tp"]), int(row["fp"]), int(row["fn"])) == (tp, fp, fn), topic
        if tp + fp:
            assert float(row["precision"]) == round(tp / (tp + fp), 3)
        if tp + fn:
            assert float(row["recall"]) == round(tp / (tp + fn), 3)
    assert table["all"]["tp"] != "0", "the rules agree with the curated codes somewhere"
    markdown = (out / "gaps.md").read_text(encoding="utf-8")
    assert "## The rule coder against the curated codes" in markdown


def test_gaps_markdown_opens_with_the_summary_and_shows_the_stated_gaps(built):
    out, _ = built
    text = (out / "gaps.md").read_text(encoding="utf-8")
    summary = text.split("## Summary")[1].split("## Rules")[0]
    for words in (
        "Least evidence",
        "What the evidence is made of",
        "The map against the report",
        "Disability",
        "‘Honour’-based abuse",
    ):
        assert words in summary, words
    assert "## The map against the report's own statements" in text
    # the report's statement on minoritised groups sits beside the map's cell, which agrees
    agreement = pd.read_csv(out / "gap_agreement.csv")
    uk = agreement[agreement["quote"].str.startswith("The knowledge and practice base here")]
    assert set(uk["row_id"]) == {"standard:5"}
    assert set(uk["verdict"]) == {"agrees"} and set(uk["status"]) == {"thin"}


def test_figure_labels_each_cell_until_the_row_limit(corpus, monkeypatch):
    from workbench.gaps import analyse_gaps
    from workbench.render import gap_map

    analysis = analyse_gaps(corpus)
    dimensions = analysis.topics["dimension"].nunique()
    labelled = gap_map.plot_gap_map(analysis).axes[0]
    standard_cells = 7 * len(analysis.topics)
    assert len(labelled.texts) >= standard_cells + dimensions
    # Standard 3 × groupwork is covered (see tests/unit/test_gaps.py); its label is the
    # status symbol over the evidence count
    groupwork = analysis.cells.set_index(["row_id", "topic_id"]).loc[
        ("standard:3", "topic:groupwork")
    ]
    label = f"✓\n{groupwork['evidence_count']}" + (
        f"+{groupwork['framework_count']}" if groupwork["framework_count"] else ""
    )
    assert label in {t.get_text() for t in labelled.texts}
    assert "◆" in {t.get_text() for t in labelled.texts}, "stated gaps are marked"
    monkeypatch.setattr(gap_map, "ANNOTATED_ROWS", 6)
    plain = gap_map.plot_gap_map(analysis).axes[0]
    assert len(plain.texts) == dimensions


def test_near_miss_citations_count_flagged_in_the_evidence_and_the_page(built):
    # The seven citations the audit finds under another year or spelling (001 lines 145, 191,
    # 235, 331, 371, 713, 733) count for the entry they name, each flagged with its finding.
    out, _ = built
    support = pd.read_csv(out / "citation_support.csv", dtype=str, keep_default_na=False)
    near = support[support["status"].isin(["year_mismatch", "name_mismatch"])].drop_duplicates(
        "occurrence_id"
    )
    assert sorted(zip(near["line"].astype(int), near["work_id"], strict=True)) == [
        (145, "ref:humphreys2020"),
        (191, "ref:holtrop2015"),
        (235, "ref:bonta2016"),
        (331, "ref:humphreys2020"),
        (371, "ref:bonta2016"),
        (713, "ref:austin2003"),
        (733, "ref:maiuro2008"),
    ]
    assert (near["finding"] != "").all()
    assert set(support.loc[support["status"] == "resolved", "finding"]) == {""}
    # of them, only Holtrop et al. (coded behaviour change and groupwork) reaches a cell: the
    # two in Appendix 1 belong to no standard, and Bonta and Humphreys carry no evidence code
    evidence = pd.read_csv(out / "gap_evidence.csv", dtype=str, keep_default_na=False)
    flagged = evidence[evidence["finding"] != ""]
    assert set(flagged["evidence_id"]) == {"ref:holtrop2015"}
    assert set(zip(flagged["row_id"], flagged["topic_id"], strict=True)) == {
        (row, topic)
        for row in ["standard:3"] + [f"guideline:3.{n}" for n in range(1, 7)]
        for topic in ("topic:behaviour_change", "topic:groupwork")
    }
    assert set(flagged["finding"]) == {"cited 2017; the reference list dates this work 2015"}
    page = (out / "gap_map.html").read_text(encoding="utf-8")
    assert (
        "[cited as “Holtrop et al., 2017”: cited 2017; the reference list dates this work"
        " 2015]" in page
    )
