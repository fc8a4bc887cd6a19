"""The derived results of the dataflow: each a function of the inputs and results it names.

A node hands the model functions a corpus holding only the tables its parameters name
(``workbench.dataflow.declared``); reading any other table raises an error, so the
signature is the whole truth about what a result depends on, and the build's keys (which
follow the signatures) can never leave a read out.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from workbench import citations, search
from workbench import crosswalk as crosswalk_views
from workbench.coding import codes_frame
from workbench.crosswalk_suggest import suggest_crosswalk, suggester_metrics
from workbench.dataflow.declared import declared_corpus, declared_tables
from workbench.dataflow.inputs import Table
from workbench.gaps import GapAnalysis, analyse_gaps
from workbench.graph import build_graph

# --- the citation audit and the evidence graph ---------------------------------------------


def citation_audit(guidelines: Table, narratives: Table, references: pd.DataFrame) -> pd.DataFrame:
    """Every in-text citation of the guidelines and narratives, resolved against the
    reference list (``workbench.citations.citation_audit``)."""
    return citations.citation_audit(
        declared_corpus(references=references, guidelines=guidelines, narratives=narratives)
    )


def evidence_graph(
    documents: Table,
    standards: Table,
    guidelines: Table,
    narratives: Table,
    roundtables: Table,
    consultations: Table,
    intervention_types: Table,
    programmes: Table,
    frameworks: Table,
    framework_items: Table,
    collated_standards: Table,
    searches: Table,
    references: pd.DataFrame,
    citation_audit: pd.DataFrame,
) -> nx.MultiDiGraph:
    """The evidence graph (``workbench.graph.build_graph``), frozen: every reader shares it."""
    corpus = declared_corpus(
        references=references,
        documents=documents,
        standards=standards,
        guidelines=guidelines,
        narratives=narratives,
        roundtables=roundtables,
        consultations=consultations,
        intervention_types=intervention_types,
        programmes=programmes,
        frameworks=frameworks,
        framework_items=framework_items,
        collated_standards=collated_standards,
        searches=searches,
    )
    return nx.freeze(build_graph(corpus, citation_audit))


# --- the topic codes and the gap analysis --------------------------------------------------


def topic_codes(
    codebook: Table,
    coding_overrides: Table,
    framework_items: Table,
    guidelines: Table,
    narratives: Table,
    programmes: Table,
    roundtables: Table,
    standards: Table,
    references: pd.DataFrame,
) -> pd.DataFrame:
    """The rule coder's topic codes of every coded item (``workbench.coding.codes_frame``)."""
    return codes_frame(
        declared_corpus(
            references=references,
            codebook=codebook,
            coding_overrides=coding_overrides,
            framework_items=framework_items,
            guidelines=guidelines,
            narratives=narratives,
            programmes=programmes,
            roundtables=roundtables,
            standards=standards,
        )
    )


def gap_analysis(
    descriptor: dict,
    references: pd.DataFrame,
    codebook: Table,
    consultations: Table,
    crosswalk: Table,
    evidence_codes: Table,
    framework_items: Table,
    frameworks: Table,
    guidelines: Table,
    programmes: Table,
    roundtables: Table,
    standards: Table,
    stated_gap_topics: Table,
    stated_gaps: Table,
    works: Table,
    evidence_graph: nx.MultiDiGraph,
    topic_codes: pd.DataFrame,
    citation_audit: pd.DataFrame,
) -> GapAnalysis:
    """The whole gap analysis (``workbench.gaps.analyse_gaps``) from the graph, the codes and
    the audit above."""
    corpus = declared_corpus(
        descriptor=descriptor,
        references=references,
        codebook=codebook,
        consultations=consultations,
        crosswalk=crosswalk,
        evidence_codes=evidence_codes,
        framework_items=framework_items,
        frameworks=frameworks,
        guidelines=guidelines,
        programmes=programmes,
        roundtables=roundtables,
        standards=standards,
        stated_gap_topics=stated_gap_topics,
        stated_gaps=stated_gaps,
        works=works,
    )
    return analyse_gaps(corpus, graph=evidence_graph, codes=topic_codes, audit=citation_audit)


# --- the crosswalk -------------------------------------------------------------------------


def crosswalk_tables(
    crosswalk: Table,
    crosswalk_dispositions: Table,
    framework_items: Table,
    frameworks: Table,
    guidelines: Table,
    standards: Table,
    collated_standards: Table,
) -> dict[str, pd.DataFrame]:
    """The tables the crosswalk's views read, as the crosswalk functions take them."""
    return declared_tables(
        crosswalk=crosswalk,
        crosswalk_dispositions=crosswalk_dispositions,
        framework_items=framework_items,
        frameworks=frameworks,
        guidelines=guidelines,
        standards=standards,
        collated_standards=collated_standards,
    )


def crosswalk_coverage(crosswalk_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Coverage of every element by the crosswalk, in both directions."""
    return crosswalk_views.coverage(crosswalk_tables)


def labelled_crosswalk(crosswalk_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The curated crosswalk with the labels of both sides."""
    return crosswalk_views.labelled_crosswalk(crosswalk_tables)


def crosswalk_suggestions(crosswalk_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The TF-IDF suggester's top 5 candidates per element (scikit-learn)."""
    return suggest_crosswalk(crosswalk_tables, k=5)


def suggester_scores(
    crosswalk_tables: dict[str, pd.DataFrame], crosswalk_suggestions: pd.DataFrame
) -> pd.DataFrame:
    """Precision and recall at k of the suggester against the curated rows."""
    return suggester_metrics(crosswalk_tables, ks=(1, 2, 3, 5), suggestions=crosswalk_suggestions)


# --- the literature search -----------------------------------------------------------------


def search_analysis(searches: Table) -> pd.DataFrame:
    """The searches parsed into facets and flags, with the working columns."""
    return search.search_analysis(searches)
