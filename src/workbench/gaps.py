"""The evidence and gap map: which standards and guidelines rest on evidence about which topics.

Rows are the 7 standards, each expandable to its practice guidelines (37 in all). Columns are
the codebook's topics, grouped by dimension. Each cell counts the evidence linking the row to
the topic, channel by channel:

``academic``
    references cited in the standard's evidence narrative (``cites`` edges of the graph);
``roundtable`` / ``consultation``
    practitioner roundtables and consultations quoted in that narrative (``quotes`` edges);
``programme``
    named programmes evaluated by a reference that the narrative cites, or tied to the standard
    by an edge of the graph;
``framework``
    existing-framework items that the crosswalk relates to the guideline.

An item counts for a topic when the item itself (a reference's title and container, a
roundtable's topic, a programme's description, a framework item) *or* the sentence that links
it to the row is coded with the topic (see ``workbench.coding``). Every count is therefore
traceable to a row of :func:`evidence_list`: the item, the sentence that links it, where the
sentence stands, and how the code was made.

**Guidelines inherit their standard's narrative evidence.** The report gives one evidence
narrative per standard, not per guideline, so a guideline's academic, roundtable,
consultation and programme channels are those of its standard; only its framework channel
(the crosswalk is made at guideline level) and its own demand (its text coded with a topic)
are its own.

Cell status follows :class:`GapThresholds`, the one place where the rules are set:
``absolute_gap`` (nothing in any channel), ``practice_only`` (no academic reference, but
roundtables, consultations, programmes or framework items), ``thin`` (fewer academic
references than ``covered_min_references``) and ``covered``. **Demand without evidence** is a
guideline whose own text is coded with a topic whose cell is in ``demand_statuses``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from workbench.cache import cached_files, corpus_inputs, shared
from workbench.corpus import Corpus

#: Evidence channels, in display order; the last one comes from the crosswalk.
CHANNELS: tuple[str, ...] = ("academic", "roundtable", "consultation", "programme", "framework")

#: Channels that count as evidence behind a row (the framework channel is counted apart).
EVIDENCE_CHANNELS: tuple[str, ...] = CHANNELS[:4]

#: Human names of the channels.
CHANNEL_LABELS: dict[str, str] = {
    "academic": "Academic references",
    "roundtable": "Roundtables",
    "consultation": "Consultations",
    "programme": "Evaluated programmes",
    "framework": "Framework items",
}

#: Cell statuses, from the worst to the best.
STATUSES: tuple[str, ...] = ("absolute_gap", "practice_only", "thin", "covered")

#: One line per status, as the map's legend and ``gaps.md`` explain it.
STATUS_LABELS: dict[str, str] = {
    "absolute_gap": "Absolute gap: no evidence in any channel",
    "practice_only": "Practice only: no academic reference, only practice evidence",
    "thin": "Thin: fewer academic references than the threshold",
    "covered": "Covered: academic references at or above the threshold",
}

#: Relations of the crosswalk that do not tie a guideline to a framework item.
UNRELATED = frozenset({"not_related", ""})

EVIDENCE_COLUMNS = ["row_id", "topic_id", "channel", "evidence_id", "citation", "sentence",
                    "location", "coded_by", "coded_on", "via"]
LINK_COLUMNS = ["row_id", "channel", "evidence_id", "citation", "sentence", "sentence_id",
                "narrative_id", "location", "via"]
ROW_COLUMNS = ["row_id", "level", "standard_id", "number", "row_label", "text", "order"]
TOPIC_COLUMNS = ["topic_id", "dimension", "label", "definition", "order"]


@dataclass(frozen=True)
class GapThresholds:
    """The rules that turn counts into a cell status: the ONE place to change them.

    Attributes:
        covered_min_references: distinct academic references a cell needs to be ``covered``;
            a cell with at least one but fewer is ``thin``. The default of 3 asks for more
            than one or two studies before a topic counts as covered.
        demand_statuses: statuses of a guideline's cell that make its own demand for the
            topic a *demand without evidence* (no academic evidence, or thin evidence).
    """

    covered_min_references: int = 3
    demand_statuses: tuple[str, ...] = ("absolute_gap", "practice_only", "thin")

    def __post_init__(self) -> None:
        if self.covered_min_references < 1:
            raise ValueError("covered_min_references must be at least 1")
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
    for standard in standards.to_dict("records"):
        rows.append({"row_id": standard["standard_id"], "level": "standard",
                     "standard_id": standard["standard_id"], "number": str(standard["number"]),
                     "row_label": f"Standard {standard['number']}", "text": standard["text"]})
    for guideline in guidelines.to_dict("records"):
        rows.append({"row_id": guideline["guideline_id"], "level": "guideline",
                     "standard_id": guideline["standard_id"], "number": str(guideline["number"]),
                     "row_label": f"Guideline {guideline['number']}", "text": guideline["text"]})
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
    for prefix, channel in (("ref:", "academic"), ("roundtable:", "roundtable"),
                            ("consultation:", "consultation"), ("programme:", "programme")):
        if node.startswith(prefix):
            return channel
    return None


def _edge_location(data: dict[str, Any]) -> str:
    """Where an edge's sentence stands: ``file, narrative or row id, line(s) N``."""
    parts = [str(data[k]) for k in ("source_file", "location") if data.get(k) not in (None, "")]
    if data.get("lines") not in (None, ""):
        parts.append(f"line {data['lines']}" if "-" not in str(data["lines"])
                     else f"lines {data['lines']}")
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


def _own_links(graph: nx.MultiDiGraph, row_id: str,
               evaluated: dict[str, list[str]]) -> list[dict]:
    """Links made by the text of one row (a standard's narrative, or a guideline's own text)."""
    links: list[dict] = []
    narrative = f"narrative:{row_id}" if row_id.startswith("standard:") else ""
    for node in _text_nodes(graph, row_id):
        for _, target, data in graph.out_edges(node, data=True):
            channel, kind = _channel_of(str(target)), data.get("kind")
            if channel is None or kind == "part_of" or (channel == "academic"
                                                        and kind != "cites"):
                continue
            links.append({"channel": channel, "evidence_id": str(target),
                          "sentence": _edge_sentence(data),
                          "sentence_id": data.get("sentence_id") or "",
                          "narrative_id": narrative, "location": _edge_location(data)})
        for origin, _, data in graph.in_edges(node, data=True):
            if _channel_of(str(origin)) == "programme" and data.get("kind") != "part_of":
                links.append({"channel": "programme", "evidence_id": str(origin),
                              "sentence": _edge_sentence(data),
                              "sentence_id": data.get("sentence_id") or "",
                              "narrative_id": narrative, "location": _edge_location(data)})
    for link in [link for link in links if link["channel"] == "academic"]:
        for programme in evaluated.get(link["evidence_id"], []):
            links.append({**link, "channel": "programme", "evidence_id": programme})
    return [{**link, "via": row_id} for link in links]


def narrative_links(graph: nx.MultiDiGraph, rows: pd.DataFrame,
                    labels: dict[str, str]) -> pd.DataFrame:
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
    for row in rows[rows["level"] == "guideline"].itertuples(index=False):
        guidelines_of.setdefault(row.standard_id, []).append(row.row_id)
    records = []
    for row in rows.itertuples(index=False):
        if row.level == "standard":
            members = [row.row_id] + guidelines_of.get(row.row_id, [])
        else:
            members = [row.standard_id, row.row_id]
        for member in members:
            records.extend({"row_id": row.row_id, **link} for link in own.get(member, []))
    frame = pd.DataFrame(records, columns=[c for c in LINK_COLUMNS if c != "citation"])
    frame.insert(3, "citation", frame["evidence_id"].map(lambda i: labels.get(i, i)))
    return frame.drop_duplicates(ignore_index=True)[LINK_COLUMNS]


def framework_links(crosswalk: pd.DataFrame, rows: pd.DataFrame,
                    labels: dict[str, str], locations: dict[str, str]) -> pd.DataFrame:
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
    for row in rows[rows["level"] == "guideline"].itertuples(index=False):
        guidelines_of.setdefault(row.standard_id, []).append(row.row_id)
    records = []
    for mapping in related.to_dict("records"):
        focal, item = mapping["focal_id"], mapping["reference_id"]
        if focal not in standard_of:
            continue
        rationale = mapping.get("rationale")
        sentence = f"{focal} {mapping['relation']} {item}: {rationale}" if isinstance(
            rationale, str) else f"{focal} {mapping['relation']} {item}"
        link = {"channel": "framework", "evidence_id": item, "citation": labels.get(item, item),
                "sentence": sentence, "sentence_id": "", "narrative_id": "",
                "location": locations.get(item, ""), "via": focal}
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
            (target_id, _normalise(text)))
    pairs = []
    for position, (given, narrative, sentence) in enumerate(zip(
            links["sentence_id"].fillna(""), links["narrative_id"].fillna(""),
            links["sentence"].map(_normalise), strict=True)):
        if given:
            pairs.append((position, given))
            continue
        if not sentence:
            continue
        for target_id, text in by_narrative.get(narrative, []):
            if text and (text in sentence or sentence in text):
                pairs.append((position, target_id))
    return pd.DataFrame(pairs, columns=["link", "sentence_id"])


def evidence_list(links: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Return every piece of evidence behind every cell, with the sentence and code that place it.

    A link (row → item via a sentence) becomes evidence for a topic when the item is coded
    with the topic or a sentence of the linking text is. Both may hold; each gives its own
    row, so the list says exactly which text was coded and how.

    Args:
        links: from :func:`narrative_links` and :func:`framework_links`.
        codes: ``workbench.coding.codes_frame`` (``target_id, target_kind, topic_id, method,
            matched, text`` and, for manual codes, ``reason``).

    Returns:
        A DataFrame with :data:`EVIDENCE_COLUMNS`: ``coded_by`` is ``rule: <matched words>``
        or ``manual: <reason>``; ``coded_on`` is the id of the text that carries the code (the
        item or a narrative sentence). Sorted by row, topic, channel, evidence id and sentence.
    """
    if links.empty or codes.empty:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    reasons = codes["reason"] if "reason" in codes else pd.Series(None, index=codes.index)
    code_cols = pd.DataFrame({
        "target_id": codes["target_id"], "topic_id": codes["topic_id"],
        "coded_by": [coded_by(m, w, r) for m, w, r in zip(codes["method"], codes["matched"],
                                                          reasons, strict=True)]})
    links = links.reset_index(drop=True)
    on_item = links.merge(code_cols, left_on="evidence_id", right_on="target_id")
    narrative = links[links["channel"] != "framework"].reset_index(drop=True)
    paired = _coded_sentences(narrative, codes)
    on_sentence = narrative.drop(columns="sentence_id").iloc[paired["link"]].assign(
        sentence_id=paired["sentence_id"].to_numpy()).merge(
        code_cols, left_on="sentence_id", right_on="target_id")
    frame = pd.concat([on_item, on_sentence], ignore_index=True)
    frame = frame.rename(columns={"target_id": "coded_on"})[EVIDENCE_COLUMNS]
    frame = frame.drop_duplicates(ignore_index=True)
    return frame.sort_values(["row_id", "topic_id", "channel", "evidence_id", "sentence",
                              "coded_on"], kind="stable", ignore_index=True)


# --------------------------------------------------------------------------------------
# Cells, statuses and the map
# --------------------------------------------------------------------------------------


def gap_status(counts: pd.DataFrame, thresholds: GapThresholds = DEFAULT_THRESHOLDS
               ) -> pd.Series:
    """Return the status of each cell from its per-channel counts (one ``count_<channel>``
    column per channel of :data:`CHANNELS`).

    Rules, in order: nothing in any channel → ``absolute_gap``; no academic reference →
    ``practice_only``; fewer academic references than ``thresholds.covered_min_references``
    → ``thin``; otherwise ``covered``.

    Examples:
        >>> cells = pd.DataFrame({f"count_{c}": [0, 0, 1, 3] for c in CHANNELS})
        >>> cells.loc[1, "count_roundtable"] = 2
        >>> gap_status(cells).tolist()
        ['absolute_gap', 'practice_only', 'thin', 'covered']
        >>> gap_status(cells, GapThresholds(covered_min_references=1)).tolist()
        ['absolute_gap', 'practice_only', 'covered', 'covered']
    """
    total = sum(counts[f"count_{c}"] for c in CHANNELS)
    academic = counts["count_academic"]
    status = pd.Series("covered", index=counts.index, dtype="object")
    status[academic < thresholds.covered_min_references] = "thin"
    status[academic == 0] = "practice_only"
    status[total == 0] = "absolute_gap"
    return status


def demanded_topics(codes: pd.DataFrame) -> pd.DataFrame:
    """Return each (row, topic) whose own text is coded with the topic, with how it was coded.

    Returns:
        A DataFrame ``row_id, topic_id, demand_coded_by`` for guideline and standard texts.
    """
    own = codes[codes["target_id"].astype(str).str.match(r"^(guideline|standard):[0-9.]+$")]
    reasons = own["reason"] if "reason" in own else pd.Series(None, index=own.index)
    own = own.assign(demand_coded_by=[coded_by(m, w, r) for m, w, r in zip(
        own["method"], own["matched"], reasons, strict=True)])
    own = own.groupby(["target_id", "topic_id"], as_index=False)["demand_coded_by"].agg(
        lambda s: "; ".join(sorted(set(s))))
    return own.rename(columns={"target_id": "row_id"})


def gap_map(rows: pd.DataFrame, topics: pd.DataFrame, evidence: pd.DataFrame,
            codes: pd.DataFrame, thresholds: GapThresholds = DEFAULT_THRESHOLDS
            ) -> pd.DataFrame:
    """Return the full map: one row per (row, topic) cell, with counts, status and demand.

    Counts are distinct evidence items per channel (an item linked by two sentences counts
    once; :func:`evidence_list` keeps both sentences). ``evidence_count`` sums the four
    evidence channels; ``framework_count`` is the framework channel.

    Returns:
        A DataFrame with ``row_id, row_label, level, standard_id, topic_id, topic_label,
        dimension, evidence_count, framework_count, status, demand, demand_coded_by,
        demand_without_evidence`` and one ``count_<channel>`` column per channel, in row
        then topic order.
    """
    grid = rows[["row_id", "row_label", "level", "standard_id", "order"]].merge(
        topics[["topic_id", "label", "dimension", "order"]].rename(
            columns={"label": "topic_label", "order": "topic_order"}), how="cross")
    counts = (evidence.groupby(["row_id", "topic_id", "channel"])["evidence_id"].nunique()
              .unstack("channel") if not evidence.empty else pd.DataFrame())
    for channel in CHANNELS:
        if channel not in counts:
            counts[channel] = 0
    counts = counts[list(CHANNELS)].add_prefix("count_").reset_index() if not counts.empty \
        else pd.DataFrame(columns=["row_id", "topic_id"] + [f"count_{c}" for c in CHANNELS])
    grid = grid.merge(counts, on=["row_id", "topic_id"], how="left")
    for channel in CHANNELS:
        grid[f"count_{channel}"] = grid[f"count_{channel}"].fillna(0).astype(int)
    grid["evidence_count"] = sum(grid[f"count_{c}"] for c in EVIDENCE_CHANNELS)
    grid["framework_count"] = grid["count_framework"]
    grid["status"] = gap_status(grid, thresholds)
    demand = demanded_topics(codes)
    grid = grid.merge(demand, on=["row_id", "topic_id"], how="left")
    grid["demand"] = grid["demand_coded_by"].notna()
    grid["demand_coded_by"] = grid["demand_coded_by"].fillna("")
    grid["demand_without_evidence"] = (grid["demand"] & (grid["level"] == "guideline")
                                       & grid["status"].isin(thresholds.demand_statuses))
    grid = grid.sort_values(["order", "topic_order"], kind="stable", ignore_index=True)
    return grid[["row_id", "row_label", "level", "standard_id", "topic_id", "topic_label",
                 "dimension", "evidence_count", "framework_count", "status", "demand",
                 "demand_coded_by", "demand_without_evidence"]
                + [f"count_{c}" for c in CHANNELS]]


def tidy_map(cells: pd.DataFrame) -> pd.DataFrame:
    """Return the map in the tidy long form of ``gap_map.csv``.

    Returns:
        ``row_id, row_label, topic_id, dimension, evidence_count, framework_count, status``,
        then one count column per channel and the demand flags.
    """
    return cells[["row_id", "row_label", "topic_id", "dimension", "evidence_count",
                  "framework_count", "status"] + [f"count_{c}" for c in CHANNELS]
                 + ["demand", "demand_without_evidence"]]


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
    return found[["row_id", "row_label", "standard_id", "topic_id", "topic_label", "dimension",
                  "status", "evidence_count", "count_academic", "framework_count",
                  "demand_coded_by", "text"]].reset_index(drop=True)


def subgroup_view(cells: pd.DataFrame, links: pd.DataFrame, evidence: pd.DataFrame,
                  dimension: str = "population", level: str = "standard") -> pd.DataFrame:
    """Return each population topic's coverage beside the overall coverage of the same rows.

    It exists so a reviewer sees how far a group (family abuse, minoritised groups, ...)
    falls behind the evidence base of the very standards that name it.

    For the rows of ``level``: ``coverage`` is the share of the topic's cells that are
    ``covered`` and ``overall_coverage`` the same share over every topic's cells of those
    rows (``coverage_gap`` = the difference, in percentage points); ``evidence_items`` counts
    the distinct items behind the topic and ``row_evidence_items`` every distinct item linked
    to those rows whatever its topic, so ``share_of_evidence`` is the topic's share of the
    whole evidence base.

    Returns:
        One row per topic of ``dimension``, in codebook order.
    """
    scope = cells[cells["level"] == level]
    overall = (scope["status"] == "covered").mean() if len(scope) else 0.0
    scoped_links = links[(links["channel"].isin(EVIDENCE_CHANNELS))
                         & links["row_id"].isin(scope["row_id"])]
    all_items = scoped_links["evidence_id"].nunique()
    records = []
    for topic_id, group in scope[scope["dimension"] == dimension].groupby("topic_id", sort=False):
        items = evidence[(evidence["topic_id"] == topic_id)
                         & evidence["channel"].isin(EVIDENCE_CHANNELS)
                         & evidence["row_id"].isin(group["row_id"])]["evidence_id"].nunique()
        coverage = (group["status"] == "covered").mean()
        records.append({
            "topic_id": topic_id, "topic_label": group["topic_label"].iloc[0],
            "rows": len(group), "rows_with_evidence": int((group["status"] != "absolute_gap")
                                                          .sum()),
            "rows_covered": int((group["status"] == "covered").sum()),
            "coverage": round(float(coverage), 3), "overall_coverage": round(float(overall), 3),
            "coverage_gap": round(100 * float(coverage - overall), 1),
            "evidence_items": int(items), "row_evidence_items": int(all_items),
            "share_of_evidence": round(items / all_items, 3) if all_items else 0.0,
        })
    return pd.DataFrame(records, columns=[
        "topic_id", "topic_label", "rows", "rows_with_evidence", "rows_covered", "coverage",
        "overall_coverage", "coverage_gap", "evidence_items", "row_evidence_items",
        "share_of_evidence"])


# --------------------------------------------------------------------------------------
# The gap register
# --------------------------------------------------------------------------------------

_SEVERITY = {"absolute_gap": 3, "practice_only": 2, "thin": 1, "covered": 0}


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
    items = (evidence[["row_id", "topic_id", "channel", "citation"]].drop_duplicates()
             .assign(_c=lambda f: f["channel"].map(order))
             .sort_values(["row_id", "topic_id", "_c", "citation"], kind="stable"))
    per_channel = items.groupby(["row_id", "topic_id", "_c"], sort=True).agg(
        channel=("channel", "first"), citations=("citation", "; ".join)).reset_index()
    per_channel["text"] = [f"{CHANNEL_LABELS[c]}: {t}." for c, t in zip(
        per_channel["channel"], per_channel["citations"], strict=True)]
    return per_channel.groupby(["row_id", "topic_id"], sort=True)["text"].agg(" ".join)


def _what_exists(cell: pd.Series | dict, thresholds: GapThresholds) -> str:
    practice = [_plural(int(cell[f"count_{c}"]), c) for c in ("roundtable", "consultation",
                                                              "programme", "framework")
                if cell[f"count_{c}"]]
    practice_text = ", ".join(practice).replace("framework", "framework item")
    if cell["status"] == "absolute_gap":
        return ("no academic reference, roundtable, consultation or evaluated programme on "
                "this topic, and no existing framework item on it is mapped")
    if cell["status"] == "practice_only":
        return f"no academic reference on this topic; what exists is {practice_text}"
    academic = _plural(int(cell["count_academic"]), "academic reference")
    extra = f" (besides {practice_text})" if practice_text else ""
    return (f"only {academic} on this topic{extra}, below the threshold of "
            f"{thresholds.covered_min_references}")


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
        ...     "count_roundtable": 0, "count_consultation": 0, "count_programme": 0,
        ...     "count_framework": 0})
        >>> sentence = gap_sentence(cell)
        >>> sentence.startswith("Guideline 5.2 names fathers (its text says “fathers”), yet ")
        True
        >>> sentence.endswith("Standard 5 gives only 1 academic reference on this topic, "
        ...                   "below the threshold of 3.")
        True
    """
    standard = "Standard " + str(cell["standard_id"]).split(":")[-1]
    topic = str(cell["topic_label"])
    topic = topic[0].lower() + topic[1:] if topic[:2] != topic[:2].upper() else topic
    what = _what_exists(cell, thresholds)
    if cell["level"] == "guideline" and cell["demand"]:
        return (f"{cell['row_label']} names {topic} ({_demand_phrase(cell['demand_coded_by'])})"
                f", yet the evidence narrative of {standard} gives {what}.")
    status = cell["status"].replace("_", " ")
    return f"{cell['row_label']} has a {status} on {topic}: its evidence narrative gives {what}."


def gap_register(cells: pd.DataFrame, rows: pd.DataFrame, evidence: pd.DataFrame,
                 topics: pd.DataFrame, thresholds: GapThresholds = DEFAULT_THRESHOLDS
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
            {True: "demand_without_evidence", False: "standard_gap"}),
        _kind=lambda f: (~f["demand_without_evidence"]).astype(int),
        _severity=lambda f: -f["status"].map(_SEVERITY),
        _topic=lambda f: f["topic_id"].map(dict(zip(topics["topic_id"], topics["order"],
                                                    strict=True))),
        _row=lambda f: f["row_id"].map(dict(zip(rows["row_id"], rows["order"], strict=True))),
    ).sort_values(["_kind", "_severity", "_topic", "_row"], kind="stable", ignore_index=True)
    texts = dict(zip(rows["row_id"], rows["text"], strict=True))
    summaries = existing_evidence(evidence).to_dict()
    register = pd.DataFrame({
        "rank": range(1, len(selected) + 1),
        "kind": selected["kind"],
        "row_id": selected["row_id"], "row_label": selected["row_label"],
        "topic_id": selected["topic_id"], "topic_label": selected["topic_label"],
        "dimension": selected["dimension"], "status": selected["status"],
        "evidence_count": selected["evidence_count"],
        "framework_count": selected["framework_count"],
        "sentence": [gap_sentence(cell, thresholds) for cell in selected.to_dict("records")],
        "row_text": selected["row_id"].map(texts),
        "existing_evidence": [summaries.get((r, t), "none") for r, t in
                              zip(selected["row_id"], selected["topic_id"], strict=True)],
    })
    return register


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
    for ref in corpus.references.to_dict("records"):
        year = f"{ref['year']}{ref['year_suffix'] or ''}" if ref["year_suffix"] and not str(
            ref["year"]).endswith(ref["year_suffix"]) else str(ref["year"])
        labels[ref["ref_id"]] = f"{_author_text(ref['surnames'])} ({year}) {ref['title']}"
    for rt in corpus["roundtables"].to_dict("records"):
        labels[rt["roundtable_id"]] = f"Roundtable {rt['number']}: {rt['topic']}"
    for c in corpus["consultations"].to_dict("records"):
        labels[c["consultation_id"]] = f"Consultation with {c['participant_group']}"
    for p in corpus["programmes"].to_dict("records"):
        labels[p["programme_id"]] = str(p["name"])
    frameworks = dict(zip(corpus["frameworks"]["framework_id"], corpus["frameworks"]["name"],
                          strict=True))
    for item in corpus["framework_items"].to_dict("records"):
        name = frameworks.get(item["framework_id"], item["framework_id"])
        labels[item["item_id"]] = f"{name} {item['code']}: {item['label']}"
    return labels


def item_locations(corpus: Corpus) -> dict[str, str]:
    """Return ``source, section, lines`` of every framework item, keyed by id."""
    items = corpus["framework_items"]
    return {i: f"{s}, {sec}, lines {ln}" for i, s, sec, ln in zip(
        items["item_id"], items["source"], items["section"], items["lines"], strict=True)}


def load_codebook(corpus: Corpus) -> pd.DataFrame:
    """Return the codebook table of the corpus (``corpus/codebook.csv``)."""
    return corpus["codebook"]


def analyse_gaps(corpus: Corpus, thresholds: GapThresholds = DEFAULT_THRESHOLDS, *,
                 graph: nx.MultiDiGraph | None = None, codes: pd.DataFrame | None = None,
                 codebook: pd.DataFrame | None = None, crosswalk: pd.DataFrame | None = None
                 ) -> GapAnalysis:
    """Compute the whole gap analysis of a corpus: rows, evidence, map, demand, register.

    The graph, codes, codebook and crosswalk default to those built from the corpus by
    ``workbench.graph``, ``workbench.coding`` and ``corpus/crosswalk.csv``; pass them to
    analyse a variant (tests, what-if reviews).

    Returns:
        A :class:`GapAnalysis`.
    """
    if graph is None:
        from workbench.graph import build_graph

        graph = shared(corpus, build_graph)
    if codes is None:
        from workbench.coding import codes_frame

        codes = shared(corpus, codes_frame)
    if codebook is None:
        codebook = load_codebook(corpus)
    if crosswalk is None:
        crosswalk = corpus.tables.get("crosswalk", pd.DataFrame(
            columns=["focal_id", "reference_id", "relation", "rationale"]))
    rows = map_rows(corpus["standards"], corpus["guidelines"])
    topics = map_topics(codebook)
    labels = item_labels(corpus, graph)
    links = pd.concat([narrative_links(graph, rows, labels),
                       framework_links(crosswalk, rows, labels, item_locations(corpus))],
                      ignore_index=True)
    evidence = evidence_list(links, codes)
    evidence = evidence[evidence["topic_id"].isin(topics["topic_id"])].reset_index(drop=True)
    cells = gap_map(rows, topics, evidence, codes, thresholds)
    return GapAnalysis(
        thresholds=thresholds, rows=rows, topics=topics, links=links, evidence=evidence,
        cells=cells, demand=demand_without_evidence(cells, rows),
        subgroups=subgroup_view(cells, links, evidence),
        register=gap_register(cells, rows, evidence, topics, thresholds), codes=codes)


#: The tables the gap analysis reads (besides the bibliography); a test checks that the
#: analysis of these alone is the whole corpus's.
GAP_READS = ("codebook", "coding_overrides", "collated_standards", "consultations", "crosswalk",
             "documents", "framework_items", "frameworks", "guidelines", "intervention_types",
             "narratives", "programmes", "roundtables", "searches", "standards")
#: The files :func:`write_artefacts` writes, in order.
ARTEFACTS = ("gap_map.html", "gap_map.png", "gap_map.csv", "gaps.md", "gap_evidence.csv")


def write_artefacts(corpus: Corpus, out: Path) -> list[Path]:
    """Write ``gap_map.html``, ``gap_map.png``, ``gap_map.csv`` and ``gaps.md`` into ``out``.

    A build reuses them while the tables in :data:`GAP_READS` and the bibliography are
    unchanged.

    Returns:
        The paths written.
    """
    from workbench.render.gap_map import write_gap_map
    from workbench.render.sources import shipped_sources

    out = Path(out)
    # The page links the evidence in shipped sources: which are shipped is an input too.
    return cached_files("workbench.gaps.write_artefacts", [out / name for name in ARTEFACTS],
                        (corpus_inputs(corpus, GAP_READS), shipped_sources(corpus)),
                        lambda: write_gap_map(analyse_gaps(corpus), corpus, out))
