"""The gap map's rules on the shipped corpus: statuses, thresholds, inheritance, demand, gaps."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from workbench.gaps import (
    CHANNELS,
    EVIDENCE_CHANNELS,
    STATUSES,
    GapThresholds,
    analyse_gaps,
    gap_map,
    gap_status,
)


@pytest.fixture(scope="module")
def analysis(corpus):
    return analyse_gaps(corpus)


def cell(analysis, row_id, topic_id) -> pd.Series:
    cells = analysis.cells
    return cells[(cells["row_id"] == row_id) & (cells["topic_id"] == topic_id)].iloc[0]


def test_rows_are_7_standards_and_37_guidelines_in_document_order(analysis):
    rows = analysis.rows
    assert rows["level"].value_counts().to_dict() == {"guideline": 37, "standard": 7}
    assert list(rows["row_id"][:4]) == ["standard:1", "guideline:1.1", "guideline:1.2",
                                        "guideline:1.3"]
    assert len(analysis.cells) == 44 * len(analysis.topics)
    assert analysis.topics["dimension"].drop_duplicates().tolist() == [
        "population", "form_of_abuse", "intervention_type", "delivery", "co_occurring_needs"]


def test_every_status_follows_the_rules_from_its_counts(analysis):
    t = analysis.thresholds
    for c in analysis.cells.itertuples(index=False):
        total = sum(getattr(c, f"count_{ch}") for ch in CHANNELS)
        if total == 0:
            expected = "absolute_gap"
        elif c.count_academic == 0:
            expected = "practice_only"
        elif c.count_academic < t.covered_min_references:
            expected = "thin"
        else:
            expected = "covered"
        assert c.status == expected, (c.row_id, c.topic_id)
    assert set(analysis.cells["status"]) == set(STATUSES), "the real map shows every status"


def test_standard_5_rests_on_the_shared_heritage_studies_for_minoritised_groups(analysis):
    # 001 Standard 5: "more effective in groups with shared heritages (Aymer 2011;
    # Parra-Cardona et al. 2013; Waller, 2016; Williams, 1992)".
    evidence = analysis.evidence
    here = evidence[(evidence["row_id"] == "standard:5")
                    & (evidence["topic_id"] == "topic:minoritised_ethnicity")
                    & (evidence["channel"] == "academic")]
    assert {"ref:aymer2011", "ref:parracardona2013", "ref:waller2016",
            "ref:williams1992"} <= set(here["evidence_id"])
    shared = here[here["evidence_id"] == "ref:waller2016"]
    assert shared["sentence"].str.contains("shared heritages").any()
    assert cell(analysis, "standard:5", "topic:minoritised_ethnicity")["status"] == "covered"


def test_honour_based_abuse_has_no_evidence_behind_any_standard(analysis):
    cells = analysis.cells
    honour = cells[(cells["topic_id"] == "topic:honour_based_abuse")
                   & (cells["level"] == "standard")]
    assert len(honour) == 7
    assert set(honour["status"]) == {"absolute_gap"}


def test_guidelines_inherit_their_standards_narrative_evidence(analysis):
    evidence = analysis.evidence
    columns = ["topic_id", "channel", "evidence_id", "sentence"]

    def narrative_evidence(row_id):
        rows = evidence[(evidence["row_id"] == row_id) & (evidence["channel"] != "framework")
                        & (evidence["via"].str.startswith("standard:"))]
        return set(map(tuple, rows[columns].to_numpy()))

    assert narrative_evidence("guideline:5.4") == narrative_evidence("standard:5")
    assert narrative_evidence("guideline:5.4"), "Standard 5's narrative evidence is inherited"
    c54, c5 = (cell(analysis, r, "topic:minoritised_ethnicity")
               for r in ("guideline:5.4", "standard:5"))
    assert c54["count_academic"] == c5["count_academic"]


def test_every_count_is_traceable_to_the_evidence_list(analysis):
    evidence = analysis.evidence
    counted = (evidence.groupby(["row_id", "topic_id", "channel"])["evidence_id"].nunique()
               .to_dict())
    for c in analysis.cells.itertuples(index=False):
        for channel in CHANNELS:
            assert getattr(c, f"count_{channel}") == counted.get(
                (c.row_id, c.topic_id, channel), 0)
        assert c.evidence_count == sum(getattr(c, f"count_{ch}") for ch in EVIDENCE_CHANNELS)
    assert evidence["sentence"].str.len().gt(0).all()
    assert evidence["location"].str.len().gt(0).all()
    assert evidence["coded_by"].str.match(r"^(rule: .+|manual(: .+)?)$").all()
    coded = set(analysis.codes["target_id"])
    assert set(evidence["coded_on"]) <= coded


def test_thresholds_are_set_in_one_place_and_change_the_statuses(analysis):
    def statuses(thresholds):
        return gap_map(analysis.rows, analysis.topics, analysis.evidence, analysis.codes,
                       thresholds)["status"]

    default = statuses(GapThresholds())
    lenient = statuses(GapThresholds(covered_min_references=1))
    strict = statuses(GapThresholds(covered_min_references=1000))
    assert (lenient[default == "thin"] == "covered").all()
    assert (strict[default == "covered"] == "thin").all()
    for status in ("absolute_gap", "practice_only"):
        assert (lenient[default == status] == status).all()
        assert (strict[default == status] == status).all()
    assert (default == "thin").sum() > 0 and (default == "covered").sum() > 0
    with pytest.raises(ValueError, match="at least 1"):
        GapThresholds(covered_min_references=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        GapThresholds().covered_min_references = 5  # type: ignore[misc]


def test_gap_status_on_a_real_cell(analysis):
    row = cell(analysis, "standard:5", "topic:minoritised_ethnicity")
    frame = pd.DataFrame([row])
    academic = int(row["count_academic"])
    assert gap_status(frame, GapThresholds(covered_min_references=academic)).item() == "covered"
    assert gap_status(frame, GapThresholds(covered_min_references=academic + 1)).item() == "thin"


def test_demand_without_evidence_names_the_guidelines_that_ask_for_unsupported_topics(analysis):
    demand = analysis.demand.set_index(["row_id", "topic_id"])
    # Guideline 4.4: "mothers in cases of ‘honour’-based violence and abuse".
    honour = demand.loc[("guideline:4.4", "topic:honour_based_abuse")]
    assert honour["status"] == "absolute_gap"
    assert "honour" in honour["demand_coded_by"]
    # Guideline 5.4: "adult child to parent violence and abuse".
    assert ("guideline:5.4", "topic:child_to_parent") in demand.index
    assert set(demand["status"]) <= set(analysis.thresholds.demand_statuses)
    assert (analysis.cells.query("demand_without_evidence")["level"] == "guideline").all()


def test_subgroup_view_sets_each_population_topic_against_the_same_rows(analysis):
    view = analysis.subgroups.set_index("topic_id")
    assert len(view) == (analysis.topics["dimension"] == "population").sum() == 11
    standards = analysis.cells[analysis.cells["level"] == "standard"]
    overall = (standards["status"] == "covered").mean()
    assert view["overall_coverage"].eq(round(overall, 3)).all()
    honour = view.loc["topic:honour_based_abuse"]
    assert (honour["rows_with_evidence"], honour["evidence_items"]) == (0, 0)
    assert honour["coverage_gap"] == round(-100 * overall, 1)
    assert view.loc["topic:minoritised_ethnicity", "evidence_items"] > honour["evidence_items"]


def test_gap_register_is_ranked_and_each_gap_reads_as_a_sentence(analysis):
    register = analysis.register
    assert register["rank"].tolist() == list(range(1, len(register) + 1))
    kinds = register["kind"].tolist()
    assert kinds == sorted(kinds, key=lambda k: k != "demand_without_evidence")
    assert kinds.count("demand_without_evidence") == len(analysis.demand)
    first = register.iloc[0]
    assert first["status"] == "absolute_gap"
    assert first["sentence"].startswith(first["row_label"])
    honour = register[(register["row_id"] == "guideline:4.4")
                      & (register["topic_id"] == "topic:honour_based_abuse")].iloc[0]
    assert honour["sentence"] == (
        "Guideline 4.4 names ‘Honour’-based abuse (its text says "
        "“honour”), yet the evidence narrative of Standard 4 gives no academic reference, "
        "roundtable, consultation or evaluated programme on this topic, and no existing "
        "framework item on it is mapped.")
    assert "‘honour’-based violence" in honour["row_text"]
    assert honour["existing_evidence"] == "none"
