"""The evidence graph: every corpus entity as a node, every relation the sources state as an edge.

:func:`build_graph` turns a loaded :class:`~workbench.corpus.Corpus` into one
``networkx.MultiDiGraph``. Node ids are the corpus ids (``standard:3``, ``guideline:3.3``,
``ref:morrison2019a``, ``roundtable:8``); every node has a ``kind`` and a human ``label``;
every edge has a ``kind`` and its provenance (``source_file`` and ``location``: the corpus
row or narrative it was read from, with the ``lines``; not ``source``, which names an edge's
tail in node-link JSON). The graph takes whatever rows the
corpus holds: an empty table adds no nodes.

Edges (from → to):

``part_of``
    guideline → standard, narrative → standard, framework item → framework, child item →
    parent item.
``cites``
    narrative or guideline → reference, one edge per citation occurrence that counts for the
    reference (:func:`workbench.citations.counts_for`: resolved, or cited under another year
    or spelling, then with the audit's ``finding`` on the edge), with the sentence (the
    citation audit lists every occurrence, and those that count for nothing).
``quotes``
    narrative → roundtable or consultation, one edge per attributed quote, with the quote.
``example_of``
    programme → intervention type.
``evaluated_by``
    programme → reference, where the programme's evaluation citation resolves.
``edition_of``
    framework edition → framework.
``collated_as``
    collated standard → framework.
``reported_in``
    search → the document that reports it.

The query helpers answer the questions the graph exists for: the evidence behind a standard or
guideline, the standards that rest on a reference, the neighbourhood of any node.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from workbench.citations import (
    citation_audit,
    citation_texts,
    extract_attributions,
    finding,
    parse_bracket,
    resolve_citations,
)
from workbench.frames import row_dicts

#: Every node kind the graph uses.
NODE_KINDS = (
    "document",
    "standard",
    "guideline",
    "narrative",
    "reference",
    "roundtable",
    "consultation",
    "programme",
    "intervention_type",
    "framework",
    "framework_item",
    "collated_standard",
    "search",
)
#: Every edge kind the graph uses.
EDGE_KINDS = (
    "part_of",
    "cites",
    "quotes",
    "example_of",
    "evaluated_by",
    "edition_of",
    "collated_as",
    "reported_in",
)
#: Columns of the edge list (:func:`edge_frame`): endpoints and key, then the attributes
#: (``finding``: the citation audit's finding on a ``cites`` edge whose citation disagrees
#: with the reference list in year or spelling; empty elsewhere).
EDGE_COLUMNS = [
    "from",
    "to",
    "key",
    "kind",
    "source_file",
    "location",
    "lines",
    "detail",
    "finding",
]


def _text(value) -> str:
    """A cell as a string, with empty cells (NA/None) as ``""``."""
    if value is None or (not isinstance(value, (str, tuple, list)) and pd.isna(value)):
        return ""
    return str(value)


def _rows(corpus, table: str) -> pd.DataFrame:
    """The rows of ``table``, or an empty frame when the corpus does not hold it."""
    tables = getattr(corpus, "tables", {})
    return tables[table] if table in tables else pd.DataFrame()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dictionaries (far cheaper than one Series a row)."""
    return row_dicts(frame)


def _provenance(row) -> dict:
    return {
        "source": _text(row.get("source")),
        "section": _text(row.get("section")),
        "lines": _text(row.get("lines")),
    }


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def reference_label(
    surnames: tuple[str, ...], year: str, suffix: str = "", et_al: bool = False
) -> str:
    """Return the author-date label of a reference, e.g. ``Morrison et al. (2019a)``.

    Examples:
        >>> reference_label(("Bonta", "Andrews"), "2016")
        'Bonta and Andrews (2016)'
        >>> reference_label(("Hester",), "2019", et_al=True)
        'Hester et al. (2019)'
    """
    if len(surnames) >= 3 or (et_al and surnames):
        names = f"{surnames[0]} et al."
    else:
        names = " and ".join(surnames)
    return f"{names} ({year}{suffix})"


def _add_nodes(graph: nx.MultiDiGraph, corpus) -> None:
    for row in _records(_rows(corpus, "documents")):
        graph.add_node(
            row["document_id"],
            kind="document",
            label=_text(row["title"]),
            source=_text(row["file"]),
            section="",
            lines="",
        )
    for row in _records(_rows(corpus, "standards")):
        graph.add_node(
            row["standard_id"],
            kind="standard",
            label=f"Standard {row['number']}",
            text=_text(row["text"]),
            **_provenance(row),
        )
    for row in _records(_rows(corpus, "guidelines")):
        graph.add_node(
            row["guideline_id"],
            kind="guideline",
            label=f"Guideline {row['number']}",
            text=_text(row["text"]),
            **_provenance(row),
        )
    for row in _records(_rows(corpus, "narratives")):
        graph.add_node(
            row["narrative_id"], kind="narrative", label=_text(row["title"]), **_provenance(row)
        )
    for row in _records(corpus.references):
        graph.add_node(
            row["ref_id"],
            kind="reference",
            label=reference_label(
                row["surnames"], row["year"], row["year_suffix"], bool(row.get("et_al", False))
            ),
            title=_text(row["title"]),
            year=_text(row["year"]),
            source=_text(row["source"]),
            section="References",
            lines=_text(row["lines"]),
        )
    for row in _records(_rows(corpus, "roundtables")):
        graph.add_node(
            row["roundtable_id"],
            kind="roundtable",
            label=f"Roundtable {row['number']}",
            topic=_text(row["topic"]),
            **_provenance(row),
        )
    for row in _records(_rows(corpus, "consultations")):
        graph.add_node(
            row["consultation_id"],
            kind="consultation",
            label=f"Consultation with {row['participant_group']}",
            **_provenance(row),
        )
    for row in _records(_rows(corpus, "intervention_types")):
        graph.add_node(
            row["intervention_type_id"],
            kind="intervention_type",
            label=_text(row["name"]),
            **_provenance(row),
        )
    for row in _records(_rows(corpus, "programmes")):
        graph.add_node(
            row["programme_id"], kind="programme", label=_text(row["name"]), **_provenance(row)
        )
    for row in _records(_rows(corpus, "frameworks")):
        graph.add_node(
            row["framework_id"], kind="framework", label=_text(row["name"]), **_provenance(row)
        )
    for row in _records(_rows(corpus, "framework_items")):
        graph.add_node(
            row["item_id"],
            kind="framework_item",
            label=_shorten(f"{_text(row['code'])} {_text(row['label'])}".strip()),
            **_provenance(row),
        )
    for row in _records(_rows(corpus, "collated_standards")):
        graph.add_node(
            row["collated_id"],
            kind="collated_standard",
            label=_shorten(f"{row['number']}. {_text(row['title'])}"),
            **_provenance(row),
        )
    for row in _records(_rows(corpus, "searches")):
        graph.add_node(
            row["search_id"],
            kind="search",
            label=_shorten(f"Search {row['number']}: {_text(row['query'])}"),
            **_provenance(row),
        )


def _edge(
    graph: nx.MultiDiGraph,
    tail: str,
    head: str,
    kind: str,
    key: str,
    row,
    location: str,
    lines: str = "",
    detail: str = "",
    finding: str = "",
) -> None:
    """Add one edge when both ends are nodes (a dangling id adds nothing)."""
    if tail in graph and head in graph:
        graph.add_edge(
            tail,
            head,
            key=key,
            kind=kind,
            source_file=_text(row.get("source")),
            location=location,
            lines=lines or _text(row.get("lines")),
            detail=detail,
            finding=finding,
        )


#: Structural edges, table by table: the id column (the tail) and, for each edge, the column
#: naming its head, the edge kind and a suffix keeping the edge key unique.
_STRUCTURE: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("guidelines", "guideline_id", (("standard_id", "part_of", ""),)),
    ("narratives", "narrative_id", (("standard_id", "part_of", ""),)),
    (
        "framework_items",
        "item_id",
        (("framework_id", "part_of", ""), ("parent_id", "part_of", ":parent")),
    ),
    ("frameworks", "framework_id", (("edition_of", "edition_of", ""),)),
    ("collated_standards", "collated_id", (("framework_id", "collated_as", ""),)),
    ("programmes", "programme_id", (("intervention_type_id", "example_of", ""),)),
)


def _add_structure(graph: nx.MultiDiGraph, corpus) -> None:
    for table, tail, heads in _STRUCTURE:
        for row in _records(_rows(corpus, table)):
            for head, kind, suffix in heads:
                if _text(row[head]):
                    _edge(
                        graph,
                        row[tail],
                        row[head],
                        kind,
                        f"{kind}:{row[tail]}{suffix}",
                        row,
                        row[tail],
                    )
    documents = _rows(corpus, "documents")
    by_file = dict(zip(documents.get("file", []), documents.get("document_id", []), strict=True))
    for row in _records(_rows(corpus, "searches")):
        if row["source"] in by_file:
            _edge(
                graph,
                row["search_id"],
                by_file[row["source"]],
                "reported_in",
                f"reported_in:{row['search_id']}",
                row,
                row["search_id"],
            )


def _add_evidence(graph: nx.MultiDiGraph, corpus, audit: pd.DataFrame | None) -> None:
    if "narratives" not in getattr(corpus, "tables", {}):
        return
    if audit is None:
        audit = citation_audit(corpus)
    for row in row_dicts(audit[audit["counts_for"] != ""]):
        _edge(
            graph,
            row["location"],
            f"ref:{row['counts_for']}",
            "cites",
            f"cites:{row['location']}:{row['occurrence']}:{row['year']}",
            row,
            row["location"],
            lines=str(row["line"]),
            detail=row["sentence"],
            finding=finding(row["status"], row["note"]),
        )
    quotes = extract_attributions(citation_texts(corpus))
    for row in row_dicts(quotes):
        _edge(
            graph,
            row["location"],
            row["target_id"],
            "quotes",
            f"quotes:{row['location']}:{row['occurrence']}",
            row,
            row["location"],
            lines=str(row["line"]),
            detail=row["quote"],
        )
    _add_evaluations(graph, corpus)


def _add_evaluations(graph: nx.MultiDiGraph, corpus) -> None:
    """``evaluated_by`` edges: each programme's evaluation citations, resolved in one pass."""
    cited = []
    for row in row_dicts(_rows(corpus, "programmes")):
        for citation in parse_bracket(_text(row.get("evaluation"))):
            cited.append(
                {
                    "surnames": citation.surnames,
                    "et_al": citation.et_al,
                    "year": citation.year,
                    "suffix": citation.suffix,
                    "cited_as": citation.cited_as,
                    "row": row,
                }
            )
    if not cited:
        return
    for found in row_dicts(resolve_citations(pd.DataFrame(cited), corpus.references)):
        # Resolved only: a programme's evaluation is cited from the other documents, whose
        # works the report's reference list does not hold (Humphreys et al., 2018 on Safe &
        # Together is not the 2020 book), so a near miss there names another work.
        if found["status"] == "resolved":
            row = found["row"]
            _edge(
                graph,
                row["programme_id"],
                f"ref:{found['key']}",
                "evaluated_by",
                f"evaluated_by:{row['programme_id']}:{found['key']}",
                row,
                row["programme_id"],
                detail=found["cited_as"],
            )


def build_graph(corpus, audit: pd.DataFrame | None = None) -> nx.MultiDiGraph:
    """Build the evidence graph of a corpus.

    Args:
        corpus: a loaded :class:`~workbench.corpus.Corpus` (any table may be empty or absent).
        audit: the corpus's citation audit (default: computed from the corpus).

    Returns:
        A ``networkx.MultiDiGraph``: nodes and edges as described in this module's docstring,
        added in a fixed order so that exports are identical between builds.
    """
    graph = nx.MultiDiGraph(name="workbench evidence graph")
    _add_nodes(graph, corpus)
    _add_structure(graph, corpus)
    _add_evidence(graph, corpus, audit)
    return graph


# --- queries -------------------------------------------------------------------------------

#: Columns of :func:`evidence_for` (``source_file`` and ``lines`` locate the citing text;
#: ``finding`` flags a citation that disagrees with the reference list in year or spelling).
EVIDENCE_COLUMNS = [
    "node",
    "kind",
    "label",
    "edge",
    "via",
    "source_file",
    "lines",
    "detail",
    "finding",
    "inherited_from",
]


def _standard_of(graph: nx.MultiDiGraph, node: str) -> str | None:
    for _, head, data in graph.out_edges(node, data=True):
        if data["kind"] == "part_of" and graph.nodes[head]["kind"] == "standard":
            return head
    return None


def _evidence_edges(graph: nx.MultiDiGraph, holder: str) -> list[dict]:
    """Cites and quotes edges from ``holder`` and from the narratives and guidelines that are
    part of it."""
    sources = [holder] + sorted(
        tail
        for tail, _, data in graph.in_edges(holder, data=True)
        if data["kind"] == "part_of" and graph.nodes[tail]["kind"] in ("narrative", "guideline")
    )
    rows = []
    for via in sources:
        for _, head, data in graph.out_edges(via, data=True):
            if data["kind"] in ("cites", "quotes"):
                rows.append(
                    {
                        "node": head,
                        "kind": graph.nodes[head]["kind"],
                        "label": graph.nodes[head]["label"],
                        "edge": data["kind"],
                        "via": via,
                        "source_file": data["source_file"],
                        "lines": data["lines"],
                        "detail": data["detail"],
                        "finding": data.get("finding", ""),
                    }
                )
    return rows


def evidence_for(graph: nx.MultiDiGraph, node: str) -> pd.DataFrame:
    """Return the evidence behind a standard or a guideline, one row per citation or quote.

    A standard's evidence is what its narrative and its guidelines cite and quote. A guideline
    has no narrative of its own: it **inherits its standard's evidence**, marked by
    ``inherited_from`` (the standard's id); what the guideline cites itself has
    ``inherited_from`` empty.

    Returns:
        A DataFrame with :data:`EVIDENCE_COLUMNS`, sorted by kind, node, line and via.

    Raises:
        KeyError: when ``node`` is not a standard or guideline of the graph.
    """
    if node not in graph or graph.nodes[node]["kind"] not in ("standard", "guideline"):
        raise KeyError(f"{node} is not a standard or guideline of the graph")
    rows = [dict(row, inherited_from="") for row in _evidence_edges(graph, node)]
    if graph.nodes[node]["kind"] == "guideline":
        standard = _standard_of(graph, node)
        if standard:
            rows += [
                dict(row, inherited_from=standard)
                for row in _evidence_edges(graph, standard)
                if row["via"] != node
            ]
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    order = frame["lines"].map(lambda s: int(s.split("-")[0]) if s[:1].isdigit() else 0)
    return (
        frame.assign(_order=order)
        .sort_values(["kind", "node", "_order", "via"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def evidence_counts(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Count the evidence behind each standard by kind (distinct references, roundtables...).

    Returns:
        One row per standard (index: standard id, sorted by number) and one column per evidence
        kind (``reference``, ``roundtable``, ``consultation``), counting distinct nodes, plus
        ``citations`` and ``quotes`` counting occurrences.
    """
    standards = sorted(
        (n for n, d in graph.nodes(data=True) if d["kind"] == "standard"),
        key=lambda n: int(n.split(":")[1]),
    )
    rows = []
    for standard in standards:
        evidence = evidence_for(graph, standard)
        distinct = evidence.drop_duplicates("node")["kind"].value_counts()
        rows.append(
            {
                "standard": standard,
                "reference": int(distinct.get("reference", 0)),
                "roundtable": int(distinct.get("roundtable", 0)),
                "consultation": int(distinct.get("consultation", 0)),
                "citations": int((evidence["edge"] == "cites").sum()),
                "quotes": int((evidence["edge"] == "quotes").sum()),
            }
        )
    columns = ["standard", "reference", "roundtable", "consultation", "citations", "quotes"]
    return pd.DataFrame(rows, columns=columns).set_index("standard")


def standards_citing(graph: nx.MultiDiGraph, reference: str) -> pd.DataFrame:
    """Return the standards that rest on a reference, with how often and from where.

    A standard rests on a reference when its narrative (or one of its guidelines) cites it.

    Returns:
        A DataFrame with ``standard``, ``label``, ``citations`` (occurrences) and ``via``
        (the citing narratives or guidelines, ``;``-joined), sorted by standard number.
    """
    if reference not in graph:
        raise KeyError(f"{reference} is not a node of the graph")
    found: dict[str, list[str]] = {}
    for tail, _, data in graph.in_edges(reference, data=True):
        if data["kind"] != "cites":
            continue
        standard = tail if graph.nodes[tail]["kind"] == "standard" else _standard_of(graph, tail)
        if standard:
            found.setdefault(standard, []).append(tail)
    rows = [
        {
            "standard": s,
            "label": graph.nodes[s]["label"],
            "citations": len(via),
            "via": ";".join(sorted(set(via))),
        }
        for s, via in found.items()
    ]
    frame = pd.DataFrame(rows, columns=["standard", "label", "citations", "via"])
    order = frame["standard"].map(lambda s: int(s.split(":")[1]))
    return frame.assign(_o=order).sort_values("_o").drop(columns="_o").reset_index(drop=True)


def references_by_standards(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Rank the references by the number of standards that rest on them.

    Returns:
        One row per cited reference: ``reference``, ``label``, ``standards`` (how many),
        ``citations`` (occurrences from standards' narratives and guidelines) and
        ``which`` (the standard numbers), sorted by standards, then citations (both
        descending), then id.
    """
    rows = []
    for node, data in graph.nodes(data=True):
        if data["kind"] != "reference":
            continue
        citing = standards_citing(graph, node)
        if len(citing):
            rows.append(
                {
                    "reference": node,
                    "label": data["label"],
                    "standards": len(citing),
                    "citations": int(citing["citations"].sum()),
                    "which": ", ".join(s.split(":")[1] for s in citing["standard"]),
                }
            )
    frame = pd.DataFrame(rows, columns=["reference", "label", "standards", "citations", "which"])
    return frame.sort_values(
        ["standards", "citations", "reference"], ascending=[False, False, True]
    ).reset_index(drop=True)


def neighbourhood(
    graph: nx.MultiDiGraph, node: str, kinds: tuple[str, ...] | None = None, radius: int = 1
) -> nx.MultiDiGraph:
    """Return the subgraph around ``node``: nodes within ``radius`` steps in either direction.

    Args:
        graph: the evidence graph.
        node: the centre.
        kinds: keep only neighbours of these node kinds (the centre is always kept).
        radius: how many edges away to look.

    Returns:
        A copy of the induced subgraph (all edges between the kept nodes).
    """
    if node not in graph:
        raise KeyError(f"{node} is not a node of the graph")
    near = nx.ego_graph(graph.to_undirected(as_view=True), node, radius=radius)
    keep = [n for n in near if n == node or kinds is None or graph.nodes[n]["kind"] in kinds]
    return graph.subgraph(sorted(keep)).copy()


def evidence_neighbourhood(graph: nx.MultiDiGraph, standard: str) -> nx.MultiDiGraph:
    """Return a standard with its guidelines, its own evidence narrative, and what they cite
    and quote (references, roundtables, consultations).

    It is the part of the graph a reader checks a standard's evidence against, the subgraph
    ``workbench.render.graph_figures.draw_evidence_neighbourhood`` draws. Nodes are those
    within two edges of ``standard``, of those kinds, still connected to it once other
    standards' narratives are left out.

    Raises:
        KeyError: ``standard`` is not a node of the graph.
    """
    kinds = ("guideline", "narrative", "reference", "roundtable", "consultation")
    own_narrative = f"narrative:{standard}"
    around = neighbourhood(graph, standard, kinds=kinds, radius=2)
    around = around.subgraph(
        [n for n in around if n == own_narrative or around.nodes[n]["kind"] != "narrative"]
    ).copy()
    linked = nx.node_connected_component(around.to_undirected(as_view=True), standard)
    return around.subgraph(sorted(linked)).copy()


def neighbours_by_kind(graph: nx.MultiDiGraph, node: str) -> pd.Series:
    """Count the direct neighbours of ``node`` (either direction) by kind, sorted by kind."""
    around = neighbourhood(graph, node)
    kinds = pd.Series([d["kind"] for n, d in around.nodes(data=True) if n != node], dtype="object")
    return kinds.value_counts().sort_index()


# --- exports ------------------------------------------------------------------------------


def edge_frame(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Return the edges as a table with :data:`EDGE_COLUMNS` (the edge list CSV)."""
    frame = nx.to_pandas_edgelist(graph, source="from", target="to", edge_key="key")
    return frame.reindex(columns=EDGE_COLUMNS).fillna("")
