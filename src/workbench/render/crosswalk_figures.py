"""Figures of the crosswalk: a heat-map per framework and the suggester's precision and recall.

Each heat-map puts the guidelines in rows and the framework's items in columns; a cell is
coloured by the NIST IR 8477 relation of the curated row (if any) and shows its strength.
Guidelines checked and found not related to the framework have grey labels. matplotlib is
imported inside each function (Agg backend); PNGs are saved with fixed dpi and no software
metadata, so rebuilds are byte-identical.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.cache import shared
from workbench.crosswalk import elements, sort_elements
from workbench.render.figures import cached_png, pyplot
from workbench.render.figures import figure_png as figure_png  # re-exported for notebooks

#: A heat-map of more guidelines than this is not drawn: nobody reads it, and at 0.26 inch a
#: row it would outgrow the largest PNG matplotlib writes. The coverage table holds the data.
MAX_HEATMAP_ROWS = 400
#: At most this many heat-maps are drawn per build (frameworks in id order, then editions);
#: ``heatmap_figure`` draws any other on demand, e.g. in the crosswalk notebook.
MAX_HEATMAPS = 12
#: With more frameworks than this, the suggester figure shows the pooled curves only.
MAX_FRAMEWORK_CURVES = 12

#: Colour of each relation in the heat-maps (colour-blind-safe Okabe-Ito hues).
RELATION_COLOURS = {
    "equal": "#0072B2",
    "subset_of": "#56B4E9",
    "superset_of": "#CC79A7",
    "intersects_with": "#E69F00",
    "not_related": "#BBBBBB",
}
WHOLE_FRAMEWORK = "(whole framework)"



def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def heatmap_matrix(tables: dict[str, pd.DataFrame], framework_id: str) -> pd.DataFrame:
    """Return the relation of every guideline (rows) to every item of a framework (columns).

    Cells hold the relation name or ``None``; a last column ``(whole framework)`` appears when
    a guideline names the framework as a whole. For the edition mapping pass the target
    edition with ``tables`` as usual: rows are then the guidelines all the same.
    """
    known = shared(tables, elements)
    items = sort_elements(known.loc[(known["kind"] == "framework_item")
                                    & (known["framework_id"] == framework_id), "element_id"])
    guidelines = list(tables["guidelines"]["guideline_id"])
    crosswalk = tables["crosswalk"]
    mine = crosswalk[(crosswalk["framework_id"] == framework_id)
                     & crosswalk["focal_id"].isin(guidelines)]
    dispositions = tables["crosswalk_dispositions"]
    reviewed = set(mine["focal_id"]) | set(
        dispositions.loc[dispositions["framework_id"] == framework_id, "element_id"])
    if reviewed & set(guidelines):  # rows: the guidelines reviewed against this framework
        guidelines = [g for g in guidelines if g in reviewed]
    columns = items + ([WHOLE_FRAMEWORK] if (mine["reference_id"] == framework_id).any() else [])
    matrix = pd.DataFrame(None, index=guidelines, columns=columns, dtype=object)
    strength = pd.DataFrame(None, index=guidelines, columns=columns, dtype=object)
    for record in mine.to_dict("records"):
        column = WHOLE_FRAMEWORK if record["reference_id"] == framework_id else (
            record["reference_id"])
        matrix.at[record["focal_id"], column] = record["relation"]
        strength.at[record["focal_id"], column] = int(record["strength"])
    matrix.attrs["strength"] = strength
    return matrix


def heatmap_figure(tables: dict[str, pd.DataFrame], framework_id: str):
    """Return a figure: guidelines × items of ``framework_id``, coloured by relation.

    Cell text is the OLIR strength. Guideline (and item) labels are grey where the element was
    checked and found not related or out of scope, red where a guideline is unreviewed.
    """
    return _relation_grid(*heatmap_grid(tables, framework_id))


def heatmap_grid(tables: dict[str, pd.DataFrame], framework_id: str) -> tuple:
    """Return what ``heatmap_figure`` draws: the arguments of ``_relation_grid``."""
    matrix = heatmap_matrix(tables, framework_id)
    known = shared(tables, elements).set_index("element_id")
    dispositions = tables["crosswalk_dispositions"].set_index(["element_id", "framework_id"])
    row_colours = [_disposition_colour(dispositions, g, framework_id, unreviewed=True)
                   for g in matrix.index]
    column_colours = [_disposition_colour(dispositions, i, framework_id) for i in matrix.columns]
    columns = [c if c == WHOLE_FRAMEWORK else
               f"{known.at[c, 'code']} {_short(known.at[c, 'label'])}" for c in matrix.columns]
    name = known.at[framework_id, "label"]
    return (matrix, [g.split(":", 1)[1] for g in matrix.index], columns, row_colours,
            column_colours, f"Guidelines × {_short(name, 60)}")


def edition_matrix(tables: dict[str, pd.DataFrame], source: str = "framework:respect:3ed",
                   target: str = "framework:respect:4ed") -> pd.DataFrame:
    """Return the edition mapping as a matrix: items of ``source`` (rows) × ``target`` (columns).

    Cells hold the relation read ``source item RELATION target item`` (rows recorded the other
    way round are inverted); ``attrs["strength"]`` holds the strengths.
    """
    from workbench.crosswalk import INVERSE

    known = shared(tables, elements)
    items = known[known["kind"] == "framework_item"]
    rows = sort_elements(items.loc[items["framework_id"] == source, "element_id"])
    columns = sort_elements(items.loc[items["framework_id"] == target, "element_id"])
    matrix = pd.DataFrame(None, index=rows, columns=columns, dtype=object)
    strength = pd.DataFrame(None, index=rows, columns=columns, dtype=object)
    for record in tables["crosswalk"].to_dict("records"):
        focal, reference, relation = (record["focal_id"], record["reference_id"],
                                      record["relation"])
        if focal in matrix.index and reference in matrix.columns:
            matrix.at[focal, reference] = relation
            strength.at[focal, reference] = int(record["strength"])
        elif reference in matrix.index and focal in matrix.columns:
            matrix.at[reference, focal] = INVERSE[relation]
            strength.at[reference, focal] = int(record["strength"])
    matrix.attrs["strength"] = strength
    return matrix


def edition_heatmap_figure(tables: dict[str, pd.DataFrame],
                           source: str = "framework:respect:3ed",
                           target: str = "framework:respect:4ed"):
    """Return a figure of the edition mapping: ``source`` items × ``target`` items by relation.

    Grey labels mark items with no counterpart in the other edition (dropped or new).
    """
    return _relation_grid(*edition_grid(tables, source, target))


def edition_grid(tables: dict[str, pd.DataFrame], source: str = "framework:respect:3ed",
                 target: str = "framework:respect:4ed") -> tuple:
    """Return what ``edition_heatmap_figure`` draws: the arguments of ``_relation_grid``."""
    matrix = edition_matrix(tables, source, target)
    known = shared(tables, elements).set_index("element_id")
    dispositions = tables["crosswalk_dispositions"].set_index(["element_id", "framework_id"])

    def label(item: str) -> str:
        return f"{known.at[item, 'code']} {_short(known.at[item, 'label'])}"

    return (matrix, [label(i) for i in matrix.index], [label(i) for i in matrix.columns],
            [_disposition_colour(dispositions, i, target) for i in matrix.index],
            [_disposition_colour(dispositions, i, source) for i in matrix.columns],
            f"{_short(known.at[source, 'label'], 50)} (rows) × "
            f"{_short(known.at[target, 'label'], 50)}", 3.0)


def _disposition_colour(dispositions: pd.DataFrame, element: str, framework: str,
                        unreviewed: bool = False) -> str:
    key = (element, framework)
    disposition = dispositions.at[key, "disposition"] if key in dispositions.index else None
    if disposition in ("not_related", "out_of_scope"):
        return "#999999"
    if unreviewed and disposition in (None, "unreviewed"):
        return "#D55E00"
    return "black"


def _relation_grid(matrix: pd.DataFrame, row_labels: list[str], column_labels: list[str],
                   row_colours: list[str], column_colours: list[str], title: str,
                   left: float = 1.3):
    """Draw a relation matrix (cells coloured by relation, strength written in each)."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    plt = pyplot()
    strength = matrix.attrs["strength"]
    relations = list(RELATION_COLOURS)
    codes = matrix.apply(lambda col: col.map(
        lambda r: relations.index(r) if isinstance(r, str) else -1)).to_numpy(dtype=float)
    rows, columns = matrix.shape
    # fixed margins in inches (left: row labels; bottom: column labels; right: legend)
    right, top, bottom = 1.8, 0.4, 2.3
    width, height = left + right + 0.42 * columns, top + bottom + 0.26 * rows
    fig, ax = plt.subplots(figsize=(width, height))
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height)
    ax.set_facecolor("white")
    ax.imshow(np.ma.masked_less(codes, 0), cmap=ListedColormap(list(RELATION_COLOURS.values())),
              vmin=-0.5, vmax=len(relations) - 0.5, aspect="auto", interpolation="nearest")
    for (row, col), value in np.ndenumerate(strength.to_numpy()):
        if value is not None and not pd.isna(value):
            ax.text(col, row, str(value), ha="center", va="center", fontsize=7, color="black")
    ax.set_xticks(range(columns))
    ax.set_xticklabels(column_labels, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(rows))
    ax.set_yticklabels(row_labels, fontsize=7)
    for label, colour in zip(ax.get_yticklabels(), row_colours, strict=True):
        label.set_color(colour)
    for label, colour in zip(ax.get_xticklabels(), column_colours, strict=True):
        label.set_color(colour)
    ax.vlines([x - 0.5 for x in range(1, columns)], -0.5, rows - 0.5, color="#eeeeee",
              linewidth=0.5)
    ax.hlines([y - 0.5 for y in range(1, rows)], -0.5, columns - 0.5, color="#eeeeee",
              linewidth=0.5)
    ax.set_title(title, loc="left", fontsize=9)
    ax.legend(handles=[Patch(color=c, label=r) for r, c in RELATION_COLOURS.items()],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False,
              title="relation (cell: strength)", title_fontsize=7)
    return fig


def edition_pairs(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """Return ``(source, target)`` edition pairs mapped in the crosswalk (source items focal)."""
    known = shared(tables, elements).set_index("element_id")
    crosswalk = tables["crosswalk"]
    focal_items = crosswalk[crosswalk["focal_id"].map(known["kind"]) == "framework_item"]
    pairs = zip(focal_items["focal_id"].map(known["framework_id"]), focal_items["framework_id"],
                strict=True)
    return sorted(set(pairs))


def _reviewed_rows(tables: dict[str, pd.DataFrame], framework_id: str) -> int:
    dispositions = tables["crosswalk_dispositions"]
    mine = dispositions[(dispositions["framework_id"] == framework_id)
                        & dispositions["element_id"].str.startswith("guideline:")]
    return len(mine)


def heatmap_path(out: Path, framework_id: str) -> Path:
    """Return the PNG path of a framework's heat-map (``crosswalk_heatmap_<slug>.png``)."""
    slug = framework_id.removeprefix("framework:").replace(":", "_")
    return Path(out) / f"crosswalk_heatmap_{slug}.png"


def write_heatmaps(tables: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """Write one heat-map PNG per framework reviewed against the guidelines, and one per edition
    mapping (``crosswalk_heatmap_respect_3ed_to_4ed.png``); return the paths.

    A framework reviewed against more than ``MAX_HEATMAP_ROWS`` guidelines gets no heat-map,
    and no more than ``MAX_HEATMAPS`` are drawn (the shipped corpus has 7).
    """
    from workbench.crosswalk_suggest import reviewed_frameworks

    written = []
    figures = [(heatmap_grid, (framework,), heatmap_path(out, framework))
               for framework in reviewed_frameworks(tables)]
    for source, target in edition_pairs(tables):
        slug = f"{source.removeprefix('framework:')}_to_{target.rsplit(':', 1)[-1]}"
        figures.append((edition_grid, (source, target),
                        Path(out) / f"crosswalk_heatmap_{slug.replace(':', '_')}.png"))
    for grid, args, path in figures[:MAX_HEATMAPS]:
        if grid is heatmap_grid and _reviewed_rows(tables, *args) > MAX_HEATMAP_ROWS:
            continue  # unreadable (and beyond a PNG's size); crosswalk_coverage.csv has it
        written.append(cached_png(path, _relation_grid, *grid(tables, *args)))
    return written


def suggester_figure(metrics: pd.DataFrame):
    """Return a figure of the suggester's precision and recall at k, per framework and pooled.

    Args:
        metrics: the table from ``workbench.crosswalk_suggest.suggester_metrics``.
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), sharey=True)
    for ax, measure in zip(axes, ("precision", "recall"), strict=True):
        many = metrics["framework_id"].nunique() - 1 > MAX_FRAMEWORK_CURVES
        for framework, part in metrics.groupby("framework_id", sort=True):
            pooled = framework == "all"
            if many and not pooled:
                continue
            ax.plot(part["k"].astype(int), part[measure], marker="o",
                    linewidth=2.5 if pooled else 1, color="black" if pooled else None,
                    label=framework.removeprefix("framework:"))
        if measure == "precision":
            pooled = metrics[metrics["framework_id"] == "all"]
            ax.plot(pooled["k"].astype(int), pooled["random_precision"], linestyle=":",
                    color="grey", label="random (pooled)")
        ax.set_xlabel("k (candidates per guideline)")
        ax.set_title(f"{measure} at k", loc="left", fontsize=10)
        ax.set_ylim(0, 1)
        ax.set_xticks(sorted(metrics["k"].astype(int).unique()))
    axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    fig.tight_layout()
    return fig


def write_suggester_figure(metrics: pd.DataFrame, path: Path) -> Path:
    """Write ``suggester_figure`` to ``path`` (PNG); return the path."""
    return cached_png(path, suggester_figure, metrics)

