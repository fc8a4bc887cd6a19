"""The gap map's build artefacts, and a reviewer's override changing the map."""

from __future__ import annotations

import csv
import hashlib
import json
import re

import pandas as pd
import pytest

from workbench.corpus import load_corpus
from workbench.gaps import CHANNELS, write_artefacts
from workbench.render.gap_map import script_json


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return out, write_artefacts(corpus, out)


def test_writer_writes_the_four_artefacts(built):
    out, written = built
    assert sorted(p.name for p in written) == ["gap_map.csv", "gap_map.html", "gap_map.png",
                                                "gaps.md"]
    assert all(p.parent == out and p.stat().st_size > 0 for p in written)


def test_gap_map_csv_is_tidy_long(built, corpus):
    out, _ = built
    frame = pd.read_csv(out / "gap_map.csv")
    assert list(frame.columns[:7]) == ["row_id", "row_label", "topic_id", "dimension",
                                       "evidence_count", "framework_count", "status"]
    assert [c for c in frame.columns if c.startswith("count_")] == [f"count_{c}"
                                                                    for c in CHANNELS]
    assert len(frame) == 44 * len(corpus["codebook"])
    assert not frame.duplicated(["row_id", "topic_id"]).any()
    honour = frame[(frame["topic_id"] == "topic:honour_based_abuse")
                   & frame["row_id"].str.startswith("standard:")]
    assert set(honour["status"]) == {"absolute_gap"}


def test_gaps_markdown_states_the_rules_and_ranks_the_gaps(built):
    out, _ = built
    text = (out / "gaps.md").read_text(encoding="utf-8")
    assert "covered_min_references = 3" in text
    assert "guidelines inherit their standard's narrative evidence" in text
    assert re.search(r"^### 1\. Guideline \d\.\d × .+ \(absolute gap, demand without "
                     r"evidence\)$", text, re.M)
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
    for name in ("gap_map.png", "gap_map.csv", "gap_map.html", "gaps.md"):
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest[name], name


def test_an_override_changes_the_map(tmp_root, tmp_path, built):
    """A reviewer codes one reference behind Standard 4 as about 'honour'-based abuse: the
    absolute gap becomes thin, and the evidence list says the code was manual and why."""
    out, _ = built
    before = pd.read_csv(out / "gap_map.csv").set_index(["row_id", "topic_id"])
    key = ("standard:4", "topic:honour_based_abuse")
    assert before.loc[key, "status"] == "absolute_gap"
    corpus = load_corpus(tmp_root)
    from workbench.graph import build_graph

    graph = build_graph(corpus)
    cited = sorted(head for tail, head, data in graph.out_edges("narrative:standard:4", data=True)
                   if data["kind"] == "cites")
    reference = cited[0]
    reason = "A reviewer reads this study as covering 'honour'-based abuse."
    overrides = tmp_root / "corpus" / "coding_overrides.csv"
    with overrides.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [reference, "topic:honour_based_abuse", "add", reason, "a reviewer"])
    changed = tmp_path / "out"
    changed.mkdir()
    write_artefacts(load_corpus(tmp_root), changed)
    after = pd.read_csv(changed / "gap_map.csv").set_index(["row_id", "topic_id"])
    assert after.loc[key, "status"] == "thin"
    assert after.loc[key, "count_academic"] == 1
    assert after.loc[("guideline:4.4", "topic:honour_based_abuse"), "status"] == "thin"
    assert after.loc[("guideline:4.4", "topic:honour_based_abuse"), "demand_without_evidence"]
    unchanged = [k for k in before.index if k[1] != "topic:honour_based_abuse"]
    pd.testing.assert_frame_equal(before.loc[unchanged], after.loc[unchanged])
    markdown = (changed / "gaps.md").read_text(encoding="utf-8")
    assert f"manual: {reason}" not in (out / "gaps.md").read_text(encoding="utf-8")
    html = (changed / "gap_map.html").read_text(encoding="utf-8")
    assert script_json(f"manual: {reason}")[1:-1] in html
    assert "Standard 4 × ‘Honour’-based abuse (thin)" in markdown


def test_figure_labels_each_cell_until_the_row_limit(corpus, monkeypatch):
    from workbench.gaps import analyse_gaps
    from workbench.render import gap_map

    analysis = analyse_gaps(corpus)
    dimensions = analysis.topics["dimension"].nunique()
    labelled = gap_map.plot_gap_map(analysis).axes[0]
    standard_cells = 7 * len(analysis.topics)
    assert len(labelled.texts) >= standard_cells + dimensions
    assert "✓\n13" in {t.get_text() for t in labelled.texts}, "Standard 5, minoritised groups"
    monkeypatch.setattr(gap_map, "ANNOTATED_ROWS", 6)
    plain = gap_map.plot_gap_map(analysis).axes[0]
    assert len(plain.texts) == dimensions
