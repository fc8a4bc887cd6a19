"""Figures of the literature search: hits per facet (log scale) and the design audit grid.

Figures are drawn without pyplot (``render.figures.new_figure``), with matplotlib imported only
when one is drawn; PNGs are saved with fixed dpi and no software metadata, so rebuilds are
identical.
"""

from __future__ import annotations

import pandas as pd

from workbench.render.figures import OKABE_ITO, new_figure
from workbench.render.figures import figure_png as figure_png  # re-exported for notebooks


def hits_by_facet_figure(facet_hits: pd.DataFrame):
    """Return a figure with one bar panel per facet: hits per value on a symmetric log scale.

    The scale is logarithmic because the counts span 0 to tens of thousands; ``symlog`` keeps
    values of zero visible at the left edge.

    Args:
        facet_hits: the table from ``workbench.search.hits_by_facet``.
    """
    facets = list(dict.fromkeys(facet_hits["facet"]))
    heights = [len(facet_hits[facet_hits["facet"] == f]) for f in facets]
    fig = new_figure(figsize=(8, 0.32 * sum(heights) + 0.9 * len(facets)))
    axes = fig.subplots(len(facets), 1, gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, facet in zip(axes[:, 0], facets, strict=True):
        part = facet_hits[facet_hits["facet"] == facet].iloc[::-1]
        labels = [f"{v} ({n})" for v, n in zip(part["value"], part["searches"], strict=True)]
        ax.barh(labels, part["hits"], color=OKABE_ITO["blue"])
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(0, 10**5.5)
        ax.set_title(facet.replace("_", " "), loc="left", fontsize=10)
        ax.tick_params(labelsize=8)
        for y, hits in enumerate(part["hits"]):
            ax.text(max(hits, 1) * 1.15, y, f"{hits:,}", va="center", fontsize=7)
    axes[-1, 0].set_xlabel("hits summed over searches (log scale); (n) = searches")
    fig.tight_layout()
    return fig


def design_audit_figure(coverage: pd.DataFrame):
    """Return a grid of family × noun (rows) by qualifier (columns), shaded by spellings run.

    Each cell reads ``run/possible``: how many of the spelling variants of that combination
    the search ran; empty cells are combinations never run.

    Args:
        coverage: the table from ``workbench.search.design_coverage``.
    """
    table = coverage.assign(row=coverage["family"] + " × " + coverage["noun"])
    rows = list(dict.fromkeys(table["row"]))
    cols = list(dict.fromkeys(table["qualifier"]))
    share = table.pivot(index="row", columns="qualifier", values="run").reindex(
        index=rows, columns=cols
    ) / table.pivot(index="row", columns="qualifier", values="possible").reindex(
        index=rows, columns=cols
    )
    fig = new_figure(figsize=(8.5, 0.34 * len(rows) + 1.6))
    ax = fig.subplots()
    image = ax.imshow(share.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for record in table.itertuples(index=False):
        y, x = rows.index(record.row), cols.index(record.qualifier)
        text = f"{record.run}/{record.possible}" if record.run else "·"
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=7,
            color="white" if record.run / record.possible > 0.6 else "#333333",
        )
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_title(
        "Search design: spelling variants run / possible (· never run)", fontsize=10, loc="left"
    )
    fig.colorbar(image, ax=ax, fraction=0.03, label="share run")
    fig.tight_layout()
    return fig
