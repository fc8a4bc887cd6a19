"""Coding matches a whole codebook in one RE2 pass per text: the codes are exactly those of
scanning every pattern of every topic over every text, and the sentences those of the plain
splitting rule. No pattern can make coding slow."""

from __future__ import annotations

import re
import time

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from workbench.coding import (
    _ABBREVIATIONS,
    CODE_COLUMNS,
    PATTERN_SEPARATOR,
    CodebookMatcher,
    apply_rules,
    coding_targets,
    compile_rules,
    split_sentences,
)

#: Patterns with scoped flags, groups, optional letters, a class, no leading boundary, a
#: pattern that can start anywhere, letters that match other letters without case (``ſ``,
#: ``ı``, the Kelvin sign), overlapping matches of one topic and texts with characters of
#: two and three UTF-8 bytes (the matcher searches bytes and maps spans back).
ODD_CODEBOOK = pd.DataFrame(
    [
        {
            "topic_id": "topic:a",
            "dimension": "d",
            "patterns": r"(?-i:\bDrive\b) | \w+ abuse | \(dis\)abilit\w* | (?:\bon|\bin)line "
            r"| \bk\w+",
            "exclude_patterns": r"\bonline roundtable",
        },
        {
            "topic_id": "topic:b",
            "dimension": "d",
            "patterns": r"\bſex | \bı\w | \bß | \bthe\b | \b-x | \bKids | \bİn | \bpro\w+",
            "exclude_patterns": None,
        },
        {
            "topic_id": "topic:c",
            "dimension": "d",
            "patterns": r"\b(?:a|b|c|d)(?:e|i|o)\w | \b[a-c][a-c][a-c] | [^\W\d]{3}ing\b",
            "exclude_patterns": r"\bbe",
        },
    ]
)
WORDS = [
    "Drive",
    "DRIVE",
    "drive",
    "online",
    "ONLİNE",
    "onlıne",
    "inline",
    "roundtable",
    "(dis)ability",
    "(DIS)ABILITY",
    "abuse",
    "ſex",
    "SEX",
    "ıx",
    "ß",
    "SS",
    "the",
    "THE",
    "-x",
    "x-x",
    "Kids",
    "kids",
    "İn",
    "in",
    "provision",
    "abc",
    "CAB",
    "being",
    "doing",
    "Kelly",
    "child",
    "children",
    "women",
    "women perpetrators",
    "alcohol",
    "group work",
    "one-to-one",
    "in groups",
    "Box 2.",
    "1.",
    "e.g.",
    "Dr.",
    "et al.",
    "M.",
    "’",
    "“",
    "(",
    ")",
    " ",
    "\n",
    "\n\n",
    ". ",
    "? ",
    "! ",
    "; ",
]
texts = st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join)


def plain_codes(targets: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """The codes found by scanning every pattern of every topic over every text, one by one
    (``TopicRule.matches``; no programmes)."""
    rules = compile_rules(codebook)
    rows = [
        {
            "target_id": target_id,
            "target_kind": kind,
            "topic_id": rule.topic_id,
            "dimension": rule.dimension,
            "method": "rule",
            "matched": PATTERN_SEPARATOR.join(words),
            "text": text,
            "reason": None,
        }
        for target_id, kind, text in zip(
            targets["target_id"], targets["target_kind"], targets["text"], strict=True
        )
        for rule in rules
        if isinstance(text, str) and (words := rule.matches(text))
    ]
    return pd.DataFrame(rows, columns=CODE_COLUMNS)


def plain_split(text: str) -> list[str]:
    """Sentences by the splitting rule as first written (the last word found by splitting
    everything before the stop)."""
    sentences = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        start = 0
        for boundary in re.finditer(r"(?<=[.!?])[’”\"')\]]*\s+", paragraph):
            if not re.match(r"[A-Z0-9‘“\"\[]", paragraph[boundary.end() : boundary.end() + 1]):
                continue
            stop = paragraph[: boundary.start()].rstrip("’”\"')]")
            last_word = re.split(r"[\s(]", stop[:-1])[-1].lower() if stop else ""
            if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
                continue
            if re.fullmatch(
                r"(?:(?:box|table|figure|appendix) )?[0-9]{1,3}\.",
                paragraph[start : boundary.start()].strip(),
                re.IGNORECASE,
            ):
                continue
            sentences.append(paragraph[start : boundary.start()].strip())
            start = boundary.end()
        sentences.append(paragraph[start:].strip())
    return [sentence for sentence in sentences if sentence]


def targets_of(text_list: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "target_id": [f"t{n}" for n in range(len(text_list))],
            "target_kind": "test",
            "text": text_list,
        }
    )


def test_the_corpus_codes_are_those_of_trying_every_topic(corpus):
    targets = coding_targets(corpus.tables, corpus.references)
    targets = targets[targets["target_kind"] != "programme"].reset_index(drop=True)
    codebook = corpus["codebook"]
    assert_frame_equal(
        apply_rules(targets, codebook), plain_codes(targets, codebook), check_exact=True
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8))
def test_odd_patterns_code_as_when_trying_every_topic(text_list):
    targets = targets_of(text_list)
    assert_frame_equal(
        apply_rules(targets, ODD_CODEBOOK), plain_codes(targets, ODD_CODEBOOK), check_exact=True
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8))
def test_the_shipped_codebook_codes_as_when_trying_every_topic(corpus, text_list):
    targets = targets_of(text_list)
    codebook = corpus["codebook"]
    assert_frame_equal(
        apply_rules(targets, codebook), plain_codes(targets, codebook), check_exact=True
    )


class _GivingUpSet:
    """An RE2 ``Set`` whose automaton ran out of memory: it reports no match at all."""

    def Match(self, data: bytes) -> list[int]:  # noqa: N802 - RE2's name
        del data
        return []


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8))
def test_a_set_that_gives_up_loses_no_code(text_list):
    from workbench.coding import compile_rules as rules_of

    rules = rules_of(ODD_CODEBOOK)
    matcher = CodebookMatcher(rules)
    matcher.set = _GivingUpSet()
    for text in text_list:
        expected = {i: words for i, rule in enumerate(rules) if (words := rule.matches(text))}
        assert matcher.match(text) == expected


def test_a_pattern_that_backtracks_under_python_runs_in_linear_time():
    # ``(\w+\s?)+$`` takes exponential time under Python's re on a run of word characters
    # that does not end the text (each extra character doubles it); under RE2 it is linear
    codebook = pd.DataFrame(
        [
            {
                "topic_id": "topic:slow",
                "dimension": "d",
                "patterns": r"(\w+\s?)+$$",
                "exclude_patterns": None,
            }
        ]
    )
    text = "a" * 20_000 + "!"
    start = time.perf_counter()
    codes = apply_rules(targets_of([text, "plain words"]), codebook)
    assert time.perf_counter() - start < 5
    assert list(codes["target_id"]) == ["t1"]  # '!' ends t0, so only t1 is coded
    assert list(codes["matched"]) == ["plain words"]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_sentences_are_those_of_the_plain_rule(text):
    assert split_sentences(text) == plain_split(text)


def test_narrative_sentences_are_those_of_the_plain_rule(corpus):
    for text in corpus["narratives"]["text"]:
        assert split_sentences(text) == plain_split(text)
