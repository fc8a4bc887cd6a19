"""The search artefacts of `workbench build`: written, stable, robust to malformed queries."""

from __future__ import annotations

import json

import pandas as pd
from tests.faults import edit

from workbench import build
from workbench.validation import load_corpus

ARTEFACTS = {
    "search_analysis.csv",
    "search_pairs.csv",
    "search_design_audit.csv",
    "search_report.md",
    "search_report.json",
    "search_report.html",
    "search_hits_by_facet.png",
    "search_design_audit.png",
}
NODES = ("search_files", "search_figure_files")


def test_artefacts_from_a_broken_query_are_written_and_byte_stable(tmp_root, tmp_path):
    edit(
        tmp_root / "corpus" / "searches.csv",
        "“batterer treatment” AND “guidance”",
        "“batterer treatment” AND “guidance",
    )
    corpus = load_corpus(tmp_root)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    written = build.write_artefacts(corpus, first, NODES)
    assert {p.name for p in written} == ARTEFACTS
    build.write_artefacts(corpus, second, NODES)
    for name in ARTEFACTS:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name

    table = pd.read_csv(first / "search_analysis.csv", keep_default_na=False).set_index("number")
    assert len(table) == 52
    assert table.loc[40, "flags"] == "unbalanced_quotes"
    assert table.loc[40, "query"] == "“batterer treatment” AND “guidance"
    assert table.loc[47, "results"] == 53100
    report = json.loads((first / "search_report.json").read_text(encoding="utf-8"))
    assert [item["item"] for item in report["items"]] == list(range(1, 17))
    assert (first / "search_hits_by_facet.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
