"""The citation extractor measured against a hand-made list of 001's author-year citations.

``tests/fixtures/001_author_year_citations.csv`` was made by reading 001: every line of the
narrative text the corpus holds (the executive summary, the evidence under each standard, the
Summary and Appendix 1, as ``corpus/narratives.csv`` gives their line ranges) that prints a
year 19xx or 20xx was read, and each author-year citation on it written down with its line,
as printed, its first author and its year (one row per year where one citation names two).
Years that are not citations (the Domestic Abuse Act 2021, July 2022) are not in it. It was
not generated from the extractor.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from conftest import SEEDS
from workbench.citations import extract_citations, narrative_texts, normalise_name

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "001_author_year_citations.csv"
REPORT = "001_5b70540cc7bcf418.txt"


@pytest.fixture(scope="module")
def hand_list() -> pd.DataFrame:
    return pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)


def _key(line, first_author, year) -> tuple[int, str, str]:
    return int(line), normalise_name(first_author), year


def test_the_hand_list_stands_in_the_report_line_by_line(hand_list):
    """Each listed citation is printed on its line of 001, within the narrative ranges."""
    assert (SEEDS / REPORT).is_file(), f"{REPORT} is not in {SEEDS}"
    lines = (SEEDS / REPORT).read_text(encoding="utf-8").splitlines()
    narrative = [
        (17, 53),
        (95, 123),
        (143, 163),
        (183, 211),
        (231, 263),
        (281, 301),
        (319, 343),
        (359, 371),
        (375, 377),
        (557, 573),
        (577, 737),
        (741, 741),
        (745, 745),
        (749, 807),
        (811, 811),
        (815, 815),
        (819, 821),
        (825, 825),
        (829, 829),
    ]
    for row in hand_list.itertuples():
        line = int(row.line)
        assert any(first <= line <= last for first, last in narrative), row
        assert row.cited_as in lines[line - 1], row
        assert row.first_author in row.cited_as and row.year[:4] in row.cited_as, row
    assert set(hand_list["form"]) == {"parenthetical", "narrative", "year_first"}


def test_extraction_recall_and_precision_against_the_hand_list(corpus, hand_list):
    extracted = extract_citations(narrative_texts(corpus["narratives"]))
    assert set(extracted["source"]) == {REPORT}
    found = Counter(
        _key(row.line, row.surnames[0], row.year + row.suffix) for row in extracted.itertuples()
    )
    wanted = Counter(_key(row.line, row.first_author, row.year) for row in hand_list.itertuples())
    hits = sum((found & wanted).values())
    recall = hits / sum(wanted.values())
    precision = hits / sum(found.values())
    assert sorted((wanted - found).elements()) == []  # nothing missed
    assert sorted((found - wanted).elements()) == []  # nothing extracted that is not one
    assert (recall, precision) == (1.0, 1.0)
    assert sum(wanted.values()) == 123
