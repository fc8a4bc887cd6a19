"""The artefacts of a build: each node returns the files it makes as
:class:`~workbench.dataflow.records.Artefact` records (bytes, media type, description and,
for a table, its schema), computed from the results its parameters name.

To add an artefact, add a function here (or in a module given to
``workbench.dataflow.dataflow``) returning ``Artefacts``: the build runs it, keeps its bytes
in its cache, lists it on ``index.html`` and describes its tables in
``build/datapackage.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from hamilton.function_modifiers import parameterize, source

from workbench import search
from workbench.citations import AUDIT_COLUMNS, orphan_references, reference_audit_notes
from workbench.corpus import SOURCES_DIR, Corpus
from workbench.crosswalk import carry_over, collated_representation, sssom_table
from workbench.dataflow.costs import cost
from workbench.dataflow.inputs import Table
from workbench.dataflow.records import Artefacts, file, report_page, table
from workbench.gaps import GapAnalysis, tidy_map
from workbench.graph import edge_frame
from workbench.render.crosswalk_figures import MAX_HEATMAPS, relation_grid_figure, suggester_figure
from workbench.render.figures import png_bytes
from workbench.render.gap_map import (
    draw_gap_map,
    render_gap_map_html,
    render_gaps_markdown,
)
from workbench.render.graphml import graphml_bytes
from workbench.render.references import render_csl_json, render_ris
from workbench.render.search_figures import design_audit_figure, hits_by_facet_figure
from workbench.render.search_report import prisma_s_json, prisma_s_markdown
from workbench.render.sources import page_name, render_source_page
from workbench.render.sssom import render_sssom
from workbench.summary import corpus_summary, guidelines_by_standard


@cost(10, at_100x=140)
def corpus_summary_files(
    corpus_tables: dict[str, pd.DataFrame], descriptor: dict, references: pd.DataFrame
) -> Artefacts:
    """What the corpus holds, the standards with their guidelines, and the source issues."""
    corpus = Corpus(
        root=Path("."), descriptor=descriptor, tables=corpus_tables, references=references
    )
    return (
        table("corpus_summary.csv", corpus_summary(corpus)),
        table("standards_and_guidelines.csv", guidelines_by_standard(corpus)),
        table("source_issues.csv", corpus["source_issues"].sort_values("issue_id")),
    )


@cost(30, at_100x=1_200)
def crosswalk_files(
    crosswalk_tables: dict[str, pd.DataFrame],
    labelled_crosswalk: pd.DataFrame,
    crosswalk_coverage: pd.DataFrame,
) -> Artefacts:
    """The curated crosswalk, its coverage, the edition carry-over, the collated standards
    and the SSSOM mapping set."""
    return (
        table("crosswalk.csv", labelled_crosswalk),
        table("crosswalk_coverage.csv", crosswalk_coverage),
        table("crosswalk_carry_over.csv", carry_over(crosswalk_tables)),
        table("crosswalk_collated.csv", collated_representation(crosswalk_tables)),
        file("crosswalk.sssom.tsv", render_sssom(sssom_table(crosswalk_tables))),
    )


@cost(180, "matplotlib", fixed=True)
def crosswalk_suggester_files(
    suggester_tables: dict[str, pd.DataFrame],
    crosswalk_suggestions: pd.DataFrame,
    suggester_scores: pd.DataFrame,
) -> Artefacts:
    """The suggester's top 3 candidates per element, its precision and recall, and their
    figure."""
    frameworks = suggester_tables["frameworks"]
    names = dict(zip(frameworks["framework_id"], frameworks["name"], strict=True))
    top = crosswalk_suggestions
    return (
        table("crosswalk_suggestions.csv", top[top["rank"] <= 3]),
        table("crosswalk_suggester_metrics.csv", suggester_scores),
        file(
            "crosswalk_suggester_metrics.png", png_bytes(suggester_figure(suggester_scores, names))
        ),
    )


@cost(230, "matplotlib", fixed=True)
@parameterize(
    **{
        f"crosswalk_heatmap_{slot:02d}_files": {"heatmap": source(f"crosswalk_heatmap_{slot:02d}")}
        for slot in range(MAX_HEATMAPS)
    }
)
def crosswalk_heatmap_files(heatmap: Any) -> Artefacts:
    """One heat-map of relations (a reviewed framework's or an edition mapping's), drawn
    from its slot of ``crosswalk_heatmaps``; nothing when the slot is empty."""
    if heatmap is None:
        return ()
    name, (description, audience, title), grid = heatmap
    png = png_bytes(relation_grid_figure(*grid))
    return (file(name, png, description, audience=audience, title=title),)


@cost(70, at_100x=400)
def search_files(searches: Table, narratives: Table, search_analysis: pd.DataFrame) -> Artefacts:
    """The search analysis, its one-element pairs and design audit, and the PRISMA-S report."""
    pairs = search.one_element_pairs(
        search_analysis.assign(
            database=searches["database"].to_numpy(), date=searches["date"].to_numpy()
        )
    )
    report = search.prisma_s_report(searches, narratives)
    return (
        table("search_analysis.csv", search_analysis.drop(columns=search.ANALYSIS_WORKING_COLUMNS)),
        table("search_pairs.csv", pairs),
        table("search_design_audit.csv", search.design_audit(search_analysis)),
        markdown := file("search_report.md", prisma_s_markdown(report)),
        file("search_report.json", prisma_s_json(report)),
        report_page(markdown),
    )


@cost(950, "matplotlib", fixed=True)
def search_figure_files(search_analysis: pd.DataFrame) -> Artefacts:
    """The searches' hits by facet and the design space they cover, as figures."""
    coverage = search.design_coverage(search.design_audit(search_analysis))
    return (
        file(
            "search_hits_by_facet.png",
            png_bytes(hits_by_facet_figure(search.hits_by_facet(search_analysis))),
        ),
        file("search_design_audit.png", png_bytes(design_audit_figure(coverage))),
    )


@cost(20, at_100x=1_000)
def citation_files(
    citation_audit: pd.DataFrame, references: pd.DataFrame, bibliography: Any
) -> Artefacts:
    """The citation audit, the references never cited, and the reference list for reference
    managers (RIS and CSL-JSON, each entry with its audit note)."""
    notes = reference_audit_notes(citation_audit, references)
    return (
        table("citation_audit.csv", citation_audit[AUDIT_COLUMNS], pandas_csv=True),
        table(
            "orphan_references.csv", orphan_references(citation_audit, references), pandas_csv=True
        ),
        file("references.ris", render_ris(bibliography, notes)),
        file("references.json", render_csl_json(bibliography, notes)),
    )


@cost(50, at_100x=4_000)
def graph_files(evidence_graph: nx.MultiDiGraph) -> Artefacts:
    """The evidence graph as GraphML, node-link JSON and an edge list."""
    graphml = graphml_bytes(evidence_graph)
    node_link = json.dumps(nx.node_link_data(evidence_graph), ensure_ascii=False, indent=1)
    return (
        file("graph.graphml", graphml),
        file("graph.json", node_link + "\n"),
        table("edges.csv", edge_frame(evidence_graph), pandas_csv=True),
    )


@cost(140, at_100x=6_500)
def gap_map_files(gap_analysis: GapAnalysis, shipped_sources: dict[str, str]) -> Artefacts:
    """The gap map page and table, the gap register, and the evidence, support and
    agreement tables behind them."""
    analysis = gap_analysis
    return (
        file("gap_map.html", render_gap_map_html(analysis, sorted(shipped_sources))),
        table("gap_map.csv", tidy_map(analysis.cells)),
        register := file("gaps.md", render_gaps_markdown(analysis)),
        table("gap_evidence.csv", analysis.evidence),
        table("citation_support.csv", analysis.support),
        table("coding_agreement.csv", analysis.agreement),
        table("gap_agreement.csv", analysis.stated),
        report_page(register),
    )


@cost(430, "matplotlib", at_100x=2_300)
def gap_map_figure_files(gap_map_grid: tuple) -> Artefacts:
    """The evidence and gap map as a static figure."""
    return (file("gap_map.png", png_bytes(draw_gap_map(*gap_map_grid), dpi=150)),)


def source_page_files(shipped_sources: dict[str, str], documents: Table) -> Artefacts:
    """The page of every shipped source document, line by line."""
    known = {} if documents is None else {row["file"]: row for row in documents.to_dict("records")}
    return tuple(
        file(
            f"{SOURCES_DIR}/{page_name(source)}",
            render_source_page(source, text, known.get(source)),
            tables={} if documents is None else {"documents": documents},
        )
        for source, text in sorted(shipped_sources.items())
    )


@cost(350, "openpyxl", at_100x=21_700)
def workbook_files(
    descriptor: dict,
    fingerprint: str,
    gap_analysis: GapAnalysis,
    citation_audit: pd.DataFrame,
    labelled_crosswalk: pd.DataFrame,
    crosswalk_coverage: pd.DataFrame,
    search_analysis: pd.DataFrame,
) -> Artefacts:
    """The main tables as one Excel workbook."""
    from workbench.workbook import WORKBOOK, workbook_bytes  # defers openpyxl (~0.1 s)

    return (
        file(
            WORKBOOK,
            workbook_bytes(
                descriptor,
                fingerprint,
                gap_analysis,
                citation_audit,
                labelled_crosswalk,
                crosswalk_coverage,
                search_analysis,
            ),
        ),
    )
