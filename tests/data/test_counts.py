"""The counts the sources fix, asserted against the shipped files."""

from __future__ import annotations

import pandas as pd


def test_seven_standards_numbered_one_to_seven(corpus):
    standards = corpus["standards"]
    assert list(standards["number"]) == [1, 2, 3, 4, 5, 6, 7]
    assert list(standards["standard_id"]) == [f"standard:{n}" for n in range(1, 8)]


def test_thirty_seven_guidelines_in_the_printed_numbering(corpus):
    guidelines = corpus["guidelines"]
    per_standard = guidelines.groupby("standard_id").size().to_dict()
    assert per_standard == {
        "standard:1": 5,
        "standard:2": 6,
        "standard:3": 6,
        "standard:4": 6,
        "standard:5": 5,
        "standard:6": 5,
        "standard:7": 4,
    }
    assert len(guidelines) == 37
    # every guideline id agrees with its number and its standard
    assert (guidelines["guideline_id"] == "guideline:" + guidelines["number"]).all()
    assert (
        guidelines["standard_id"] == "standard:" + guidelines["number"].str.split(".").str[0]
    ).all()


def test_guideline_text_is_the_main_text(corpus):
    guideline = corpus["guidelines"].set_index("guideline_id").loc["guideline:3.3", "text"]
    assert guideline.startswith("Behaviour change interventions (as defined earlier) should take")
    assert "22 weekly sessions for groupwork programmes or 16 weekly sessions" in guideline


def test_roundtables_consultations_and_types(corpus):
    roundtables = corpus["roundtables"].set_index("number")["topic"]
    assert len(roundtables) == 16
    assert roundtables[8] == "Female perpetrators and women using force"
    assert roundtables[10] == "LGB &/or T"
    consultations = corpus["consultations"].set_index("participant_group")["participants"]
    assert consultations.to_dict() == {"victim-survivors": 8, "perpetrators": 7}
    assert len(corpus["intervention_types"]) == 4


def test_collated_standards_and_searches(corpus):
    assert list(corpus["collated_standards"]["number"]) == list(range(1, 25))
    searches = corpus["searches"]
    assert list(searches["number"]) == list(range(1, 53))
    assert searches["results"].dtype == pd.Int64Dtype()
    assert (searches["date"] == "2022-07").all()


def test_frameworks_hold_the_items_the_sources_give(corpus):
    items = corpus["framework_items"]
    per_framework = items.groupby("framework_id").size()
    csaap = items[items["framework_id"] == "framework:csaap"]
    assert sorted(csaap["code"]) == sorted(
        ["1", "2", "3", "4", "5", "6", "6a", "6b", "7", "7a", "7b"]
    )
    assert set(csaap.loc[csaap["code"].isin(["6a", "6b"]), "parent_id"]) == {
        "framework_item:csaap:6"
    }
    assert per_framework["framework:vermont_values"] == 6
    frameworks = corpus["frameworks"].set_index("framework_id")
    assert frameworks.loc["framework:respect:3ed", "edition_of"] == "framework:respect"
    assert frameworks.loc["framework:respect:4ed", "edition_of"] == "framework:respect"


def test_reference_list_has_every_entry(corpus):
    assert len(corpus.references) == 86
    assert corpus.references["key"].is_unique
