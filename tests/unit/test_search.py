"""The literature search (Appendix 2 of 001): parsing, facets, totals, pairs, audit, PRISMA-S.

Every expected number here was worked out by hand from the printed table (001 lines 847-1171),
not copied from the code's output.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.faults import edit

from workbench.render.search_report import prisma_s_json, prisma_s_markdown
from workbench.search import (
    FLAGS,
    RuleSet,
    design_audit,
    design_coverage,
    hits_by_facet,
    load_facet_rules,
    one_element_pairs,
    parse_query,
    prisma_s_report,
    search_analysis,
    search_totals,
    searches_outside_design,
    spelling_pairs,
    zero_hit_searches,
)
from workbench.validation import load_corpus


@pytest.fixture(scope="module")
def analysis(corpus):
    return search_analysis(corpus["searches"])


@pytest.fixture(scope="module")
def pairs(analysis):
    return one_element_pairs(analysis)


@pytest.fixture(scope="module")
def report(corpus):
    return prisma_s_report(corpus["searches"], corpus["narratives"])


# --------------------------------------------------------------------------------------
# Totals computed by hand
# --------------------------------------------------------------------------------------


def test_fifty_two_searches_as_the_text_says(analysis):
    # Appendix 1 Part B (001 line 745): "A total of 52 different search combinations"
    assert list(analysis["number"]) == list(range(1, 53))
    assert set(analysis["operators"]) == {"AND"}


def test_total_hits_by_hand(analysis):
    # Printed counts, ten rows at a time:
    #  1-10: 1+1+46+25+58+34+4+8+0+8            =   185
    # 11-20: 41+933+659+100+10+1+6+0+0+4        = 1,754
    # 21-30: 0+4+0+1+4+26+60+2860+202+2040      = 5,197
    # 31-40: 268+0+0+1+241+606+299+6+1370+906   = 3,697
    # 41-52: 355+0+0+0+96+1500+53100+4+1+791+22+4 = 55,873
    # total: 185+1754+5197+3697+55873 = 66,706
    results = analysis.set_index("number")["results"]
    assert results.loc[1:10].sum() == 185
    assert results.loc[11:20].sum() == 1754
    assert results.loc[21:30].sum() == 5197
    assert results.loc[31:40].sum() == 3697
    assert results.loc[41:52].sum() == 55873
    totals = search_totals(analysis)
    assert totals["total_hits"] == 66706
    assert totals["searches"] == 52


def test_zero_hits_and_the_largest_share(analysis):
    # rows printed with 0: 9, 18, 19, 21, 23, 32, 33, 42, 43, 44
    assert list(zero_hit_searches(analysis)["number"]) == [9, 18, 19, 21, 23, 32, 33, 42, 43, 44]
    totals = search_totals(analysis)
    assert totals["zero_hit_searches"] == 10
    # “abuser” AND “standards”: 53,100 of 66,706 = 0.79603 (66,706 x 0.796 = 53,097.98)
    assert (totals["largest_search"], totals["largest_hits"]) == (47, 53100)
    assert totals["largest_share"] == pytest.approx(0.796, abs=1e-4)
    # sorted counts: the 26th and 27th of 52 are 8 and 10 -> median 9
    assert totals["median_hits"] == 9.0


def test_hits_per_family_by_hand(analysis):
    by_family = hits_by_facet(analysis, ("family",)).set_index("value")
    # batterer: rows 11-14, 28-31, 39-41, 48-49
    # 41+933+659+100 + 2860+202+2040+268 + 1370+906+355 + 4+1 = 9,739
    assert by_family.loc["batterer", ["searches", "hits"]].tolist() == [13, 9739]
    # men's behaviour change: rows 15-25, 32-34, 42-44
    # 10+1+6+0+0+4+0+4+0+1+4 + 0+0+1 + 0+0+0 = 31, with 9 zero-hit searches
    assert by_family.loc[
        "men's behaviour change", ["searches", "hits", "zero_hit_searches"]
    ].tolist() == [17, 31, 9]
    # other: rows 46 and 47: 1,500 + 53,100
    assert by_family.loc["other", "hits"] == 54600
    assert by_family["hits"].sum() == 66706


# --------------------------------------------------------------------------------------
# Parsing and flags
# --------------------------------------------------------------------------------------


def test_malformed_rows_are_flagged_and_the_rest_are_clean(analysis):
    flags = analysis.set_index("number")["flags"]
    expected = {
        4: "mismatched_quotes",  # “domestic abuse programme’
        7: "lowercase_operator",  # ... and “quality assurance”
        8: "lowercase_operator",
        29: "operator_glued_to_quote; reversed_quote; space_inside_quotes",  # AND” standards”
        41: "unbalanced_quotes",  # “accreditation  (never closed)
        46: "annotation_outside_query",  # (standards meeting)
    }
    assert flags[flags != ""].to_dict() == expected
    assert all(flag in FLAGS for value in expected.values() for flag in value.split("; "))


def test_flagged_rows_still_parse_into_phrases(analysis):
    rows = analysis.set_index("number")
    assert rows.loc[4, "phrases"] == "domestic abuse programme | quality assurance"
    assert rows.loc[29, "phrases"] == "batterer interventions | standards"
    assert rows.loc[41, "phrases"] == "batterer treatment | accreditation"
    assert rows.loc[46, "annotation"] == "standards meeting"
    assert rows.loc[15, "phrases"] == "men's behaviour change programs | accreditation"
    # the verbatim string is kept
    assert rows.loc[29, "query"] == "“batterer interventions” AND” standards”"


@pytest.mark.parametrize(
    ("query", "phrases", "operators", "flags"),
    [
        ('"abuser" AND "standards"', ("abuser", "standards"), ("AND",), ()),
        ("“a” OR “b”", ("a", "b"), ("OR",), ()),
        ("“a” “b”", ("a", "b"), (), ("missing_operator",)),
        ("“a” AND", ("a",), ("AND",), ("dangling_operator",)),
        ("“a” AND standards", ("a", "standards"), ("AND",), ("unquoted_term",)),
        ("“a AND “b”", ("a and", "b"), (), ("unbalanced_quotes", "missing_operator")),
        ("“a” AND “” ", ("a",), ("AND",), ("empty_phrase", "dangling_operator")),
        (
            "“a” AND “b” (note",
            ("a", "b"),
            ("AND",),
            ("unbalanced_parenthesis", "annotation_outside_query"),
        ),
        ("AND AND", (), ("AND", "AND"), ("no_phrases",)),
        ("", (), (), ("empty_query",)),
        (None, (), (), ("empty_query",)),
    ],
)
def test_parse_query_names_each_malformation(query, phrases, operators, flags):
    parsed = parse_query(query)
    assert (parsed.phrases, parsed.operators, parsed.flags) == (phrases, operators, flags)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("“”‘’\"'() abANDor\n")), max_size=30))
def test_parse_query_never_raises_and_only_names_known_flags(text):
    parsed = parse_query(text)
    assert set(parsed.flags) <= set(FLAGS)
    assert all(phrase == phrase.strip() and phrase for phrase in parsed.phrases)


def test_a_malformed_query_in_a_broken_copy_gets_a_flag_not_a_crash(tmp_root):
    searches = tmp_root / "corpus" / "searches.csv"
    edit(
        searches,
        "“Domestic violence perpetrator programme” AND “standards”",
        "“Domestic violence perpetrator programme AND standards",
    )
    edit(searches, "“batterer treatment” AND “guidance”", "AND")
    broken = load_corpus(tmp_root)
    rows = search_analysis(broken["searches"]).set_index("number")
    assert rows.loc[5, "flags"] == "unbalanced_quotes"
    assert rows.loc[5, "phrases"] == "domestic violence perpetrator programme and standards"
    assert rows.loc[40, "flags"] == "no_phrases"
    assert (rows.loc[40, "family"], rows.loc[40, "qualifier"]) == ("other", "other")
    report = prisma_s_report(broken["searches"], broken["narratives"])
    assert "searches 4, 5, 7, 8, 29, 40, 41, 46" in report[7]["statement"]


# --------------------------------------------------------------------------------------
# Facets
# --------------------------------------------------------------------------------------


def test_rules_table_has_one_default_per_facet_and_valid_patterns():
    rules = load_facet_rules()
    for facet, group in rules.groupby("facet", sort=False):
        defaults = group[group["pattern"] == ""]
        assert len(defaults) == 1, facet
        assert defaults.index[0] == group.index[-1], f"{facet}: the default must come last"
    for pattern in rules["pattern"][rules["pattern"] != ""]:
        re.compile(pattern)
    assert (rules["rationale"] != "").all()


@pytest.mark.parametrize(
    ("number", "facets"),
    [
        (12, ("batterer", "programme/program", "US", "singular", "standards")),
        (16, ("men's behaviour change", "programme/program", "UK", "plural", "accreditation")),
        # behavior (US) with programmes (UK)
        (
            19,
            ("men's behaviour change", "programme/program", "mixed", "plural", "quality assurance"),
        ),
        (23, ("men's behaviour change", "programme/program", "US", "singular", "accreditation")),
        (29, ("batterer", "intervention", "n/a", "plural", "standards")),
        (47, ("other", "none", "n/a", "n/a", "standards")),
        (49, ("batterer", "services", "n/a", "plural", "service standards")),
        (51, ("family violence", "none", "n/a", "n/a", "re-education")),
        (
            4,
            ("domestic violence/abuse", "programme/program", "UK", "singular", "quality assurance"),
        ),
    ],
)
def test_facets_of_printed_rows(analysis, number, facets):
    row = analysis.set_index("number").loc[number]
    assert tuple(row[["family", "noun", "spelling", "grammatical_number", "qualifier"]]) == facets


def test_every_row_has_every_facet(analysis):
    counts = analysis["family"].value_counts().to_dict()
    assert counts == {
        "men's behaviour change": 17,
        "batterer": 13,
        "domestic violence/abuse perpetrator": 11,
        "family violence": 5,
        "domestic violence/abuse": 4,
        "other": 2,
    }
    assert analysis["qualifier"].value_counts().to_dict() == {
        "standards": 19,
        "quality assurance": 13,
        "accreditation": 11,
        "re-education": 4,
        "guidance": 3,
        "service standards": 2,
    }


# --------------------------------------------------------------------------------------
# Pairs, spelling and monotonicity
# --------------------------------------------------------------------------------------


def test_spelling_pairs(pairs):
    spelling = spelling_pairs(pairs)
    assert list(zip(spelling["uk"], spelling["us"], strict=True)) == [
        (5, 3),
        (8, 7),
        (10, 9),
        (11, 12),
        (16, 15),
        (18, 17),
        (18, 19),
        (20, 21),
        (22, 23),
    ]
    # the US spelling finds more in 3 pairs (933 vs 41, 10 vs 1, 6 vs 0), fewer in 5, as many
    # in 1 (0 vs 0); summed over the 9 pairs: UK 58+8+8+41+1+0+0+4+4 = 124,
    # US 46+4+0+933+10+6+0+0+0 = 999
    assert spelling.loc[spelling["us_minus_uk"] > 0, ["uk", "us"]].values.tolist() == [
        [11, 12],
        [16, 15],
        [18, 17],
    ]
    assert (spelling["us_minus_uk"] < 0).sum() == 5
    assert (spelling["uk_results"].sum(), spelling["us_results"].sum()) == (124, 999)
    # programme -> program pairs: UK 58+8+8+41 = 115, US 46+4+0+933 = 983
    programme = spelling[spelling["change"] == "programme → program"]
    assert (programme["uk_results"].sum(), programme["us_results"].sum()) == (115, 983)


def test_nested_pairs_are_monotone_in_the_source(pairs):
    nested = pairs[pairs["nested"]]
    # “batterer intervention” (28, 30, 31) contains in “batterer intervention program(me)”
    # (11, 12, 13, 14) and “domestic abuse” (50) in “domestic abuse offender” (2)
    assert sorted(zip(nested["first"], nested["second"], strict=True)) == [
        (28, 11),
        (28, 12),
        (30, 13),
        (31, 14),
        (50, 2),
    ]
    assert not pairs["monotonicity_violation"].any()
    # a word inserted inside a phrase is not nested: 4 (domestic abuse programme) -> 10
    inserted = pairs[(pairs["element"] == "added_word") & ~pairs["nested"]]
    assert inserted[["first", "second"]].values.tolist() == [[4, 10]]


def test_a_narrower_search_with_more_hits_is_flagged():
    searches = pd.DataFrame(
        {
            "search_id": ["search:1", "search:2", "search:3"],
            "number": [1, 2, 3],
            "query": [
                "“batterer intervention” AND “standards”",
                "“batterer intervention program” AND “standards”",
                "“batterer intervention” AND “service standards”",
            ],
            "results": [10, 50, 20],
        }
    )
    pairs = one_element_pairs(search_analysis(searches)).set_index(["first", "second"])
    assert pairs.loc[(1, 2), "monotonicity_violation"]
    assert pairs.loc[(1, 3), "element"] == "qualifier"
    assert pairs.loc[(1, 3), "nested"] and pairs.loc[(1, 3), "monotonicity_violation"]


def test_pair_elements(pairs):
    counts = pairs["element"].value_counts().to_dict()
    assert counts == {
        "qualifier": 26,
        "noun": 21,
        "spelling": 9,
        "added_word": 6,
        "number": 5,
        "term": 3,
    }
    row = pairs.set_index(["first", "second"]).loc[(28, 29)]
    assert (row["element"], row["change"]) == ("number", "intervention → interventions")


# --------------------------------------------------------------------------------------
# Design audit
# --------------------------------------------------------------------------------------


def test_design_audit(analysis):
    audit = design_audit(analysis)
    # 5 families x 5 nouns x 6 qualifiers = 150 cells; spellings: 2 where the phrase has
    # programme/program or behaviour/behavior, 3 for men's behaviour change programmes
    coverage = design_coverage(audit)
    assert len(coverage) == 150
    assert len(audit) == 4 * 6 * (2 + 4) + 6 * (3 + 4 * 2)  # 144 + 66 = 210
    # the 50 searches outside "other" all land in a run cell; 41 distinct cells
    assert audit["run"].sum() == 41
    numbers = sorted(int(n) for s in audit["searches"] if s for n in s.split("; "))
    assert numbers == [n for n in range(1, 53) if n not in (46, 47)]
    assert list(searches_outside_design(analysis)["number"]) == [46, 47]
    cell = audit.set_index(["family", "noun", "spelling", "qualifier"]).loc[
        ("family violence", "programme/program", "UK", "standards")
    ]
    assert not cell["run"]


# --------------------------------------------------------------------------------------
# PRISMA-S
# --------------------------------------------------------------------------------------


def test_prisma_s_has_sixteen_items(report):
    assert [item["item"] for item in report] == list(range(1, 17))
    names = [item["name"] for item in report]
    assert names[0] == "Database name" and names[-1] == "Deduplication"
    silent = [item["item"] for item in report if item["status"] == "not reported in the source"]
    assert silent == [2, 3, 4, 5, 10, 11, 12, 14]
    for item in report:
        if item["status"] == "not reported in the source":
            assert item["statement"] == "Not reported in the source."
        else:
            assert item["evidence"] or item["corpus_figures"], item["name"]


def test_prisma_s_quotes_are_verbatim_in_the_narratives(report):
    quotes = [e for item in report for e in item["evidence"]]
    assert all(e["verified"] for e in quotes if e["narrative_id"])
    by_item = {item["item"]: item for item in report}
    assert "Google Scholar" in by_item[1]["statement"]
    assert "English language" in by_item[9]["statement"]
    assert "66,706" in by_item[15]["statement"]
    assert "searches 4, 7, 8, 29, 41, 46" in by_item[8]["statement"]


def test_prisma_s_quotes_stand_at_their_lines(report, seeds_dir):
    lines = (seeds_dir / "001_5b70540cc7bcf418.txt").read_text(encoding="utf-8").split("\n")
    for item in report:
        for evidence in item["evidence"]:
            assert evidence["quote"] in lines[int(evidence["lines"]) - 1], evidence


def test_prisma_s_markdown_and_json(report):
    markdown = prisma_s_markdown(report)
    for item in report:
        assert f"## {item['item']}. {item['name']}" in markdown
    assert markdown.count("Not reported in the source.") == 8
    data = json.loads(prisma_s_json(report))
    assert len(data["items"]) == 16
    assert data["items"][12]["name"] == "Dates of searches"


def test_a_facet_without_a_default_rule_fails_every_time():
    # regression pin: the failed lookup was memoised as None, so asking again returned None
    rules = RuleSet(
        pd.DataFrame(
            [{"facet": "design", "pattern": "trial", "value": "RCT", "applies_to": "query"}]
        )
    )
    assert rules.value("a randomised trial", "design") == "RCT"
    for _ in range(2):
        with pytest.raises(ValueError, match="facet 'design' has no default rule"):
            rules.value("a survey", "design")
