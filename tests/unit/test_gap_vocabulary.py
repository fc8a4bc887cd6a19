"""One definition of the gap map's statuses and channels: the page's CSS and legend, the PNG
and ``gaps.md`` all read ``workbench.gaps.STATUS_TERMS`` / ``CHANNEL_TERMS``, and a status
added to the table appears in each (the recipe for adding a status)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib import resources

import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Text

from workbench import gaps
from workbench.gaps import CHANNEL_TERMS, STATUS_TERMS, Term, analyse_gaps
from workbench.render import gap_map
from workbench.render.figures import OKABE_ITO, PALETTE


@pytest.fixture(scope="module")
def analysis(corpus):
    return analyse_gaps(corpus)


def page_style(html: str) -> str:
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    return style


def page_data(html: str) -> dict:
    (data,) = re.findall(
        r'<script type="application/json" id="gap-data">(.*?)</script>', html, re.S
    )
    return json.loads(data)


def test_statuses_take_okabe_ito_colours_and_channels_others():
    status = {PALETTE[t.colour].lower() for t in STATUS_TERMS}
    channel = {PALETTE[t.colour].lower() for t in CHANNEL_TERMS}
    assert status <= {c.lower() for c in OKABE_ITO.values()}
    assert len(status) == len(STATUS_TERMS) and len(channel) == len(CHANNEL_TERMS)
    assert not status & channel, "no channel shares a status colour"
    assert len({t.symbol for t in STATUS_TERMS}) == len(STATUS_TERMS)
    assert len({t.symbol for t in CHANNEL_TERMS}) == len(CHANNEL_TERMS)


def test_every_colour_of_the_page_comes_from_the_table(analysis):
    html = gap_map.render_gap_map_html(analysis)
    style = page_style(html)
    declared = dict(re.findall(r"--((?:status|channel)-[a-z_]+):(#[0-9A-Fa-f]{6})", style))
    expected = {f"status-{t.id}": PALETTE[t.colour] for t in STATUS_TERMS}
    expected |= {f"channel-{t.id}": PALETTE[t.colour] for t in CHANNEL_TERMS}
    assert declared == expected
    # the hand-written sheet names no status or channel colour: only the generated rules do
    sheet = resources.files("workbench.render").joinpath("assets", "gap_map.css").read_text()
    hexes = {h.lower() for h in re.findall(r"#[0-9A-Fa-f]{6}\b", sheet)}
    assert not hexes & {c.lower() for c in expected.values()}
    assert "--status-" not in sheet.replace("var(--status-", "")
    for t in STATUS_TERMS:
        assert f"td.s-{t.id}" in style and f"var(--status-{t.id})" in style
    data = page_data(html)
    assert [(s["id"], s["label"], s["symbol"]) for s in data["statuses"]] == [
        (t.id, t.label, t.symbol) for t in STATUS_TERMS
    ]
    assert [(c["id"], c["label"], c["symbol"]) for c in data["channels"]] == [
        (t.id, t.label, t.symbol) for t in CHANNEL_TERMS
    ]


def test_the_figure_fills_cells_and_legend_with_the_tables_colours(analysis):
    fig = gap_map.plot_gap_map(analysis)
    ax = fig.axes[0]
    (image,) = ax.images
    cmap = image.get_cmap()
    assert [to_hex(cmap(i)) for i in range(cmap.N)] == [
        PALETTE[t.colour].lower() for t in STATUS_TERMS
    ]
    legend = ax.get_legend()
    assert [to_hex(p.get_facecolor()) for p in legend.get_patches()] == [
        PALETTE[t.colour].lower() for t in STATUS_TERMS
    ]
    assert [t.get_text() for t in legend.get_texts()] == [
        f"{t.symbol}  {t.label}" for t in STATUS_TERMS
    ]


def test_the_figure_keeps_its_text_inside_and_its_dimension_names_apart(analysis):
    fig = gap_map.plot_gap_map(analysis)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    outside = [
        t.get_text()
        for t in texts
        if (box := t.get_window_extent(renderer)).x0 < -0.5
        or box.y0 < -0.5
        or box.x1 > width + 0.5
        or box.y1 > height + 0.5
    ]
    assert outside == []
    assert any(t.get_text().startswith("‘Honour’-based") for t in texts)
    names = {gap_map.dimension_label(analysis, d) for d in analysis.topics["dimension"]}
    headers = sorted(
        (
            t.get_window_extent(renderer)
            for t in fig.axes[0].texts
            if t.get_text().replace("\n", " ") in names
        ),
        key=lambda b: b.x0,
    )
    assert len(headers) == len(names)
    gaps_px = [b.x0 - a.x1 for a, b in zip(headers, headers[1:], strict=False)]
    assert min(gaps_px) >= 0.3 * fig.dpi, "neighbouring dimension names keep apart"


def test_the_register_names_statuses_by_their_labels(analysis):
    text = gap_map.render_gaps_markdown(analysis)
    labels = [t.label for t in STATUS_TERMS]
    assert "| level | " + " | ".join(labels) + " |" in text
    for t in STATUS_TERMS:
        assert f"**{t.label}** (`{t.id}`): {t.meaning}" in text
    headings = re.findall(r"^### \d+\. .*\(([a-z ]+)[,)]", text, re.M)
    assert headings and set(headings) <= {t.label.lower() for t in STATUS_TERMS}
    # ids with underscores appear only as code, never as words
    assert not re.search(r"(?<!`)\b(absolute_gap|practice_only)\b(?!`)", text)


#: A status a reviewer might add: cells the sources and the map dispute.
DISPUTED = Term(
    "disputed", "Disputed", "the sources and the map disagree", "?", "reddish_purple", "a dispute"
)


def with_disputed(analysis):
    """The analysis with Standard 1 × its first topic set to the new status."""
    cells = analysis.cells.copy()
    first = (cells["row_id"] == "standard:1") & (
        cells["topic_id"] == analysis.topics["topic_id"].iloc[0]
    )
    cells.loc[first, "status"] = "disputed"
    return replace(analysis, cells=cells)


def test_a_status_added_to_the_table_appears_in_the_page_figure_and_register(analysis, monkeypatch):
    monkeypatch.setattr(gaps, "STATUS_TERMS", (*STATUS_TERMS, DISPUTED))
    disputed = with_disputed(analysis)
    html = gap_map.render_gap_map_html(disputed)
    assert f"--status-disputed:{OKABE_ITO['reddish_purple']}" in page_style(html)
    assert page_data(html)["statuses"][-1] == {
        "id": "disputed",
        "label": "Disputed",
        "symbol": "?",
        "description": "Disputed: the sources and the map disagree",
    }
    legend = gap_map.plot_gap_map(disputed).axes[0].get_legend()
    assert legend.get_texts()[-1].get_text() == "?  Disputed"
    assert to_hex(legend.get_patches()[-1].get_facecolor()) == OKABE_ITO["reddish_purple"].lower()
    register = gap_map.render_gaps_markdown(disputed)
    assert "| level | Absolute gap | Practice only | Thin | Covered | Disputed |" in register
    assert "**Disputed** (`disputed`)" in register
    # the ranked register lists the cell, its sentence saying it with the status's phrase
    ranked = gaps.gap_register(
        disputed.cells, disputed.rows, disputed.evidence, disputed.topics, disputed.thresholds
    )
    entry = ranked[ranked["status"] == "disputed"]
    assert len(entry) == 1 and entry["row_id"].item() == "standard:1"
    assert entry["sentence"].item().startswith("Standard 1 has a dispute on ")


def test_statuses_rank_in_the_order_of_the_table(analysis, monkeypatch):
    """A status put second in the table (after absolute gap) ranks second wherever statuses
    are ranked: among the register's standard gaps, and in a topic's tally of its
    standards' cells in the report against the sources' statements."""
    monkeypatch.setattr(gaps, "STATUS_TERMS", (STATUS_TERMS[0], DISPUTED, *STATUS_TERMS[1:]))
    order = [t.id for t in gaps.STATUS_TERMS]
    disputed = with_disputed(analysis)
    ranked = gaps.gap_register(
        disputed.cells, disputed.rows, disputed.evidence, disputed.topics, disputed.thresholds
    )
    statuses = ranked.loc[ranked["kind"] == "standard_gap", "status"].tolist()
    assert statuses == sorted(statuses, key=order.index)
    assert statuses.index("disputed") == statuses.count("absolute_gap")
    topic = analysis.topics["topic_id"].iloc[0]
    cells = disputed.cells
    counts = cells.loc[
        (cells["level"] == "standard") & (cells["topic_id"] == topic), "status"
    ].value_counts()
    labels = {t.id: t.label.lower() for t in gaps.STATUS_TERMS}
    tally = ", ".join(f"{labels[s]} under {counts[s]}" for s in order if s in counts)
    assert "disputed under 1" in tally
    stated = gaps.stated_gap_agreement(cells, disputed.marks, disputed.evidence)
    assert tally in set(stated.loc[stated["topic_id"] == topic, "status"])


def test_the_threshold_note_names_statuses_by_their_labels(analysis):
    note = gap_map.threshold_note(analysis)
    assert note.endswith("while its cell is absolute gap, practice only, thin.")
    assert "_" not in note


def test_a_dimensions_label_is_read_from_the_data_package(corpus):
    """The codebook's dimensions are named on the page and in the figure as the data package
    labels them (``x-enumLabels`` of ``codebook.dimension``): relabelling one there is the
    whole change."""
    import copy

    descriptor = copy.deepcopy(corpus.descriptor)
    codebook = next(r for r in descriptor["resources"] if r["name"] == "codebook")
    field = next(f for f in codebook["schema"]["fields"] if f["name"] == "dimension")
    assert field["x-enumLabels"]["delivery"] == "Delivery"
    field["x-enumLabels"]["delivery"] = "Mode of delivery"
    relabelled = analyse_gaps(replace(corpus, descriptor=descriptor))
    dimensions = page_data(gap_map.render_gap_map_html(relabelled))["dimensions"]
    assert {"id": "delivery", "label": "Mode of delivery"} in dimensions
    assert {"id": "co_occurring_needs", "label": "Co-occurring needs"} in dimensions
    topics = gap_map.gap_map_grid(relabelled)[2]
    assert set(topics.loc[topics["dimension"] == "delivery", "dimension_label"]) == {
        "Mode of delivery"
    }
    texts = [
        t.get_text().replace("\n", " ") for t in gap_map.plot_gap_map(relabelled).axes[0].texts
    ]
    assert "Mode of delivery" in texts


def test_every_kind_of_stated_gap_has_its_words(corpus):
    """The register's sentence for each kind of statement, keyed by the kinds the data
    package allows in ``stated_gaps.kind``: a kind added there and not here fails."""
    from workbench.works import field_enum

    assert set(gaps.STATED_KIND_WORDS) == set(field_enum(corpus.descriptor, "stated_gaps", "kind"))
