"""The programmes table holds 001's examples of each intervention type with that type, and the
programmes and models of the rapid review (003), with what 001 excludes marked as such."""

from __future__ import annotations

import pandas as pd


def test_the_examples_of_each_type_carry_it(corpus):
    types = corpus["programmes"].set_index("programme_id")["intervention_type_id"].dropna()
    assert types.to_dict() == {
        "programme:cara": "intervention_type:early_responses",
        "programme:clear": "intervention_type:early_responses",
        "programme:drive": "intervention_type:intensive_case_management",
        "programme:make_a_change": "intervention_type:behaviour_change",
        "programme:prevent_and_change": "intervention_type:intensive_case_management",
        "programme:respect_accredited_dapps": "intervention_type:behaviour_change",
        "programme:respect_phoneline": "intervention_type:help_seeking",
        "programme:see_change": "intervention_type:intensive_case_management",
    }


def test_systems_change_work_is_kept_but_marked_out_of_scope(corpus):
    programmes = corpus["programmes"].set_index("programme_id")
    for programme_id in ("programme:safe_and_together", "programme:marac", "programme:matac"):
        row = programmes.loc[programme_id]
        assert pd.isna(row["intervention_type_id"])
        assert "001 explicitly excludes it from the standards' scope" in row["note"]


def test_rapid_review_programmes_with_their_cited_evaluations(corpus):
    programmes = corpus["programmes"].set_index("programme_id")
    assert len(programmes) == 38
    assert programmes.loc["programme:caring_dads", "country"] == "Canada"
    assert programmes.loc["programme:caring_dads", "evaluation"].startswith("McConnell et al, 2017")
    assert programmes.loc["programme:family_safeguarding", "evaluation"] == (
        "Rodger et al., 2020; Sanders et al., 2020"
    )
    assert programmes.loc["programme:drive", "evaluation"] == "Hester et al., 2019"
    assert programmes.loc["programme:project_mirabal", "kind"] == "research_project"
    kinds = programmes["kind"].value_counts().to_dict()
    assert kinds == {"programme": 23, "model": 11, "research_project": 3, "programme_group": 1}


def test_disagreements_with_the_rapid_review_are_source_issues(corpus):
    issues = set(corpus["source_issues"]["issue_id"])
    assert {
        "source_issue:programme_make_a_change_type",
        "source_issue:programme_drive_evaluation_year",
        "source_issue:programme_matac_name",
    } <= issues
    notes = " ".join(corpus["programmes"]["note"].dropna())
    for issue in (i for i in issues if i.startswith("source_issue:programme_")):
        if issue != "source_issue:programme_project_mirabal_measures_date":
            assert issue in notes, issue
