"""The literature search of Appendix 2: the 52 Google Scholar queries parsed and audited.

The report's rapid evidence assessment ran 52 Google Scholar searches and printed each query
with its hit count (001, Appendix 2). This module lets a student reproduce and question that
search:

* ``parse_query`` splits a query string, exactly as printed, into its quoted phrases, its
  boolean operators and any trailing annotation, and names every way the string is malformed
  (``flags``) instead of repairing it;
* ``search_analysis`` adds facets (concept family, intervention noun, spellings, number,
  qualifier, where the term is used) from one rules table, ``data/search_facet_rules.csv``;
* the analysis functions total the hits, compare searches that differ in one element, audit
  the combinations the search did not run, and fill the 16 items of the PRISMA-S reporting
  checklist (Rethlefsen et al. 2021) from the corpus;
* ``workbench.render.search_report`` renders the PRISMA-S report; the build's dataflow
  (``workbench.dataflow``) makes the files.
"""

from __future__ import annotations

import io
import itertools
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import pandas as pd

from workbench.frames import row_dicts

#: Facets in the order they are reported; ``spelling`` combines the two spelling facets.
FACETS: tuple[str, ...] = (
    "family",
    "noun",
    "programme_spelling",
    "behaviour_spelling",
    "spelling",
    "grammatical_number",
    "qualifier",
    "term_usage",
)

#: Every flag ``parse_query`` can raise, with what it means.
FLAGS: dict[str, str] = {
    "empty_query": "the query string is empty",
    "no_phrases": "the string holds no quoted phrase",
    "unbalanced_quotes": "a quotation mark is opened but never closed",
    "mismatched_quotes": "a phrase opens with a double quote and closes with a single one, "
    "or the reverse",
    "reversed_quote": "a phrase opens with a closing quotation mark (” or ’)",
    "space_inside_quotes": "a phrase starts or ends with a space inside its quotation marks",
    "empty_phrase": "a pair of quotation marks holds nothing",
    "operator_glued_to_quote": "a boolean operator touches a quotation mark with no space",
    "lowercase_operator": "a boolean operator is not in capitals, unlike the other searches",
    "unquoted_term": "a word outside quotation marks that is not an operator",
    "missing_operator": "two phrases follow each other with no operator between them",
    "dangling_operator": "an operator with no phrase on one side",
    "annotation_outside_query": "text in parentheses after the query, not part of the search",
    "unbalanced_parenthesis": "a parenthesis is opened but never closed",
}

OPERATORS = ("AND", "OR", "NOT")
_DOUBLE = '“”"'
_SINGLE = "‘’'"
_QUOTES = _DOUBLE + _SINGLE
_CLOSING_FORMS = "”’"
_OPENING_FORMS = "“‘"


@dataclass(frozen=True)
class ParsedQuery:
    """A query string split into its parts.

    Attributes:
        phrases: the quoted phrases (and any unquoted terms), normalised for analysis: lower
            case, typographic apostrophes made straight, runs of spaces collapsed.
        operators: the boolean operators between them, in capitals.
        annotation: text in parentheses outside the query, or ``None``.
        flags: every malformation found, in order of first appearance (keys of ``FLAGS``).
    """

    phrases: tuple[str, ...]
    operators: tuple[str, ...]
    annotation: str | None
    flags: tuple[str, ...]


def normalise_phrase(text: str) -> str:
    """Return a phrase in the form used for analysis (the verbatim query is kept elsewhere).

    Examples:
        >>> normalise_phrase("  Men’s  Behaviour change ")
        "men's behaviour change"
    """
    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def _is_apostrophe(text: str, j: int) -> bool:
    """True when the single quote at ``j`` sits between two letters, as in men’s."""
    return (
        text[j] in "’'"
        and 0 < j < len(text) - 1
        and text[j - 1].isalnum()
        and text[j + 1].isalnum()
    )


def _find_closing_quote(text: str, start: int) -> tuple[int | None, int]:
    """Return (index of the closing quote or None, index where the phrase text ends)."""
    for j in range(start, len(text)):
        ch = text[j]
        if ch not in _QUOTES or _is_apostrophe(text, j):
            continue
        if ch in _OPENING_FORMS and j > start and text[j - 1].isspace():
            return None, j  # a new phrase opens before this one was closed
        return j, j
    return None, len(text)


def parse_query(query: str | None) -> ParsedQuery:
    """Split a Google Scholar query string into phrases, operators and annotation, with flags.

    The string is read as printed: nothing is repaired, and every deviation from the form
    ``“phrase” AND “phrase”`` is named in ``flags`` (see ``FLAGS``) so a reader can judge it.

    Args:
        query: the query exactly as stored in ``corpus/searches.csv``.

    Returns:
        The parsed query; a malformed or empty string gives flags, never an exception.

    Examples:
        >>> parse_query("“batterer treatment” AND “standards”")
        ParsedQuery(phrases=('batterer treatment', 'standards'), operators=('AND',), \
annotation=None, flags=())
        >>> parse_query("“batterer interventions” AND” standards”").flags
        ('operator_glued_to_quote', 'reversed_quote', 'space_inside_quotes')
        >>> parse_query("“domestic abuse programme’ AND “quality assurance”").flags
        ('mismatched_quotes',)
    """
    if not isinstance(query, str) or not query.strip():
        return ParsedQuery((), (), None, ("empty_query",))
    text = query
    tokens: list[tuple[str, str]] = []  # ("phrase" | "operator", value)
    flags: list[str] = []
    annotation: str | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in _QUOTES:
            if ch in _CLOSING_FORMS:
                flags.append("reversed_quote")
            close, end = _find_closing_quote(text, i + 1)
            raw = text[i + 1 : end]
            if close is None:
                flags.append("unbalanced_quotes")
            else:
                if (ch in _DOUBLE) != (text[close] in _DOUBLE):
                    flags.append("mismatched_quotes")
                if raw != raw.strip():
                    flags.append("space_inside_quotes")
            if normalise_phrase(raw):
                tokens.append(("phrase", normalise_phrase(raw)))
            else:
                flags.append("empty_phrase")
            i = end + 1 if close is not None else end
        elif ch == "(":
            close = text.find(")", i + 1)
            if close < 0:
                flags.append("unbalanced_parenthesis")
                close = len(text)
            annotation = text[i + 1 : close].strip()
            flags.append("annotation_outside_query")
            i = close + 1
        else:
            j = i
            while (
                j < len(text)
                and not text[j].isspace()
                and text[j] not in "("
                and (text[j] not in _QUOTES or _is_apostrophe(text, j))
            ):
                j += 1
            word = text[i:j]
            if word.upper() in OPERATORS:
                tokens.append(("operator", word.upper()))
                if word != word.upper():
                    flags.append("lowercase_operator")
                if (i > 0 and text[i - 1] in _QUOTES) or (j < len(text) and text[j] in _QUOTES):
                    flags.append("operator_glued_to_quote")
            else:
                tokens.append(("phrase", normalise_phrase(word)))
                flags.append("unquoted_term")
            i = j
    flags.extend(_structure_flags(tokens))
    phrases = tuple(value for kind, value in tokens if kind == "phrase")
    operators = tuple(value for kind, value in tokens if kind == "operator")
    return ParsedQuery(phrases, operators, annotation, tuple(dict.fromkeys(flags)))


def _structure_flags(tokens: list[tuple[str, str]]) -> list[str]:
    """Flag phrases and operators that do not alternate phrase, operator, phrase, ..."""
    kinds = [kind for kind, _ in tokens]
    if "phrase" not in kinds:
        return ["no_phrases"]
    flags = []
    if any(a == b == "phrase" for a, b in itertools.pairwise(kinds)):
        flags.append("missing_operator")
    if (
        kinds[0] == "operator"
        or kinds[-1] == "operator"
        or any(a == b == "operator" for a, b in itertools.pairwise(kinds))
    ):
        flags.append("dangling_operator")
    return flags


# --------------------------------------------------------------------------------------
# Facets
# --------------------------------------------------------------------------------------


def load_facet_rules() -> pd.DataFrame:
    """Return the facet rules table shipped as ``workbench/data/search_facet_rules.csv``.

    One row per rule: ``facet``, ``applies_to`` (``subject`` = the first phrase, ``qualifier``
    = the phrases after it), ``pattern`` (a regular expression; empty = the default), the
    ``value`` given on a match and the ``rationale``. Within a facet the first match wins.
    """
    text = (
        resources.files("workbench")
        .joinpath("data/search_facet_rules.csv")
        .read_text(encoding="utf-8")
    )
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


class RuleSet:
    """The facet rules table compiled once: regular expressions, value order, and a memo.

    Built by the public functions from a rules table so that classifying many phrases does
    not re-read the table each time.
    """

    def __init__(self, rules: pd.DataFrame):
        self.table = rules
        self._rules: dict[str, list[tuple[re.Pattern | None, str]]] = {}
        self.applies_to: dict[str, str] = {}
        for rule in rules.itertuples(index=False):
            compiled = re.compile(rule.pattern) if rule.pattern else None
            self._rules.setdefault(rule.facet, []).append((compiled, rule.value))
            self.applies_to.setdefault(rule.facet, rule.applies_to)
        self._memo: dict[tuple[str, str], str] = {}

    def value(self, text: str, facet: str) -> str:
        """Return the value of the first rule of ``facet`` that matches ``text``."""
        key = (text, facet)
        if key not in self._memo:
            found = next(
                (
                    value
                    for pattern, value in self._rules[facet]
                    if pattern is None or pattern.search(text)
                ),
                None,
            )
            if found is None:
                raise ValueError(
                    f"facet {facet!r} has no default rule (a row with an empty "
                    "pattern); add one to the rules table"
                )
            self._memo[key] = found
        return self._memo[key]

    def rank(self, value: str, facet: str) -> int:
        """Return the position of ``value`` among the values of ``facet`` in the table."""
        values = list(dict.fromkeys(v for _, v in self._rules[facet]))
        return values.index(value) if value in values else len(values)


def classify(text: str, facet: str, rules: pd.DataFrame) -> str:
    """Return the value of ``facet`` for a normalised phrase: the first rule that matches.

    Examples:
        >>> rules = load_facet_rules()
        >>> classify("men's behavior change programmes", "behaviour_spelling", rules)
        'US'
        >>> classify("batterer intervention program", "noun", rules)
        'programme/program'
    """
    return RuleSet(rules).value(text, facet)


def combined_spelling(programme: str, behaviour: str) -> str:
    """Return UK, US, mixed or n/a from the spellings of programme/program and behaviour/behavior.

    Examples:
        >>> combined_spelling("UK", "US")
        'mixed'
        >>> combined_spelling("n/a", "US")
        'US'
    """
    spellings = {programme, behaviour} - {"n/a"}
    if not spellings:
        return "n/a"
    return spellings.pop() if len(spellings) == 1 else "mixed"


def parse_searches(searches: pd.DataFrame) -> pd.DataFrame:
    """Return one row per search with its query parsed (phrases, operators, annotation, flags).

    ``subject`` is the first phrase and ``qualifier_phrase`` the phrases after it joined by
    `` AND ``; both feed the facet rules. Multi-valued columns are joined with `` | `` (phrases)
    or ``; `` (flags) so the table stays flat for CSV.
    """
    rows = []
    for record in searches.sort_values("number").itertuples(index=False):
        parsed = parse_query(record.query)
        rows.append(
            {
                "search_id": record.search_id,
                "number": int(record.number),
                "query": record.query,
                "results": int(record.results),
                "phrases": " | ".join(parsed.phrases),
                "operators": " ".join(parsed.operators),
                "annotation": parsed.annotation or "",
                "flags": "; ".join(parsed.flags),
                "subject": parsed.phrases[0] if parsed.phrases else "",
                "qualifier_phrase": " AND ".join(parsed.phrases[1:]),
            }
        )
    return pd.DataFrame(rows)


def search_analysis(searches: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the searches parsed and classified: one row per search, every facet, the flags.

    This is the table behind every other analysis here and the ``search_analysis.csv``
    artefact. ``rules`` defaults to the shipped rules table.
    """
    ruleset = RuleSet(load_facet_rules() if rules is None else rules)
    frame = parse_searches(searches)
    for facet in FACETS:
        if facet == "spelling":
            continue
        column = "qualifier_phrase" if ruleset.applies_to[facet] == "qualifier" else "subject"
        frame[facet] = [ruleset.value(text, facet) for text in frame[column]]
    frame["spelling"] = [
        combined_spelling(p, b)
        for p, b in zip(frame["programme_spelling"], frame["behaviour_spelling"], strict=True)
    ]
    columns = [
        "search_id",
        "number",
        "query",
        "results",
        "phrases",
        "operators",
        "annotation",
        *FACETS,
        "flags",
        "subject",
        "qualifier_phrase",
    ]
    return frame[columns]


# --------------------------------------------------------------------------------------
# Totals and distributions
# --------------------------------------------------------------------------------------


#: Working columns of :func:`search_analysis` that ``search_analysis.csv`` leaves out.
ANALYSIS_WORKING_COLUMNS = ["subject", "qualifier_phrase"]


def search_totals(analysis: pd.DataFrame) -> dict[str, object]:
    """Return the headline numbers of the search: how many, how many hits, how concentrated.

    The sum of hits counts a paper once per search that found it, so it is an upper bound on
    the records screened, not a count of distinct papers.
    """
    largest = analysis.sort_values(["results", "number"], ascending=[False, True]).iloc[0]
    total = int(analysis["results"].sum())
    return {
        "searches": len(analysis),
        "total_hits": total,
        "zero_hit_searches": int((analysis["results"] == 0).sum()),
        "flagged_searches": int((analysis["flags"] != "").sum()),
        "median_hits": float(analysis["results"].median()),
        "largest_search": int(largest["number"]),
        "largest_query": largest["query"],
        "largest_hits": int(largest["results"]),
        "largest_share": round(int(largest["results"]) / total, 4) if total else 0.0,
    }


def zero_hit_searches(analysis: pd.DataFrame) -> pd.DataFrame:
    """Return the searches that found nothing, in printed order."""
    zero = analysis[analysis["results"] == 0]
    return zero[["number", "query", "family", "spelling", "qualifier"]].reset_index(drop=True)


def hits_by_facet(analysis: pd.DataFrame, facets: tuple[str, ...] = FACETS) -> pd.DataFrame:
    """Return, for every value of every facet, how many searches and hits it accounts for.

    Columns: ``facet``, ``value``, ``searches``, ``hits``, ``share_of_hits`` (of all hits),
    ``zero_hit_searches`` and ``median_hits``; facets in ``facets`` order, values by hits.
    """
    total = analysis["results"].sum()
    parts = []
    for facet in facets:
        grouped = (
            analysis.groupby(facet)["results"]
            .agg(
                searches="size",
                hits="sum",
                zero_hit_searches=lambda s: int((s == 0).sum()),
                median_hits="median",
            )
            .reset_index()
            .rename(columns={facet: "value"})
        )
        grouped.insert(0, "facet", facet)
        grouped["share_of_hits"] = (grouped["hits"] / total).round(4) if total else 0.0
        parts.append(grouped.sort_values(["hits", "value"], ascending=[False, True]))
    frame = pd.concat(parts, ignore_index=True)
    return frame[
        ["facet", "value", "searches", "hits", "share_of_hits", "zero_hit_searches", "median_hits"]
    ]


# --------------------------------------------------------------------------------------
# Pairs that differ by one element
# --------------------------------------------------------------------------------------

#: The facets compared when one word of a subject phrase is replaced by another.
_WORD_FACETS = ("noun", "programme_spelling", "behaviour_spelling", "grammatical_number")
_WORD_ELEMENT = {
    "noun": "noun",
    "programme_spelling": "spelling",
    "behaviour_spelling": "spelling",
    "grammatical_number": "number",
}


def _contains(longer: list[str], shorter: list[str]) -> bool:
    """True when ``shorter`` occurs as a run of consecutive words in ``longer``."""
    n = len(shorter)
    return any(longer[k : k + n] == shorter for k in range(len(longer) - n + 1))


def _word_change(a: str, b: str, rules: RuleSet) -> str | None:
    """Name the element that replacing word ``a`` by ``b`` changes, or None if it changes two.

    A change of noun carries its spelling with it (program → intervention) but not its
    number (programs → intervention changes two elements).
    """
    differing = {f for f in _WORD_FACETS if rules.value(a, f) != rules.value(b, f)}
    if "noun" in differing:
        return None if "grammatical_number" in differing else "noun"
    if len(differing) > 1:
        return None
    return _WORD_ELEMENT[differing.pop()] if differing else "term"


def compare_pair(a: Mapping[str, Any], b: Mapping[str, Any], rules: RuleSet) -> dict | None:
    """Describe how two searches differ if they differ by exactly one element, else None.

    Elements: a ``spelling``, a ``number`` (singular/plural), a ``noun``, another ``term``
    (one word for another, e.g. violence/abuse), an ``added_word`` in the subject phrase, or
    the ``qualifier`` phrase. ``nested`` is True when the narrower search's phrase contains
    the broader one's as consecutive words, so that every hit of the narrower search must be a
    hit of the broader one. A word added inside a phrase (domestic abuse programme → domestic
    abuse perpetrator programme) is not nested: an exact phrase search for the longer one need
    not find the shorter.
    """
    words_a, words_b = a["subject"].split(), b["subject"].split()
    if a["qualifier_phrase"] != b["qualifier_phrase"]:
        if words_a != words_b:
            return None
        qa, qb = a["qualifier_phrase"].split(), b["qualifier_phrase"].split()
        nested = len(qa) != len(qb) and (_contains(qa, qb) or _contains(qb, qa))
        if nested:
            first, second = (a, b) if len(qa) < len(qb) else (b, a)
        else:
            ranks = [rules.rank(x["qualifier"], "qualifier") for x in (a, b)]
            first, second = (b, a) if ranks[1] < ranks[0] else (a, b)
        return _pair_row(
            "qualifier",
            first,
            second,
            first["qualifier_phrase"],
            second["qualifier_phrase"],
            nested,
        )
    if len(words_a) == len(words_b):
        diff = [k for k in range(len(words_a)) if words_a[k] != words_b[k]]
        if len(diff) != 1:
            return None
        word_a, word_b = words_a[diff[0]], words_b[diff[0]]
        element = _word_change(word_a, word_b, rules)
        if element is None:
            return None
        swap = False
        if element == "spelling":  # UK first
            swap = "US" in {
                rules.value(word_a, f) for f in ("programme_spelling", "behaviour_spelling")
            }
        elif element == "number":  # singular first
            swap = rules.value(word_a, "grammatical_number") == "plural"
        elif element == "noun":  # in the order of the rules table
            swap = rules.rank(b["noun"], "noun") < rules.rank(a["noun"], "noun")
        first, second = (b, a) if swap else (a, b)
        word_1, word_2 = (word_b, word_a) if swap else (word_a, word_b)
        return _pair_row(element, first, second, word_1, word_2, False)
    if abs(len(words_a) - len(words_b)) == 1:
        broad, narrow = (a, b) if len(words_a) < len(words_b) else (b, a)
        wb, wn = broad["subject"].split(), narrow["subject"].split()
        for k in range(len(wn)):
            if wn[:k] + wn[k + 1 :] == wb:
                return _pair_row("added_word", broad, narrow, "", wn[k], _contains(wn, wb))
    return None


def _pair_row(
    element: str,
    first: Mapping[str, Any],
    second: Mapping[str, Any],
    from_: str,
    to: str,
    nested: bool,
) -> dict:
    return {
        "element": element,
        "change": f"{from_ or '∅'} → {to}",
        "first": int(first["number"]),
        "first_query": first["query"],
        "first_results": int(first["results"]),
        "second": int(second["number"]),
        "second_query": second["query"],
        "second_results": int(second["results"]),
        "difference": int(second["results"]) - int(first["results"]),
        "nested": nested,
        # with nested pairs, ``first`` is the broader search and ``second`` the narrower
        "monotonicity_violation": bool(nested and second["results"] > first["results"]),
    }


def one_element_pairs(analysis: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every pair of searches that differ by exactly one element, with hits side by side.

    Orientation: spelling pairs go UK → US, number pairs singular → plural, nested pairs
    broader → narrower, others in printed order. ``monotonicity_violation`` marks a nested
    pair whose narrower search has *more* hits than the broader one: impossible for an exact
    phrase search, so it points to a transcription error or to how the engine counts.

    When ``analysis`` has ``database`` and ``date`` columns, only searches run on the same
    database in the same month are paired (their hit counts alone are comparable; all 52 of
    Appendix 2 are Google Scholar, July 2022).
    """
    ruleset = RuleSet(load_facet_rules() if rules is None else rules)
    records = row_dicts(analysis.sort_values("number"))
    pairs = [
        pair
        for i, j in _candidate_pairs(records)
        if (pair := compare_pair(records[i], records[j], ruleset)) is not None
    ]
    columns = [
        "element",
        "change",
        "first",
        "first_query",
        "first_results",
        "second",
        "second_query",
        "second_results",
        "difference",
        "nested",
        "monotonicity_violation",
    ]
    frame = pd.DataFrame(pairs, columns=columns)
    order = {"spelling": 0, "number": 1, "noun": 2, "term": 3, "added_word": 4, "qualifier": 5}
    return (
        frame.assign(_o=frame["element"].map(order))
        .sort_values(["_o", "first", "second"])
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def _candidate_pairs(records: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Return the index pairs ``(i, j)``, ``i < j``, that ``compare_pair`` may accept.

    Two searches can differ by one element only if they share their subject words, or share
    their qualifier and have subjects one word apart (a word replaced, added or dropped).
    Bucketing by those keys finds every such pair without comparing all pairs.
    """
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        group = tuple(record.get(c) for c in ("database", "date"))
        words, qualifier = tuple(record["subject"].split()), record["qualifier_phrase"]
        buckets[group, "subject", words].append(i)
        buckets[group, "drop", qualifier, words].append(i)
        for k in range(len(words)):
            buckets[group, "swap", qualifier, words[:k] + (None,) + words[k + 1 :]].append(i)
            buckets[group, "drop", qualifier, words[:k] + words[k + 1 :]].append(i)
    pairs = {
        pair
        for members in buckets.values()
        for pair in itertools.combinations(sorted(set(members)), 2)
    }
    return sorted(pairs)


def spelling_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Return the pairs that differ only in UK/US spelling, as UK and US columns.

    ``us_minus_uk`` is positive where the US spelling found more.
    """
    spelling = pairs[pairs["element"] == "spelling"]
    frame = pd.DataFrame(
        {
            "change": spelling["change"],
            "uk": spelling["first"],
            "uk_query": spelling["first_query"],
            "uk_results": spelling["first_results"],
            "us": spelling["second"],
            "us_query": spelling["second_query"],
            "us_results": spelling["second_results"],
        }
    )
    frame["us_minus_uk"] = frame["us_results"] - frame["uk_results"]
    return frame.reset_index(drop=True)


def element_effects(pairs: pd.DataFrame) -> pd.DataFrame:
    """Return, per element and change, how many pairs show it and how hits move.

    ``second_more`` counts the pairs where the second search (US spelling, plural, narrower,
    ...) found more than the first.
    """
    grouped = (
        pairs.groupby(["element", "change"], sort=False)
        .agg(
            pairs=("first", "size"),
            first_hits=("first_results", "sum"),
            second_hits=("second_results", "sum"),
            second_more=("difference", lambda d: int((d > 0).sum())),
            second_fewer=("difference", lambda d: int((d < 0).sum())),
            violations=("monotonicity_violation", "sum"),
        )
        .reset_index()
    )
    grouped["violations"] = grouped["violations"].astype(int)
    return grouped


# --------------------------------------------------------------------------------------
# Design audit
# --------------------------------------------------------------------------------------


def _spellings_for(spells_behaviour: bool, noun: str) -> list[str]:
    """The spellings a family × noun cell can take: UK/US for each word with two spellings
    (``spells_behaviour``: the family's phrases hold behaviour/behavior)."""
    words = []
    if noun == "programme/program":
        words.append("programme")
    if spells_behaviour:
        words.append("behaviour")
    if not words:
        return ["n/a"]
    return ["UK", "US"] + (["mixed"] if len(words) > 1 else [])


def design_audit(analysis: pd.DataFrame, rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every family × noun × spelling × qualifier combination, run or not.

    The space is spanned by the values the search itself used (the catch-all ``other`` family
    and qualifier left out); spelling takes UK/US only where the phrase holds a word with two
    spellings (programme/program; behaviour/behavior in the men's behaviour change family), and
    ``mixed`` where it holds both. Columns: the four facets, ``run``, ``searches`` (the numbers
    of the searches in that cell) and ``hits``.
    """
    ruleset = RuleSet(load_facet_rules() if rules is None else rules)
    core = analysis[(analysis["family"] != "other") & (analysis["qualifier"] != "other")]

    def levels(facet: str) -> list[str]:  # the values used, in the order of the rules table
        return sorted(core[facet].unique(), key=lambda v: (ruleset.rank(v, facet), v))

    families, nouns, qualifiers = levels("family"), levels("noun"), levels("qualifier")
    cells = {
        key: group
        for key, group in core.groupby(["family", "noun", "spelling", "qualifier"], sort=False)
    }
    spells_behaviour = (core["behaviour_spelling"] != "n/a").groupby(core["family"]).any()
    rows = []
    for family, noun, qualifier in itertools.product(families, nouns, qualifiers):
        for spelling in _spellings_for(bool(spells_behaviour[family]), noun):
            cell = cells.get((family, noun, spelling, qualifier))
            rows.append(
                {
                    "family": family,
                    "noun": noun,
                    "spelling": spelling,
                    "qualifier": qualifier,
                    "run": cell is not None,
                    "searches": "" if cell is None else "; ".join(map(str, sorted(cell["number"]))),
                    "hits": pd.NA if cell is None else int(cell["results"].sum()),
                }
            )
    frame = pd.DataFrame(rows)
    frame["hits"] = frame["hits"].astype("Int64")
    return frame


def design_coverage(audit: pd.DataFrame) -> pd.DataFrame:
    """Return, per family × noun × qualifier, how many spelling variants were run of how many.

    This is the table behind the design audit chart.
    """
    grouped = (
        audit.groupby(["family", "noun", "qualifier"], sort=False)
        .agg(run=("run", "sum"), possible=("run", "size"))
        .reset_index()
    )
    grouped["run"] = grouped["run"].astype(int)
    return grouped


def searches_outside_design(analysis: pd.DataFrame) -> pd.DataFrame:
    """Return the searches the design audit leaves out (family or qualifier ``other``)."""
    outside = analysis[(analysis["family"] == "other") | (analysis["qualifier"] == "other")]
    return outside[["number", "query", "results", "family", "qualifier"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# PRISMA-S report
# --------------------------------------------------------------------------------------


def _package_table(name: str) -> pd.DataFrame:
    text = resources.files("workbench").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def prisma_s_report(
    searches: pd.DataFrame,
    narratives: pd.DataFrame | None = None,
    source: str = "001_5b70540cc7bcf418.txt",
) -> list[dict]:
    """Return the 16 PRISMA-S items, each filled from the corpus or marked as not reported.

    The items, their status and our notes are ``data/prisma_s_items.csv``; the verbatim
    passages of the source behind each item, with their lines, are
    ``data/prisma_s_evidence.csv``. Each passage taken from a narrative is checked against the
    corpus's ``narratives`` table (``verified``); figures that the corpus holds (database,
    dates, number of strings, hits) are computed from ``searches``.

    Returns:
        One dict per item: ``item``, ``name``, ``checklist``, ``status``, ``statement``,
        ``evidence`` (list of ``{quote, lines, narrative_id, verified}``) and ``note``.
    """
    items = _package_table("prisma_s_items.csv")
    evidence = _package_table("prisma_s_evidence.csv")
    texts = (
        {}
        if narratives is None
        else dict(zip(narratives["narrative_id"], narratives["text"], strict=True))
    )
    computed = _computed_statements(searches)
    report = []
    for item in items.itertuples(index=False):
        quotes = [
            {
                "quote": e.quote,
                "lines": e.lines,
                "narrative_id": e.narrative_id or None,
                "verified": (e.quote in texts.get(e.narrative_id, "")) if e.narrative_id else None,
            }
            for e in evidence[evidence["item"] == item.item].itertuples(index=False)
        ]
        figures = computed.get(int(item.item), [])
        if item.status == "not reported in the source":
            statement = "Not reported in the source."
        else:
            parts = [f"“{q['quote']}” ({source} line {q['lines']})" for q in quotes]
            statement = " ".join(parts + figures)
        report.append(
            {
                "item": int(item.item),
                "name": item.name,
                "checklist": item.checklist,
                "status": item.status,
                "statement": statement,
                "source": source,
                "evidence": quotes,
                "corpus_figures": figures,
                "note": item.note,
            }
        )
    return report


def _computed_statements(searches: pd.DataFrame) -> dict[int, list[str]]:
    """Statements for the items whose figures the corpus holds."""
    searches = searches.sort_values("number")
    analysis = search_analysis(searches)
    totals = search_totals(analysis)
    databases = ", ".join(sorted(searches["database"].unique()))
    dates = ", ".join(sorted(searches["date"].unique()))
    lines = f"{searches['lines'].iloc[0].split('-')[0]}-{searches['lines'].iloc[-1].split('-')[-1]}"
    flagged = analysis.loc[analysis["flags"] != "", "number"].tolist()
    return {
        1: [f"From the corpus: every search in searches.csv names the database {databases}."],
        8: [
            f"From the corpus: {totals['searches']} search strings with their hit counts "
            f"(searches.csv, Appendix 2, lines {lines}); {len(flagged)} are malformed as printed "
            f"(searches {', '.join(map(str, flagged))}; see search_analysis.csv)."
        ],
        13: [f"From the corpus: search date {dates} for every search."],
        15: [
            f"From the corpus: the hit counts sum to {totals['total_hits']:,} over "
            f"{totals['searches']} searches ({totals['zero_hit_searches']} found nothing); "
            "the sum counts a paper once per search that found it."
        ],
    }
