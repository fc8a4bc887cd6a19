"""Evidence coded at the work and at the citation: clauses, support, and the rule coder measured
against the curated codes, on small frames worked out by hand."""

from __future__ import annotations

import pandas as pd

from workbench.evidence import (
    citation_clause,
    citation_support,
    coding_agreement,
    enum_labels,
    sentence_clauses,
)

CODEBOOK = pd.DataFrame(
    [
        {
            "topic_id": "topic:women",
            "dimension": "population",
            "label": "Women",
            "patterns": r"\bwomen\b",
            "exclude_patterns": None,
            "intervention_type_id": None,
        },
        {
            "topic_id": "topic:groupwork",
            "dimension": "delivery",
            "label": "Groupwork",
            "patterns": r"\bgroups?\b",
            "exclude_patterns": None,
            "intervention_type_id": None,
        },
    ]
)
TOPICS = CODEBOOK.assign(order=range(2))


def occurrence(
    location,
    number,
    cited_as,
    surnames,
    year,
    sentence,
    status="resolved",
    key="",
    candidate_key="",
    note="",
):
    return {
        "location": location,
        "occurrence": number,
        "line": 10 + number,
        "cited_as": cited_as,
        "surnames": surnames,
        "et_al": False,
        "year": year,
        "suffix": "",
        "sentence": sentence,
        "source": "001.txt",
        "status": status,
        "key": key,
        "candidate_key": candidate_key,
        "note": note,
    }


def test_a_sentence_is_cut_into_the_clause_each_citation_supports():
    # The sentence of the task: two references on case management, then a list that names
    # "immigration" support; each citation keeps its own clause.
    sentence = (
        "The importance of case management is necessary (Cantos and O’Leary, 2014), "
        "which may include financial, immigration, legal or educational support "
        "(Babcock et al., 2016)."
    )
    clauses = sentence_clauses(sentence, ["Cantos and O’Leary, 2014", "Babcock et al., 2016"])
    assert clauses == [
        ("The importance of case management is necessary (Cantos and O’Leary, 2014)", "clause"),
        (
            "which may include financial, immigration, legal or educational support "
            "(Babcock et al., 2016).",
            "clause",
        ),
    ]


def test_a_see_run_closed_by_a_comment_is_the_unit_of_every_citation_in_it():
    # 001 line 329 (Standard 6): only the works after "see" are tied to women who use force.
    sentence = (
        "including mental health (Spencer et al. 2017; Trevillion et al. 2012; see "
        "Oram et al. 2014; Shorey et al. 2012; Stuart et al. 2006 for how this applies "
        "to women who use force)."
    )
    cited = [
        "Spencer et al. 2017",
        "Trevillion et al. 2012",
        "Oram et al. 2014",
        "Shorey et al. 2012",
        "Stuart et al. 2006",
    ]
    units = sentence_clauses(sentence, cited)
    run = (
        "see Oram et al. 2014; Shorey et al. 2012; Stuart et al. 2006 for how this applies "
        "to women who use force",
        "parenthesis",
    )
    assert units[2:] == [run, run, run]
    assert units[0] == units[1] and units[0][1] == "clause"
    assert "women" not in units[0][0]


def test_a_clause_starts_after_an_earlier_citation_bracket():
    sentence = "Groups help (Aymer, 2011) and some argue for peers (Shore, 2021)."
    first, second = sentence_clauses(sentence, ["Aymer, 2011", "Shore, 2021"])
    assert first == ("Groups help (Aymer, 2011)", "clause")
    assert second == ("and some argue for peers (Shore, 2021).", "clause")
    start = sentence.index("Shore")
    assert citation_clause(sentence, start, start + 11, "parenthetical")[0] == sentence


def test_support_counts_only_through_the_curated_codes_and_flags_unlisted_works():
    audit = pd.DataFrame(
        [
            occurrence(
                "narrative:standard:1",
                1,
                "Smith, 2001",
                ("Smith",),
                "2001",
                "Women use groups (Smith, 2001).",
                key="smith2001",
            ),
            occurrence(
                "narrative:standard:1",
                2,
                "Gangoli et al., 2022",
                ("Gangoli",),
                "2022",
                "Family abuse needs work (Gangoli et al., 2022).",
                status="missing",
            ),
            occurrence(
                "narrative:standard:2",
                1,
                "Roe, 2003",
                ("Roe",),
                "2003",
                "Nothing coded here (Roe, 2003).",
                status="missing",
            ),
        ]
    )
    works = pd.DataFrame(
        {
            "work_id": ["ref:smith2001", "unlisted:gangoli2022"],
            "listed": [True, False],
            "cited_as": ["", "Gangoli et al., 2022"],
            "year": ["2001", "2022"],
            "design": ["evaluation_pre_post", "qualitative"],
            "country": ["uk", "unknown"],
        }
    )
    codes = pd.DataFrame(
        {
            "work_id": ["ref:smith2001", "unlisted:gangoli2022"],
            "topic_id": ["topic:groupwork", "topic:women"],
        }
    )
    support = citation_support(audit, works, codes, CODEBOOK)
    smith = support[support["occurrence_id"] == "narrative:standard:1#c1"].set_index("topic_id")
    # the rules propose both topics on "Women use groups"; only groupwork is curated
    assert smith.loc["topic:women", ["rule_proposes", "curated", "supports"]].tolist() == [
        True,
        False,
        False,
    ]
    assert smith.loc["topic:groupwork", ["rule_proposes", "curated", "supports"]].tolist() == [
        True,
        True,
        True,
    ]
    assert set(smith["design"]) == {"evaluation_pre_post"} and set(smith["country"]) == {"uk"}
    gangoli = support[support["occurrence_id"] == "narrative:standard:1#c2"].iloc[0]
    assert (gangoli["work_id"], gangoli["listed"], gangoli["topic_id"], gangoli["curated"]) == (
        "unlisted:gangoli2022",
        False,
        "topic:women",
        True,
    )
    roe = support[support["occurrence_id"] == "narrative:standard:2#c1"]
    assert len(roe) == 1 and roe.iloc[0]["work_id"] == "" and roe.iloc[0]["topic_id"] == ""


def test_a_citation_under_another_year_counts_for_its_entry_flagged_an_ambiguous_one_not():
    audit = pd.DataFrame(
        [
            occurrence(
                "narrative:standard:4",
                1,
                "Smith, 2003",
                ("Smith",),
                "2003",
                "Groups work (Smith, 2003).",
                status="year_mismatch",
                candidate_key="smith2001",
                note="cited 2003; the reference list dates this work 2001",
            ),
            occurrence(
                "narrative:standard:4",
                2,
                "Smyth, 2001",
                ("Smyth",),
                "2001",
                "Groups again (Smyth, 2001).",
                status="name_mismatch",
                candidate_key="smith2001",
                note="cited as Smyth; the reference list spells Smith",
            ),
            occurrence(
                "narrative:standard:4",
                3,
                "Lee, 2019",
                ("Lee",),
                "2019",
                "Women too (Lee, 2019).",
                status="ambiguous",
                candidate_key="lee2019a;lee2019b",
                note="2 entries share this first author and year",
            ),
        ]
    )
    works = pd.DataFrame(
        {
            "work_id": ["ref:smith2001", "ref:lee2019a"],
            "listed": [True, True],
            "cited_as": ["", ""],
            "year": ["2001", "2019"],
            "design": ["qualitative", "qualitative"],
            "country": ["uk", "uk"],
        }
    )
    codes = pd.DataFrame(
        {
            "work_id": ["ref:smith2001", "ref:lee2019a"],
            "topic_id": ["topic:groupwork", "topic:women"],
        }
    )
    support = citation_support(audit, works, codes, CODEBOOK).set_index("occurrence_id")
    assert support.loc[
        "narrative:standard:4#c1", ["work_id", "topic_id", "curated", "finding"]
    ].tolist() == [
        "ref:smith2001",
        "topic:groupwork",
        True,
        "cited 2003; the reference list dates this work 2001",
    ]
    assert support.loc["narrative:standard:4#c2", ["work_id", "curated", "finding"]].tolist() == [
        "ref:smith2001",
        True,
        "cited as Smyth; the reference list spells Smith",
    ]
    # "Women too" proposes topic:women, but the ambiguous citation names no work
    lee = support.loc["narrative:standard:4#c3"]
    assert lee["work_id"] == "" and not lee["curated"]
    assert lee["finding"] == ("not counted (ambiguous): 2 entries share this first author and year")


def test_agreement_counts_work_topic_pairs_by_hand():
    # Three cited works. Rules propose: w1 women (twice), w1 groupwork, w2 women.
    # Curated: w1 women, w2 groupwork, w3 women; w4 groupwork is never cited (left out).
    support = pd.DataFrame(
        [
            {"work_id": "w1", "topic_id": "topic:women", "rule_proposes": True},
            {"work_id": "w1", "topic_id": "topic:women", "rule_proposes": True},
            {"work_id": "w1", "topic_id": "topic:groupwork", "rule_proposes": True},
            {"work_id": "w2", "topic_id": "topic:women", "rule_proposes": True},
            {"work_id": "w2", "topic_id": "topic:groupwork", "rule_proposes": False},
            {"work_id": "w3", "topic_id": "topic:women", "rule_proposes": False},
            {"work_id": "", "topic_id": "topic:women", "rule_proposes": True},
        ]
    )
    codes = pd.DataFrame(
        {
            "work_id": ["w1", "w2", "w3", "w4"],
            "topic_id": ["topic:women", "topic:groupwork", "topic:women", "topic:groupwork"],
        }
    )
    table = coding_agreement(support, codes, TOPICS).set_index("topic_id")
    # women: proposed {w1, w2}, curated {w1, w3} -> TP 1 (w1), FP 1 (w2), FN 1 (w3)
    assert table.loc["topic:women", ["tp", "fp", "fn", "precision", "recall"]].tolist() == [
        1,
        1,
        1,
        0.5,
        0.5,
    ]
    # groupwork: proposed {w1}, curated {w2} (w4 never cited) -> TP 0, FP 1, FN 1
    assert table.loc["topic:groupwork", ["tp", "fp", "fn"]].tolist() == [0, 1, 1]
    assert table.loc["topic:groupwork", "precision"] == 0.0
    assert table.loc["all", ["tp", "fp", "fn"]].tolist() == [1, 2, 2]


def test_enum_labels_come_from_the_data_package(corpus):
    designs = enum_labels(corpus.descriptor, "works", "design")
    countries = enum_labels(corpus.descriptor, "works", "country")
    fields = {
        f["name"]: f
        for r in corpus.descriptor["resources"]
        if r["name"] == "works"
        for f in r["schema"]["fields"]
    }
    assert list(designs) == fields["design"]["constraints"]["enum"]
    assert list(countries) == fields["country"]["constraints"]["enum"]
    assert "uk" in countries and "evaluation_experimental" in designs
