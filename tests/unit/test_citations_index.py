"""The shortcuts that make citation extraction and resolution fast give exactly what a plain
scan gives: running-text citations, sentences, and closely spelled first authors."""

from __future__ import annotations

import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import DamerauLevenshtein

from workbench.citations import (
    NARRATIVE,
    _close_spelling,
    _deletions,
    _index,
    _narrative_matches,
    _near_entries,
    _suffix_fits,
    citation_texts,
    sentence_at,
    sentence_finder,
)

#: The sentence end as first written (look-behinds before the stop): the reference.
PLAIN_SENTENCE_END = re.compile(
    r"(?<![A-Z])(?<!\bet al)(?<!\be\.g)(?<!\bi\.e)(?<!\bpp)(?<!\bpg)(?<!\bp)(?<!\bNo)"
    r"[.!?][’”)\]]*\s+(?=[‘“\[]?[A-Z0-9])"
)

PIECES = [
    "Smith",
    "O’Leary",
    "Home Office",
    "J. K.",
    "et al.",
    "et al",
    " and ",
    " & ",
    ", ",
    "of",
    "The",
    "However",
    "(",
    ")",
    "(2001)",
    "(1999a",
    ", p. 3)",
    "2019",
    " ",
    "\n",
    ";",
    "x",
    "Éva",
    "McDonald’s",
    "-",
    "(20",
    "19",
    ". ",
    "e.g. ",
    "No. ",
    "pp. 4. ",
]
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def plain_sentence_at(text: str, offset: int) -> str:
    """The sentence at ``offset``, found by scanning its paragraph from the start."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    paragraph = text[start : len(text) if end == -1 else end]
    begin = 0
    for boundary in PLAIN_SENTENCE_END.finditer(paragraph):
        if boundary.end() > offset - start:
            return paragraph[begin : boundary.end()].strip()
        begin = boundary.end()
    return paragraph[begin:].strip()


def spans(matches) -> list:
    return [(m.span(), m.groupdict()) for m in matches]


def test_running_text_citations_of_the_corpus_are_those_a_full_scan_finds(corpus):
    for text in citation_texts(corpus)["text"]:
        assert spans(_narrative_matches(text)) == spans(NARRATIVE.finditer(text))


@settings(max_examples=400, deadline=None)
@given(texts)
def test_running_text_citations_are_those_a_full_scan_finds(text):
    assert spans(_narrative_matches(text)) == spans(NARRATIVE.finditer(text))


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_sentences_are_those_a_scan_of_the_paragraph_finds(text, data):
    at = sentence_finder(text)
    for offset in data.draw(st.lists(st.integers(0, len(text)), max_size=6)):
        assert at(offset) == sentence_at(text, offset) == plain_sentence_at(text, offset)


names = st.text(alphabet="abcde’-é", max_size=7)


@settings(max_examples=500, deadline=None)
@given(names, names)
def test_close_spellings_always_share_a_deletion(first, second):
    if DamerauLevenshtein.distance(first, second) <= 2:
        assert _deletions(first) & _deletions(second)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abcdefg", min_size=1, max_size=9),
            st.sampled_from(["2001", "2002"]),
            st.sampled_from(["", "a", "b"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.text(alphabet="abcdefg", min_size=1, max_size=9),
    st.sampled_from(["2001", "2002", "2003"]),
    st.sampled_from(["", "a"]),
)
def test_near_entries_are_those_a_scan_of_the_year_finds(listed, cited, year, suffix):
    references = pd.DataFrame(
        {
            "key": [f"k{number}" for number in range(len(listed))],
            "surnames": [(name.title(),) for name, _, _ in listed],
            "year": [listed_year for _, listed_year, _ in listed],
            "year_suffix": [listed_suffix for _, _, listed_suffix in listed],
        }
    )
    index = _index(references)
    scanned = [
        entry
        for entry in index.by_year.get(year, [])
        if _suffix_fits(suffix, entry.suffix) and _close_spelling(cited, entry.first)
    ]
    assert _near_entries(cited, year, suffix, index) == scanned
