"""The derived results of the dataflow: each a function of the inputs and results it names.

A node hands the model functions a corpus holding only the tables its parameters name
(``workbench.dataflow.declared``); reading any other table raises an error, so the
signature is the whole truth about what a result depends on, and the build's keys (which
follow the signatures) can never leave a read out.

A node tagged ``@tag(key="value")`` is an early cut-off (``workbench.dataflow.values``): a
cheap projection (the columns a reader reads, the grid a figure draws) keyed by what it
computes, so that an edit it does not pass on leaves everything downstream reused. Its
readers see the projection alone, so a column they read and it leaves out fails loudly.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd
from hamilton.function_modifiers import parameterize, tag, value

from workbench import citations, search
from workbench import crosswalk as crosswalk_views
from workbench.coding import codes_frame
from workbench.crosswalk_suggest import suggest_crosswalk, suggester_metrics
from workbench.dataflow.costs import cost
from workbench.dataflow.declared import declared_corpus, declared_tables
from workbench.dataflow.inputs import Table
from workbench.dataflow.records import guide
from workbench.gaps import GapAnalysis, analyse_gaps
from workbench.graph import build_graph
from workbench.render import gap_map
from workbench.render.crosswalk_figures import MAX_HEATMAPS, heatmap_specs

# --- the citation audit and the evidence graph ---------------------------------------------


@cost(10, at_100x=750)
def citation_audit(guidelines: Table, narratives: Table, references: pd.DataFrame) -> pd.DataFrame:
    """Every in-text citation of the guidelines and narratives, resolved against the
    reference list (``workbench.citations.citation_audit``)."""
    return citations.citation_audit(
        declared_corpus(references=references, guidelines=guidelines, narratives=narratives)
    )


@cost(20, at_100x=870)
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


@cost(40, at_100x=560)
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


#: The columns of the crosswalk the gap analysis reads: a link's relation and rationale.
GAP_CROSSWALK_COLUMNS = ["focal_id", "reference_id", "relation", "rationale"]


@tag(key="value")
def gap_crosswalk(crosswalk: Table) -> pd.DataFrame:
    """The crosswalk as the gap analysis reads it (a corrected strength is not passed on)."""
    if crosswalk is None:
        return pd.DataFrame(columns=GAP_CROSSWALK_COLUMNS)
    return crosswalk[GAP_CROSSWALK_COLUMNS].copy()


@cost(250, at_100x=3_900)
def gap_analysis(
    descriptor: dict,
    references: pd.DataFrame,
    codebook: Table,
    consultations: Table,
    gap_crosswalk: pd.DataFrame,
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
    return analyse_gaps(
        corpus,
        graph=evidence_graph,
        codes=topic_codes,
        crosswalk=gap_crosswalk,
        audit=citation_audit,
    )


@tag(key="value")
def gap_map_grid(gap_analysis: GapAnalysis) -> tuple:
    """What the gap map's figure draws (``workbench.render.gap_map.gap_map_grid``): an edit
    that changes the evidence but no cell leaves the figure as it was."""
    return gap_map.gap_map_grid(gap_analysis)


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


@cost(10, at_100x=530)
def crosswalk_coverage(crosswalk_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Coverage of every element by the crosswalk, in both directions."""
    return crosswalk_views.coverage(crosswalk_tables)


@cost(10, at_100x=100)
def labelled_crosswalk(crosswalk_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The curated crosswalk with the labels of both sides."""
    return crosswalk_views.labelled_crosswalk(crosswalk_tables)


#: The columns the suggester reads of the tables a reviewer edits most: the curated pairs
#: and their relations, and which frameworks were reviewed against which elements.
SUGGESTER_COLUMNS = {
    "crosswalk": ["focal_id", "reference_id", "framework_id", "relation"],
    "crosswalk_dispositions": ["element_id", "framework_id", "direction"],
}


@tag(key="value")
def suggester_tables(
    crosswalk: Table,
    crosswalk_dispositions: Table,
    framework_items: Table,
    frameworks: Table,
    guidelines: Table,
    standards: Table,
) -> dict[str, pd.DataFrame]:
    """The tables the suggester reads, the crosswalk and its dispositions cut to the columns
    it reads (:data:`SUGGESTER_COLUMNS`): a reworded rationale or reason is not passed on."""
    given = {"crosswalk": crosswalk, "crosswalk_dispositions": crosswalk_dispositions}
    return declared_tables(
        **{
            name: None if frame is None else frame[SUGGESTER_COLUMNS[name]].copy()
            for name, frame in given.items()
        },
        framework_items=framework_items,
        frameworks=frameworks,
        guidelines=guidelines,
        standards=standards,
    )


@cost(450, "scikit-learn", at_100x=2_800)
def crosswalk_suggestions(suggester_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The TF-IDF suggester's top 5 candidates per element (scikit-learn)."""
    return suggest_crosswalk(suggester_tables, k=5)


@cost(10, at_100x=110)
def suggester_scores(
    suggester_tables: dict[str, pd.DataFrame], crosswalk_suggestions: pd.DataFrame
) -> pd.DataFrame:
    """Precision and recall at k of the suggester against the curated rows."""
    return suggester_metrics(suggester_tables, ks=(1, 2, 3, 5), suggestions=crosswalk_suggestions)


#: A heat-map as a slot node holds it: its file name, what its front-page entry says of it
#: (description, audience, plain name) and the arguments that draw it.
Heatmap = tuple[str, tuple[str, str, str], tuple]


@cost(80, at_100x=950)
def crosswalk_heatmaps(crosswalk_tables: dict[str, pd.DataFrame]) -> tuple[Heatmap, ...]:
    """Every heat-map a build draws, in order (``heatmap_specs``: at most ``MAX_HEATMAPS``)."""
    return tuple(
        (name, guide(name, tables=crosswalk_tables), grid)
        for name, grid in heatmap_specs(crosswalk_tables)
    )


@tag(key="value")
@parameterize(
    **{f"crosswalk_heatmap_{slot:02d}": {"slot": value(slot)} for slot in range(MAX_HEATMAPS)}
)
def crosswalk_heatmap(crosswalk_heatmaps: tuple[Heatmap, ...], slot: int) -> Any:
    """The heat-map in this slot of :func:`crosswalk_heatmaps` (``None`` when there are
    fewer): one node per heat-map, keyed by what it draws, so that a strength corrected in
    one framework redraws that framework's heat-map alone."""
    return crosswalk_heatmaps[slot] if slot < len(crosswalk_heatmaps) else None


# --- the literature search -----------------------------------------------------------------


@cost(10, at_100x=110)
def search_analysis(searches: Table) -> pd.DataFrame:
    """The searches parsed into facets and flags, with the working columns."""
    return search.search_analysis(searches)
