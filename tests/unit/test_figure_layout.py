"""Every figure of the workbench (but the gap map's, tested with it), drawn on the shipped
corpus, keeps all its text inside the figure, names things in words, and takes its colours
from the Okabe-Ito palette.

Text extents are measured with the Agg renderer after ``fig.canvas.draw()``, as the PNG is
drawn; nothing is written to disk.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Text

from workbench.crosswalk import RELATION_LABELS
from workbench.crosswalk_suggest import reviewed_frameworks, suggester_metrics
from workbench.graph import build_graph, evidence_counts, evidence_neighbourhood
from workbench.render import corpus_figures, crosswalk_figures, graph_figures, search_figures
from workbench.render.figures import GREY, LIGHT_GREY, OKABE_ITO, wrap_title
from workbench.search import design_audit, design_coverage, hits_by_facet, search_analysis

#: Colours a figure may use: the palette and the two neutral greys.
ALLOWED = {c.lower() for c in (*OKABE_ITO.values(), GREY, LIGHT_GREY)}
#: Half a pixel of rounding at the figure's edge is not clipping.
TOLERANCE = 0.5


def _figures(corpus):
    tables = corpus.tables
    names = dict(
        zip(tables["frameworks"]["framework_id"], tables["frameworks"]["name"], strict=True)
    )
    analysis = search_analysis(tables["searches"])
    graph = build_graph(corpus)
    yield "suggester", lambda: crosswalk_figures.suggester_figure(suggester_metrics(tables), names)
    for framework in reviewed_frameworks(tables):
        yield framework, lambda f=framework: crosswalk_figures.heatmap_figure(tables, f)
    yield "respect editions", lambda: crosswalk_figures.edition_heatmap_figure(tables)
    yield "hits by facet", lambda: search_figures.hits_by_facet_figure(hits_by_facet(analysis))
    yield (
        "design audit",
        lambda: search_figures.design_audit_figure(design_coverage(design_audit(analysis))),
    )
    yield (
        "collated standards",
        lambda: corpus_figures.collated_standards_figure(tables["collated_standards"]),
    )
    yield (
        "evidence by standard",
        lambda: graph_figures.evidence_by_standard_figure(evidence_counts(graph)),
    )
    yield "standard 7", lambda: graph_figures.draw_evidence_neighbourhood(graph, "standard:7")


@pytest.fixture(scope="module")
def drawn(corpus):
    figures = {}
    for name, draw in _figures(corpus):
        fig = draw()
        fig.canvas.draw()
        figures[name] = fig
    return figures


def _drawn_texts(fig) -> list[Text]:
    """Return the text artists the renderer drew: visible, non-empty, and for tick labels only
    those whose tick lies within the axis' view (matplotlib draws no others)."""
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


def test_the_figures_drawn_are_those_the_build_and_notebooks_show(drawn, corpus):
    # the shipped corpus reviews six frameworks against the guidelines (heat-maps of each)
    assert len(reviewed_frameworks(corpus.tables)) == 6
    assert len(drawn) == 6 + 7


@pytest.mark.parametrize(
    "name",
    [
        "suggester",
        "framework:csaap",
        "framework:maiuro_eberle_2008",
        "framework:respect:3ed",
        "framework:respect:4ed",
        "framework:vermont_values",
        "framework:welsh_vawdasv",
        "respect editions",
        "hits by facet",
        "design audit",
        "collated standards",
        "evidence by standard",
        "standard 7",
    ],
)
def test_every_text_lies_inside_the_figure(drawn, name):
    fig = drawn[name]
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    texts = _drawn_texts(fig)
    assert texts, "the figure has text"
    outside = []
    for text in texts:
        extent = text.get_window_extent(renderer)
        if (
            extent.x0 < box.x0 - TOLERANCE
            or extent.y0 < box.y0 - TOLERANCE
            or extent.x1 > box.x1 + TOLERANCE
            or extent.y1 > box.y1 + TOLERANCE
        ):
            outside.append((text.get_text(), [round(v) for v in extent.extents]))
    assert not outside, f"text outside the {box.width:.0f}×{box.height:.0f} px figure: {outside}"


def test_the_long_titles_once_clipped_are_whole_and_inside(drawn):
    # these three titles ran off the right edge ("…System Accour", "…of US stan", no ")")
    for name, ending in (
        ("framework:vermont_values", "Accountability"),
        ("framework:maiuro_eberle_2008", "US standards"),
        ("respect editions", "(columns)"),
    ):
        title = drawn[name].axes[0].get_title(loc="left")
        assert title.replace("\n", " ").endswith(ending), title


def test_heatmap_legends_name_relations_in_words_and_explain_the_label_colours(drawn):
    legend = drawn["framework:csaap"].axes[0].get_legend()
    texts = {t.get_text().replace("\n", " "): to_hex(t.get_color()) for t in legend.get_texts()}
    assert set(RELATION_LABELS.values()) <= set(texts)
    assert not any("_" in text for text in texts), "no raw ids such as intersects_with"
    grey = [text for text in texts if text.startswith("grey label")]
    assert grey == ["grey label: checked, not related or out of scope"]
    assert texts[grey[0]] == GREY.lower()
    # every guideline of the shipped corpus is reviewed against CSAAP: no "not yet reviewed"
    assert not any("not yet reviewed" in text for text in texts)
    edition = drawn["respect editions"].axes[0].get_legend()
    assert "grey label: no counterpart in the other edition" in {
        t.get_text().replace("\n", " ") for t in edition.get_texts()
    }


def test_grey_labels_are_exactly_the_elements_checked_and_not_related(drawn, corpus):
    # CSAAP's items 6a and 7a are checked and not related (disposition table): grey, the rest not
    dispositions = corpus["crosswalk_dispositions"]
    expected = set(
        dispositions.loc[
            (dispositions["framework_id"] == "framework:csaap")
            & dispositions["element_id"].str.startswith("framework_item")
            & dispositions["disposition"].isin(["not_related", "out_of_scope"]),
            "element_id",
        ]
        .str.rsplit(":", n=1)
        .str[-1]
    )
    assert expected == {"6a", "7a"}
    ax = drawn["framework:csaap"].axes[0]
    grey = {
        label.get_text().split(" ", 1)[0]
        for label in ax.get_xticklabels()
        if to_hex(label.get_color()) == GREY.lower()
    }
    assert grey == expected


def test_suggester_figure_uses_the_palette_names_frameworks_and_labels_chance(drawn, corpus):
    fig = drawn["suggester"]
    legend_texts = [t.get_text().replace("\n", " ") for t in fig.legends[0].get_texts()]
    assert "chance: items picked at random (pooled)" in legend_texts
    assert "all frameworks (pooled)" in legend_texts
    assert "Respect Principles and Standards (3rd edition)" in legend_texts
    assert not any(re.search(r"framework:|_", text) for text in legend_texts), legend_texts
    for ax in fig.axes:
        for line in ax.get_lines():
            assert to_hex(line.get_color()) in ALLOWED, line.get_label()
    # six frameworks, six different colours
    curves = {to_hex(line.get_color()) for line in fig.axes[0].get_lines()}
    assert len(curves) == 6 + 2  # and the pooled (black) and chance (grey) lines


@pytest.mark.parametrize(
    "name", ["hits by facet", "collated standards", "evidence by standard", "standard 7"]
)
def test_bars_and_nodes_take_palette_colours(drawn, name):
    fig = drawn[name]
    colours = set()
    for ax in fig.axes:
        for patch in ax.patches:
            colours.add(to_hex(patch.get_facecolor()))
        for collection in ax.collections:
            colours.update(to_hex(c) for c in np.atleast_2d(collection.get_facecolor()))
    assert colours and colours <= ALLOWED, colours - ALLOWED


def test_wrap_title_breaks_at_words_within_the_width():
    title = "Guidelines × Vermont’s Values for Community and System Accountability"
    # 4 inches at 9 pt hold 4 * 72 / (0.6 * 9) = 53 characters a line; "... and System" is 54
    assert wrap_title(title, 4, 9) == (
        "Guidelines × Vermont’s Values for Community and\nSystem Accountability"
    )
    assert wrap_title("Short", 4, 9) == "Short"


def test_evidence_neighbourhood_holds_standard_7_its_guidelines_and_its_evidence(corpus):
    # Standard 7 (lines 345-371 of the report): guidelines 7.1-7.4; its narrative (359-371)
    # cites Gray et al. 2020, Morrison et al. 2019a, Nicholas et al. 2020, Tolman 2001 and
    # Westmarland and Zilkova 2022, and quotes roundtables 2 and 5. Bonta and Andrews 2017
    # (line 371) is the entry the reference list dates 2016: it counts for ref:bonta2016.
    # Westmarland et al. 2010 resolves to no entry (citation audit), so it is not a node.
    around = evidence_neighbourhood(build_graph(corpus), "standard:7")
    assert sorted(around) == sorted(
        [
            "standard:7",
            "guideline:7.1",
            "guideline:7.2",
            "guideline:7.3",
            "guideline:7.4",
            "narrative:standard:7",
            "roundtable:2",
            "roundtable:5",
            "ref:bonta2016",
            "ref:gray2020",
            "ref:morrison2019a",
            "ref:nicholas2020",
            "ref:tolman2001",
            "ref:westmarland2022",
        ]
    )
    with pytest.raises(KeyError):
        evidence_neighbourhood(build_graph(corpus), "standard:99")


@pytest.mark.parametrize("name", ["evidence by standard", "suggester", "framework:csaap"])
def test_legends_cover_no_data(drawn, name):
    fig = drawn[name]
    renderer = fig.canvas.get_renderer()
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    assert legends
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            assert not box.overlaps(ax.get_window_extent(renderer)), "legend over the plot"
