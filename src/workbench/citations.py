"""In-text citations and quote attributions: extracted from the narratives, resolved, audited.

The report cites in author-date form. This module holds the grammar of the forms it really
uses (compiled once, below), the extraction of every occurrence from the narrative texts with
its sentence and source line, and the resolution of each occurrence against the reference
list (``references.bib``, tabulated by :func:`workbench.bibliography.references_frame`) to
exactly one status:

``resolved``
    one entry has the cited first author, year and suffix;
``year_mismatch``
    no entry has that year, but one with the same authors has another (``candidate_key``);
``name_mismatch``
    no entry has that first author, but one of the same year has a closely spelled one
    (``candidate_key``; rapidfuzz ratio of at least :data:`NAME_SIMILARITY` and at most
    :data:`NAME_MAX_EDITS` edits);
``ambiguous``
    more than one entry fits equally well (``candidate_key`` lists them);
``missing``
    nothing in the reference list fits.

A ``year_mismatch`` or ``name_mismatch`` citation plainly cites the one entry it names: it
**counts for that entry** (``counts_for``) wherever a resolved citation counts (the graph's
``cites`` edges, the gap map's evidence), flagged with the audit's finding (:func:`finding`),
never silently repaired. An ``ambiguous`` citation counts for nothing, and says so.

Quote attributions ``(Roundtable N)`` and ``(Victim-survivor)`` are extracted as well, so the
roundtables and consultations become evidence in the graph.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

# --- grammar -------------------------------------------------------------------------------

#: Capitalised words that start sentences or name things, never a cited author.
STOP_WORDS = (
    "A|According|After|All|Also|Although|An|And|Appendix|As|At|Based|Before|Both|Box|But|By|"
    "Coming|Each|Finally|For|From|Further|However|If|In|Indeed|It|Its|Many|More|Most|On|One|Or|"
    "Other|Overall|Part|Recently|Roundtable|See|Similarly|Since|So|Some|Standard|Standards|Such|"
    "Table|The|Their|There|These|They|This|Those|Three|Thus|Two|We|What|When|Where|While|Whilst|"
    "With"
)
_UPPER = "A-ZÀ-ÖØ-Þ"
_NAME_CHAR = r"(?:[^\W\d_]|[’'\-])"
# a stop word only when the whole word is one ("One-Baa" and "Moreno" are names)
_WORD = rf"(?!(?:{STOP_WORDS})(?!{_NAME_CHAR}))[{_UPPER}]{_NAME_CHAR}*"
#: One cited name: optional initials, then capitalised words ("Home Office", "WWP EN",
#: "Council of Australian Governments", "O’Leary", "Parra-Cardona", "Vilariño").
NAME = rf"(?:[{_UPPER}]\.\s*)*{_WORD}(?:\s+(?:of\s+)?{_WORD})*"
#: Between two names: ", ", " and ", " & ", ", & ", ", and ".
NAME_SEPARATOR = r"(?:\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+)"
ET_AL = r",?\s+et\s+al\b\.?"
YEAR = r"(?:1[89]|20)\d\d[a-z]?(?![\w])"
PAGE = r"(?:pp|pg|p)\.\s*[\w]+(?:\s*[-–]\s*\w+)?"
_NAMES = rf"(?P<names>{NAME}(?:{NAME_SEPARATOR}{NAME})*)(?P<et_al>{ET_AL})?"
_YEARS = rf"(?P<years>{YEAR}(?:\s*,\s*{YEAR})*)"
_PAGE = rf"(?:\s*,\s*(?P<page>{PAGE}))?"

#: A citation inside brackets: ``Author, 2001``, ``Author et al. 2019a, p. 38``, ``Bellini and
#: Westmarland, 2021, 2022``.
PARENTHETICAL = re.compile(rf"{_NAMES}(?P<year_separator>\s*,\s*|\s+){_YEARS}{_PAGE}")
#: A citation in running text: ``Author et al. (2016)``, ``Prochaska and DiClemente’s (1984)``.
NARRATIVE = re.compile(rf"{_NAMES}\s*\({_YEARS}{_PAGE}\)")
#: A citation whose year comes before the names, at the start of a clause: ``In 2008 Maiuro
#: and Eberle provided ...``. The names must be surnames (no corporate author: ``In 2021
#: Standing Together`` is not read as one) followed by a lower-case word, the verb.
YEAR_FIRST = re.compile(rf"\bIn\s+(?P<years>{YEAR})\s*,?\s+{_NAMES}(?=\s+[a-z])")
#: Words that may open a bracket of citations: ``see``, ``see, for example,``, ``see e.g.,``.
PREFIX = re.compile(r"\s*(?:see\b,?\s*)?(?:(?:for example|e\.g\.)\s*,?\s*)?")
#: Between citations inside one bracket item.
CITATION_SEPARATOR = re.compile(r"\s*,\s*")
#: Innermost brackets (citations never nest).
BRACKET = re.compile(r"\(([^()]*)\)")
#: A quote attribution.
ATTRIBUTION = re.compile(
    r"\((?P<attributed_as>Roundtable\s+(?P<number>\d+)|Victim-survivors?"
    r"|Perpetrators?)\)"
)
#: A paragraph after which a quote opens: it ends with a colon or with a quote's attribution.
_QUOTE_OPENER = re.compile(
    r"(?::|\((?:Roundtable\s+\d+|Victim-survivors?|Perpetrators?)\)\.?)"
    r"\s*$"
)
#: Words of a speaker quoted in the first person (the report's narration is impersonal).
_FIRST_PERSON = re.compile(r"\b(?:I|I’m|I’ve|[Ww]e|[Oo]ur|[Mm]y|me|us)\b")
#: Where a running-text citation's bracket can open: ``(`` right before a year.
_YEAR_BRACKET = re.compile(r"\((?=(?:1[89]|20)\d\d)")
#: Every character the names of a running-text citation can hold, up to its bracket (read
#: backwards from the bracket, on the reversed text).
_NAME_RUN = re.compile(r"(?:[^\W\d_]|[\s’'\-.,&])*")
_NAME_SPLIT = re.compile(rf"{NAME_SEPARATOR}")
_YEAR_PARTS = re.compile(r"(?P<year>\d{4})(?P<suffix>[a-z]?)")
#: A sentence end: a stop not after an initial, *et al*, *e.g*, *i.e*, a page abbreviation or
#: *No* (the stop comes first, so a search only stops at stops), closing quotes or brackets,
#: white space, and a capital or digit next.
_SENTENCE_END = re.compile(
    r"[.!?](?<![A-Z].)(?<!\bet al.)(?<!\be\.g.)(?<!\bi\.e.)(?<!\bpp.)(?<!\bpg.)(?<!\bp.)"
    r"(?<!\bNo.)[’”)\]]*\s+(?=[‘“\[]?[A-Z0-9])"
)


@dataclass(frozen=True)
class Citation:
    """One cited work at one place in a text (a citation naming two years gives two).

    Attributes:
        cited_as: the citation as printed, with this occurrence's year only.
        surnames: the cited names in order (a corporate author is one name).
        et_al: whether the names end with *et al.*
        year: the four-digit year.
        suffix: the year's letter suffix (``a``/``b``) or ``""``.
        page: the page reference as printed (``p. 38``) or ``""``.
        form: ``parenthetical``, ``narrative`` or ``year_first`` (``In 2008 Maiuro and Eberle``).
        start: offset of the citation in the text.
        end: offset just after it (after the bracket of a running-text citation).
    """

    cited_as: str
    surnames: tuple[str, ...]
    et_al: bool
    year: str
    suffix: str
    page: str
    form: str
    start: int
    end: int


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in _NAME_SPLIT.split(text.strip()) if n.strip())


def _valid(match: re.Match) -> bool:
    """A corporate (several-word) name needs the comma before its year (``Home Office, 2022``).

    Without this rule any capitalised phrase before a year would be read as an author
    (``Domestic Abuse Act 2021``).
    """
    separator = match.groupdict().get("year_separator")
    if separator is None or "," in separator:
        return True
    return not any(" " in name for name in _names(match["names"]))


def _citations_from_match(match: re.Match, form: str, offset: int) -> list[Citation]:
    names = _names(match["names"])
    if form == "narrative" and re.search(r"[’']s$", names[-1]):
        # "Prochaska and DiClemente’s (1984)": the possessive is not part of the name
        names = (*names[:-1], names[-1][:-2])
    head = match.string[match.start() : match.start("years")]
    tail = match.string[match.end("years") : match.end()]
    page = match.groupdict().get("page") or ""
    years = list(re.finditer(YEAR, match["years"]))
    citations = []
    for year in years:
        parts = _YEAR_PARTS.match(year.group())
        assert parts is not None  # a YEAR match opens with four digits
        # as printed; a citation naming several years is given once per year
        cited_as = match.group() if len(years) == 1 else f"{head}{year.group()}{tail}"
        citations.append(
            Citation(
                cited_as=cited_as,
                surnames=names,
                et_al=bool(match["et_al"]),
                year=parts["year"],
                suffix=parts["suffix"],
                page=page,
                form=form,
                start=offset + match.start(),
                end=offset + match.end(),
            )
        )
    return citations


def parse_bracket(content: str, offset: int = 0) -> list[Citation]:
    """Parse the inside of one bracket (or one citation string) into citations.

    Items separated by ``;`` are read independently; inside an item, citations separated by
    commas are read from the start until something that is not a citation (a comment such as
    ``for how this applies to women``) ends the item. A bracket that does not open with a
    citation (after an optional ``see``/``for example``) holds none.

    Examples:
        >>> [c.cited_as for c in parse_bracket("see, for example, Stewart et al., 2013, "
        ...                                     "Morrison et al, 2019a")]
        ['Stewart et al., 2013', 'Morrison et al, 2019a']
        >>> [(c.surnames, c.year) for c in parse_bracket("Bellini and Westmarland, 2021, 2022")]
        [(('Bellini', 'Westmarland'), '2021'), (('Bellini', 'Westmarland'), '2022')]
        >>> parse_bracket("Domestic Abuse Act 2021")
        []
    """
    citations: list[Citation] = []
    position = 0
    for item in re.split(r"(;)", content):
        if item == ";":
            position += 1
            continue
        prefix = PREFIX.match(item)
        assert prefix is not None  # every part of PREFIX is optional: it matches anywhere
        cursor = prefix.end()
        while True:
            match = PARENTHETICAL.match(item, cursor)
            if match is None or not _valid(match):
                break
            citations.extend(_citations_from_match(match, "parenthetical", offset + position))
            separator = CITATION_SEPARATOR.match(item, match.end())
            if separator is None:
                break
            prefix = PREFIX.match(item, separator.end())
            assert prefix is not None  # as above
            cursor = prefix.end()
        position += len(item)
    return citations


def _narrative_matches(text: str) -> list[re.Match]:
    """Return the matches of :data:`NARRATIVE` in ``text``, exactly as ``finditer`` gives them.

    Only the stretch before each ``(`` that opens on a year is searched: a running-text
    citation is its names (letters, initials, separators, *et al.*: none of them a digit or a
    bracket) and such a bracket, and it ends at the first ``)`` after it. The rest of the text,
    most of it, cannot hold one and is never scanned.
    """
    matches: list[re.Match] = []
    position = 0
    reverse = text[::-1]
    for bracket in _YEAR_BRACKET.finditer(text):
        opening = bracket.start()
        closing = text.find(")", opening)
        if closing == -1:
            break
        if opening < position:
            continue
        tail = len(text) - opening
        name_run = _NAME_RUN.match(reverse, tail)
        assert name_run is not None  # _NAME_RUN matches the empty string, so it matches anywhere
        names_start = opening - (name_run.end() - tail)
        match = NARRATIVE.search(text, max(names_start, position), closing + 1)
        if match is not None:
            matches.append(match)
            position = match.end()
    return matches


def _year_first_matches(text: str) -> Iterator[re.Match]:
    """Yield the matches of :data:`YEAR_FIRST` in ``text`` whose names are all surnames.

    The search is anchored on the word *In* and a year, so it is one linear pass.
    """
    for match in YEAR_FIRST.finditer(text):
        if not any(" " in name for name in _names(match["names"])):
            yield match


def parse_citations(text: str) -> list[Citation]:
    """Return every in-text citation in ``text``, in reading order.

    Bracketed citations (``(Author, 2001; Author and Author 2002, p. 3)``), running-text
    citations (``Author et al. (2016)``) and citations whose year comes first (``In 2008
    Maiuro and Eberle provided``) are all found; a bracket holding only a year belongs to the
    running-text citation before it and is not counted twice.

    Examples:
        >>> [c.cited_as for c in parse_citations(
        ...     "as Maiuro et al. (2001) highlighted (Cantos and O’Leary, 2014, p. 5).")]
        ['Maiuro et al. (2001)', 'Cantos and O’Leary, 2014, p. 5']
        >>> [(c.form, c.surnames, c.year) for c in parse_citations(
        ...     "In 2008 Maiuro and Eberle provided an updated content analysis")]
        [('year_first', ('Maiuro', 'Eberle'), '2008')]
    """
    found: list[Citation] = []
    for match in _narrative_matches(text):
        found.extend(_citations_from_match(match, "narrative", 0))
    for match in _year_first_matches(text):
        found.extend(_citations_from_match(match, "year_first", 0))
    for bracket in BRACKET.finditer(text):
        found.extend(parse_bracket(bracket.group(1), bracket.start(1)))
    return sorted(found, key=lambda c: (c.start, c.year + c.suffix))


@dataclass(frozen=True)
class Attribution:
    """A quote attributed to a roundtable or a consultation.

    Attributes:
        attributed_as: the attribution as printed (``Roundtable 8``, ``Victim-survivor``).
        target_id: ``roundtable:8`` or ``consultation:victim_survivors`` / ``:perpetrators``.
        quote: the text of the paragraph before the attribution (the quoted words).
        start: offset of the attribution in the text.
    """

    attributed_as: str
    target_id: str
    quote: str
    start: int


def parse_attributions(text: str) -> list[Attribution]:
    """Return every quote attribution in ``text``, in reading order.

    A quote is the paragraph that the attribution closes. Where the attribution closes the
    later paragraph of a quote that runs over several, the earlier ones belong to it too: a
    paragraph before the attributed one is part of its quote when it speaks in the first
    person, holds no attribution or citation of its own, and follows a paragraph after which
    a quote opens (one that ends with a colon or another quote's attribution). So in
    Standard 2 "I was sat in MARAC recently ... what about safety?" and "Serious concerns
    should lead to different actions. (Roundtable 3)" are one quote, while a paragraph of
    narration between two quotes ("It was also emphasised that ...") is not part of either.

    Examples:
        >>> [(a.target_id, a.quote) for a in parse_attributions(
        ...     "Intro.\\n\\nTrained staff – and enough of them. (Roundtable 2)")]
        [('roundtable:2', 'Trained staff – and enough of them.')]
        >>> [a.quote for a in parse_attributions(
        ...     "They said:\\n\\nI was sat in MARAC.\\n\\nSerious concerns. (Roundtable 3)")]
        ['I was sat in MARAC.\\n\\nSerious concerns.']
    """
    attributions = []
    for match in ATTRIBUTION.finditer(text):
        said = match["attributed_as"]
        if match["number"]:
            target = f"roundtable:{int(match['number'])}"
        elif said.startswith("Victim"):
            target = "consultation:victim_survivors"
        else:
            target = "consultation:perpetrators"
        paragraph_start = text.rfind("\n", 0, match.start()) + 1
        quote_start = _quote_start(text, paragraph_start)
        quote = text[quote_start : match.start()].strip()
        attributions.append(Attribution(said, target, quote, match.start()))
    return attributions


def _previous_paragraph(text: str, start: int) -> tuple[int, str] | None:
    """Return the start and text of the paragraph (non-blank line) before offset ``start``,
    the start of a line, or ``None`` at the start of the text."""
    while start > 0:
        line_start = text.rfind("\n", 0, start - 1) + 1
        line = text[line_start : start - 1]
        if line.strip():
            return line_start, line
        start = line_start
    return None


def _quote_start(text: str, start: int) -> int:
    """Return where the quote whose attributed paragraph starts at ``start`` begins.

    Walks back over the paragraphs that continue the quote (see :func:`parse_attributions`);
    the walk stops at the first paragraph that cannot, so it never goes back past the
    previous quote: over a whole text the walks read each paragraph at most once.
    """
    continued = start
    while (previous := _previous_paragraph(text, continued)) is not None:
        previous_start, paragraph = previous
        if _QUOTE_OPENER.search(paragraph):
            return continued
        if (
            not _FIRST_PERSON.search(paragraph)
            or ATTRIBUTION.search(paragraph)
            or parse_citations(paragraph)
        ):
            return start
        continued = previous_start
    return start


def sentence_at(text: str, offset: int) -> str:
    """Return the sentence of ``text`` that holds character ``offset``.

    Sentences end at ``.``, ``!`` or ``?`` followed by a capital, never after *et al.*,
    *e.g.*, *i.e.* or a page abbreviation; paragraphs (lines) always end one.

    Examples:
        >>> text = "One (Smith, 2001). Maiuro et al. (2001) said so. Three."
        >>> sentence_at(text, text.index("Maiuro"))
        'Maiuro et al. (2001) said so.'
    """
    return sentence_finder(text)(offset)


def _sentence_ends(paragraph: str) -> list[int]:
    """Return the offset just after each sentence end in ``paragraph``, in order."""
    return [boundary.end() for boundary in _SENTENCE_END.finditer(paragraph)]


def sentence_finder(text: str) -> Callable[[int], str]:
    """Return a function giving, like :func:`sentence_at`, the sentence at an offset of ``text``.

    Each paragraph's sentence ends are found once, on the first offset that falls in it, so
    looking up every citation of a long text costs one pass over it rather than one each.

    Examples:
        >>> at = sentence_finder("One (Smith, 2001). Two.\\nThree (Jones, 2002).")
        >>> at(5), at(30)
        ('One (Smith, 2001).', 'Three (Jones, 2002).')
    """
    paragraphs: dict[int, tuple[str, list[int]]] = {}

    def at(offset: int) -> str:
        start = text.rfind("\n", 0, offset) + 1
        if start not in paragraphs:
            end = text.find("\n", offset)
            paragraph = text[start : len(text) if end == -1 else end]
            paragraphs[start] = (paragraph, _sentence_ends(paragraph))
        paragraph, ends = paragraphs[start]
        number = bisect_right(ends, offset - start)  # the first end after the offset
        begin = ends[number - 1] if number else 0
        end = ends[number] if number < len(ends) else len(paragraph)
        return paragraph[begin:end].strip()

    return at


# --- extraction from the corpus ------------------------------------------------------------

#: Columns of :func:`extract_citations`.
CITATION_COLUMNS = [
    "location",
    "occurrence",
    "line",
    "form",
    "cited_as",
    "surnames",
    "et_al",
    "year",
    "suffix",
    "page",
    "sentence",
    "source",
]
#: Columns of :func:`extract_attributions`.
ATTRIBUTION_COLUMNS = [
    "location",
    "occurrence",
    "line",
    "attributed_as",
    "target_id",
    "quote",
    "source",
]


def first_text_line(lines: str) -> int:
    """Return the file line on which a narrative's ``text`` starts.

    A narrative's ``lines`` is ``heading; first-last`` and its text is exactly the lines of the
    last range, so the text's first line is the start of the last range.

    Examples:
        >>> first_text_line("77; 95-123")
        95
        >>> first_text_line("741")
        741
    """
    last = str(lines).split(";")[-1].strip()
    return int(last.split("-")[0])


#: Columns of :func:`citation_texts`: the texts citations are extracted from.
TEXT_COLUMNS = ["location", "text", "source", "lines"]


def citation_texts(corpus) -> pd.DataFrame:
    """Return the texts that carry citations: every narrative and every guideline.

    The narratives hold the evidence; one guideline (2.6) cites a work itself. Each row's
    ``location`` is the narrative or guideline id.

    Returns:
        A DataFrame with :data:`TEXT_COLUMNS`, sorted by location.
    """
    narratives = corpus["narratives"].rename(columns={"narrative_id": "location"})
    guidelines = corpus["guidelines"].rename(columns={"guideline_id": "location"})
    texts = pd.concat([narratives[TEXT_COLUMNS], guidelines[TEXT_COLUMNS]], ignore_index=True)
    return texts.sort_values("location", ignore_index=True)


def narrative_texts(narratives: pd.DataFrame) -> pd.DataFrame:
    """Return the narratives table in the :data:`TEXT_COLUMNS` shape."""
    texts = narratives.rename(columns={"narrative_id": "location"})[TEXT_COLUMNS]
    return texts.sort_values("location", ignore_index=True)


def _sorted_texts(texts: pd.DataFrame) -> Iterator[tuple[str, str, str, str]]:
    """Yield ``(location, text, source, lines)`` for each text, in location order."""
    ordered = texts.sort_values("location")
    yield from zip(
        *(ordered[column].tolist() for column in ("location", "text", "source", "lines")),
        strict=True,
    )


def _line(lines: str, text: str, offset: int) -> int:
    """Return the file line of character ``offset`` of a text whose ``lines`` are given."""
    return first_text_line(lines) + text.count("\n", 0, offset)


def extract_citations(texts: pd.DataFrame) -> pd.DataFrame:
    """Extract every in-text citation from the given texts, one row per occurrence.

    Args:
        texts: rows with :data:`TEXT_COLUMNS` (see :func:`citation_texts`,
            :func:`narrative_texts`).

    Returns:
        A DataFrame with :data:`CITATION_COLUMNS`, in location then reading order:
        ``occurrence`` numbers the citations within a location (from 1), ``line`` is the line
        of the source file, ``sentence`` the sentence the citation sits in.
    """
    rows = []
    for location, text, source, lines in _sorted_texts(texts):
        sentence = sentence_finder(text)
        for number, citation in enumerate(parse_citations(text), start=1):
            rows.append(
                {
                    "location": location,
                    "occurrence": number,
                    "line": _line(lines, text, citation.start),
                    "form": citation.form,
                    "cited_as": citation.cited_as,
                    "surnames": citation.surnames,
                    "et_al": citation.et_al,
                    "year": citation.year,
                    "suffix": citation.suffix,
                    "page": citation.page,
                    "sentence": sentence(citation.start),
                    "source": source,
                }
            )
    return pd.DataFrame(rows, columns=CITATION_COLUMNS)


def extract_attributions(texts: pd.DataFrame) -> pd.DataFrame:
    """Extract every quote attributed to a roundtable or a consultation.

    Args:
        texts: rows with :data:`TEXT_COLUMNS`.

    Returns:
        A DataFrame with :data:`ATTRIBUTION_COLUMNS`, in location then reading order.
    """
    rows = []
    for location, text, source, lines in _sorted_texts(texts):
        for number, found in enumerate(parse_attributions(text), start=1):
            rows.append(
                {
                    "location": location,
                    "occurrence": number,
                    "line": _line(lines, text, found.start),
                    "attributed_as": found.attributed_as,
                    "target_id": found.target_id,
                    "quote": found.quote,
                    "source": source,
                }
            )
    return pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)


# --- resolution ----------------------------------------------------------------------------

#: Minimum rapidfuzz ratio (0-100) for a differently spelled first author to be a candidate.
NAME_SIMILARITY = 80.0
#: At most this many edits (Damerau-Levenshtein: a swap of two letters is one) between the
#: two spellings; without it two long names that share a long part would look alike.
NAME_MAX_EDITS = 2
#: Every status a citation occurrence can have.
CITATION_STATUSES = ("resolved", "missing", "year_mismatch", "name_mismatch", "ambiguous")
#: Statuses of a citation that names one entry although its year or spelling disagrees with
#: the reference list: it counts for that entry (its ``candidate_key``), flagged.
COUNTED_MISMATCHES = ("year_mismatch", "name_mismatch")
#: Each status in words, for the pages a reader sees (the front page's findings).
CITATION_STATUS_LABELS: dict[str, str] = {
    "resolved": "resolved",
    "missing": "not in the reference list",
    "year_mismatch": "with another year in the reference list",
    "name_mismatch": "with the name spelt otherwise in the reference list",
    "ambiguous": "matching more than one reference",
}
#: Columns :func:`resolve_citations` adds.
RESOLUTION_COLUMNS = ["status", "key", "candidate_key", "note", "counts_for"]


def counts_for(status: str, key: object, candidate_key: object) -> str:
    """Return the bibliography key a citation occurrence counts for, or ``""``.

    A resolved citation counts for its ``key``; a year or name mismatch for its single
    ``candidate_key`` (the report plainly cites that work; the disagreement is the source's
    defect, recorded in ``corpus/source_issues.csv``); an ambiguous or missing one for none.

    Examples:
        >>> counts_for("resolved", "kelly2015", ""), counts_for("year_mismatch", "", "bonta2016")
        ('kelly2015', 'bonta2016')
        >>> counts_for("ambiguous", "", "a2001;b2001"), counts_for("missing", "", "")
        ('', '')
    """
    if status == "resolved":
        return key if isinstance(key, str) else ""
    if (
        status in COUNTED_MISMATCHES
        and isinstance(candidate_key, str)
        and candidate_key
        and ";" not in candidate_key
    ):
        return candidate_key
    return ""


def finding(status: str, note: object) -> str:
    """Return the flag a citation carries where it counts (or does not): the audit's finding.

    Empty for a resolved citation; the audit's note for a year or name mismatch that counts
    for its candidate; for an ambiguous one, that it is not counted and why.

    Examples:
        >>> finding("year_mismatch", "cited 2017; the reference list dates this work 2016")
        'cited 2017; the reference list dates this work 2016'
        >>> finding("ambiguous", "2 entries share this first author and year")
        'not counted (ambiguous): 2 entries share this first author and year'
        >>> finding("resolved", "")
        ''
    """
    note = note if isinstance(note, str) else ""
    if status in COUNTED_MISMATCHES:
        return note
    if status == "ambiguous":
        return f"not counted (ambiguous): {note}" if note else "not counted (ambiguous)"
    return ""


def normalise_name(name: str) -> str:
    """Fold a surname for comparison: Unicode-normalised, curly apostrophe as ``'``, lower case.

    Examples:
        >>> normalise_name("O’Leary") == normalise_name("O'Leary")
        True
    """
    return unicodedata.normalize("NFKC", name).replace("’", "'").casefold().strip()


@dataclass(frozen=True)
class _Entry:
    """One bibliography entry, with its names folded once for comparison."""

    key: str
    surnames: tuple[str, ...]
    folded: tuple[str, ...]
    et_al: bool
    year: str
    suffix: str
    #: The entry's row in the reference list (kept out of comparisons).
    position: int = field(default=0, compare=False)

    @property
    def first(self) -> str:
        return self.folded[0] if self.folded else ""


def _deletions(name: str, most: int = NAME_MAX_EDITS) -> set[str]:
    """Return every string left by deleting at most ``most`` characters of ``name``.

    Two spellings at most ``most`` Damerau-Levenshtein edits apart always leave a common
    string this way (a substitution or a swap is undone by deleting one character on each
    side, an insertion by deleting it on the other side), so names that share none are
    certainly not close.

    Examples:
        >>> sorted(_deletions("abc", 1))
        ['ab', 'abc', 'ac', 'bc']
    """
    found = {name}
    frontier = {name}
    for _ in range(most):
        frontier = {word[:i] + word[i + 1 :] for word in frontier for i in range(len(word))}
        found |= frontier
    return found


class _DeletionTable:
    """Which of some names each of their deletions (see :func:`_deletions`) comes from.

    Most deletions come from one name, kept as a plain string in ``owner``; those several
    names share are also in ``shared`` (so that a large table is mostly strings).
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.owner: dict[str, str] = {}
        self.shared: dict[str, set[str]] = {}
        for name in names:
            for variant in _deletions(name):
                owner = self.owner.setdefault(variant, name)
                if owner != name:
                    self.shared.setdefault(variant, {owner}).add(name)

    def names(self, variants: Iterable[str]) -> set[str]:
        """Return the names any of ``variants`` comes from."""
        found = set()
        for variant in variants:
            if variant in self.owner:
                found.add(self.owner[variant])
                found.update(self.shared.get(variant, ()))
        return found


@dataclass(frozen=True)
class _Index:
    """The bibliography entries, looked up by folded first author, by year, and by year and
    first author.

    ``by_year_length`` holds the first authors of each year by the length of the name; the
    deletions of those names (see :func:`_deletions`) are tabulated in ``deleted`` only when a
    citation needs them, and ``close`` keeps the answers of :meth:`close_spellings`.
    """

    by_first: dict[str, list[_Entry]]
    by_year: dict[str, list[_Entry]]
    by_year_first: dict[str, dict[str, list[_Entry]]]
    by_year_length: dict[tuple[str, int], list[str]]
    deleted: dict[tuple[str, int], _DeletionTable] = field(default_factory=dict)
    close: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def _deletion_table(self, year: str, length: int) -> _DeletionTable:
        """Return the deletion table of the first authors of ``year`` with ``length``
        characters."""
        if (year, length) not in self.deleted:
            self.deleted[(year, length)] = _DeletionTable(
                self.by_year_length.get((year, length), ())
            )
        return self.deleted[(year, length)]

    def close_spellings(self, first: str, year: str) -> list[str]:
        """Return the first authors of ``year``'s entries spelled close to ``first``, sorted.

        Only names whose deletions meet those of ``first`` are compared: the others are more
        than :data:`NAME_MAX_EDITS` edits away (as are names whose length differs by more).
        """
        if (first, year) not in self.close:
            variants = _deletions(first)
            names: set[str] = set()
            for length in range(len(first) - NAME_MAX_EDITS, len(first) + NAME_MAX_EDITS + 1):
                names |= self._deletion_table(year, length).names(variants)
            self.close[(first, year)] = sorted(
                name for name in names if _close_spelling(first, name)
            )
        return self.close[(first, year)]


def _index(references: pd.DataFrame) -> _Index:
    et_al = references["et_al"].tolist() if "et_al" in references else [False] * len(references)
    by_first: dict[str, list[_Entry]] = {}
    by_year: dict[str, list[_Entry]] = {}
    by_year_first: dict[str, dict[str, list[_Entry]]] = {}
    by_year_length: dict[tuple[str, int], list[str]] = {}
    rows = zip(
        references["key"].tolist(),
        references["surnames"].tolist(),
        et_al,
        references["year"].tolist(),
        references["year_suffix"].tolist(),
        strict=True,
    )
    for position, (key, names, flag, year, suffix) in enumerate(rows):
        entry = _Entry(
            key,
            tuple(names),
            tuple(normalise_name(n) for n in names),
            bool(flag),
            str(year),
            str(suffix),
            position,
        )
        by_first.setdefault(entry.first, []).append(entry)
        by_year.setdefault(entry.year, []).append(entry)
        of_year = by_year_first.setdefault(entry.year, {})
        if entry.first not in of_year:
            by_year_length.setdefault((entry.year, len(entry.first)), []).append(entry.first)
        of_year.setdefault(entry.first, []).append(entry)
    return _Index(by_first, by_year, by_year_first, by_year_length)


def _close_spelling(cited: str, listed: str) -> bool:
    """Whether two different first-author spellings are close enough to be one name."""
    return (
        cited != listed
        and fuzz.ratio(cited, listed) >= NAME_SIMILARITY
        and DamerauLevenshtein.distance(cited, listed) <= NAME_MAX_EDITS
    )


def _authors_agree(cited: tuple[str, ...], et_al: bool, entry: _Entry) -> bool:
    """Whether the cited (folded) names are the entry's author list (*et al.*: 3 or more)."""
    listed = list(entry.folded)
    if et_al:
        return listed[: len(cited)] == list(cited) and (len(listed) >= 3 or entry.et_al)
    return listed == list(cited) or (entry.et_al and listed == list(cited[: len(listed)]))


def _suffix_fits(cited: str, listed: str) -> bool:
    return cited == listed or not cited or not listed


def _near_entries(first: str, year: str, suffix: str, index: _Index) -> list[_Entry]:
    """Return the entries of ``year`` (suffix permitting) whose first author is spelled close
    to ``first``, in reference-list order."""
    by_first = index.by_year_first.get(year, {})
    near = [
        entry
        for name in index.close_spellings(first, year)
        for entry in by_first[name]
        if _suffix_fits(suffix, entry.suffix)
    ]
    return sorted(near, key=lambda entry: entry.position)


def _resolve_one(surnames, et_al, year, suffix, index: _Index) -> dict:
    cited = tuple(normalise_name(n) for n in surnames)
    first = cited[0]
    pool = index.by_first.get(first, [])
    agree = [e for e in pool if _authors_agree(cited, et_al, e)]
    same = [e for e in pool if e.year == year and _suffix_fits(suffix, e.suffix)]
    if len(same) > 1:
        exact = [e for e in same if e.suffix == suffix and e in agree]
        same = exact or same
    if len(same) == 1:
        entry = same[0]
        note = (
            ""
            if entry in agree
            else (
                f"cited as {_cited_names(surnames, et_al)}; the entry lists "
                f"{_cited_names(entry.surnames, entry.et_al)}"
            )
        )
        return _outcome("resolved", key=entry.key, note=note)
    if len(same) > 1:
        return _outcome(
            "ambiguous",
            candidates=[e.key for e in same],
            note=f"{len(same)} entries share this first author and year",
        )
    other_years = [e for e in agree if e.year != year]
    if len(other_years) == 1:
        entry = other_years[0]
        return _outcome(
            "year_mismatch",
            candidates=[entry.key],
            note=f"cited {year}{suffix}; the reference list dates this work "
            f"{entry.year}{entry.suffix}",
        )
    if len(other_years) > 1:
        return _outcome(
            "ambiguous",
            candidates=[e.key for e in other_years],
            note=f"no entry of {year}; several by the same authors",
        )
    near = _near_entries(first, year, suffix, index)
    if len(near) == 1:
        return _outcome(
            "name_mismatch",
            candidates=[near[0].key],
            note=f"cited as {surnames[0]}; the reference list spells {near[0].surnames[0]}",
        )
    if len(near) > 1:
        return _outcome(
            "ambiguous",
            candidates=[e.key for e in near],
            note="several closely spelled authors of this year",
        )
    note = (
        "no entry by this first author"
        if not pool
        else (
            f"the reference list has {surnames[0]} only as "
            + ", ".join(sorted(e.key for e in pool))
        )
    )
    return _outcome("missing", note=note)


def _cited_names(surnames, et_al: bool) -> str:
    names = list(surnames)
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{text} et al." if et_al else text


def _outcome(status: str, key: str = "", candidates=(), note: str = "") -> dict:
    candidate_key = ";".join(sorted(candidates))
    return {
        "status": status,
        "key": key,
        "candidate_key": candidate_key,
        "note": note,
        "counts_for": counts_for(status, key, candidate_key),
    }


def resolve_citations(citations: pd.DataFrame, references: pd.DataFrame) -> pd.DataFrame:
    """Give every citation occurrence exactly one status against the reference list.

    Args:
        citations: rows with ``surnames``, ``et_al``, ``year`` and ``suffix`` (as from
            :func:`extract_citations`).
        references: the bibliography table from :func:`workbench.bibliography.references_frame`.

    Returns:
        ``citations`` with :data:`RESOLUTION_COLUMNS` added: ``status`` (one of
        :data:`CITATION_STATUSES`), ``key`` (the bib key when resolved), ``candidate_key`` (the
        entry or entries meant when not resolved), ``note`` (why, in words) and
        ``counts_for`` (the entry the occurrence counts for, :func:`counts_for`).
    """
    index = _index(references)
    outcomes = [
        _resolve_one(surnames, et_al, year, suffix, index)
        for surnames, et_al, year, suffix in zip(
            *(citations[column].tolist() for column in ("surnames", "et_al", "year", "suffix")),
            strict=True,
        )
    ]
    resolved = pd.DataFrame(outcomes, columns=RESOLUTION_COLUMNS, index=citations.index)
    return pd.concat([citations, resolved], axis=1)


#: Columns of :func:`orphan_references`.
ORPHAN_COLUMNS = ["key", "ref_id", "surnames", "year", "title", "lines", "near_misses"]


def orphan_references(resolved: pd.DataFrame, references: pd.DataFrame) -> pd.DataFrame:
    """Return the bibliography entries no citation occurrence resolves to, sorted by key.

    ``near_misses`` counts the unresolved occurrences that name the entry as a candidate
    (so an entry only ever cited with the wrong year shows up here with its near misses).
    """
    cited = set(resolved.loc[resolved["status"] == "resolved", "key"])
    candidates = resolved.loc[resolved["status"] != "resolved", "candidate_key"]
    near = pd.Series(
        [k for keys in candidates for k in keys.split(";") if k], dtype="object"
    ).value_counts()
    orphans = references[~references["key"].isin(cited)].copy()
    orphans["surnames"] = orphans["surnames"].map("; ".join)
    orphans["near_misses"] = orphans["key"].map(near).fillna(0).astype(int)
    return orphans[ORPHAN_COLUMNS].sort_values("key", ignore_index=True)


def reference_audit_notes(resolved: pd.DataFrame, references: pd.DataFrame) -> dict[str, str]:
    """Return, for every bibliography entry, what the citation audit found about it, in words.

    Each note says how often the entry is cited as listed, or that it is never cited so, and
    names each citation that meant it under another year or spelling (``cited as “Bonta and
    Andrews, 2017” (year_mismatch: cited 2017; the reference list dates this work 2016)``).
    It exists so that the reference-manager exports carry the audit beside each entry.

    Returns:
        ``{key: note}`` for every key of ``references``.
    """
    cited = resolved.loc[resolved["status"] == "resolved", "key"].value_counts()
    near: dict[str, list[str]] = {}
    unresolved = resolved[resolved["status"] != "resolved"]
    for cited_as, status, candidates, note in zip(
        unresolved["cited_as"],
        unresolved["status"],
        unresolved["candidate_key"],
        unresolved["note"],
        strict=True,
    ):
        for key in str(candidates or "").split(";"):
            if key:
                near.setdefault(key, []).append(f"cited as “{cited_as}” ({status}: {note})")
    notes = {}
    for key in references["key"]:
        count = int(cited.get(key, 0))
        if count:
            said = f"cited {count} time{'s' if count > 1 else ''} as listed"
        else:
            said = "never cited as listed in the narratives or guidelines"
        misses = list(dict.fromkeys(near.get(key, [])))  # each distinct near miss once
        notes[key] = "Citation audit: " + "; ".join([said, *misses]) + "."
    return notes


#: Columns of the citation audit, as written to ``citation_audit.csv``.
AUDIT_COLUMNS = [
    "location",
    "cited_as",
    "status",
    "key",
    "candidate_key",
    "sentence",
    "line",
    "note",
    "counts_for",
]


def citation_audit(corpus) -> pd.DataFrame:
    """Extract and resolve every citation in the narratives and guidelines: the citation audit.

    Returns:
        One row per citation occurrence with :data:`CITATION_COLUMNS` and
        :data:`RESOLUTION_COLUMNS`, in location then reading order.
    """
    return resolve_citations(extract_citations(citation_texts(corpus)), corpus.references)
