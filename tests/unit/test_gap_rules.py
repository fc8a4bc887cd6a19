"""The gap map's rules on a hand-made grid of two rows and two topics.

Every count and status below is worked out by hand from the few evidence rows written here;
tests/unit/test_gaps.py checks the same rules on the shipped corpus.
"""

from __future__ import annotations

import pandas as pd

from workbench.gaps import DEFAULT_THRESHOLDS, GapThresholds, gap_map, status_note

ROWS = pd.DataFrame(
    {
        "row_id": ["standard:1", "guideline:1.1"],
        "row_label": ["Standard 1", "Guideline 1.1"],
        "level": ["standard", "guideline"],
        "standard_id": ["standard:1", "standard:1"],
        "order": [0, 1],
    }
)
TOPICS = pd.DataFrame(
    {
        "topic_id": ["topic:a", "topic:b"],
        "label": ["A", "B"],
        "dimension": ["population", "population"],
        "order": [0, 1],
    }
)
COLUMNS = ["row_id", "topic_id", "channel", "evidence_id", "country", "design"]
EVIDENCE = pd.DataFrame(
    [
        # Standard 1 on A: three distinct works (ref:x twice, from two sentences), one
        # roundtable. ref:x is a UK evaluation, ref:y a US interview study, ref:z unknown.
        ("standard:1", "topic:a", "academic", "ref:x", "uk", "evaluation_rct"),
        ("standard:1", "topic:a", "academic", "ref:x", "uk", "evaluation_rct"),
        ("standard:1", "topic:a", "academic", "ref:y", "us", "qualitative"),
        ("standard:1", "topic:a", "academic", "ref:z", None, None),
        ("standard:1", "topic:a", "roundtable", "roundtable:1", None, None),
        # Standard 1 on B: one listed work and one cited work missing from the list (UK).
        ("standard:1", "topic:b", "academic", "ref:y", "us", "qualitative"),
        ("standard:1", "topic:b", "unlisted", "unlisted:w", "uk", "evaluation_quasi"),
        # Guideline 1.1 on A: a consultation only, no cited work.
        ("guideline:1.1", "topic:a", "consultation", "consultation:2", None, None),
        # Guideline 1.1 on B: nothing at all.
    ],
    columns=COLUMNS,
)
CODES = pd.DataFrame(
    {
        # Guideline 1.1's own text names both topics; Standard 1's names B; a work's code is
        # no demand.
        "target_id": ["guideline:1.1", "guideline:1.1", "standard:1", "ref:x"],
        "topic_id": ["topic:a", "topic:b", "topic:b", "topic:a"],
        "method": ["rule", "manual", "rule", "rule"],
        "matched": ["alpha", None, "beta", "alpha"],
        "reason": [None, "the guideline asks for B", None, None],
    }
)


def cells(thresholds: GapThresholds = DEFAULT_THRESHOLDS) -> pd.DataFrame:
    grid = gap_map(ROWS, TOPICS, EVIDENCE, CODES, thresholds)
    return grid.set_index(["row_id", "topic_id"])


def test_counts_are_distinct_items_per_channel_and_works_by_design_and_country():
    grid = cells()
    a = grid.loc[("standard:1", "topic:a")]
    assert (a["count_academic"], a["count_roundtable"], a["evidence_count"]) == (3, 1, 4)
    assert (a["works"], a["works_uk"], a["works_elsewhere"], a["works_country_unknown"]) == (
        3,
        1,
        1,
        1,
    )
    assert (a["works_evaluation"], a["works_other_design"]) == (1, 2)
    b = grid.loc[("standard:1", "topic:b")]
    assert (b["count_academic"], b["count_unlisted"], b["works"], b["works_uk"]) == (1, 1, 2, 1)
    assert grid.loc[("guideline:1.1", "topic:a"), "count_consultation"] == 1
    assert grid.loc[("guideline:1.1", "topic:b"), "evidence_count"] == 0
    assert list(grid.index) == [
        ("standard:1", "topic:a"),
        ("standard:1", "topic:b"),
        ("guideline:1.1", "topic:a"),
        ("guideline:1.1", "topic:b"),
    ], "row then topic order"


def test_statuses_follow_the_default_thresholds():
    # default: 3 works of which 1 from the UK for covered; unlisted works count
    assert cells()["status"].to_dict() == {
        ("standard:1", "topic:a"): "covered",  # 3 works, 1 UK
        ("standard:1", "topic:b"): "thin",  # 2 works < 3
        ("guideline:1.1", "topic:a"): "practice_only",  # a consultation, no work
        ("guideline:1.1", "topic:b"): "absolute_gap",  # nothing
    }
    assert cells().loc[("standard:1", "topic:b"), "status_note"] == (
        "2 works coded with the topic (1 from the UK, 1 evaluation): fewer than 3"
    )


def test_each_threshold_moves_exactly_the_cells_it_should():
    two = cells(GapThresholds(covered_min_references=2))["status"]
    assert two[("standard:1", "topic:b")] == "covered"  # 2 works, 1 UK (the unlisted one)
    unlisted_off = cells(GapThresholds(covered_min_references=2, count_unlisted=False))
    b = unlisted_off.loc[("standard:1", "topic:b")]
    assert (b["works"], b["works_uk"], b["status"]) == (1, 0, "thin")  # ref:y alone, from the US
    assert b["count_unlisted"] == 1, "the unlisted work still shows in its own channel"
    two_uk = cells(GapThresholds(covered_min_uk=2))["status"]
    assert two_uk[("standard:1", "topic:a")] == "thin"  # 1 UK work of 3
    evaluations = cells(GapThresholds(covered_min_evaluations=2))["status"]
    assert evaluations[("standard:1", "topic:a")] == "thin"  # 1 evaluation of 3
    one_evaluation = cells(GapThresholds(covered_min_evaluations=1))["status"]
    assert one_evaluation[("standard:1", "topic:a")] == "covered"
    for moved in (two_uk, evaluations, one_evaluation):
        assert moved.drop(("standard:1", "topic:a")).equals(
            cells()["status"].drop(("standard:1", "topic:a"))
        )
    assert status_note(
        {"status": "thin", "works": 3, "works_uk": 1, "works_evaluation": 1},
        GapThresholds(covered_min_uk=2),
    ) == ("3 works coded with the topic (1 from the UK, 1 evaluation): 1 from the UK, 2 needed")


def test_demand_is_a_rows_own_code_and_unmet_only_on_guidelines():
    grid = cells()
    assert grid["demand"].to_dict() == {
        ("standard:1", "topic:a"): False,  # only a work (ref:x) is coded with A
        ("standard:1", "topic:b"): True,
        ("guideline:1.1", "topic:a"): True,
        ("guideline:1.1", "topic:b"): True,
    }
    assert grid.loc[("guideline:1.1", "topic:a"), "demand_coded_by"] == "rule: alpha"
    assert grid.loc[("guideline:1.1", "topic:b"), "demand_coded_by"] == (
        "manual: the guideline asks for B"
    )
    # practice_only and absolute_gap are demand statuses; Standard 1's thin cell is a standard
    assert grid["demand_without_evidence"].to_dict() == {
        ("standard:1", "topic:a"): False,
        ("standard:1", "topic:b"): False,
        ("guideline:1.1", "topic:a"): True,
        ("guideline:1.1", "topic:b"): True,
    }
    only_gaps = cells(GapThresholds(demand_statuses=("absolute_gap",)))
    assert only_gaps["demand_without_evidence"].sum() == 1
    assert only_gaps.loc[("guideline:1.1", "topic:b"), "demand_without_evidence"]
