"""The stated-gaps table holds every statement of a gap in the sources.

An independent search, written from reading the sources, runs case-insensitive regular
expressions over each sentence of the source text. Every sentence it finds must either stand
in ``corpus/stated_gaps.csv`` or be listed below as reviewed and excluded, with the reason. A
new statement in the sources, a row dropped from the table or an exclusion that no longer
matches anything fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SEEDS

#: Words and phrases by which the sources state that evidence is weak, absent, emerging or
#: from elsewhere, or that a population is poorly served (found by reading 000-004).
GAP_PHRASES = [
    r"evidence base\b",
    r"knowledge base\b",
    r"practice base\b",
    r"evidence remained",
    r"poorly served",
    r"under-?served",
    r"not well served",
    r"left behind",
    r"under-?researched",
    r"under-?developed",
    r"under acknowledged",
    r"under-?represented",
    r"little research",
    r"very little",
    r"not much research",
    r"no specific research",
    r"little or no",
    r"not yet been addressed",
    r"yet to differentiate",
    r"limited (?:evidence|research|literature|knowledge)",
    r"more limited",
    r"is limited",
    r"albeit limited",
    r"the limited",
    r"(?:physically|usually) limited",
    r"limitations?\b",
    r"sparse",
    r"sparce",
    r"weak(?:er)?\b",
    r"most of the research",
    r"from the US\b",
    r"from North America",
    r"skewed",
    r"emerging",
    r"emerged",
    r"infancy",
    r"still developing",
    r"evolving",
    r"slow to materialise",
    r"\bgaps?\b",
    r"lack of",
    r"\blacks\b",
    r"less (?:information|access|"
    r"recognition|documented|attention|likely)",
    r"far fewer",
    r"few \(if any\)",
    r"almost no\b",
    r"no accurate",
    r"remain the exception",
    r"not been (?:evaluated|tested)",
    r"have not been",
    r"not any available literature",
    r"cannot be known",
    r"inconclusive",
    r"fragment",
    r"difficult to (?:conclusively|adequately|generalise)",
    r"\bimpossible\b",
    r"(?:more|further) research",
    r"research is needed",
    r"needs? building",
    r"need to (?:grow|explore|further)",
    r"struggled",
    r"not appropriate",
    r"not always (?:understood|transferable)",
    r"obscure",
    r"without adaptation",
    r"need to be more responsive",
    r"need to (?:better address|incorporate)",
    r"early exploration",
    r"others are not",
    r"not(?:, however,)? account for",
    r"ineffectual",
    r"less effective",
    r"patchy",
    r"tiny percentage",
    r"not transferable",
]
SEARCH = re.compile("|".join(f"(?:{p})" for p in GAP_PHRASES), re.IGNORECASE)

#: The parts of each source searched: (first line, last line), 1-based, inclusive. 001's
#: reference list (titles, not statements) and its Appendices 2-4 (search strings, a list of
#: standards, the guidelines again) are left out; the other documents are searched whole.
SCOPE = {
    "000_65e2ddfa96361f50.txt": [(1, 10_000)],
    "001_5b70540cc7bcf418.txt": [(1, 378), (553, 830), (1315, 10_000)],
    "002_b01b13f96ff4a6bf.txt": [(1, 10_000)],
    "003_8b3ee041f33ccf88.txt": [(1, 10_000)],
    "004_00b5cdf5f0b7ab61.txt": [(1, 10_000)],
}

#: Sentences the search finds that do not state a gap in the evidence or in the service of a
#: population: (file prefix, words of the sentence) -> why excluded.
EXCLUDED: dict[tuple[str, str], str] = {
    # --- 000, the talk slides
    (
        "000",
        "multi-year agreements where appropriate, evaluation, and further research",
    ): "funding promised for further research, not a statement about the evidence",
    ("000", "Has emerged to work with"): "when the intervention type arose, not its evidence",
    ("000", "Approach (or, which evidence base?)"): "a slide heading",
    (
        "000",
        "change is limited for some and there is significant room for improvement",
    ): "what the evidence shows of programmes' effect, not that the evidence is weak",
    # --- 001, the report
    ("001", "Has emerged to work with"): "when the intervention type arose, not its evidence",
    ("001", "expand the knowledge base"): "Standard 7's aim, not a statement of a gap",
    (
        "001",
        "understand the limitations of what the work with perpetrators may achieve",
    ): "the limits of what interventions achieve, told to victims; not the evidence",
    (
        "001",
        "have long been criticised as not appropriate as a standalone intervention",
    ): "a criticism of anger management's content, not of the evidence",
    (
        "001",
        "up-to-date evidence base on domestic abuse in general",
    ): "training should cover the evidence base; says nothing of its strength",
    (
        "001",
        "under-developed provider market and an under-developed workforce",
    ): "the workforce and provider market, not the evidence or a population's service",
    ("001", "the limited existed workforce"): "the workforce, not the evidence",
    (
        "001",
        "where there are gaps and areas for improvement",
    ): "gaps in an intervention's practice that evaluation finds, not in the evidence",
    (
        "001",
        "Given the number of gaps and areas for improvements",
    ): "gaps in interventions' practice (the sentence before), not in the evidence",
    (
        "001",
        "change is limited for some and there is significant room for improvement",
    ): "what the evidence shows of programmes' effect, not that the evidence is weak",
    (
        "001",
        "to start to address some of the gaps",
    ): "how the project responded to the gaps stated in the two sentences before it",
    (
        "001",
        "alongside the evidence base on them that the literature review revealed",
    ): "introduces the review of standards; says nothing of the evidence's strength",
    ("001", "A second approach that has emerged outside"): "when an approach to standards arose",
    ("001", "Limitations"): "the heading of the project's own limitations",
    (
        "001",
        "Limitations were largely linked to the short timescale",
    ): "the limits of this project's own methods, not of the evidence on interventions",
    # --- 002, the employer-facing summary
    ("002", "expand the knowledge base"): "Standard 7's aim, not a statement of a gap",
    # --- 003, the rapid review
    ("003", "first emerged at least three decades ago"): "when the research began",
    ("003", "Purpose, aims and limitations of this report"): "a heading",
    ("003", "provide an overview of the existing evidence base"): "the review's aim",
    (
        "003",
        "It also identifies gaps and opportunities in this area of practice",
    ): "announces the review's content; the gaps it identifies are rows of the table",
    (
        "003",
        "Exceptions to this date cut-off have been made in a limited number of cases",
    ): "the review's inclusion rule",
    (
        "003",
        "for whom the ‘space for action’ is more limited",
    ): "victims' space for action, not the evidence",
    (
        "003",
        "Similar findings have emerged from the USA",
    ): "findings from the USA that agree with UK ones; not a gap",
    (
        "003",
        "the limitations of an overly criminalised response",
    ): "a limit of the criminal justice response, not of the evidence",
    (
        "003",
        "There are also several examples from North America of evaluated perpetrator",
    ): "lists evaluated programmes; not a statement of a gap",
    (
        "003",
        "parenting knowledge and capabilities of fathers who are abusive are also",
    ): "fathers' parenting capabilities, not the evidence",
    (
        "003",
        "a lack of adequate resource (including longer-term capacity building",
    ): "resources for social work practice change, not the evidence",
    (
        "003",
        "Whole family interventions have emerged over the last decade",
    ): "when the interventions arose, not their evidence",
    (
        "003",
        "work towards expanding the evidence base in a manner that foregrounds",
    ): "a call to expand the evidence base; the limits it answers are rows 86-88",
    (
        "003",
        "in addition to new and emerging initiatives, bearing significant promise",
    ): "new initiatives' promise, not a gap",
    (
        "003",
        "underscoring the concomitant need to incorporate multiple measures and sources",
    ): "how evaluations should be done, not a gap in the evidence",
}

_SPACE = re.compile(r"\s+")
#: A sentence ends at . ! or ? (and any closing quote or bracket) before a capital, but not
#: after an initial ("N. Mirza").
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<![\s(][A-Z]\.)[’”')\]]*\s+(?=[A-Z‘“\"•>])")


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def sentences(path: Path) -> list[tuple[int, str]]:
    """Return (first line, sentence) for each sentence in the searched parts of a source.

    Blank lines and bullet marks end a sentence; a line the layout wrapped is joined to the
    next with a space.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[tuple[int, str]] = []
    for first, last in SCOPE[path.name]:
        block: list[tuple[int, str]] = []
        for number in range(first, min(last, len(lines)) + 1):
            line = lines[number - 1]
            if not line.strip() or line.strip() in {">", "•", "●", "-"}:
                out.extend(_split(block))
                block = []
            else:
                block.append((number, line))
        out.extend(_split(block))
    return out


def _split(block: list[tuple[int, str]]) -> list[tuple[int, str]]:
    if not block:
        return []
    text, starts = "", []
    for number, line in block:
        starts.append((len(text), number))
        text += line + " "
    pieces, position = [], 0
    for piece in _SENTENCE_END.split(text):
        offset = text.index(piece, position)
        position = offset + len(piece)
        line = max(n for start, n in starts if start <= offset)
        pieces.append((line, _normal(piece)))
    return [p for p in pieces if p[1]]


def stated_quotes(corpus) -> dict[str, list[str]]:
    quotes: dict[str, list[str]] = {}
    for row in corpus["stated_gaps"].itertuples():
        quotes.setdefault(row.source, []).append(_normal(row.quote))
    return quotes


def test_the_sources_are_present():
    """The search needs the sources: their absence is a failure, never a skip."""
    missing = [name for name in SCOPE if not (SEEDS / name).is_file()]
    assert not missing, f"source documents missing from {SEEDS}: {missing}"


def unlisted_gap_sentences(
    seeds: Path, quotes: dict[str, list[str]]
) -> tuple[list[str], list[tuple[str, str]], int]:
    """Search the sources in ``seeds``: return the sentences found that are neither among
    ``quotes`` (file -> stated quotes) nor excluded, the exclusions that matched nothing, and
    the number of sentences found.
    """
    missing, used = [], set()
    hits = 0
    for name in SCOPE:
        for line, sentence in sentences(seeds / name):
            if not SEARCH.search(sentence):
                continue
            hits += 1
            if any(q in sentence or sentence in q for q in quotes.get(name, [])):
                continue
            keys = [k for k in EXCLUDED if name.startswith(k[0]) and k[1] in sentence]
            if keys:
                used.update(keys)
                continue
            missing.append(f"{name}:{line}: {sentence}")
    return missing, sorted(set(EXCLUDED) - used), hits


def test_every_sentence_stating_a_gap_is_in_the_table_or_excluded_with_a_reason(corpus):
    assert SEEDS.is_dir(), f"the source documents are not at {SEEDS}"
    missing, stale, hits = unlisted_gap_sentences(SEEDS, stated_quotes(corpus))
    assert not missing, (
        "sentences that state a gap? add them to corpus/stated_gaps.csv or "
        "exclude them here with a reason:\n" + "\n".join(missing)
    )
    assert not stale, f"exclusions that match no sentence any more: {stale}"
    assert hits > 120  # a floor: the search itself still finds the statements


def test_a_new_statement_in_a_source_or_a_dropped_row_fails_the_search(corpus, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in SCOPE:
        (seeds / name).write_bytes((SEEDS / name).read_bytes())
    report = seeds / "001_5b70540cc7bcf418.txt"
    lines = report.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(299, "Little research has looked at fathers who use abuse.\n")  # in Standard 5
    report.write_text("".join(lines), encoding="utf-8")
    missing, _, _ = unlisted_gap_sentences(seeds, stated_quotes(corpus))
    assert missing == [
        "001_5b70540cc7bcf418.txt:300: Little research has looked at fathers who use abuse."
    ]

    quotes = stated_quotes(corpus)
    quotes["001_5b70540cc7bcf418.txt"].remove(
        corpus["stated_gaps"].set_index("gap_id").loc["stated_gap:10", "quote"]
    )
    missing, _, _ = unlisted_gap_sentences(SEEDS, quotes)
    assert missing == [
        "001_5b70540cc7bcf418.txt:289: The knowledge and practice base here "
        "needs building in a UK context since most of the research is from the US."
    ]


def test_every_stated_gap_is_a_sentence_the_search_finds(corpus):
    """The table holds no quote the search does not reach (a quote from outside the
    searched parts, or stating a gap in words the search does not know)."""
    found: dict[str, list[str]] = {}
    for name in SCOPE:
        found[name] = [s for _, s in sentences(SEEDS / name) if SEARCH.search(s)]
    unreached = [
        row.gap_id
        for row in corpus["stated_gaps"].itertuples()
        if not any(_normal(row.quote) in s or s in _normal(row.quote) for s in found[row.source])
    ]
    assert not unreached


@pytest.mark.parametrize(
    ("gap_id", "kind", "topics"),
    [
        # 001 line 153: "minoritised groups have been poorly served to date"
        ("stated_gap:6", "poorly_served", {"topic:minoritised_ethnicity"}),
        # 001 line 289: "most of the research is from the US"
        ("stated_gap:10", "elsewhere", {"topic:minoritised_ethnicity"}),
        # 001 line 567: family abuse "not yet been addressed in any depth in academic research"
        (
            "stated_gap:13",
            "absent",
            {"topic:family_violence", "topic:child_to_parent", "topic:honour_based_abuse"},
        ),
        # 004 lines 205-207: LGBT+ perpetrators, "almost no suitable interventions"
        ("stated_gap:94", "poorly_served", {"topic:lgbt"}),
    ],
)
def test_the_statements_the_reviewers_quote_are_recorded_with_their_topics(
    corpus, gap_id, kind, topics
):
    gaps = corpus["stated_gaps"].set_index("gap_id")
    assert gaps.loc[gap_id, "kind"] == kind
    rows = corpus["stated_gap_topics"]
    assert set(rows.loc[rows["gap_id"] == gap_id, "topic_id"]) == topics


@pytest.mark.parametrize(
    "topic",
    ["topic:family_violence", "topic:minoritised_ethnicity", "topic:lgbt", "topic:disability"],
)
def test_the_report_states_a_gap_for_each_population_it_names_as_underserved(corpus, topic):
    """001 names family abuse beyond intimate partners (line 567), minoritised groups (153),
    LGB and/or T people and disabled people (567, 281) among its gaps; each is a topic of
    some statement from 001."""
    rows = corpus["stated_gap_topics"].merge(corpus["stated_gaps"], on="gap_id")
    assert (rows.loc[rows["topic_id"] == topic, "source"] == "001_5b70540cc7bcf418.txt").any()
