"""Code the corpus with the topics of the codebook: which text is about which population, form
of abuse, intervention type, delivery mode or co-occurring need.

The codebook (``corpus/codebook.csv``) gives each topic case-insensitive regular expressions
(``patterns``, run under RE2, so in time linear in the text whatever the pattern) and,
where a pattern would also hit unrelated wording, ``exclude_patterns`` whose matches cancel
any pattern match they overlap. The rules are applied to every piece of
text the evidence map counts: bibliography entries (title and container), standards,
guidelines, the sentences of the narratives, roundtable topics, programmes and framework
items. A reviewer corrects the rules row by row in ``corpus/coding_overrides.csv`` (add or
remove one code, with a reason), so that every code says how it was made: ``rule`` with the
words it matched, or ``manual`` with the reviewer's reason.

Everything here is a pure function of DataFrames; ``codes_frame`` is the one entry point that
takes a loaded ``Corpus``. ``validate_coding`` is called by the corpus validator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import re2

from workbench.problems import Problem

CODEBOOK_FILE = "corpus/codebook.csv"
OVERRIDES_FILE = "corpus/coding_overrides.csv"
PATTERN_SEPARATOR = " | "
CODE_COLUMNS = [
    "target_id",
    "target_kind",
    "topic_id",
    "dimension",
    "method",
    "matched",
    "text",
    "reason",
]
TARGET_COLUMNS = ["target_id", "target_kind", "text"]

# Words whose full stop does not end a sentence (compared in lower case, without the stop).
_ABBREVIATIONS = {
    "al",
    "e.g",
    "i.e",
    "eg",
    "ie",
    "pg",
    "p",
    "pp",
    "dr",
    "prof",
    "no",
    "vol",
    "cf",
    "etc",
    "vs",
    "ed",
    "eds",
    "mr",
    "mrs",
    "ms",
    "st",
}
#: A stop, then (group 1) what separates it from the next sentence: the stop comes first so
#: that a search only stops at stops.
_BOUNDARY = re.compile(r"[.!?]([’”\"')\]]*\s+)")
_SENTENCE_START = re.compile(r"[A-Z0-9‘“\"\[]")
_CLOSERS = "’”\"')]"
#: The last word before a place, read backwards (on the reversed paragraph).
_WORD_BACKWARDS = re.compile(r"[^\s(]*")


# --------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------


def split_sentences(text: str) -> list[str]:
    """Split a narrative into sentences, keeping each sentence's text exactly as printed.

    Paragraphs (separated by blank lines) always end a sentence. Inside a paragraph a
    sentence ends at ``.``, ``!`` or ``?`` (and any closing quote or bracket) followed by
    white space and a capital, digit or opening quote, unless the stop belongs to an
    abbreviation (``et al.``, ``e.g.``, ``p.``) or an initial (``M. P. Johnson``).

    Returns:
        The sentences in order, stripped of surrounding white space; none is empty.

    Examples:
        >>> split_sentences("Groups work (Kelly et al. 2015). Dr. Who said so.\\n\\nNew one")
        ['Groups work (Kelly et al. 2015).', 'Dr. Who said so.', 'New one']
        >>> split_sentences("As M. P. Johnson (2008) argues, e.g. Here. Yes")
        ['As M. P. Johnson (2008) argues, e.g. Here.', 'Yes']
        >>> split_sentences("1. Behaviour change (statutory)\\n\\nBox 2. Three standards")
        ['1. Behaviour change (statutory)', 'Box 2. Three standards']
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        backwards = paragraph[::-1]
        start = 0
        for boundary in _BOUNDARY.finditer(paragraph):
            following = paragraph[boundary.end() : boundary.end() + 1]
            if not _SENTENCE_START.match(following):
                continue
            last_word = _word_before_stop(paragraph, backwards, boundary.start(1))
            if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
                continue
            if re.fullmatch(
                r"(?:(?:box|table|figure|appendix) )?[0-9]{1,3}\.",
                paragraph[start : boundary.start(1)].strip(),
                re.IGNORECASE,
            ):
                continue  # a list item's number or a caption's "Box 2."
            sentences.append(paragraph[start : boundary.start(1)].strip())
            start = boundary.end()
        sentences.append(paragraph[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _word_before_stop(paragraph: str, backwards: str, end: int) -> str:
    """Return, in lower case, the word before the stop that ends ``paragraph[:end]`` (closing
    quotes and brackets aside); ``backwards`` is the paragraph reversed.

    Examples:
        >>> text = "Kelly et al.) said"
        >>> _word_before_stop(text, text[::-1], text.index(")") + 1)
        'al'
    """
    while end and paragraph[end - 1] in _CLOSERS:
        end -= 1
    if not end:
        return ""
    before = len(paragraph) - (end - 1)  # the stop's place in ``backwards``, plus one
    match = _WORD_BACKWARDS.match(backwards, before)
    assert match is not None  # the pattern matches the empty string, so it matches anywhere
    word = match.group()
    return word[::-1].lower()


def narrative_sentences(narratives: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence of every narrative, with a stable id (``narrative:standard:5#s12``).

    The number is the 1-based position of the sentence in its narrative, so an id stays the
    same as long as the narrative text before it does.

    Returns:
        Columns ``sentence_id``, ``narrative_id``, ``number``, ``text``.
    """
    rows = [
        {
            "sentence_id": f"{narrative_id}#s{number}",
            "narrative_id": narrative_id,
            "number": number,
            "text": sentence,
        }
        for narrative_id, text in zip(
            narratives["narrative_id"].tolist(), narratives["text"].tolist(), strict=True
        )
        for number, sentence in enumerate(split_sentences(text), start=1)
    ]
    return pd.DataFrame(rows, columns=["sentence_id", "narrative_id", "number", "text"])


# --------------------------------------------------------------------------------------
# What gets coded
# --------------------------------------------------------------------------------------


def _join(heading: Any, body: Any) -> str:
    """Join a heading (title, name, label) and its body text into one codable text.

    The body alone is used when it already starts with the heading; a full stop is added
    after the heading when it has none.

    Examples:
        >>> _join("Disrupt approaches", "Disrupt approaches. These are needed.")
        'Disrupt approaches. These are needed.'
        >>> _join("Drive", "The Drive Project intervention.")
        'Drive. The Drive Project intervention.'
        >>> _join("LGB &/or T", None)
        'LGB &/or T'
    """
    head = heading.strip() if isinstance(heading, str) else ""
    text = body.strip() if isinstance(body, str) else ""
    if not text or not head:
        return text or head
    if text.startswith(head):
        return text
    return f"{head} {text}" if head.endswith((".", "?", "!")) else f"{head}. {text}"


def _joined(frame: pd.DataFrame, heading: str, body: str) -> list[str]:
    """The texts of two columns joined row by row as one coding text (see ``_join``)."""
    return [_join(h, b) for h, b in zip(frame[heading].tolist(), frame[body].tolist(), strict=True)]


def _values(column: Iterable[Any]) -> list[Any]:
    """The values of a column (a Series or any iterable) as a plain list."""
    return column.tolist() if isinstance(column, pd.Series) else list(column)


def coding_targets(
    tables: dict[str, pd.DataFrame], references: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every piece of text the codebook is applied to, one row per target.

    Kinds: ``reference`` (title and container of a bibliography entry), ``standard``,
    ``guideline``, ``narrative_sentence``, ``roundtable`` (its topic), ``programme`` (name and
    description) and ``framework_item`` (label and text). Tables that are absent are skipped.

    Returns:
        Columns ``target_id``, ``target_kind``, ``text``, in a fixed order.
    """
    frames: list[pd.DataFrame] = []

    def add(kind: str, ids: Iterable[str], texts: Iterable[str]) -> None:
        frames.append(
            pd.DataFrame(
                {"target_id": _values(ids), "target_kind": kind, "text": _values(texts)},
                columns=TARGET_COLUMNS,
            )
        )

    if references is not None and len(references):
        add("reference", references["ref_id"], _joined(references, "title", "container"))
    if "standards" in tables:
        add("standard", tables["standards"]["standard_id"], tables["standards"]["text"])
    if "guidelines" in tables:
        add("guideline", tables["guidelines"]["guideline_id"], tables["guidelines"]["text"])
    if "narratives" in tables:
        sentences = narrative_sentences(tables["narratives"])
        add("narrative_sentence", sentences["sentence_id"], sentences["text"])
    if "roundtables" in tables:
        add("roundtable", tables["roundtables"]["roundtable_id"], tables["roundtables"]["topic"])
    if "programmes" in tables:
        programmes = tables["programmes"]
        add("programme", programmes["programme_id"], _joined(programmes, "name", "description"))
    if "framework_items" in tables:
        items = tables["framework_items"]
        add("framework_item", items["item_id"], _joined(items, "label", "text"))
    if not frames:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------

#: Memory RE2 may use for one compiled pattern, and for the matcher of a whole codebook
#: (RE2's default, 8 MiB, is meant for one pattern, not a codebook's worth).
PATTERN_MEMORY = 8 << 20
CODEBOOK_MEMORY = 64 << 20
#: What to tell a reviewer whose pattern RE2 rejects.
RE2_ADVICE = (
    "patterns run under RE2, which matches in linear time and so has no look-around "
    "(?=, (?!, (?<=, (?<!), no back-references (\\1) and no possessive or atomic "
    "groups; rewrite it with alternatives, or with an exclude pattern for what must "
    "not follow"
)


def re2_options(memory: int = PATTERN_MEMORY, case_sensitive: bool = False) -> re2.Options:
    """Return the RE2 options every codebook pattern is compiled with: case-insensitive
    (``(?-i:...)`` turns case back on inside a pattern), errors returned rather than logged."""
    options = re2.Options()
    options.case_sensitive = case_sensitive
    options.log_errors = False
    options.max_mem = memory
    return options


def compile_pattern(pattern: str) -> Any:
    """Compile one codebook pattern under RE2 (case-insensitive).

    Returns:
        The compiled RE2 pattern.

    Raises:
        PatternError: RE2 rejects the pattern; the message is RE2's reason.
    """
    try:
        return re2.compile(pattern, re2_options())
    except re2.error as error:
        raise PatternError(_re2_reason(error)) from None


class PatternError(ValueError):
    """A pattern that RE2 does not accept; ``str()`` of it is RE2's reason."""


def _rejected(what: str, pattern: str, error: PatternError) -> str:
    """The message for a pattern RE2 rejects: a syntax error, or syntax only backtracking
    engines have (then ``RE2_ADVICE``)."""
    try:
        re.compile(pattern)  # compiling never runs the pattern: safe on any input
    except (re.error, RecursionError, OverflowError):
        return (
            f"{what} is not a valid regular expression ({error}); fix it (patterns are "
            f"separated by {PATTERN_SEPARATOR!r})"
        )
    return (
        f"{what} uses syntax RE2 does not accept ({error}); {RE2_ADVICE} (patterns are "
        f"separated by {PATTERN_SEPARATOR!r})"
    )


def _re2_reason(error: Exception) -> str:
    reason = error.args[0] if error.args else str(error)
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


@dataclass(frozen=True)
class TopicRule:
    """The compiled matching rules of one codebook topic (RE2 patterns)."""

    topic_id: str
    dimension: str
    patterns: tuple[Any, ...]
    excludes: tuple[Any, ...]
    intervention_type_id: str | None = None

    def matches(self, text: str) -> list[str]:
        """Return the distinct words of ``text`` that code it with this topic, in order.

        Every pattern is scanned over the whole text: this is the plain rule, which
        :class:`CodebookMatcher` gives the same answer as for a whole codebook at once.
        A pattern match is dropped when it overlaps a match of an exclude pattern; matches of
        different patterns that overlap are merged into one stretch of words.

        Examples:
            >>> rule = compile_rules(pd.DataFrame([{"topic_id": "topic:x", "dimension": "d",
            ...     "patterns": r"\\bchild\\w* | \\ba child\\b | \\bchild\\.",
            ...     "exclude_patterns": r"\\bchild to parent\\b"}]))[0]
            >>> rule.matches("Children and a child to parent case; a Child.")
            ['Children', 'a Child.']
        """
        found = [match.span() for pattern in self.patterns for match in pattern.finditer(text)]
        return self.words(
            text,
            found,
            lambda: [match.span() for pattern in self.excludes for match in pattern.finditer(text)],
        )

    def words(
        self, text: str, found: list[tuple[int, int]], excluded: Callable[[], list[tuple[int, int]]]
    ) -> list[str]:
        """Return what :meth:`matches` returns, given the spans of the patterns' matches
        and a function giving those of the exclude patterns (called only when some pattern
        matched).

        Empty matches are ignored.
        """
        found = [(start, end) for start, end in found if start != end]
        if not found:
            return []
        if self.excludes:
            spans = excluded()
            found = [
                (start, end)
                for start, end in found
                if not any(s < end and start < e for s, e in spans)
            ]
        kept: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if kept and start < kept[-1][1]:
                kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
            else:
                kept.append((start, end))
        words: list[str] = []
        for start, end in kept:
            word = text[start:end]
            if word.lower() not in {w.lower() for w in words}:
                words.append(word)
        return words


def split_patterns(cell: Any) -> list[str]:
    """Split a ``patterns`` cell on ``' | '``; a missing or blank cell gives no patterns.

    Examples:
        >>> split_patterns(r"\\bgay\\b | \\blesbian\\b")
        ['\\\\bgay\\\\b', '\\\\blesbian\\\\b']
    """
    if not isinstance(cell, str) or not cell.strip():
        return []
    return [part.strip() for part in cell.split(PATTERN_SEPARATOR) if part.strip()]


def compile_rules(codebook: pd.DataFrame) -> list[TopicRule]:
    """Compile the codebook's patterns under RE2, in codebook order (assumes
    ``validate_coding`` passed).

    Returns:
        One ``TopicRule`` per codebook row.
    """
    rules = []
    for row in codebook.to_dict("records"):
        type_id = row.get("intervention_type_id")
        rules.append(
            TopicRule(
                topic_id=row["topic_id"],
                dimension=row["dimension"],
                patterns=tuple(compile_pattern(p) for p in split_patterns(row.get("patterns"))),
                excludes=tuple(
                    compile_pattern(p) for p in split_patterns(row.get("exclude_patterns"))
                ),
                intervention_type_id=type_id if isinstance(type_id, str) else None,
            )
        )
    return rules


class CodebookMatcher:
    """Every pattern of a codebook, matched against a text in one pass (RE2, linear time).

    An RE2 ``Set`` of all patterns tells, in one pass over a text, which of them match it;
    only those are then scanned for their spans. RE2's automata never backtrack, so no
    pattern can make coding slow, whatever the text.

    The ``Set`` also holds the empty pattern, which matches every text: should its automaton
    ever run out of memory (it then reports no match at all, not even the empty pattern),
    every pattern is scanned instead, so a match is never lost. Texts are searched as UTF-8
    bytes, encoded once per text; spans are turned back into character offsets.
    """

    def __init__(self, rules: list[TopicRule]):
        self.rules = rules
        self.set = re2.Set.SearchSet(re2_options(CODEBOOK_MEMORY))
        self.set.Add("")  # index 0: matches every text
        self.owners: list[tuple[int, int]] = [(-1, -1)]
        for rule_index, rule in enumerate(rules):
            for pattern_index, pattern in enumerate(rule.patterns):
                self.set.Add(pattern.pattern)
                self.owners.append((rule_index, pattern_index))
        self.set.Compile()

    def match(self, text: str) -> dict[int, list[str]]:
        """Return, by rule position, the words of ``text`` that code it with that rule (rules
        that do not code it are left out), exactly as ``rule.matches(text)`` would."""
        data = text.encode("utf-8")
        indices = self.set.Match(data)
        if not indices:  # not even the empty pattern: the automaton gave up
            indices = range(len(self.owners))
        elif len(indices) == 1:
            return {}
        by_rule: dict[int, list[tuple[int, int]]] = {}
        for index in sorted(indices):
            rule_index, pattern_index = self.owners[index]
            if rule_index >= 0:
                pattern = self.rules[rule_index].patterns[pattern_index]
                by_rule.setdefault(rule_index, []).extend(
                    match.span() for match in pattern.finditer(data)
                )
        to_chars = _char_offsets(data, text)
        found: dict[int, list[str]] = {}
        for rule_index, spans in by_rule.items():
            rule = self.rules[rule_index]

            def excluded(r: TopicRule = rule) -> list[tuple[int, int]]:
                return [
                    (to_chars(m.start()), to_chars(m.end()))
                    for p in r.excludes
                    for m in p.finditer(data)
                ]

            words = rule.words(text, [(to_chars(s), to_chars(e)) for s, e in spans], excluded)
            if words:
                found[rule_index] = words
        return found


def _char_offsets(data: bytes, text: str) -> Callable[[int], int]:
    """Return a function turning a byte offset of ``data`` (``text`` as UTF-8, at a
    character boundary) into a character offset of ``text``."""
    if len(data) == len(text):
        return int
    return lambda offset: len(data[:offset].decode("utf-8"))


def apply_rules(
    targets: pd.DataFrame, codebook: pd.DataFrame, programmes: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Code every target with every topic whose rules match its text.

    Programmes are also coded with the intervention-type topic of their
    ``intervention_type_id`` (001's typology), recorded as a rule on that field.

    Returns:
        The codes (columns ``CODE_COLUMNS``, ``method`` = ``rule``), one row per target and
        topic, in target order then codebook order.
    """
    rules = compile_rules(codebook)
    by_type = {rule.intervention_type_id: rule for rule in rules if rule.intervention_type_id}
    typed: dict[str, str] = {}
    if programmes is not None and "intervention_type_id" in programmes:
        typed = {
            pid: tid
            for pid, tid in zip(
                programmes["programme_id"], programmes["intervention_type_id"], strict=True
            )
            if isinstance(tid, str) and tid in by_type
        }
    of_type: dict[str, list[int]] = {}
    for index, rule in enumerate(rules):
        if rule.intervention_type_id:
            of_type.setdefault(rule.intervention_type_id, []).append(index)
    matcher = CodebookMatcher(rules)
    # texts recur (a guideline's text is the target of its every copy): each is matched once;
    # what a match returns is only read below
    seen: dict[str, dict[int, list[str]]] = {}
    rows = []
    for target_id, kind, text in zip(
        targets["target_id"].tolist(),
        targets["target_kind"].tolist(),
        targets["text"].tolist(),
        strict=True,
    ):
        if isinstance(text, str):
            if text not in seen:
                seen[text] = matcher.match(text)
            matched = seen[text]
        else:
            matched = {}
        type_id = typed.get(target_id) if kind == "programme" else None
        for index in sorted({*matched, *(of_type.get(type_id, ()) if type_id else ())}):
            rule = rules[index]
            words = matched.get(index, [])
            if rule.intervention_type_id and rule.intervention_type_id == type_id:
                words = [*words, f"intervention_type_id: {rule.intervention_type_id}"]
            if words:
                rows.append(
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
                )
    return pd.DataFrame(rows, columns=CODE_COLUMNS)


def apply_overrides(
    codes: pd.DataFrame, overrides: pd.DataFrame, targets: pd.DataFrame, codebook: pd.DataFrame
) -> pd.DataFrame:
    """Apply a reviewer's overrides: ``remove`` drops a rule code, ``add`` adds a manual one.

    Overrides that do not apply (unknown target or topic, nothing to remove, code already
    there) are left out here; ``validate_coding`` reports them.

    Returns:
        The corrected codes (columns ``CODE_COLUMNS``); added codes carry ``method`` =
        ``manual``, no matched words, the target's text and the override's reason.
    """
    if overrides is None or overrides.empty:
        return codes.reset_index(drop=True)
    removals = {
        (t, k)
        for t, k, a in zip(
            overrides["target_id"], overrides["topic_id"], overrides["action"], strict=True
        )
        if a == "remove"
    }
    keep = [
        (t, k) not in removals
        for t, k in zip(codes["target_id"].tolist(), codes["topic_id"].tolist(), strict=True)
    ]
    result = codes[keep]
    present = set(zip(result["target_id"].tolist(), result["topic_id"].tolist(), strict=True))
    target_info = targets.set_index("target_id")[["target_kind", "text"]]
    dimensions = dict(zip(codebook["topic_id"], codebook["dimension"], strict=True))
    added = []
    for row in overrides[overrides["action"] == "add"].to_dict("records"):
        key = (row["target_id"], row["topic_id"])
        if (
            key in present
            or row["target_id"] not in target_info.index
            or row["topic_id"] not in dimensions
        ):
            continue
        info = target_info.loc[row["target_id"]]
        added.append(
            {
                "target_id": row["target_id"],
                "target_kind": info["target_kind"],
                "topic_id": row["topic_id"],
                "dimension": dimensions[row["topic_id"]],
                "method": "manual",
                "matched": None,
                "text": info["text"],
                "reason": row["reason"],
            }
        )
    if added:
        result = pd.concat([result, pd.DataFrame(added, columns=CODE_COLUMNS)], ignore_index=True)
    return result.reset_index(drop=True)


def code_tables(
    tables: dict[str, pd.DataFrame], references: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Code every target of the tables with the codebook, then apply the overrides.

    Returns:
        The tidy codes frame (columns ``CODE_COLUMNS``).
    """
    targets = coding_targets(tables, references)
    codes = apply_rules(targets, tables["codebook"], tables.get("programmes"))
    return apply_overrides(codes, tables.get("coding_overrides"), targets, tables["codebook"])


def codes_frame(corpus: Any) -> pd.DataFrame:
    """The codes of a loaded ``Corpus``: one row per (target, topic), rule or manual.

    This is what becomes the ``about`` edges of the graph and the counts of the gap map.

    Returns:
        Columns ``target_id``, ``target_kind``, ``topic_id``, ``dimension``, ``method``
        (``rule`` or ``manual``), ``matched`` (the words that matched, ``' | '``-separated),
        ``text`` (the text coded) and ``reason`` (for manual codes).
    """
    return code_tables(corpus.tables, corpus.references)


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def _pattern_problems(codebook: pd.DataFrame) -> list[Problem]:
    problems = []
    for index, row in enumerate(codebook.to_dict("records")):
        for column in ("patterns", "exclude_patterns"):
            for number, pattern in enumerate(split_patterns(row.get(column)), start=1):
                where = (CODEBOOK_FILE, index + 2, column)
                try:
                    compiled = compile_pattern(pattern)
                except PatternError as error:
                    problems.append(
                        Problem(
                            *where,
                            _rejected(
                                f"pattern {number} {pattern!r} of {row['topic_id']}", pattern, error
                            ),
                        )
                    )
                    continue
                if compiled.search("") is not None:
                    problems.append(
                        Problem(
                            *where,
                            (
                                f"pattern {number} {pattern!r} of {row['topic_id']} matches empty "
                                "text and would code everything; make it match at least one word"
                            ),
                        )
                    )
        if not split_patterns(row.get("patterns")):
            problems.append(
                Problem(
                    CODEBOOK_FILE,
                    index + 2,
                    "patterns",
                    f"{row['topic_id']} has no patterns; give at least one regular expression",
                )
            )
    if not problems:
        try:
            CodebookMatcher(compile_rules(codebook))
        except (re2.error, PatternError) as error:
            problems.append(
                Problem(
                    CODEBOOK_FILE,
                    None,
                    None,
                    (
                        f"the patterns together are too large for one matcher "
                        f"({_re2_reason(error)}); "
                        "make them fewer or simpler"
                    ),
                )
            )
    return problems


def validate_coding(
    tables: dict[str, pd.DataFrame],
    descriptor: dict[str, Any] | None = None,
    references: pd.DataFrame | None = None,
) -> list[Problem]:
    """Check the codebook and the overrides beyond what the table schema can say.

    Reports, each as ``FILE:ROW: COLUMN: message``: patterns that RE2 does not accept (with
    its reason) or that match empty text; overrides whose target is not a coded target (a
    reference, standard, guideline, narrative sentence, roundtable, programme or framework
    item); ``remove`` overrides for a code the rules do not make; ``add`` overrides for a
    code the rules already make. Unknown topics in overrides are reported by the foreign key
    check of the schema. ``references`` (the bibliography frame) is needed to check ``ref:``
    targets; without it they are not checked.

    Returns:
        The problems found (empty when the coding inputs are sound).
    """
    del descriptor  # the signature of the corpus validator's cross-table checks
    codebook = tables.get("codebook")
    if codebook is None:
        return []
    problems = _pattern_problems(codebook)
    overrides = tables.get("coding_overrides")
    if problems or overrides is None or overrides.empty:
        return problems
    targets = coding_targets(tables, references)
    known_targets = set(targets["target_id"])
    named = targets[targets["target_id"].isin(set(overrides["target_id"]))]
    codes = apply_rules(named, codebook, tables.get("programmes"))  # only what overrides name
    coded = set(zip(codes["target_id"], codes["topic_id"], strict=True))
    topics = set(codebook["topic_id"])
    for index, row in enumerate(overrides.to_dict("records")):
        line = index + 2
        target, topic = row["target_id"], row["topic_id"]
        unchecked_ref = references is None and str(target).startswith("ref:")
        if target not in known_targets and not unchecked_ref:
            problems.append(
                Problem(
                    OVERRIDES_FILE,
                    line,
                    "target_id",
                    (
                        f"unknown target {target!r}: use the id of a reference (ref:...), "
                        f"standard, "
                        "guideline, narrative sentence (narrative:...#sN), roundtable, "
                        "programme or "
                        "framework item"
                    ),
                )
            )
            continue
        if topic not in topics or unchecked_ref:
            continue
        if row["action"] == "remove" and (target, topic) not in coded:
            problems.append(
                Problem(
                    OVERRIDES_FILE,
                    line,
                    "action",
                    (
                        f"removes {topic} from {target}, but the codebook rules do not code it; "
                        "delete this override or correct its target_id/topic_id"
                    ),
                )
            )
        if row["action"] == "add" and (target, topic) in coded:
            problems.append(
                Problem(
                    OVERRIDES_FILE,
                    line,
                    "action",
                    (
                        f"adds {topic} to {target}, but the codebook rules already code it; "
                        "delete this override"
                    ),
                )
            )
    return problems
