"""The evidence and gap map: which standards and guidelines rest on evidence about which topics.

Rows are the 7 standards, each expandable to its practice guidelines (37 in all). Columns are
the codebook's topics, grouped by dimension. Each cell counts the evidence linking the row to
the topic, channel by channel:

``academic``
    works of the reference list cited in the standard's evidence narrative, **counted for a
    topic only when the curated table** ``corpus/evidence_codes.csv`` **codes the work with
    it** (see ``workbench.evidence``; the rule coder only proposes, and its agreement with the
    curated codes is measured);
``unlisted``
    works cited in the narrative but missing from the reference list (``corpus/works.csv``,
    ``listed = false``): a channel of their own, flagged "not in the reference list", coded
    like the listed works;
``roundtable`` / ``consultation``
    practitioner roundtables and consultations quoted in that narrative (``quotes`` edges),
    counted for a topic when the roundtable's topic or the quoted words are coded with it;
``programme``
    named programmes evaluated by a reference that the narrative cites, or tied to the standard
    by an edge of the graph, counted for a topic when the programme itself is coded with it;
``framework``
    existing-framework items that the crosswalk relates to the guideline.

Every count is traceable to a row of :func:`evidence_list`: the item, its design and country
(for a work), the clause that cites it, where it stands, and how the code was made.

**Guidelines inherit their standard's narrative evidence.** The report gives one evidence
narrative per standard, not per guideline, so a guideline's academic, unlisted, roundtable,
consultation and programme channels are those of its standard; only its framework channel
(the crosswalk is made at guideline level), any work its own text cites and its own demand
(its text coded with a topic) are its own.

Cell status follows :class:`GapThresholds`, the one place where the rules are set:
``absolute_gap`` (nothing in any channel), ``practice_only`` (no work, but roundtables,
consultations, programmes or framework items), ``thin`` (fewer works than
``covered_min_references``, or fewer UK or evaluation works than required) and ``covered``.
**Demand without evidence** is a guideline whose own text is coded with a topic whose cell is
in ``demand_statuses``. The sources' own statements of gaps (``corpus/stated_gaps.csv``) are
set against the computed statuses in :func:`stated_gap_agreement`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from workbench.citations import citation_audit
from workbench.coding import codes_frame
from workbench.corpus import Corpus
from workbench.evidence import CODE_COLUMNS as WORK_CODE_COLUMNS
from workbench.evidence import (
    UK,
    WORK_COLUMNS,
    citation_support,
    coding_agreement,
    enum_labels,
    is_evaluation,
)
from workbench.frames import row_dicts, row_tuples
from workbench.graph import build_graph


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary the gap map shows (a cell status or an evidence channel).

    The tables :data:`STATUS_TERMS` and :data:`CHANNEL_TERMS` are the ONE place where a status
    or a channel is defined: the page (HTML, its CSS custom properties and its legend), the
    figure (PNG) and ``gaps.md`` all read them, so adding a status or changing a colour is a
    change here alone.

    Attributes:
        id: the value stored in the tables (``gap_map.csv``, ``gap_evidence.csv``).
        label: the short display name (``Practice only``).
        meaning: what the value means, in one line.
        symbol: the mark that shows it without colour.
        colour: the name of its colour in ``workbench.render.figures.PALETTE`` (statuses: an
            Okabe-Ito colour; channels: a neutral grey, so no channel shares a status colour).
        phrase: how a sentence says a row has it (statuses: ``thin evidence``), for the gap
            register's sentences.
    """

    id: str
    label: str
    meaning: str
    symbol: str
    colour: str
    phrase: str = ""

    @property
    def description(self) -> str:
        """``Label: meaning``, as a legend line."""
        return f"{self.label}: {self.meaning}"


#: Evidence channels, in display order; the last one comes from the crosswalk.
CHANNEL_TERMS: tuple[Term, ...] = (
    Term(
        "academic",
        "Academic references",
        "works of the reference list cited in the evidence narrative",
        "A",
        "grey_1",
    ),
    Term(
        "unlisted",
        "Works not in the reference list",
        "works cited in the narrative but missing from the reference list",
        "U",
        "grey_2",
    ),
    Term(
        "roundtable",
        "Roundtables",
        "practitioner roundtables quoted in the narrative",
        "R",
        "grey_3",
    ),
    Term("consultation", "Consultations", "consultations quoted in the narrative", "C", "grey_4"),
    Term(
        "programme",
        "Evaluated programmes",
        "named programmes evaluated by a cited work or tied to the row",
        "E",
        "grey_5",
    ),
    Term(
        "framework",
        "Framework items",
        "items of existing frameworks the crosswalk relates to the guideline",
        "F",
        "grey_6",
    ),
)

#: Cell statuses, from the worst to the best.
STATUS_TERMS: tuple[Term, ...] = (
    Term(
        "absolute_gap",
        "Absolute gap",
        "no evidence in any channel",
        "\u2715",
        "vermillion",
        "an absolute gap",
    ),
    Term(
        "practice_only",
        "Practice only",
        "no cited work, only practice evidence",
        "P",
        "orange",
        "only practice evidence",
    ),
    Term(
        "thin",
        "Thin",
        "fewer cited works than the thresholds ask for",
        "T",
        "sky_blue",
        "thin evidence",
    ),
    Term(
        "covered",
        "Covered",
        "cited works at or above the thresholds",
        "\u2713",
        "bluish_green",
        "enough cited works",
    ),
)

#: Evidence channel ids, in display order.
CHANNELS: tuple[str, ...] = tuple(t.id for t in CHANNEL_TERMS)

#: Channels that count as evidence behind a row (the framework channel is counted apart).
EVIDENCE_CHANNELS: tuple[str, ...] = CHANNELS[:5]

#: Channels whose items are cited works (``corpus/works.csv``), coded by the curated table.
WORK_CHANNELS: tuple[str, ...] = ("academic", "unlisted")

#: Channels whose linking text (the quoted words) is coded besides the item itself.
QUOTE_CHANNELS: tuple[str, ...] = ("roundtable", "consultation")

#: Human names of the channels (from :data:`CHANNEL_TERMS`).
CHANNEL_LABELS: dict[str, str] = {t.id: t.label for t in CHANNEL_TERMS}

#: Cell status ids, from the worst to the best.
STATUSES: tuple[str, ...] = tuple(t.id for t in STATUS_TERMS)

#: One line per status, as the map's legend and ``gaps.md`` explain it.
STATUS_LABELS: dict[str, str] = {t.id: t.description for t in STATUS_TERMS}


def status_label(status: str) -> str:
    """Return the short display name of a status id (``Practice only``), from
    :data:`STATUS_TERMS`; an id the table lacks is shown with spaces for underscores.

    Examples:
        >>> status_label("absolute_gap"), status_label("new_status")
        ('Absolute gap', 'new status')
    """
    for term in STATUS_TERMS:
        if term.id == status:
            return term.label
    return str(status).replace("_", " ")


#: Relations of the crosswalk that do not tie a guideline to a framework item.
UNRELATED = frozenset({"not_related", ""})

EVIDENCE_COLUMNS = [
    "row_id",
    "topic_id",
    "channel",
    "evidence_id",
    "citation",
    "sentence",
    "location",
    "coded_by",
    "coded_on",
    "via",
    "clause",
    "line",
    "design",
    "country",
    "finding",
]
LINK_COLUMNS = [
    "row_id",
    "channel",
    "evidence_id",
    "citation",
    "sentence",
    "sentence_id",
    "narrative_id",
    "location",
    "via",
    "clause",
    "line",
    "occurrence_id",
    "finding",
]
#: Per-cell counts of the distinct works behind it, by design and by country.
WORK_COUNT_COLUMNS = [
    "works",
    "works_evaluation",
    "works_other_design",
    "works_uk",
    "works_elsewhere",
    "works_country_unknown",
]
ROW_COLUMNS = ["row_id", "level", "standard_id", "number", "row_label", "text", "order"]
TOPIC_COLUMNS = ["topic_id", "dimension", "label", "definition", "order"]


@dataclass(frozen=True)
class GapThresholds:
    """The rules that turn counts into a cell status: the ONE place to change them.

    Attributes:
        covered_min_references: distinct cited works (academic, and unlisted when
            ``count_unlisted``) coded with the topic that a cell needs to be ``covered``; a
            cell with at least one but fewer is ``thin``. The default of 3 asks for more than
            one or two studies before a topic counts as covered.
        covered_min_uk: of those works, how many must be from the UK (``country = uk`` in
            ``corpus/works.csv``) for the cell to be ``covered``; otherwise it is ``thin``.
            The default of 1 asks that the evidence behind a standard for UK services include
            at least one UK work (the report itself says of minoritised groups that "the
            knowledge and practice base here needs building in a UK context").
        covered_min_evaluations: of those works, how many must be evaluations (a design
            ``evaluation_...``) for the cell to be ``covered``. The default of 0 asks for none:
            the standards rest on practice guidance and qualitative work as much as on
            evaluations; raise it to ask for evaluative evidence.
        count_unlisted: whether works cited but missing from the reference list count
            toward ``covered_min_references`` (they always show, in their own channel).
        demand_statuses: statuses of a guideline's cell that make its own demand for the
            topic a *demand without evidence* (no cited work, or thin evidence).
    """

    covered_min_references: int = 3
    covered_min_uk: int = 1
    covered_min_evaluations: int = 0
    count_unlisted: bool = True
    demand_statuses: tuple[str, ...] = ("absolute_gap", "practice_only", "thin")

    def __post_init__(self) -> None:
        if self.covered_min_references < 1:
            raise ValueError("covered_min_references must be at least 1")
        if min(self.covered_min_uk, self.covered_min_evaluations) < 0:
            raise ValueError("covered_min_uk and covered_min_evaluations cannot be negative")
        unknown = set(self.demand_statuses) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown statuses in demand_statuses: {sorted(unknown)}")


DEFAULT_THRESHOLDS = GapThresholds()


# --------------------------------------------------------------------------------------
# Rows and columns
# --------------------------------------------------------------------------------------


def _number_key(number: object) -> tuple[int, ...]:
    return tuple(int(part) for part in str(number).split("."))


def map_rows(standards: pd.DataFrame, guidelines: pd.DataFrame) -> pd.DataFrame:
    """Return the map's rows: each standard followed by its guidelines, in document order.

    Returns:
        A DataFrame with :data:`ROW_COLUMNS`: ``row_id`` (``standard:N`` or
        ``guideline:N.M``), ``level`` (``standard``/``guideline``), ``standard_id`` (the
        standard a guideline inherits its narrative evidence from), ``number``,
        ``row_label`` (``Standard 5``, ``Guideline 5.2``), the verbatim ``text`` and ``order``.
    """
    rows = []
    for standard in row_dicts(standards):
        rows.append(
            {
                "row_id": standard["standard_id"],
                "level": "standard",
                "standard_id": standard["standard_id"],
                "number": str(standard["number"]),
                "row_label": f"Standard {standard['number']}",
                "text": standard["text"],
            }
        )
    for guideline in row_dicts(guidelines):
        rows.append(
            {
                "row_id": guideline["guideline_id"],
                "level": "guideline",
                "standard_id": guideline["standard_id"],
                "number": str(guideline["number"]),
                "row_label": f"Guideline {guideline['number']}",
                "text": guideline["text"],
            }
        )
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS[:-1])
    key = frame["number"].map(_number_key)
    frame = frame.assign(_key=key).sort_values("_key", kind="stable").drop(columns="_key")
    return frame.reset_index(drop=True).assign(order=lambda f: range(len(f)))[ROW_COLUMNS]


def map_topics(codebook: pd.DataFrame) -> pd.DataFrame:
    """Return the map's columns: codebook topics grouped by dimension, in codebook order.

    Dimensions keep the order in which the codebook first names them; topics keep their
    codebook order within a dimension.

    Returns:
        A DataFrame with :data:`TOPIC_COLUMNS`.
    """
    frame = codebook.copy()
    if "definition" not in frame:
        frame["definition"] = ""
    dimensions = list(dict.fromkeys(frame["dimension"]))
    frame = frame.assign(_d=frame["dimension"].map(dimensions.index), _i=range(len(frame)))
    frame = frame.sort_values(["_d", "_i"], kind="stable").reset_index(drop=True)
    frame["order"] = range(len(frame))
    return frame[TOPIC_COLUMNS]


# --------------------------------------------------------------------------------------
# Links from rows to evidence items (before topics)
# --------------------------------------------------------------------------------------


def _channel_of(node: str) -> str | None:
    for prefix, channel in (
        ("ref:", "academic"),
        ("roundtable:", "roundtable"),
        ("consultation:", "consultation"),
        ("programme:", "programme"),
    ):
        if node.startswith(prefix):
            return channel
    return None


def _edge_location(data: dict[str, Any]) -> str:
    """Where an edge's sentence stands: ``file, narrative or row id, line(s) N``."""
    parts = [str(data[k]) for k in ("source_file", "location") if data.get(k) not in (None, "")]
    if data.get("lines") not in (None, ""):
        parts.append(lines_text(data["lines"]))
    return ", ".join(parts)


def _edge_sentence(data: dict[str, Any]) -> str:
    """The sentence an edge carries (``sentence``, or the graph's ``detail``)."""
    return str(data.get("sentence") or data.get("detail") or "")


def _text_nodes(graph: nx.MultiDiGraph, row_id: str) -> list[str]:
    """The graph nodes that speak for a row: itself and, for a standard, its narrative."""
    candidates = [row_id, f"narrative:{row_id}"] if row_id.startswith("standard:") else [row_id]
    return [n for n in candidates if n in graph]


def _evaluations(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """The programmes each reference evaluates (``evaluated_by`` edges), keyed by reference."""
    evaluated: dict[str, list[str]] = {}
    for programme, reference, data in graph.edges(data=True):
        if data.get("kind") == "evaluated_by" and str(programme).startswith("programme:"):
            evaluated.setdefault(str(reference), []).append(str(programme))
    return evaluated


def _own_links(graph: nx.MultiDiGraph, row_id: str, evaluated: dict[str, list[str]]) -> list[dict]:
    """Links made by the text of one row (a standard's narrative, or a guideline's own text)."""
    links: list[dict] = []
    narrative = f"narrative:{row_id}" if row_id.startswith("standard:") else ""
    for node in _text_nodes(graph, row_id):
        for _, target, data in graph.out_edges(node, data=True):
            channel, kind = _channel_of(str(target)), data.get("kind")
            if channel is None or kind == "part_of" or (channel == "academic" and kind != "cites"):
                continue
            links.append(
                {
                    "channel": channel,
                    "evidence_id": str(target),
                    "sentence": _edge_sentence(data),
                    "sentence_id": data.get("sentence_id") or "",
                    "narrative_id": narrative,
                    "location": _edge_location(data),
                }
            )
        for origin, _, data in graph.in_edges(node, data=True):
            if _channel_of(str(origin)) == "programme" and data.get("kind") != "part_of":
                links.append(
                    {
                        "channel": "programme",
                        "evidence_id": str(origin),
                        "sentence": _edge_sentence(data),
                        "sentence_id": data.get("sentence_id") or "",
                        "narrative_id": narrative,
                        "location": _edge_location(data),
                    }
                )
    for link in [link for link in links if link["channel"] == "academic"]:
        for programme in evaluated.get(link["evidence_id"], []):
            links.append({**link, "channel": "programme", "evidence_id": programme})
    return [{**link, "via": row_id} for link in links]


def narrative_links(
    graph: nx.MultiDiGraph, rows: pd.DataFrame, labels: dict[str, str]
) -> pd.DataFrame:
    """Return the links from each row to the items its text cites or quotes.

    Academic references come from ``cites`` edges, roundtables and consultations from
    ``quotes`` edges leaving a standard or its evidence narrative (or a guideline whose own
    text cites a work). An evaluated programme is linked when a reference that evaluates it
    (``evaluated_by``) is cited (the linking sentence is the citing one), or when an edge ties
    it to the row's text directly. A guideline inherits its standard's links; a standard
    gathers the links made by its guidelines' own texts. ``via`` names the row whose text
    made the link.

    Returns:
        A DataFrame with :data:`LINK_COLUMNS`, one row per (row, item, sentence, via).
    """
    evaluated = _evaluations(graph)
    own = {row_id: _own_links(graph, row_id, evaluated) for row_id in rows["row_id"]}
    guidelines_of: dict[str, list[str]] = {}
    for row in row_tuples(rows[rows["level"] == "guideline"]):
        guidelines_of.setdefault(row.standard_id, []).append(row.row_id)
    records: list[dict[str, Any]] = []
    for row in row_tuples(rows):
        if row.level == "standard":
            members = [row.row_id] + guidelines_of.get(row.row_id, [])
        else:
            members = [row.standard_id, row.row_id]
        for member in members:
            records.extend({"row_id": row.row_id, **link} for link in own.get(member, []))
    frame = pd.DataFrame(records, columns=[c for c in LINK_COLUMNS if c != "citation"])
    frame.insert(3, "citation", frame["evidence_id"].map(lambda i: labels.get(i, i)))
    return frame.drop_duplicates(ignore_index=True)[LINK_COLUMNS]


def framework_links(
    crosswalk: pd.DataFrame, rows: pd.DataFrame, labels: dict[str, str], locations: dict[str, str]
) -> pd.DataFrame:
    """Return the links from rows to the framework items the crosswalk relates them to.

    A guideline is linked to every framework item it has a relation with other than
    ``not_related``; a standard is linked to the items of its guidelines. An item mapped to a
    whole standard is linked to the standard and, inherited, to each of its guidelines. The
    linking "sentence" is the crosswalk row: the relation and its rationale.

    Returns:
        A DataFrame with :data:`LINK_COLUMNS` (channel ``framework``).
    """
    if crosswalk.empty:
        return pd.DataFrame(columns=LINK_COLUMNS)
    related = crosswalk[~crosswalk["relation"].fillna("").isin(UNRELATED)]
    related = related[related["reference_id"].astype(str).str.startswith("framework_item:")]
    standard_of = dict(zip(rows["row_id"], rows["standard_id"], strict=True))
    guidelines_of: dict[str, list[str]] = {}
    for row in row_tuples(rows[rows["level"] == "guideline"]):
        guidelines_of.setdefault(row.standard_id, []).append(row.row_id)
    records = []
    for mapping in row_dicts(related):
        focal, item = mapping["focal_id"], mapping["reference_id"]
        if focal not in standard_of:
            continue
        rationale = mapping.get("rationale")
        sentence = (
            f"{focal} {mapping['relation']} {item}: {rationale}"
            if isinstance(rationale, str)
            else f"{focal} {mapping['relation']} {item}"
        )
        link = {
            "channel": "framework",
            "evidence_id": item,
            "citation": labels.get(item, item),
            "sentence": sentence,
            "sentence_id": "",
            "narrative_id": "",
            "location": locations.get(item, ""),
            "via": focal,
        }
        records.append({"row_id": focal, **link})
        if focal != standard_of[focal]:
            records.append({"row_id": standard_of[focal], **link})
        else:
            records.extend({"row_id": member, **link} for member in guidelines_of.get(focal, []))
    frame = pd.DataFrame(records, columns=LINK_COLUMNS)
    return frame.drop_duplicates(ignore_index=True)


# --------------------------------------------------------------------------------------
# Evidence: links joined with codes
# --------------------------------------------------------------------------------------


def _normalise(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip() if isinstance(text, str) else ""


def coded_by(method: object, matched: object, reason: object = None) -> str:
    """Say how a code was made: ``rule: <matched words>`` or ``manual: <reason>``.

    Examples:
        >>> coded_by("rule", "same-sex | LGBT")
        'rule: same-sex | LGBT'
        >>> coded_by("manual", None, "the roundtable was on this group")
        'manual: the roundtable was on this group'
    """
    if method == "rule":
        words = matched if isinstance(matched, str) and matched else "?"
        return f"rule: {words}"
    return f"{method}: {reason}" if isinstance(reason, str) and reason else str(method)


def _coded_sentences(links: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Pair each link with the coded narrative sentences that make up its linking sentence.

    The graph's sentence of a citation and the coder's sentences (ids ``narrative:...#sN``)
    come from two splitters, and a quote's linking text is a whole paragraph; so a coded
    sentence belongs to a link when, within the same narrative, one text contains the other
    (white space normalised). An id given by the graph (``sentence_id``) is used as it is.

    Returns:
        ``link`` (the position of the link in ``links``) and ``sentence_id``.
    """
    sentences = codes[codes["target_id"].astype(str).str.contains("#", regex=False)]
    sentences = sentences.drop_duplicates("target_id")
    by_narrative: dict[str, list[tuple[str, str]]] = {}
    for target_id, text in zip(sentences["target_id"], sentences["text"], strict=True):
        by_narrative.setdefault(str(target_id).split("#")[0], []).append(
            (target_id, _normalise(text))
        )
    pairs = []
    for position, (given, narrative, sentence) in enumerate(
        zip(
            links["sentence_id"].fillna(""),
            links["narrative_id"].fillna(""),
            links["sentence"].map(_normalise),
            strict=True,
        )
    ):
        if given:
            pairs.append((position, given))
            continue
        if not sentence:
            continue
        for target_id, text in by_narrative.get(narrative, []):
            if text and (text in sentence or sentence in text):
                pairs.append((position, target_id))
    return pd.DataFrame(pairs, columns=["link", "sentence_id"])


def own_row(location: str) -> str:
    """Return the map row whose own text a citing text is: ``narrative:standard:5`` is
    ``standard:5``'s, ``guideline:2.6`` its own; other texts (appendices) give ``""``.

    Examples:
        >>> own_row("narrative:standard:5"), own_row("guideline:2.6"), own_row("narrative:x")
        ('standard:5', 'guideline:2.6', '')
    """
    if location.startswith("narrative:standard:"):
        return location.removeprefix("narrative:")
    if location.startswith(("guideline:", "standard:")):
        return location
    return ""


def _receivers(rows: pd.DataFrame) -> dict[str, list[str]]:
    """For each row, the rows its own text's links reach: itself, and its guidelines (a
    standard) or its standard (a guideline)."""
    receivers: dict[str, list[str]] = {r: [r] for r in rows["row_id"]}
    for row in row_tuples(rows[rows["level"] == "guideline"]):
        receivers.setdefault(row.standard_id, [row.standard_id]).append(row.row_id)
        receivers[row.row_id].append(row.standard_id)
    return receivers


def unlisted_label(cited_as: str) -> str:
    """The citation shown for a work missing from the reference list: flagged as such.

    Examples:
        >>> unlisted_label("Gangoli et al., 2022")
        'Gangoli et al., 2022 (not in the reference list)'
    """
    return f"{cited_as} (not in the reference list)"


#: What opens the flag :func:`flagged_label` puts after a work's citation.
FLAG_OPENING = " [cited as “"


def flagged_label(label: str, cited_as: str, found: str) -> str:
    """The citation shown for a work cited under another year or spelling: flagged as such.

    Examples:
        >>> flagged_label("Bonta and Andrews (2016)", "Bonta and Andrews, 2017",
        ...               "cited 2017; the reference list dates this work 2016")
        'Bonta and Andrews (2016) [cited as “Bonta and Andrews, 2017”: cited 2017; the \
reference list dates this work 2016]'
    """
    return f"{label}{FLAG_OPENING}{cited_as}”: {found}]" if found else label


def split_flag(citation: str) -> tuple[str, str]:
    """Return a citation as :func:`flagged_label` shows it split into the work's label and the
    audit's flag (``cited as “…”: finding``), the flag empty when there is none.

    Examples:
        >>> split_flag(flagged_label("Bonta and Andrews (2016)", "Bonta and Andrews, 2017",
        ...                          "cited 2017; the reference list dates this work 2016"))
        ('Bonta and Andrews (2016)', 'cited as “Bonta and Andrews, 2017”: cited 2017; the \
reference list dates this work 2016')
        >>> split_flag("Kelly and Westmarland (2015)")
        ('Kelly and Westmarland (2015)', '')
    """
    label, opening, rest = citation.rpartition(FLAG_OPENING)
    if not opening or not rest.endswith("]"):
        return citation, ""
    return label, "cited as “" + rest[:-1]


def work_links(support: pd.DataFrame, rows: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Return the links from rows to the works their texts cite, one per citation occurrence.

    A listed work is linked in the ``academic`` channel, a work missing from the reference
    list in the ``unlisted`` channel. A citation whose year or spelling disagrees with the
    reference list links the entry it names, its citation flagged with the audit's finding
    (:func:`flagged_label`, and ``finding``). A standard's narrative links reach the standard
    and its guidelines; a guideline's own citation reaches the guideline and its standard.

    Args:
        support: :func:`workbench.evidence.citation_support`.
        rows: :func:`map_rows`.
        labels: citations of the listed works, by work id.

    Returns:
        A DataFrame with :data:`LINK_COLUMNS`.
    """
    occurrences = support[support["work_id"].astype(str) != ""].drop_duplicates("occurrence_id")
    receivers = _receivers(rows)
    records: list[dict[str, Any]] = []
    for occ in row_dicts(occurrences):
        own = own_row(str(occ["location"]))
        if own not in receivers:
            continue
        listed = occ["listed"] is True or str(occ["listed"]).lower() == "true"
        found = occ.get("finding") or ""
        found = found if isinstance(found, str) else ""
        link = {
            "channel": "academic" if listed else "unlisted",
            "evidence_id": occ["work_id"],
            "citation": flagged_label(
                labels.get(occ["work_id"], occ["cited_as"]), occ["cited_as"], found
            )
            if listed
            else unlisted_label(occ["cited_as"]),
            "finding": found,
            "sentence": occ["sentence"],
            "sentence_id": "",
            "narrative_id": occ["location"] if occ["location"].startswith("narrative:") else "",
            "location": f"{occ['source']}, {occ['location']}, line {occ['line']}",
            "via": own,
            "clause": occ["clause"],
            "line": str(occ["line"]),
            "occurrence_id": occ["occurrence_id"],
        }
        records.extend({"row_id": row_id, **link} for row_id in receivers[own])
    return pd.DataFrame(records, columns=LINK_COLUMNS)


def curated_by(basis: object, rationale: object) -> str:
    """Say how a curated evidence code was made: ``curated (basis): rationale``.

    Examples:
        >>> curated_by("title", "The title names Black and minoritised men.")
        'curated (title): The title names Black and minoritised men.'
    """
    why = f": {rationale}" if isinstance(rationale, str) and rationale else ""
    return f"curated ({basis}){why}" if isinstance(basis, str) and basis else f"curated{why}"


def evidence_list(
    links: pd.DataFrame,
    codes: pd.DataFrame,
    work_codes: pd.DataFrame | None = None,
    works: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return every piece of evidence behind every cell, with the text and code that place it.

    A cited work (channels :data:`WORK_CHANNELS`) is evidence for a topic only when the
    curated table codes the work with it (``work_codes``), whatever words stand near its
    citation. A roundtable or consultation is evidence for a topic when it is coded with the
    topic or the quoted words are; a programme or framework item when it is itself coded
    with the topic. Each code gives its own row, so the list says which text was coded and
    how.

    Args:
        links: from :func:`work_links`, :func:`narrative_links` and :func:`framework_links`.
        codes: ``workbench.coding.codes_frame`` (``target_id, target_kind, topic_id, method,
            matched, text`` and, for manual codes, ``reason``).
        work_codes: ``corpus/evidence_codes.csv`` (``work_id, topic_id, basis, rationale``).
        works: ``corpus/works.csv`` (``work_id, design, country``).

    Returns:
        A DataFrame with :data:`EVIDENCE_COLUMNS`: ``coded_by`` is ``curated (basis):
        rationale``, ``rule: <matched words>`` or ``manual: <reason>``; ``coded_on`` is the id
        of what carries the code (the work, the item or a narrative sentence); ``design`` and
        ``country`` are the work's; ``finding`` is the citation audit's finding on a citation
        that counts for the work it names although its year or spelling disagrees. Sorted by
        row, topic, channel, evidence id and sentence.
    """
    if links.empty:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    links = links.reset_index(drop=True)
    for column in ("clause", "line", "occurrence_id", "finding"):
        links[column] = links[column].fillna("").astype(str) if column in links else ""
    frames = []
    cited = links[links["channel"].isin(WORK_CHANNELS)]
    if work_codes is not None and not work_codes.empty and not cited.empty:
        curated = pd.DataFrame(
            {
                "target_id": work_codes["work_id"],
                "topic_id": work_codes["topic_id"],
                "coded_by": [
                    curated_by(b, r)
                    for b, r in zip(
                        work_codes.get("basis", pd.Series(None, index=work_codes.index)),
                        work_codes.get("rationale", pd.Series(None, index=work_codes.index)),
                        strict=True,
                    )
                ],
            }
        )
        frames.append(cited.merge(curated, left_on="evidence_id", right_on="target_id"))
    others = links[~links["channel"].isin(WORK_CHANNELS)]
    if not codes.empty and not others.empty:
        reasons = codes["reason"] if "reason" in codes else pd.Series(None, index=codes.index)
        code_cols = pd.DataFrame(
            {
                "target_id": codes["target_id"],
                "topic_id": codes["topic_id"],
                "coded_by": [
                    coded_by(m, w, r)
                    for m, w, r in zip(codes["method"], codes["matched"], reasons, strict=True)
                ],
            }
        )
        frames.append(others.merge(code_cols, left_on="evidence_id", right_on="target_id"))
        quoted = others[others["channel"].isin(QUOTE_CHANNELS)].reset_index(drop=True)
        paired = _coded_sentences(quoted, codes)
        frames.append(
            quoted.drop(columns="sentence_id")
            .iloc[paired["link"]]
            .assign(sentence_id=paired["sentence_id"].to_numpy())
            .merge(code_cols, left_on="sentence_id", right_on="target_id")
        )
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    frame = pd.concat(frames, ignore_index=True).rename(columns={"target_id": "coded_on"})
    design = country = {}
    if works is not None and not works.empty:
        design = dict(zip(works["work_id"], works["design"].fillna(""), strict=True))
        country = dict(zip(works["work_id"], works["country"].fillna(""), strict=True))
    frame["design"] = frame["evidence_id"].map(design).fillna("")
    frame["country"] = frame["evidence_id"].map(country).fillna("")
    frame.loc[frame["clause"] == "", "clause"] = frame["sentence"]
    frame = frame[EVIDENCE_COLUMNS].drop_duplicates(ignore_index=True)
    return frame.sort_values(
        ["row_id", "topic_id", "channel", "evidence_id", "sentence", "coded_on"],
        kind="stable",
        ignore_index=True,
    )


# --------------------------------------------------------------------------------------
# Cells, statuses and the map
# --------------------------------------------------------------------------------------


def counted_works(
    counts: pd.DataFrame, thresholds: GapThresholds = DEFAULT_THRESHOLDS
) -> pd.Series:
    """Return the number of cited works each cell's status counts: academic references, plus
    works not in the reference list when ``thresholds.count_unlisted``."""
    works = counts["count_academic"]
    if thresholds.count_unlisted and "count_unlisted" in counts:
        works = works + counts["count_unlisted"]
    return works


def gap_status(counts: pd.DataFrame, thresholds: GapThresholds = DEFAULT_THRESHOLDS) -> pd.Series:
    """Return the status of each cell from its counts (one ``count_<channel>`` column per
    channel of :data:`CHANNELS`, and ``works_uk`` / ``works_evaluation`` when the thresholds
    ask for UK or evaluation works).

    Rules, in order: nothing in any channel → ``absolute_gap``; no cited work →
    ``practice_only``; fewer works than ``covered_min_references``, fewer UK works than
    ``covered_min_uk`` or fewer evaluations than ``covered_min_evaluations`` → ``thin``;
    otherwise ``covered``.

    Examples:
        >>> cells = pd.DataFrame({f"count_{c}": [0, 0, 1, 3, 3] for c in CHANNELS})
        >>> cells.loc[1, "count_roundtable"] = 2
        >>> cells["works_uk"] = [0, 0, 1, 0, 1]
        >>> cells["works_evaluation"] = 0
        >>> gap_status(cells).tolist()
        ['absolute_gap', 'practice_only', 'thin', 'thin', 'covered']
        >>> gap_status(cells, GapThresholds(covered_min_references=1, covered_min_uk=0)).tolist()
        ['absolute_gap', 'practice_only', 'covered', 'covered', 'covered']
    """
    total = sum(counts[f"count_{c}"] for c in CHANNELS if f"count_{c}" in counts)
    works = counted_works(counts, thresholds)
    short = works < thresholds.covered_min_references
    if thresholds.covered_min_uk:
        short |= counts["works_uk"] < thresholds.covered_min_uk
    if thresholds.covered_min_evaluations:
        short |= counts["works_evaluation"] < thresholds.covered_min_evaluations
    status = pd.Series("covered", index=counts.index, dtype="object")
    status[short] = "thin"
    status[works == 0] = "practice_only"
    status[total == 0] = "absolute_gap"
    return status


def status_note(cell: pd.Series | dict, thresholds: GapThresholds = DEFAULT_THRESHOLDS) -> str:
    """Say in words why a cell has its status (which threshold it meets or misses).

    Examples:
        >>> note = status_note({"status": "thin", "works": 4, "works_uk": 0,
        ...                     "works_evaluation": 1})
        >>> note
        '4 works coded with the topic (0 from the UK, 1 evaluation): none from the UK, 1 needed'
    """
    works, uk, ev = int(cell["works"]), int(cell["works_uk"]), int(cell["works_evaluation"])
    head = (
        f"{_plural(works, 'work')} coded with the topic ({uk} from the UK, "
        f"{_plural(ev, 'evaluation')})"
    )
    if cell["status"] in ("absolute_gap", "practice_only"):
        return "no cited work coded with the topic"
    if cell["status"] == "covered":
        return head
    missing = []
    if works < thresholds.covered_min_references:
        missing.append(f"fewer than {thresholds.covered_min_references}")
    if uk < thresholds.covered_min_uk:
        missing.append(
            f"{'none' if uk == 0 else uk} from the UK, {thresholds.covered_min_uk} needed"
        )
    if ev < thresholds.covered_min_evaluations:
        missing.append(
            f"{'no' if ev == 0 else ev} evaluation"
            f"{'' if ev == 1 else 's'}, {thresholds.covered_min_evaluations} needed"
        )
    return f"{head}: {'; '.join(missing)}"


def demanded_topics(codes: pd.DataFrame) -> pd.DataFrame:
    """Return each (row, topic) whose own text is coded with the topic, with how it was coded.

    Returns:
        A DataFrame ``row_id, topic_id, demand_coded_by`` for guideline and standard texts.
    """
    own = codes[codes["target_id"].astype(str).str.match(r"^(guideline|standard):[0-9.]+$")]
    reasons = own["reason"] if "reason" in own else pd.Series(None, index=own.index)
    own = own.assign(
        demand_coded_by=[
            coded_by(m, w, r)
            for m, w, r in zip(own["method"], own["matched"], reasons, strict=True)
        ]
    )
    own = own.groupby(["target_id", "topic_id"], as_index=False)["demand_coded_by"].agg(
        lambda s: "; ".join(sorted(set(s)))
    )
    return own.rename(columns={"target_id": "row_id"})


def work_counts(
    evidence: pd.DataFrame, thresholds: GapThresholds = DEFAULT_THRESHOLDS
) -> pd.DataFrame:
    """Return, per (row, topic), the distinct cited works its status counts, by design and
    by country.

    Returns:
        ``row_id, topic_id`` and :data:`WORK_COUNT_COLUMNS`: ``works_evaluation`` counts works
        of an ``evaluation_...`` design, ``works_other_design`` the rest (unknown included);
        ``works_uk`` works from the UK, ``works_elsewhere`` from anywhere else named,
        ``works_country_unknown`` the rest.
    """
    channels = WORK_CHANNELS if thresholds.count_unlisted else WORK_CHANNELS[:1]
    works = evidence[evidence["channel"].isin(channels)].drop_duplicates(
        ["row_id", "topic_id", "evidence_id"]
    )
    if works.empty:
        return pd.DataFrame(columns=["row_id", "topic_id", *WORK_COUNT_COLUMNS])
    country = works["country"].fillna("")
    flags = pd.DataFrame(
        {
            "row_id": works["row_id"],
            "topic_id": works["topic_id"],
            "works": 1,
            "works_evaluation": [int(is_evaluation(d)) for d in works["design"]],
            "works_uk": (country == UK).astype(int),
            "works_elsewhere": (~country.isin([UK, "unknown", ""])).astype(int),
            "works_country_unknown": country.isin(["unknown", ""]).astype(int),
        }
    )
    flags["works_other_design"] = 1 - flags["works_evaluation"]
    grouped = flags.groupby(["row_id", "topic_id"], as_index=False).sum()
    return grouped[["row_id", "topic_id", *WORK_COUNT_COLUMNS]]


def gap_map(
    rows: pd.DataFrame,
    topics: pd.DataFrame,
    evidence: pd.DataFrame,
    codes: pd.DataFrame,
    thresholds: GapThresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """Return the full map: one row per (row, topic) cell, with counts, status and demand.

    Counts are distinct evidence items per channel (an item linked by two sentences counts
    once; :func:`evidence_list` keeps both). ``evidence_count`` sums the evidence channels;
    ``framework_count`` is the framework channel; :data:`WORK_COUNT_COLUMNS` break the cited
    works down by design and country (:func:`work_counts`).

    Returns:
        A DataFrame with ``row_id, row_label, level, standard_id, topic_id, topic_label,
        dimension, evidence_count, framework_count, status, status_note, demand,
        demand_coded_by, demand_without_evidence``, one ``count_<channel>`` column per
        channel and :data:`WORK_COUNT_COLUMNS`, in row then topic order.
    """
    grid = rows[["row_id", "row_label", "level", "standard_id", "order"]].merge(
        topics[["topic_id", "label", "dimension", "order"]].rename(
            columns={"label": "topic_label", "order": "topic_order"}
        ),
        how="cross",
    )
    counts = (
        evidence.groupby(["row_id", "topic_id", "channel"])["evidence_id"]
        .nunique()
        .unstack("channel")
        if not evidence.empty
        else pd.DataFrame()
    )
    for channel in CHANNELS:
        if channel not in counts:
            counts[channel] = 0
    counts = (
        counts[list(CHANNELS)].add_prefix("count_").reset_index()
        if not counts.empty
        else pd.DataFrame(columns=["row_id", "topic_id"] + [f"count_{c}" for c in CHANNELS])
    )
    grid = grid.merge(counts, on=["row_id", "topic_id"], how="left")
    grid = grid.merge(work_counts(evidence, thresholds), on=["row_id", "topic_id"], how="left")
    for column in [f"count_{c}" for c in CHANNELS] + WORK_COUNT_COLUMNS:
        grid[column] = grid[column].fillna(0).astype(int)
    grid["evidence_count"] = sum(grid[f"count_{c}"] for c in EVIDENCE_CHANNELS)
    grid["framework_count"] = grid["count_framework"]
    grid["status"] = gap_status(grid, thresholds)
    noted = ["status", *WORK_COUNT_COLUMNS]
    keys = list(zip(*(grid[c].tolist() for c in noted), strict=True))
    # the cells share a few combinations of status and counts: one note for each
    notes = {k: status_note(dict(zip(noted, k, strict=True)), thresholds) for k in set(keys)}
    grid["status_note"] = [notes[k] for k in keys]
    demand = demanded_topics(codes)
    grid = grid.merge(demand, on=["row_id", "topic_id"], how="left")
    grid["demand"] = grid["demand_coded_by"].notna()
    grid["demand_coded_by"] = grid["demand_coded_by"].fillna("")
    grid["demand_without_evidence"] = (
        grid["demand"]
        & (grid["level"] == "guideline")
        & grid["status"].isin(thresholds.demand_statuses)
    )
    grid = grid.sort_values(["order", "topic_order"], kind="stable", ignore_index=True)
    return grid[
        [
            "row_id",
            "row_label",
            "level",
            "standard_id",
            "topic_id",
            "topic_label",
            "dimension",
            "evidence_count",
            "framework_count",
            "status",
            "status_note",
            "demand",
            "demand_coded_by",
            "demand_without_evidence",
        ]
        + [f"count_{c}" for c in CHANNELS]
        + WORK_COUNT_COLUMNS
    ]


def tidy_map(cells: pd.DataFrame) -> pd.DataFrame:
    """Return the map in the tidy long form of ``gap_map.csv``.

    Returns:
        ``row_id, row_label, topic_id, dimension, evidence_count, framework_count, status``,
        then one count column per channel, the demand flags, the works by design and country
        and the status note.
    """
    return cells[
        [
            "row_id",
            "row_label",
            "topic_id",
            "dimension",
            "evidence_count",
            "framework_count",
            "status",
        ]
        + [f"count_{c}" for c in CHANNELS]
        + ["demand", "demand_without_evidence"]
        + WORK_COUNT_COLUMNS
        + ["status_note"]
    ]


def demand_without_evidence(cells: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the guidelines that ask for a topic the evidence behind them does not support.

    These are the sharpest gaps: the guideline's own text is coded with the topic, yet its
    cell (its standard's narrative evidence plus its own framework items) has a status in
    ``GapThresholds.demand_statuses``.

    Returns:
        One row per such (guideline, topic): ids, labels, status, counts, how the demand was
        coded and the guideline text.
    """
    found = cells[cells["demand_without_evidence"]]
    found = found.merge(rows[["row_id", "text"]], on="row_id", how="left")
    return found[
        [
            "row_id",
            "row_label",
            "standard_id",
            "topic_id",
            "topic_label",
            "dimension",
            "status",
            "evidence_count",
            "count_academic",
            "framework_count",
            "demand_coded_by",
            "text",
        ]
    ].reset_index(drop=True)


def subgroup_view(
    cells: pd.DataFrame,
    links: pd.DataFrame,
    evidence: pd.DataFrame,
    dimension: str = "population",
    level: str = "standard",
) -> pd.DataFrame:
    """Return each population topic's coverage beside the overall coverage of the same rows.

    It exists so a reviewer sees how far a group (family abuse, minoritised groups, ...)
    falls behind the evidence base of the very standards that name it.

    For the rows of ``level``: ``coverage`` is the share of the topic's cells that are
    ``covered`` and ``overall_coverage`` the same share over every topic's cells of those
    rows (``coverage_gap`` = the difference, in percentage points); ``evidence_items`` counts
    the distinct items behind the topic and ``row_evidence_items`` every distinct item linked
    to those rows whatever its topic, so ``share_of_evidence`` is the topic's share of the
    whole evidence base. ``works`` counts the distinct cited works behind the topic, with
    those from the UK, the evaluations and the works not in the reference list.

    Returns:
        One row per topic of ``dimension``, in codebook order.
    """
    scope = cells[cells["level"] == level]
    overall = (scope["status"] == "covered").mean() if len(scope) else 0.0
    scoped_links = links[
        (links["channel"].isin(EVIDENCE_CHANNELS)) & links["row_id"].isin(scope["row_id"])
    ]
    all_items = scoped_links["evidence_id"].nunique()
    records = []
    for topic_id, group in scope[scope["dimension"] == dimension].groupby("topic_id", sort=False):
        items = evidence[
            (evidence["topic_id"] == topic_id)
            & evidence["channel"].isin(EVIDENCE_CHANNELS)
            & evidence["row_id"].isin(group["row_id"])
        ]["evidence_id"].nunique()
        coverage = (group["status"] == "covered").mean()
        records.append(
            {
                "topic_id": topic_id,
                "topic_label": group["topic_label"].iloc[0],
                "rows": len(group),
                "rows_with_evidence": int((group["status"] != "absolute_gap").sum()),
                "rows_covered": int((group["status"] == "covered").sum()),
                "coverage": round(float(coverage), 3),
                "overall_coverage": round(float(overall), 3),
                "coverage_gap": round(100 * float(coverage - overall), 1),
                "evidence_items": int(items),
                "row_evidence_items": int(all_items),
                "share_of_evidence": round(items / all_items, 3) if all_items else 0.0,
                **_works_of(
                    evidence[
                        (evidence["topic_id"] == topic_id)
                        & evidence["row_id"].isin(group["row_id"])
                    ]
                ),
            }
        )
    return pd.DataFrame(
        records,
        columns=[
            "topic_id",
            "topic_label",
            "rows",
            "rows_with_evidence",
            "rows_covered",
            "coverage",
            "overall_coverage",
            "coverage_gap",
            "evidence_items",
            "row_evidence_items",
            "share_of_evidence",
            "works",
            "works_uk",
            "works_evaluation",
            "works_unlisted",
        ],
    )


def _works_of(evidence: pd.DataFrame) -> dict[str, int]:
    """Distinct cited works in an evidence list: all, from the UK, evaluations, unlisted."""
    works = evidence[evidence["channel"].isin(WORK_CHANNELS)].drop_duplicates("evidence_id")
    return {
        "works": len(works),
        "works_uk": int((works["country"] == UK).sum()),
        "works_evaluation": sum(map(is_evaluation, works["design"])),
        "works_unlisted": int((works["channel"] == "unlisted").sum()),
    }


# --------------------------------------------------------------------------------------
# The gap register
# --------------------------------------------------------------------------------------


def _severity() -> dict[str, int]:
    """How grave each status is, from :data:`STATUS_TERMS` (which runs from the worst to
    the best), read when asked: the register ranks the worst first."""
    return {term.id: len(STATUS_TERMS) - 1 - i for i, term in enumerate(STATUS_TERMS)}


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def existing_evidence(evidence: pd.DataFrame) -> pd.Series:
    """Summarise the evidence that does exist in each cell, channel by channel.

    Returns:
        A Series indexed by ``(row_id, topic_id)`` holding ``"Academic references: A; B.
        Roundtables: C."`` (items sorted within a channel, channels in :data:`CHANNELS`
        order). Cells without evidence are absent.
    """
    if evidence.empty:
        return pd.Series(dtype="object")
    order = {c: i for i, c in enumerate(CHANNELS)}
    items = (
        evidence[["row_id", "topic_id", "channel", "citation"]]
        .drop_duplicates()
        .assign(_c=lambda f: f["channel"].map(order))
        .sort_values(["row_id", "topic_id", "_c", "citation"], kind="stable")
    )
    per_channel = (
        items.groupby(["row_id", "topic_id", "_c"], sort=True)
        .agg(channel=("channel", "first"), citations=("citation", "; ".join))
        .reset_index()
    )
    per_channel["text"] = [
        f"{CHANNEL_LABELS[c]}: {t}."
        for c, t in zip(per_channel["channel"], per_channel["citations"], strict=True)
    ]
    return per_channel.groupby(["row_id", "topic_id"], sort=True)["text"].agg(" ".join)


def _what_exists(cell: pd.Series | dict, thresholds: GapThresholds) -> str:
    practice = [
        _plural(int(cell[f"count_{c}"]), c)
        for c in ("roundtable", "consultation", "programme", "framework")
        if cell[f"count_{c}"]
    ]
    practice_text = ", ".join(practice).replace("framework", "framework item")
    if cell["status"] == "absolute_gap":
        return (
            "no cited work, roundtable, consultation or evaluated programme on this "
            "topic, and no existing framework item on it is mapped"
        )
    if cell["status"] == "practice_only":
        return f"no cited work on this topic; what exists is {practice_text}"
    works = (
        [_plural(int(cell["count_academic"]), "academic reference")]
        if cell["count_academic"]
        else []
    )
    if cell.get("count_unlisted", 0):
        works.append(_plural(int(cell["count_unlisted"]), "work") + " not in the reference list")
    extra = f" (besides {practice_text})" if practice_text else ""
    why = status_note(cell, thresholds).partition(": ")[2]
    return f"only {' and '.join(works)} on this topic{extra}: {why}"


def _demand_phrase(how: str) -> str:
    """Say in words how a row's own text was coded with a topic."""
    phrases = []
    for part in how.split("; "):
        if part.startswith("rule: "):
            words = " | ".join(f"“{w}”" for w in part.removeprefix("rule: ").split(" | "))
            phrases.append(f"its text says {words}")
        elif part.startswith("manual"):
            reason = part.partition(": ")[2]
            phrases.append("coded by a reviewer" + (f": {reason}" if reason else ""))
    return "; ".join(phrases) or how


def gap_sentence(cell: pd.Series | dict, thresholds: GapThresholds = DEFAULT_THRESHOLDS) -> str:
    """Return a sentence explaining one gap, ready to paste into a review.

    Examples:
        >>> cell = pd.Series({"row_label": "Guideline 5.2", "level": "guideline",
        ...     "standard_id": "standard:5", "topic_label": "Fathers", "status": "thin",
        ...     "demand": True, "demand_coded_by": "rule: fathers", "count_academic": 1,
        ...     "count_unlisted": 0, "count_roundtable": 0, "count_consultation": 0,
        ...     "count_programme": 0, "count_framework": 0, "works": 1, "works_uk": 1,
        ...     "works_evaluation": 0})
        >>> sentence = gap_sentence(cell)
        >>> sentence.startswith("Guideline 5.2 names fathers (its text says “fathers”), yet ")
        True
        >>> sentence.endswith("Standard 5 gives only 1 academic reference on this topic: "
        ...                   "fewer than 3.")
        True
        >>> standard = pd.Series({**cell.to_dict(), "level": "standard", "demand": False,
        ...                       "row_label": "Standard 5"})
        >>> gap_sentence(standard).split(":")[0]
        'Standard 5 has thin evidence on fathers'
    """
    standard = "Standard " + str(cell["standard_id"]).split(":")[-1]
    topic = str(cell["topic_label"])
    topic = topic[0].lower() + topic[1:] if topic[:2] != topic[:2].upper() else topic
    what = _what_exists(cell, thresholds)
    if cell["level"] == "guideline" and cell["demand"]:
        return (
            f"{cell['row_label']} names {topic} ({_demand_phrase(cell['demand_coded_by'])})"
            f", yet the evidence narrative of {standard} gives {what}."
        )
    phrase = next(
        (t.phrase for t in STATUS_TERMS if t.id == cell["status"]),
        str(cell["status"]).replace("_", " "),
    )
    return f"{cell['row_label']} has {phrase} on {topic}: its evidence narrative gives {what}."


def gap_register(
    cells: pd.DataFrame,
    rows: pd.DataFrame,
    evidence: pd.DataFrame,
    topics: pd.DataFrame,
    thresholds: GapThresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """Return the ranked register of gaps, each explained in a sentence a reviewer can paste.

    The register holds every guideline cell of *demand without evidence* and every
    standard cell that is not ``covered``. Ranking: demand without evidence first, then the
    worse status, then codebook dimension and topic order, then document order.

    Returns:
        ``rank, kind, row_id, row_label, topic_id, topic_label, dimension, status,
        evidence_count, framework_count, sentence, row_text, existing_evidence``.
    """
    standard_gaps = cells[(cells["level"] == "standard") & (cells["status"] != "covered")]
    selected = pd.concat([cells[cells["demand_without_evidence"]], standard_gaps])
    selected = selected.assign(
        kind=lambda f: f["demand_without_evidence"].map(
            {True: "demand_without_evidence", False: "standard_gap"}
        ),
        _kind=lambda f: (~f["demand_without_evidence"]).astype(int),
        _severity=lambda f: -f["status"].map(_severity()),
        _topic=lambda f: f["topic_id"].map(
            dict(zip(topics["topic_id"], topics["order"], strict=True))
        ),
        _row=lambda f: f["row_id"].map(dict(zip(rows["row_id"], rows["order"], strict=True))),
    ).sort_values(["_kind", "_severity", "_topic", "_row"], kind="stable", ignore_index=True)
    texts = dict(zip(rows["row_id"], rows["text"], strict=True))
    summaries = existing_evidence(evidence).to_dict()
    register = pd.DataFrame(
        {
            "rank": range(1, len(selected) + 1),
            "kind": selected["kind"],
            "row_id": selected["row_id"],
            "row_label": selected["row_label"],
            "topic_id": selected["topic_id"],
            "topic_label": selected["topic_label"],
            "dimension": selected["dimension"],
            "status": selected["status"],
            "evidence_count": selected["evidence_count"],
            "framework_count": selected["framework_count"],
            "sentence": [gap_sentence(cell, thresholds) for cell in row_dicts(selected)],
            "row_text": selected["row_id"].map(texts),
            "existing_evidence": [
                summaries.get((r, t), "none")
                for r, t in zip(selected["row_id"], selected["topic_id"], strict=True)
            ],
        }
    )
    return register


# --------------------------------------------------------------------------------------
# The sources' own statements of gaps, set against the map
# --------------------------------------------------------------------------------------

#: Columns of :func:`stated_gap_marks`.
MARK_COLUMNS = ["gap_id", "kind", "quote", "row_id", "topic_id", "scope", "source", "lines"]
#: Columns of :func:`stated_gap_agreement` (``gap_agreement.csv``).
GAP_AGREEMENT_COLUMNS = [
    "gap_id",
    "kind",
    "quote",
    "stated_at",
    "row_id",
    "row_label",
    "topic_id",
    "topic_label",
    "status",
    "works",
    "works_uk",
    "works_evaluation",
    "verdict",
    "why",
    "map_says",
    "evidence",
]
#: What each kind of statement says, in words (the kinds of ``corpus/stated_gaps.csv``).
STATED_KIND_WORDS: dict[str, str] = {
    "weak": "says the evidence is weak",
    "absent": "says there is no evidence",
    "emerging": "says the evidence is only emerging",
    "elsewhere": "says the evidence is mostly from elsewhere",
    "poorly_served": "says the group is poorly served",
}


def stated_gap_marks(
    stated: pd.DataFrame, stated_topics: pd.DataFrame, rows: pd.DataFrame, topics: pd.DataFrame
) -> pd.DataFrame:
    """Return where each stated gap goes on the map: a cell, a whole row or a whole topic.

    A statement made under a standard or guideline (``row_id``) about a topic marks that
    cell; one about a topic but under no map row marks the topic's column; one under a row
    about no codebook topic marks the row.

    Returns:
        A DataFrame with :data:`MARK_COLUMNS` (``scope`` is ``cell``, ``row`` or ``topic``).
    """
    if stated is None or stated.empty:
        return pd.DataFrame(columns=MARK_COLUMNS)
    known_rows, known_topics = set(rows["row_id"]), set(topics["topic_id"])
    topics_of: dict[str, list[str]] = {}
    if stated_topics is not None and not stated_topics.empty:
        for gap, topic in zip(stated_topics["gap_id"], stated_topics["topic_id"], strict=True):
            if topic in known_topics:
                topics_of.setdefault(gap, []).append(topic)
    records = []
    for gap in row_dicts(stated):
        row = gap.get("row_id") if isinstance(gap.get("row_id"), str) else ""
        row = row if row in known_rows else ""
        base = {
            "gap_id": gap["gap_id"],
            "kind": gap["kind"],
            "quote": gap["quote"],
            "source": gap.get("source", ""),
            "lines": str(gap.get("lines", "")),
        }
        for topic in topics_of.get(gap["gap_id"], []):
            records.append(
                {**base, "row_id": row, "topic_id": topic, "scope": "cell" if row else "topic"}
            )
        if not topics_of.get(gap["gap_id"]) and row:
            records.append({**base, "row_id": row, "topic_id": "", "scope": "row"})
    return pd.DataFrame(records, columns=MARK_COLUMNS)


def _contradicts(kind: str, cell: dict) -> tuple[bool, str]:
    """Whether a cell's computed evidence contradicts a statement of ``kind``, and why."""
    works, uk = int(cell["works"]), int(cell["works_uk"])
    if kind == "elsewhere":
        if works and 2 * uk > works:
            return True, f"most of its {_plural(works, 'work')} are from the UK ({uk})"
        return False, (
            f"{uk} of its {_plural(works, 'work')} from the UK" if works else "no cited work"
        )
    if cell["status"] == "covered":
        return True, f"the map shows it covered: {cell['status_note']}"
    return False, f"the map shows it {status_label(cell['status']).lower()}: {cell['status_note']}"


def _work_listing(works: pd.DataFrame) -> str:
    """The works of an evidence list as ``citation [design, country]; ...``."""
    return "; ".join(
        f"{c} [{d or 'unknown'}, {k or 'unknown'}]"
        for c, d, k in zip(works["citation"], works["design"], works["country"], strict=True)
    )


def stated_gap_agreement(
    cells: pd.DataFrame, marks: pd.DataFrame, evidence: pd.DataFrame
) -> pd.DataFrame:
    """Return the statement and the map side by side for every stated gap on a topic.

    A cell mark (a statement made under a standard or guideline) concerns its cell: one row.
    A topic mark (a statement made outside the standards, about the evidence base as a
    whole) concerns the topic under every standard: one row per standard cell that
    contradicts it, or, when none does, one row for the topic as a whole (``row_id`` empty,
    the statuses of its standard cells tallied). The map **contradicts** a statement that
    evidence is weak, absent (the sources' "very little", "few if any"), emerging or that a
    group is poorly served when the cell is ``covered``, and a statement that evidence is
    mostly from elsewhere when most of the cell's works are from the UK. Otherwise the map
    **agrees**; ``why`` says what the map shows either way.

    Returns:
        A DataFrame with :data:`GAP_AGREEMENT_COLUMNS`, contradictions first, then by
        statement and row order; ``evidence`` lists the works as ``citation [design,
        country]``.
    """
    if marks.empty:
        return pd.DataFrame(columns=GAP_AGREEMENT_COLUMNS)
    cells = cells[cells["topic_id"].isin(set(marks["topic_id"]))]
    read = ["row_id", "topic_id", "row_label", "topic_label", "status", "status_note"]
    by_cell = {
        (c["row_id"], c["topic_id"]): c
        for c in row_dicts(cells, [*read, "works", "works_uk", "works_evaluation"])
    }
    works = evidence[
        evidence["channel"].isin(WORK_CHANNELS) & evidence["topic_id"].isin(set(marks["topic_id"]))
    ].drop_duplicates(["row_id", "topic_id", "evidence_id"])
    listed: dict[tuple[str, str], list[str]] = {}
    for row_id, topic_id, citation, design, country in zip(
        *(works[c].tolist() for c in ("row_id", "topic_id", "citation", "design", "country")),
        strict=True,
    ):
        listed.setdefault((row_id, topic_id), []).append(
            f"{citation} [{design or 'unknown'}, {country or 'unknown'}]"
        )
    listing = {key: "; ".join(items) for key, items in listed.items()}
    standards = cells[cells["level"] == "standard"]
    standard_rows = standards["row_id"].drop_duplicates().tolist()
    standard_works = works[works["row_id"].isin(standard_rows)].drop_duplicates(
        ["topic_id", "evidence_id"]
    )
    topic_works = {t: f for t, f in standard_works.groupby("topic_id")}
    severity = _severity()
    tallies = {
        t: ", ".join(
            f"{status_label(s).lower()} under {n}"
            for s, n in sorted(g["status"].value_counts().items(), key=lambda x: -severity[x[0]])
        )
        for t, g in standards.groupby("topic_id")
    }
    records = []

    def record(mark: dict, cell: dict, contradicts: bool, why: str) -> dict:
        return {
            "gap_id": mark["gap_id"],
            "kind": mark["kind"],
            "quote": mark["quote"],
            "stated_at": f"{mark['source']}, {lines_text(mark['lines'])}",
            "topic_id": mark["topic_id"],
            "verdict": "contradicts" if contradicts else "agrees",
            "why": why,
            **cell,
        }

    def map_side(row_id: str, topic: str, cell: dict) -> dict:
        return {
            "row_id": row_id,
            "row_label": cell["row_label"],
            "topic_label": cell["topic_label"],
            "status": cell["status"],
            "works": int(cell["works"]),
            "works_uk": int(cell["works_uk"]),
            "works_evaluation": int(cell["works_evaluation"]),
            "map_says": f"{cell['row_label']} × {cell['topic_label']}: "
            f"{status_label(cell['status']).lower()} ({cell['status_note']})",
            "evidence": listing.get((row_id, topic), ""),
        }

    def whole_topic(kind: str, topic: str) -> tuple[dict, str]:
        here = topic_works.get(topic, works.iloc[:0])
        label = by_cell[(standard_rows[0], topic)]["topic_label"]
        n, uk = len(here), int((here["country"] == UK).sum())
        why = (
            f"{uk} of its {_plural(n, 'work')} behind the standards from the UK"
            if kind == "elsewhere"
            else f"no standard's cell is covered ({tallies.get(topic, '')})"
        )
        side = {
            "row_id": "",
            "row_label": "All standards",
            "topic_label": label,
            "status": tallies.get(topic, ""),
            "works": n,
            "works_uk": uk,
            "works_evaluation": sum(map(is_evaluation, here["design"])),
            "map_says": f"All standards × {label}: {tallies.get(topic, '')}",
            "evidence": _work_listing(here),
        }
        return side, why

    # what a topic mark finds depends on its topic and on whether its kind is "elsewhere"
    # alone (see _contradicts), so each such pair is worked out once, not once per mark
    by_topic: dict[tuple[bool, str], list[tuple[dict, str]]] = {}
    wholes: dict[tuple[bool, str], tuple[dict, str]] = {}
    for mark in row_dicts(marks[marks["topic_id"] != ""]):
        topic = mark["topic_id"]
        if mark["scope"] == "cell":
            cell = by_cell.get((mark["row_id"], topic))
            if cell is not None:
                contradicts, why = _contradicts(mark["kind"], cell)
                records.append(
                    record(mark, map_side(mark["row_id"], topic, cell), contradicts, why)
                )
            continue
        key = (mark["kind"] == "elsewhere", topic)
        if key not in by_topic:
            found = []
            for row_id in standard_rows:
                cell = by_cell.get((row_id, topic))
                if cell is not None:
                    contradicts, why = _contradicts(mark["kind"], cell)
                    if contradicts:
                        found.append((map_side(row_id, topic, cell), why))
            by_topic[key] = found
        if by_topic[key]:
            records.extend(record(mark, side, True, why) for side, why in by_topic[key])
        elif mark["scope"] == "topic" and (standard_rows[0], topic) in by_cell:
            if key not in wholes:
                wholes[key] = whole_topic(mark["kind"], topic)
            side, why = wholes[key]
            records.append(record(mark, side, False, why))
    frame = pd.DataFrame(records, columns=GAP_AGREEMENT_COLUMNS)
    order = {r: i for i, r in enumerate(cells["row_id"].drop_duplicates())}
    frame = frame.assign(
        _v=(frame["verdict"] != "contradicts").astype(int),
        _g=frame["gap_id"].map(_gap_number),
        _r=frame["row_id"].map(order).fillna(-1),
    )
    return frame.sort_values(["_v", "_g", "_r", "topic_id"], kind="stable", ignore_index=True)[
        GAP_AGREEMENT_COLUMNS
    ]


def lines_text(lines: object) -> str:
    """``line N`` or ``lines N-M`` (several ranges: ``lines N-M; P``).

    Examples:
        >>> lines_text("19"), lines_text("286-289")
        ('line 19', 'lines 286-289')
    """
    text = str(lines)
    return f"line {text}" if text.isdigit() else f"lines {text}"


def _gap_number(gap_id: str) -> tuple[int, str]:
    tail = str(gap_id).rsplit(":", 1)[-1]
    return (int(tail), "") if tail.isdigit() else (0, str(gap_id))


def least_evidence(
    cells: pd.DataFrame,
    evidence: pd.DataFrame,
    dimensions: tuple[str, ...] = ("population", "form_of_abuse"),
    level: str = "standard",
) -> pd.DataFrame:
    """Return the topics of ``dimensions`` ranked from the least evidence to the most.

    It exists for the one-minute summary of ``gaps.md``: which populations and forms of abuse
    have the least evidence behind the standards, and what that evidence is made of.

    Returns:
        ``topic_id, topic_label, dimension, rows, rows_covered, works, works_uk,
        works_evaluation, works_unlisted, designs, countries`` (designs and countries as
        ``value: count`` lists), fewest works first, then fewest covered rows.
    """
    scope = cells[(cells["level"] == level) & cells["dimension"].isin(dimensions)]
    records = []
    for (dimension, topic_id), group in scope.groupby(["dimension", "topic_id"], sort=False):
        here = evidence[
            (evidence["topic_id"] == topic_id) & evidence["row_id"].isin(group["row_id"])
        ]
        cited = here[here["channel"].isin(WORK_CHANNELS)].drop_duplicates("evidence_id")
        records.append(
            {
                "topic_id": topic_id,
                "topic_label": group["topic_label"].iloc[0],
                "dimension": dimension,
                "rows": len(group),
                "rows_covered": int((group["status"] == "covered").sum()),
                **_works_of(here),
                "designs": _tally(cited["design"]),
                "countries": _tally(cited["country"]),
            }
        )
    frame = pd.DataFrame(
        records,
        columns=[
            "topic_id",
            "topic_label",
            "dimension",
            "rows",
            "rows_covered",
            "works",
            "works_uk",
            "works_evaluation",
            "works_unlisted",
            "designs",
            "countries",
        ],
    )
    return frame.sort_values(["works", "rows_covered"], kind="stable", ignore_index=True)


def _tally(values: pd.Series) -> str:
    counts = values.fillna("").replace("", "unknown").value_counts()
    return ", ".join(f"{v}: {n}" for v, n in sorted(counts.items(), key=lambda x: (-x[1], x[0])))


# --------------------------------------------------------------------------------------
# From a corpus
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapAnalysis:
    """Everything the map shows, computed once from a corpus.

    Attributes:
        thresholds: the rules used.
        rows, topics: the map's rows and columns.
        links: every row → item link, whatever its topic.
        evidence: every piece of evidence behind every cell (:func:`evidence_list`).
        cells: the map (:func:`gap_map`).
        demand: demand without evidence (:func:`demand_without_evidence`).
        subgroups: the subgroup view (:func:`subgroup_view`).
        register: the ranked gap register (:func:`gap_register`).
        codes: the rule coder's codes (``workbench.coding.codes_frame``).
        support: every citation occurrence with its clause, the rule coder's and the curated
            topics (:func:`workbench.evidence.citation_support`).
        agreement: the rule coder against the curated codes, per topic
            (:func:`workbench.evidence.coding_agreement`).
        marks: the sources' stated gaps placed on the map (:func:`stated_gap_marks`).
        stated: every cell a stated gap concerns, statement and map side by side
            (:func:`stated_gap_agreement`).
        least: populations and forms of abuse from the least evidence (:func:`least_evidence`).
        labels: display labels of the ``design`` and ``country`` values, from the data
            package (``{"design": {...}, "country": {...}}``).
    """

    thresholds: GapThresholds
    rows: pd.DataFrame
    topics: pd.DataFrame
    links: pd.DataFrame
    evidence: pd.DataFrame
    cells: pd.DataFrame
    demand: pd.DataFrame
    subgroups: pd.DataFrame
    register: pd.DataFrame
    codes: pd.DataFrame = field(default_factory=pd.DataFrame)
    support: pd.DataFrame = field(default_factory=pd.DataFrame)
    agreement: pd.DataFrame = field(default_factory=pd.DataFrame)
    marks: pd.DataFrame = field(default_factory=pd.DataFrame)
    stated: pd.DataFrame = field(default_factory=pd.DataFrame)
    least: pd.DataFrame = field(default_factory=pd.DataFrame)
    labels: dict = field(default_factory=dict)


def _author_text(surnames: Iterable[str]) -> str:
    names = [s for s in surnames if s]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def item_labels(corpus: Corpus, graph: nx.MultiDiGraph | None = None) -> dict[str, str]:
    """Return a human citation for every item a cell can hold, keyed by namespaced id.

    References read ``Author et al. (2019a) Title``; roundtables ``Roundtable 8: topic``;
    consultations name their group; programmes their name; framework items their framework,
    code and label. Graph labels fill in anything else.
    """
    labels: dict[str, str] = {}
    if graph is not None:
        labels.update({str(n): str(d.get("label", n)) for n, d in graph.nodes(data=True)})
    for ref in row_dicts(corpus.references):
        year = (
            f"{ref['year']}{ref['year_suffix'] or ''}"
            if ref["year_suffix"] and not str(ref["year"]).endswith(ref["year_suffix"])
            else str(ref["year"])
        )
        labels[ref["ref_id"]] = f"{_author_text(ref['surnames'])} ({year}) {ref['title']}"
    for rt in row_dicts(corpus["roundtables"]):
        labels[rt["roundtable_id"]] = f"Roundtable {rt['number']}: {rt['topic']}"
    for c in row_dicts(corpus["consultations"]):
        labels[c["consultation_id"]] = f"Consultation with {c['participant_group']}"
    for p in row_dicts(corpus["programmes"]):
        labels[p["programme_id"]] = str(p["name"])
    frameworks = dict(
        zip(corpus["frameworks"]["framework_id"], corpus["frameworks"]["name"], strict=True)
    )
    for item in row_dicts(corpus["framework_items"]):
        name = frameworks.get(item["framework_id"], item["framework_id"])
        labels[item["item_id"]] = f"{name} {item['code']}: {item['label']}"
    return labels


def item_locations(corpus: Corpus) -> dict[str, str]:
    """Return ``source, section, lines`` of every framework item, keyed by id."""
    items = corpus["framework_items"]
    return {
        i: f"{s}, {sec}, {lines_text(ln)}"
        for i, s, sec, ln in zip(
            items["item_id"], items["source"], items["section"], items["lines"], strict=True
        )
    }


def load_codebook(corpus: Corpus) -> pd.DataFrame:
    """Return the codebook table of the corpus (``corpus/codebook.csv``)."""
    return corpus["codebook"]


def _table(corpus: Corpus, name: str, columns: list[str]) -> pd.DataFrame:
    """A table of the corpus, or an empty one with ``columns`` when the corpus has none."""
    return corpus.tables[name] if name in corpus.tables else pd.DataFrame(columns=columns)


def analyse_gaps(
    corpus: Corpus,
    thresholds: GapThresholds = DEFAULT_THRESHOLDS,
    *,
    graph: nx.MultiDiGraph | None = None,
    codes: pd.DataFrame | None = None,
    codebook: pd.DataFrame | None = None,
    crosswalk: pd.DataFrame | None = None,
    audit: pd.DataFrame | None = None,
) -> GapAnalysis:
    """Compute the whole gap analysis of a corpus: rows, evidence, map, demand, register, and
    the map set against the curated codes and the sources' stated gaps.

    The graph, codes, codebook, crosswalk and citation audit default to those built from the
    corpus by ``workbench.graph``, ``workbench.coding``, ``corpus/crosswalk.csv`` and
    ``workbench.citations``; pass them to analyse a variant (tests, what-if reviews). The
    works, their curated codes and the stated gaps are the corpus's ``works``,
    ``evidence_codes``, ``stated_gaps`` and ``stated_gap_topics`` tables (empty when absent).

    Returns:
        A :class:`GapAnalysis`.
    """
    if graph is None:
        graph = build_graph(corpus)
    if codes is None:
        codes = codes_frame(corpus)
    if audit is None:
        audit = citation_audit(corpus)
    if codebook is None:
        codebook = load_codebook(corpus)
    if crosswalk is None:
        crosswalk = corpus.tables.get(
            "crosswalk", pd.DataFrame(columns=["focal_id", "reference_id", "relation", "rationale"])
        )
    works = _table(corpus, "works", WORK_COLUMNS)
    work_codes = _table(corpus, "evidence_codes", WORK_CODE_COLUMNS)
    rows = map_rows(corpus["standards"], corpus["guidelines"])
    topics = map_topics(codebook)
    labels = item_labels(corpus, graph)
    support = citation_support(audit, works, work_codes, codebook)
    graph_links = narrative_links(graph, rows, labels)
    links = pd.concat(
        [
            work_links(support, rows, labels),
            graph_links[graph_links["channel"] != "academic"],
            framework_links(crosswalk, rows, labels, item_locations(corpus)),
        ],
        ignore_index=True,
    )
    for column in ("clause", "line", "occurrence_id", "finding"):
        links[column] = links[column].fillna("")
    evidence = evidence_list(links, codes, work_codes, works)
    evidence = evidence[evidence["topic_id"].isin(topics["topic_id"])].reset_index(drop=True)
    cells = gap_map(rows, topics, evidence, codes, thresholds)
    marks = stated_gap_marks(
        _table(corpus, "stated_gaps", ["gap_id", "quote", "kind", "row_id"]),
        _table(corpus, "stated_gap_topics", ["gap_id", "topic_id"]),
        rows,
        topics,
    )
    return GapAnalysis(
        thresholds=thresholds,
        rows=rows,
        topics=topics,
        links=links,
        evidence=evidence,
        cells=cells,
        demand=demand_without_evidence(cells, rows),
        subgroups=subgroup_view(cells, links, evidence),
        register=gap_register(cells, rows, evidence, topics, thresholds),
        codes=codes,
        support=support,
        agreement=coding_agreement(support, work_codes, topics),
        marks=marks,
        stated=stated_gap_agreement(cells, marks, evidence),
        least=least_evidence(cells, evidence),
        labels={
            **{
                field_name: enum_labels(corpus.descriptor, "works", field_name)
                for field_name in ("design", "country")
            },
            "dimension": enum_labels(corpus.descriptor, "codebook", "dimension"),
        },
    )
