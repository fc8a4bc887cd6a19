"""Evidence coded at the work and at the citation: what each citation occurrence supports.

The gap map counts a cited work toward a topic only when the curated table
``corpus/evidence_codes.csv`` codes the work with that topic (our judgement, with a rationale
and the words that justify it). The rule coder (``workbench.coding``) only *proposes*: it is
applied to the clause each citation sits in, and its proposals are measured against the
curated codes (:func:`coding_agreement`), so the rules' quality is a number.

The unit of a citation is its **clause**, not its sentence (:func:`citation_clause`): the
sentence is cut at ``;``, ``:``, spaced dashes and clause-opening conjunctions after a comma,
and at the end of an earlier citation's bracket (citations follow the claim they support);
a citation whose own bracket item carries words of its own (``(Smith, 2001, for how this
applies to women)``) takes that item as its unit.

Everything here is a pure function of DataFrames (no file I/O).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from workbench.citations import (
    PREFIX,
    counts_for,
    finding,
    normalise_name,
    parse_bracket,
    parse_citations,
)
from workbench.coding import apply_rules
from workbench.frames import row_dicts
from workbench.works import field_enum

#: Columns that describe one citation occurrence: where it stands, the work it names and its
#: clause (``finding``: the audit's word on a near miss).
OCCURRENCE_COLUMNS = [
    "occurrence_id",
    "location",
    "line",
    "source",
    "cited_as",
    "status",
    "work_id",
    "listed",
    "design",
    "country",
    "sentence",
    "clause",
    "unit",
    "finding",
]
#: Columns of :func:`citation_support`, one row per (citation occurrence, topic).
SUPPORT_COLUMNS = [
    *OCCURRENCE_COLUMNS[:-1],
    "topic_id",
    "rule_proposes",
    "rule_matched",
    "curated",
    "supports",
    "finding",
]
#: Columns of :func:`coding_agreement`.
AGREEMENT_COLUMNS = ["topic_id", "topic_label", "tp", "fp", "fn", "precision", "recall"]
#: Columns of the works table the model reads (``corpus/works.csv``).
WORK_COLUMNS = ["work_id", "listed", "cited_as", "year", "design", "country"]
#: Columns of the curated codes the model reads (``corpus/evidence_codes.csv``).
CODE_COLUMNS = ["work_id", "topic_id", "basis", "rationale", "evidence_text", "lines"]

#: Design values that make a work an evaluation (an evaluation of any design).
EVALUATION_PREFIX = "evaluation"
#: The country value of UK evidence.
UK = "uk"
#: Words a bracket item may hold besides its citations without being a comment of its own.
_FILLER = re.compile(
    r"\b(?:see|also|for example|e\.g|cf|and|in|as|cited|quoted|p|pp)\b\.?", re.IGNORECASE
)
#: Where a clause ends inside a sentence (brackets masked): ``;``, ``:``, a spaced dash, or a
#: comma before a conjunction that opens a new clause.
_CLAUSE_BREAK = re.compile(
    r"[;:]|\s[–—-]\s|,\s+(?=(?:but|while|whilst|whereas|although|though|yet|which|however)"
    r"\b)"
)

#: After a citation's bracket, words that open another claim: the clause ends at the bracket.
_STOPS_AT_BRACKET = re.compile(
    r"\s*,?\s*(?:and|or|but|while|whilst|which|with|as|so|whereas|although|though|yet|"
    r"however|in|for|to)\b",
    re.IGNORECASE,
)

#: A round bracket, opening or closing.
_BRACKET = re.compile(r"[()]")

# --------------------------------------------------------------------------------------
# Clauses
# --------------------------------------------------------------------------------------


def _mask_brackets(text: str) -> str:
    """``text`` with everything inside round brackets replaced by spaces (same length).

    Examples:
        >>> _mask_brackets("a (b (c) d) e) f (g")
        'a (  ( )  ) e) f ( '
    """
    masked, depth, last = [], 0, 0
    for bracket in _BRACKET.finditer(text):
        at = bracket.start()
        masked.append(" " * (at - last) if depth else text[last:at])
        masked.append(text[at])
        depth = depth + 1 if text[at] == "(" else max(depth - 1, 0)
        last = at + 1
    masked.append(" " * (len(text) - last) if depth else text[last:])
    return "".join(masked)


@functools.lru_cache(maxsize=256)  # asked once per citation of the same sentence
def _clause_breaks(sentence: str) -> tuple[int, ...]:
    """Where the clauses of ``sentence`` break (:data:`_CLAUSE_BREAK`, brackets masked)."""
    return tuple(m.start() for m in _CLAUSE_BREAK.finditer(_mask_brackets(sentence)))


def _bracket_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The ``(``...``)`` span holding ``text[start:end]``, or ``None`` when it is not inside one."""
    opening = text.rfind("(", 0, start + 1)
    if opening == -1 or text.rfind(")", opening, start) != -1:
        return None
    closing = text.find(")", end - 1 if text[end - 1 : end] == ")" else end)
    return (opening, closing + 1) if closing != -1 else None


@functools.lru_cache(maxsize=4096)  # a bracket's items are asked about once per citation
def _own_comment(item: str) -> bool:
    """Whether a bracket item has words of its own besides its citations and fillers."""
    rest = item
    for citation in sorted(parse_bracket(item), key=lambda c: -c.start):
        rest = rest[: citation.start] + " " + rest[citation.end :]
    prefix = PREFIX.match(rest)
    assert prefix is not None  # every part of PREFIX is optional: it matches anywhere
    rest = _FILLER.sub(" ", rest[prefix.end() :])
    return len(re.findall(r"[^\W\d_]{3,}", rest)) >= 2


#: A bracket item that opens with ``see``.
_SEE = re.compile(r"\s*see\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)  # asked once per citation of the bracket and per item
def _bracket_items(
    content: str,
) -> tuple[list[tuple[int, int]], list[str], list[bool], list[bool]]:
    """A bracket's ``;``-items: their bounds, texts, whether each has words of its own and
    whether each opens with ``see`` (read, never changed, by the callers)."""
    bounds, position = [], 0
    for item in content.split(";"):
        bounds.append((position, position + len(item)))
        position += len(item) + 1
    items = [content[a:b] for a, b in bounds]
    return (
        bounds,
        items,
        [_own_comment(item) for item in items],
        [_SEE.match(item) is not None for item in items],
    )


def _own_items(content: str, offset: int) -> str:
    """The part of a bracket's content that comments on the citation at ``offset``, or ``""``.

    That is the citation's own ``;``-item when it has words of its own; or, when a ``see``
    opens a run of items that a later item's comment closes (``see A; B; C for how this
    applies to women``), that whole run.

    Examples:
        >>> text = "X, 2017; see Oram, 2014; Shorey, 2012 for how this applies to women"
        >>> _own_items(text, text.index("Shorey"))
        'see Oram, 2014; Shorey, 2012 for how this applies to women'
        >>> _own_items(text, 0)
        ''
    """
    bounds, items, commented, sees = _bracket_items(content)
    mine = next(i for i, (a, b) in enumerate(bounds) if a <= offset <= b)
    opening = next((i for i in range(mine, -1, -1) if sees[i]), None)
    closing = next((i for i in range(mine, len(items)) if commented[i]), None)
    if opening is not None and closing is not None and not any(commented[opening:mine]):
        return content[bounds[opening][0] : bounds[closing][1]].strip()
    return items[mine].strip() if commented[mine] else ""


def citation_clause(
    sentence: str,
    start: int,
    end: int,
    form: str,
    earlier: Iterable[int] = (),
    later: Iterable[int] = (),
) -> tuple[str, str]:
    """Return the clause a citation at ``sentence[start:end]`` supports, and the kind of unit.

    Args:
        sentence: the citing sentence.
        start, end: where the citation stands in it.
        form: ``parenthetical`` (inside brackets) or ``narrative`` (``Author (2001)``).
        earlier: where earlier citation brackets of the sentence end; a clause starts after
            them.
        later: where later citation brackets start; a clause that runs on past its own
            bracket (``Sources (Gray, 2020) concur that ...``) stops before them.

    Returns:
        ``(text, unit)``: ``unit`` is ``parenthesis`` when the citation's own bracket item has
        words of its own (that item is the text), else ``clause``.

    Examples:
        >>> s = "Groups suit most men (Smith, 2001); women need other work (Jones, 2002)."
        >>> citation_clause(s, s.index("Jones"), s.index("2002)") + 4, "parenthetical")
        ('women need other work (Jones, 2002).', 'clause')
        >>> s = "Few studies exist (Lee, 2019, for how this applies to women)."
        >>> citation_clause(s, s.index("Lee"), s.index("2019") + 4, "parenthetical")
        ('Lee, 2019, for how this applies to women', 'parenthesis')
        >>> s = "Smith (2001) found gains, but others found none (Roe, 2003)."
        >>> citation_clause(s, 0, 12, "narrative")
        ('Smith (2001) found gains', 'clause')
        >>> s = "Sources (Gray, 2020) concur that it fails LGB and/or T men."
        >>> citation_clause(s, s.index("Gray"), s.index("2020") + 4, "parenthetical")[0]
        'Sources (Gray, 2020) concur that it fails LGB and/or T men.'
        >>> s = "Groups help (Aymer, 2011) and some argue for peers (Shore, 2021)."
        >>> citation_clause(s, s.index("Aymer"), s.index("2011") + 4, "parenthetical")[0]
        'Groups help (Aymer, 2011)'
    """
    bracket = _bracket_around(sentence, start, end) if form == "parenthetical" else None
    if bracket is not None:
        inside_start = bracket[0] + 1
        content = sentence[inside_start : bracket[1] - 1]
        own = _own_items(content, start - inside_start)
        if own:
            return own, "parenthesis"
        anchor_start, anchor_end = bracket
    else:
        anchor_start, anchor_end = start, end
    breaks = _clause_breaks(sentence)
    begin = max(
        [b + 1 for b in breaks if b < anchor_start]
        + [e for e in earlier if e <= anchor_start]
        + [0]
    )
    next_break = min([b for b in breaks if b >= anchor_end] + [len(sentence)])
    if bracket is not None:
        finish = anchor_end
        rest = sentence[finish:next_break]
        if rest.strip(" .!?,") and not _STOPS_AT_BRACKET.match(rest):
            finish = min([b for b in later if b >= anchor_end] + [next_break])
        elif sentence[finish : finish + 1] in {".", "!", "?"}:
            finish += 1
    else:
        finish = next_break
    if bracket is not None:
        content = sentence[bracket[0] + 1 : bracket[1] - 1]
        kept = _uncommented(content)
        if kept != content and bracket[0] >= begin and bracket[1] <= finish:
            sentence = sentence[: bracket[0] + 1] + kept + sentence[bracket[1] - 1 :]
            finish -= len(content) - len(kept)
    text = sentence[begin:finish].strip(" ,;:–—-")
    return (text or sentence.strip()), "clause"


@functools.lru_cache(maxsize=1024)  # asked once per citation of the bracket
def _uncommented(content: str) -> str:
    """A bracket's content without the items that comment on other citations (their own
    words would otherwise be read as this citation's clause)."""
    items = content.split(";")
    keep, position = [], 0
    for item in items:
        if not _own_items(content, position + len(item) - len(item.lstrip())):
            keep.append(item)
        position += len(item) + 1
    return ";".join(keep).strip() if keep else content


def sentence_clauses(sentence: str, cited: list[str]) -> list[tuple[str, str]]:
    """Return the clause and unit of each citation of ``sentence``, given as printed, in order.

    The citations are found again in the sentence (:func:`workbench.citations.parse_citations`)
    and matched in reading order by their printed form; one that cannot be found gets the
    whole sentence as its unit (``sentence``).

    Returns:
        One ``(clause, unit)`` per entry of ``cited``.
    """
    found = parse_citations(sentence)
    used = [False] * len(found)
    ends: list[int] = []
    starts: list[int] = []
    for citation in found:
        span = (
            _bracket_around(sentence, citation.start, citation.end)
            if citation.form == "parenthetical"
            else None
        )
        ends.append(span[1] if span else -1)  # a running-text citation ends no clause
        starts.append(span[0] if span else citation.start)
    result = []
    for printed in cited:
        position = next(
            (i for i, c in enumerate(found) if not used[i] and c.cited_as == printed), None
        )
        if position is None:
            result.append((sentence, "sentence"))
            continue
        used[position] = True
        citation = found[position]
        own_end = ends[position]
        earlier = [e for e in ends if 0 <= e <= citation.start and e != own_end]
        later = [b for b in starts if b >= own_end]
        result.append(
            citation_clause(sentence, citation.start, citation.end, citation.form, earlier, later)
        )
    return result


# --------------------------------------------------------------------------------------
# Works and their codes
# --------------------------------------------------------------------------------------


def _key(surname: str, year: str, suffix: str = "") -> tuple[str, str]:
    return normalise_name(surname), f"{year}{suffix}"


def unlisted_index(works: pd.DataFrame) -> dict[tuple[str, str], str]:
    """Return the unlisted works by (folded first surname, year with suffix) of their in-text form.

    Examples:
        >>> works = pd.DataFrame({"work_id": ["unlisted:gangoli2022"], "listed": [False],
        ...                       "cited_as": ["Gangoli et al., 2022"]})
        >>> unlisted_index(works)
        {('gangoli', '2022'): 'unlisted:gangoli2022'}
    """
    index: dict[tuple[str, str], str] = {}
    unlisted = works[~works["listed"].map(_truthy)]
    for work_id, cited_as in zip(unlisted["work_id"], unlisted["cited_as"], strict=True):
        if not isinstance(cited_as, str):
            continue
        found = parse_citations(cited_as) or parse_bracket(cited_as)
        for citation in found:
            index.setdefault(_key(citation.surnames[0], citation.year, citation.suffix), work_id)
    return index


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value) if not pd.isna(value) else False


def _surnames(value: Any) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(value)
    text = str(value)
    return tuple(re.findall(r"'([^']*)'", text)) or (text,)


def occurrence_works(audit: pd.DataFrame, works: pd.DataFrame) -> pd.Series:
    """Return the work each citation occurrence of the audit counts for, or ``""``.

    A resolved citation names ``ref:<key>``, and so does a year or name mismatch: it counts
    for its one candidate entry (:func:`workbench.citations.counts_for`), flagged where it is
    shown (:func:`workbench.citations.finding`). A missing one names the unlisted work of
    ``works`` with the same first surname and year (and suffix); an ambiguous one, nothing.
    """
    unlisted = unlisted_index(works)
    candidates = audit["candidate_key"] if "candidate_key" in audit else [""] * len(audit)
    result = []
    for status, key, candidate, surnames, year, suffix in zip(
        audit["status"],
        audit["key"],
        candidates,
        audit["surnames"],
        audit["year"],
        audit["suffix"].fillna("") if "suffix" in audit else [""] * len(audit),
        strict=True,
    ):
        counted = counts_for(status, key, candidate)
        if counted:
            result.append(f"ref:{counted}")
            continue
        if status != "missing":
            result.append("")
            continue
        names = _surnames(surnames)
        result.append(
            unlisted.get(_key(names[0], str(year), str(suffix or "")), "")
            if names and names[0]
            else ""
        )
    return pd.Series(result, index=audit.index, dtype="object")


def citation_support(
    audit: pd.DataFrame, works: pd.DataFrame, codes: pd.DataFrame, codebook: pd.DataFrame
) -> pd.DataFrame:
    """Return, per citation occurrence, its clause, the rule coder's and the curated topics.

    Args:
        audit: the citation audit (``workbench.citations.citation_audit``): one row per
            occurrence with ``location, occurrence, line, cited_as, surnames, year, suffix,
            sentence, source, status, key``.
        works: ``corpus/works.csv`` (``work_id, listed, cited_as, design, country``).
        codes: ``corpus/evidence_codes.csv`` (``work_id, topic_id``).
        codebook: ``corpus/codebook.csv`` (the rules proposed on each clause).

    Returns:
        A DataFrame with :data:`SUPPORT_COLUMNS`: one row per (occurrence, topic) for every
        topic the rules propose on the clause or the curated codes give the work, and one row
        with an empty ``topic_id`` for an occurrence with neither. ``curated`` says the work is
        coded with the topic (the occurrence counts toward the topic's cells); ``supports``
        says the clause is about the topic too (rules and curated codes agree). An occurrence
        naming no known work has an empty ``work_id`` and counts for nothing. ``finding``
        flags an occurrence whose year or spelling disagrees with the reference list (it
        counts for the entry it names) or that is ambiguous (it does not count).
    """
    if audit.empty:
        return pd.DataFrame(columns=SUPPORT_COLUMNS)
    audit = audit.reset_index(drop=True)
    occurrences = audit.assign(
        occurrence_id=[
            f"{loc}#c{n}" for loc, n in zip(audit["location"], audit["occurrence"], strict=True)
        ],
        work_id=occurrence_works(audit, works),
        finding=[
            finding(s, n)
            for s, n in zip(
                audit["status"],
                audit["note"] if "note" in audit else [""] * len(audit),
                strict=True,
            )
        ],
    )
    # the occurrences of each sentence, in order (what a groupby gives, without a frame each)
    cited_in: dict[tuple[Any, Any], list[int]] = {}
    for position, key in enumerate(
        zip(occurrences["location"].tolist(), occurrences["sentence"].tolist(), strict=True)
    ):
        if not (pd.isna(key[0]) or pd.isna(key[1])):
            cited_in.setdefault(key, []).append(position)
    printed = occurrences["cited_as"].tolist()
    clauses: dict[int, tuple[str, str]] = {}
    for (_, sentence), positions in cited_in.items():
        found = sentence_clauses(sentence, [printed[i] for i in positions])
        clauses.update(zip(positions, found, strict=True))
    occurrences["clause"] = [clauses[i][0] for i in range(len(occurrences))]
    occurrences["unit"] = [clauses[i][1] for i in range(len(occurrences))]
    work_ids = occurrences["work_id"].tolist()
    known = dict(zip(works["work_id"].tolist(), range(len(works)), strict=True))
    listed = [_truthy(v) for v in works["listed"].tolist()]
    occurrences["listed"] = [listed[known[w]] if w in known else pd.NA for w in work_ids]
    for column in ("design", "country"):
        values = [_text(v) for v in works[column].tolist()]
        occurrences[column] = [values[known[w]] if w in known else "" for w in work_ids]
    targets = pd.DataFrame(
        {
            "target_id": occurrences["occurrence_id"],
            "target_kind": "clause",
            "text": occurrences["clause"],
        }
    )
    proposed = apply_rules(targets, codebook)
    rule = {
        (t, k): m
        for t, k, m in zip(
            proposed["target_id"], proposed["topic_id"], proposed["matched"], strict=True
        )
    }
    curated: dict[str, list[str]] = {}
    for work, topic in zip(codes["work_id"], codes["topic_id"], strict=True):
        curated.setdefault(work, []).append(topic)
    order = {t: i for i, t in enumerate(codebook["topic_id"])}
    rule_topics: dict[str, list[str]] = {}
    for target, topic in rule:
        rule_topics.setdefault(target, []).append(topic)
    records = []
    for row in row_dicts(occurrences, OCCURRENCE_COLUMNS):
        mine = set(curated.get(row["work_id"], [])) if row["work_id"] else set()
        proposed_here = set(rule_topics.get(row["occurrence_id"], []))
        topics = sorted(mine | proposed_here, key=lambda t: (order.get(t, len(order)), t))
        if not topics:
            records.append(
                {
                    **row,
                    "topic_id": "",
                    "rule_proposes": False,
                    "rule_matched": "",
                    "curated": False,
                    "supports": False,
                }
            )
        for topic in topics:
            records.append(
                {
                    **row,
                    "topic_id": topic,
                    "rule_proposes": topic in proposed_here,
                    "rule_matched": rule.get((row["occurrence_id"], topic), "") or "",
                    "curated": topic in mine,
                    "supports": topic in mine and topic in proposed_here,
                }
            )
    frame = pd.DataFrame(records, columns=SUPPORT_COLUMNS)
    frame["work_id"] = frame["work_id"].fillna("")
    return frame


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def coding_agreement(
    support: pd.DataFrame, codes: pd.DataFrame, topics: pd.DataFrame
) -> pd.DataFrame:
    """Return how well the rule coder's clause-level proposals agree with the curated codes.

    The unit is a (work, topic) pair over the works that are cited at least once (with a
    known work id): the rules *propose* the pair when they code any clause that cites the
    work with the topic; the curated table *codes* it when ``evidence_codes.csv`` has the
    row. Per topic: ``tp`` (both), ``fp`` (rules only), ``fn`` (curated only),
    ``precision`` = tp / (tp + fp) and ``recall`` = tp / (tp + fn), empty when undefined.

    Returns:
        A DataFrame with :data:`AGREEMENT_COLUMNS`, one row per topic in map order, then a
        row ``all`` summing the pairs of every topic.
    """
    known = support[support["work_id"].astype(str) != ""]
    cited = set(known["work_id"])
    proposed = set(
        zip(
            known.loc[known["rule_proposes"], "work_id"],
            known.loc[known["rule_proposes"], "topic_id"],
            strict=True,
        )
    )
    coded = {(w, t) for w, t in zip(codes["work_id"], codes["topic_id"], strict=True) if w in cited}
    records = []
    totals = [0, 0, 0]
    for topic_id, label in zip(topics["topic_id"], topics["label"], strict=True):
        p = {w for w, t in proposed if t == topic_id}
        c = {w for w, t in coded if t == topic_id}
        tp, fp, fn = len(p & c), len(p - c), len(c - p)
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        records.append(_agreement_row(topic_id, label, tp, fp, fn))
    records.append(_agreement_row("all", "All topics", *totals))
    return pd.DataFrame(records, columns=AGREEMENT_COLUMNS)


def _agreement_row(topic_id: str, label: str, tp: int, fp: int, fn: int) -> dict:
    return {
        "topic_id": topic_id,
        "topic_label": label,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }


# --------------------------------------------------------------------------------------
# Labels of the design and country enums
# --------------------------------------------------------------------------------------


def enum_labels(descriptor: dict[str, Any], resource: str, field: str) -> dict[str, str]:
    """Return the values of an enum field of the data package with their display labels.

    The values are the field's ``constraints.enum`` (:func:`workbench.works.field_enum`); the
    labels its ``x-enumLabels`` (a mapping, or a list in enum order) where the descriptor
    gives them, else the value with underscores as spaces. A field without an enum gives
    an empty mapping.

    Examples:
        >>> d = {"resources": [{"name": "works", "schema": {"fields": [{"name": "country",
        ...     "constraints": {"enum": ["uk", "us"]}, "x-enumLabels": {"uk": "UK"}}]}}]}
        >>> enum_labels(d, "works", "country")
        {'uk': 'UK', 'us': 'us'}
    """
    try:
        values = field_enum(descriptor, resource, field)
    except KeyError:
        return {}
    spec = next(
        item
        for res in descriptor["resources"]
        if res["name"] == resource
        for item in res["schema"]["fields"]
        if item["name"] == field
    )
    labels = spec.get("x-enumLabels") or {}
    if isinstance(labels, list):
        labels = dict(zip(values, labels, strict=False))
    return {v: str(labels.get(v, v.replace("_", " "))) for v in values}


def is_evaluation(design: Any) -> bool:
    """Whether a design value is an evaluation (``evaluation_...``)."""
    return isinstance(design, str) and design.startswith(EVALUATION_PREFIX)
