"""The existing frameworks, their items and the collated standards hold what the sources give,
verbatim, at the lines they cite."""

from __future__ import annotations

import re

import pandas as pd
import pytest

EXPECTED = {  # framework -> {kind: count}, as the sources give them
    "framework:csaap": {"criterion": 7, "sub_criterion": 4},
    "framework:respect:3ed": {"principle": 10, "section": 5},
    "framework:respect:4ed": {"principle": 7, "section": 5},
    "framework:welsh_vawdasv": {"standard": 23},
    "framework:cij_foundations": {"foundation": 2},
    "framework:vermont_values": {"value": 6},
    "framework:maiuro_eberle_2008": {"dimension": 6},
    "framework:mirabal": {"measure": 6},
    "framework:drive_call_to_action": {"element": 5},
    "framework:drive_typical_intervention": {"element": 4},
    "framework:da_act_2021_abusive": {"form": 5},
    "framework:da_act_2021_personally_connected": {"relationship": 7},
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _cited(seeds_dir, source: str, lines: str) -> str:
    text = (seeds_dir / source).read_text(encoding="utf-8").split("\n")
    parts = []
    for span in lines.split("; "):
        first, _, last = span.partition("-")
        parts += text[int(first) - 1 : int(last or first)]
    return _norm(" ".join(parts))


def test_item_counts_per_framework_and_kind(corpus):
    items = corpus["framework_items"]
    counts = {
        fw: part["kind"].value_counts().to_dict() for fw, part in items.groupby("framework_id")
    }
    assert counts == EXPECTED


def test_csaap_children_and_respect_editions(corpus):
    items = corpus["framework_items"].set_index("item_id")
    assert items.loc["framework_item:csaap:6a", "parent_id"] == "framework_item:csaap:6"
    assert items.loc["framework_item:csaap:7b", "parent_id"] == "framework_item:csaap:7"
    assert (
        items.loc["framework_item:respect:4ed:e", "label"] == "Equality, diversity and inlcusion"
    )  # the source's typo, kept
    frameworks = corpus["frameworks"].set_index("framework_id")
    assert pd.isna(frameworks.loc["framework:respect", "edition_of"])  # the work itself
    assert "12 foundations" in frameworks.loc["framework:cij_foundations", "note"]


@pytest.mark.parametrize("table", ["framework_items", "collated_standards"])
def test_labels_and_titles_stand_in_their_cited_lines(corpus, seeds_dir, table):
    frame = corpus[table]
    column = "label" if table == "framework_items" else "title"
    for record in frame.to_dict("records"):
        cited = _cited(seeds_dir, record["source"], record["lines"])
        assert _norm(record[column]) in cited, (record[column], record["lines"])
        if table == "framework_items" and record["text"]:
            assert _norm(record["text"]) in cited, record["item_id"]


def test_collated_standards_numbered_as_in_appendix_3(corpus):
    collated = corpus["collated_standards"].sort_values("number")
    assert list(collated["number"]) == list(range(1, 25))
    linked = collated.dropna(subset=["framework_id"]).set_index("number")["framework_id"]
    assert linked.to_dict() == {
        10: "framework:csaap",
        17: "framework:respect",
        24: "framework:welsh_vawdasv",
    }
    by_country = collated["country"].value_counts().to_dict()
    assert by_country["United States"] == 9
    assert by_country["Australia"] == 5
    # every inferred or unlinked value says why
    assert collated["judgement"].notna().all()
