"""Figures of the crosswalk: a heat-map per framework and the suggester's precision and recall.

Each heat-map puts the guidelines in rows and the framework's items in columns; a cell is
coloured by the NIST IR 8477 relation of the curated row (if any) and shows its strength.
Guidelines checked and found not related to the framework have grey labels, and the legend
says so in words. Figures are drawn without pyplot (``render.figures.new_figure``) in the
Okabe-Ito palette; PNGs are saved with fixed dpi and no software metadata, so rebuilds are
byte-identical.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.crosswalk import INVERSE, RELATION_LABELS, elements, sort_elements
from workbench.crosswalk_suggest import reviewed_frameworks
from workbench.render.figures import (
    CATEGORY_COLOURS,
    GREY,
    LIGHT_GREY,
    OKABE_ITO,
    new_figure,
    wrap_title,
)
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
    "equal": OKABE_ITO["blue"],
    "subset_of": OKABE_ITO["sky_blue"],
    "superset_of": OKABE_ITO["reddish_purple"],
    "intersects_with": OKABE_ITO["orange"],
    "not_related": LIGHT_GREY,
}
#: Font size of figure titles.
TITLE_SIZE = 9
WHOLE_FRAMEWORK = "(whole framework)"


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def heatmap_matrix(tables: dict[str, pd.DataFrame], framework_id: str) -> pd.DataFrame:
    """Return the relation of every guideline (rows) to every item of a framework (columns).

    Cells hold the relation name or ``None``; a last column ``(whole framework)`` appears when
    a guideline names the framework as a whole. For the edition mapping pass the target
    edition with ``tables`` as usual: rows are then the guidelines all the same.
    """
    known = elements(tables)
    items = sort_elements(
        known.loc[
            (known["kind"] == "framework_item") & (known["framework_id"] == framework_id),
            "element_id",
        ]
    )
    guidelines = list(tables["guidelines"]["guideline_id"])
    crosswalk = tables["crosswalk"]
    mine = crosswalk[
        (crosswalk["framework_id"] == framework_id) & crosswalk["focal_id"].isin(guidelines)
    ]
    dispositions = tables["crosswalk_dispositions"]
    reviewed = set(mine["focal_id"]) | set(
        dispositions.loc[dispositions["framework_id"] == framework_id, "element_id"]
    )
    if reviewed & set(guidelines):  # rows: the guidelines reviewed against this framework
        guidelines = [g for g in guidelines if g in reviewed]
    columns = items + ([WHOLE_FRAMEWORK] if (mine["reference_id"] == framework_id).any() else [])
    matrix = pd.DataFrame(None, index=guidelines, columns=columns, dtype=object)
    strength = pd.DataFrame(None, index=guidelines, columns=columns, dtype=object)
    for record in mine.to_dict("records"):
        column = (
            WHOLE_FRAMEWORK if record["reference_id"] == framework_id else (record["reference_id"])
        )
        matrix.at[record["focal_id"], column] = record["relation"]
        strength.at[record["focal_id"], column] = int(record["strength"])
    matrix.attrs["strength"] = strength
    return matrix


def heatmap_figure(tables: dict[str, pd.DataFrame], framework_id: str):
    """Return a figure: guidelines × items of ``framework_id``, coloured by relation.

    Cell text is the OLIR strength. Guideline (and item) labels are grey where the element was
    checked and found not related or out of scope, vermillion where a guideline is
    unreviewed; the legend says so.
    """
    return _relation_grid(*heatmap_grid(tables, framework_id))


def heatmap_grid(tables: dict[str, pd.DataFrame], framework_id: str) -> tuple:
    """Return what ``heatmap_figure`` draws: the arguments of ``_relation_grid``."""
    matrix = heatmap_matrix(tables, framework_id)
    known = elements(tables).set_index("element_id")
    dispositions = tables["crosswalk_dispositions"].set_index(["element_id", "framework_id"])
    row_colours = [
        _disposition_colour(dispositions, g, framework_id, unreviewed=True) for g in matrix.index
    ]
    column_colours = [_disposition_colour(dispositions, i, framework_id) for i in matrix.columns]
    columns = [
        c if c == WHOLE_FRAMEWORK else f"{known.at[c, 'code']} {_short(known.at[c, 'label'])}"
        for c in matrix.columns
    ]
    name = known.at[framework_id, "label"]
    return (
        matrix,
        [g.split(":", 1)[1] for g in matrix.index],
        columns,
        row_colours,
        column_colours,
        f"Guidelines × {name}",
        _label_key(row_colours + column_colours, DISPOSITION_KEY),
    )


def edition_matrix(
    tables: dict[str, pd.DataFrame],
    source: str = "framework:respect:3ed",
    target: str = "framework:respect:4ed",
) -> pd.DataFrame:
    """Return the edition mapping as a matrix: items of ``source`` (rows) × ``target`` (columns).

    Cells hold the relation read ``source item RELATION target item`` (rows recorded the other
    way round are inverted); ``attrs["strength"]`` holds the strengths.
    """
    known = elements(tables)
    items = known[known["kind"] == "framework_item"]
    rows = sort_elements(items.loc[items["framework_id"] == source, "element_id"])
    columns = sort_elements(items.loc[items["framework_id"] == target, "element_id"])
    matrix = pd.DataFrame(None, index=rows, columns=columns, dtype=object)
    strength = pd.DataFrame(None, index=rows, columns=columns, dtype=object)
    for record in tables["crosswalk"].to_dict("records"):
        focal, reference, relation = (
            record["focal_id"],
            record["reference_id"],
            record["relation"],
        )
        if focal in matrix.index and reference in matrix.columns:
            matrix.at[focal, reference] = relation
            strength.at[focal, reference] = int(record["strength"])
        elif reference in matrix.index and focal in matrix.columns:
            matrix.at[reference, focal] = INVERSE[relation]
            strength.at[reference, focal] = int(record["strength"])
    matrix.attrs["strength"] = strength
    return matrix


def edition_heatmap_figure(
    tables: dict[str, pd.DataFrame],
    source: str = "framework:respect:3ed",
    target: str = "framework:respect:4ed",
):
    """Return a figure of the edition mapping: ``source`` items × ``target`` items by relation.

    Grey labels mark items with no counterpart in the other edition (dropped or new); the
    legend says so.
    """
    return _relation_grid(*edition_grid(tables, source, target))


def edition_grid(
    tables: dict[str, pd.DataFrame],
    source: str = "framework:respect:3ed",
    target: str = "framework:respect:4ed",
) -> tuple:
    """Return what ``edition_heatmap_figure`` draws: the arguments of ``_relation_grid``."""
    matrix = edition_matrix(tables, source, target)
    known = elements(tables).set_index("element_id")
    dispositions = tables["crosswalk_dispositions"].set_index(["element_id", "framework_id"])

    def label(item: str) -> str:
        return f"{known.at[item, 'code']} {_short(known.at[item, 'label'])}"

    row_colours = [_disposition_colour(dispositions, i, target) for i in matrix.index]
    column_colours = [_disposition_colour(dispositions, i, source) for i in matrix.columns]
    return (
        matrix,
        [label(i) for i in matrix.index],
        [label(i) for i in matrix.columns],
        row_colours,
        column_colours,
        f"{known.at[source, 'label']} (rows) × {known.at[target, 'label']} (columns)",
        _label_key(row_colours + column_colours, EDITION_KEY),
        3.0,
    )


#: Colour of a guideline's or item's label: checked and found not related (or out of
#: scope), and a guideline not yet reviewed against the framework.
MUTED_LABEL = GREY
UNREVIEWED_LABEL = OKABE_ITO["vermillion"]
#: What a label's colour means, in the legend of a framework's heat-map and of the edition map.
DISPOSITION_KEY = (
    (MUTED_LABEL, "grey label: checked, not related or out of scope"),
    (UNREVIEWED_LABEL, "vermillion label: not yet reviewed"),
)
EDITION_KEY = ((MUTED_LABEL, "grey label: no counterpart in the other edition"),)


def _label_key(colours: list[str], key: tuple[tuple[str, str], ...]) -> tuple:
    """Return the entries of ``key`` whose colour some label has (the legend shows no more)."""
    return tuple(entry for entry in key if entry[0] in colours)


def _disposition_colour(
    dispositions: pd.DataFrame, element: str, framework: str, unreviewed: bool = False
) -> str:
    key = (element, framework)
    disposition = dispositions.at[key, "disposition"] if key in dispositions.index else None
    if disposition in ("not_related", "out_of_scope"):
        return MUTED_LABEL
    if unreviewed and disposition in (None, "unreviewed"):
        return UNREVIEWED_LABEL
    return OKABE_ITO["black"]


def _relation_grid(
    matrix: pd.DataFrame,
    row_labels: list[str],
    column_labels: list[str],
    row_colours: list[str],
    column_colours: list[str],
    title: str,
    label_key: tuple = (),
    left: float = 1.3,
):
    """Draw a relation matrix (cells coloured by relation, strength written in each).

    The legend names the relations in words (``RELATION_LABELS``) and says what the label
    colours in ``label_key`` mean; the title is wrapped to the figure's width.
    """
    from matplotlib.colors import ListedColormap  # matplotlib loads on the first figure
    from matplotlib.patches import Patch

    strength = matrix.attrs["strength"]
    relations = list(RELATION_COLOURS)
    codes = matrix.apply(
        lambda col: col.map(lambda r: relations.index(r) if isinstance(r, str) else -1)
    ).to_numpy(dtype=float)
    rows, columns = matrix.shape
    # fixed margins in inches (left: row labels; bottom: column labels; right: legend)
    right, bottom = 2.0, 2.3
    width = left + right + 0.42 * columns
    title = wrap_title(title, width - left - 0.15, TITLE_SIZE)
    top = 0.2 + 0.17 * (title.count("\n") + 1)
    height = top + bottom + 0.26 * rows
    fig = new_figure(figsize=(width, height))
    ax = fig.subplots()
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
    )
    ax.set_facecolor("white")
    ax.imshow(
        np.ma.masked_less(codes, 0),
        cmap=ListedColormap(list(RELATION_COLOURS.values())),
        vmin=-0.5,
        vmax=len(relations) - 0.5,
        aspect="auto",
        interpolation="nearest",
    )
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
    ax.vlines(
        [x - 0.5 for x in range(1, columns)], -0.5, rows - 0.5, color="#eeeeee", linewidth=0.5
    )
    ax.hlines(
        [y - 0.5 for y in range(1, rows)], -0.5, columns - 0.5, color="#eeeeee", linewidth=0.5
    )
    ax.set_title(title, loc="left", fontsize=TITLE_SIZE)
    handles = [Patch(color=c, label=RELATION_LABELS[r]) for r, c in RELATION_COLOURS.items()]
    handles += [
        Patch(color="none", label=wrap_title(text, right - 0.3, 7)) for _, text in label_key
    ]
    legend = ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=7,
        frameon=False,
        title="relation (cell: strength 0-10)",
        title_fontsize=7,
        alignment="left",
    )
    for text, (colour, _) in zip(
        legend.get_texts()[len(RELATION_COLOURS) :], label_key, strict=True
    ):
        text.set_color(colour)
    return fig


def edition_pairs(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """Return ``(source, target)`` edition pairs mapped in the crosswalk (source items focal)."""
    known = elements(tables).set_index("element_id")
    crosswalk = tables["crosswalk"]
    focal_items = crosswalk[crosswalk["focal_id"].map(known["kind"]) == "framework_item"]
    pairs = zip(
        focal_items["focal_id"].map(known["framework_id"]), focal_items["framework_id"], strict=True
    )
    return sorted(set(pairs))


def _reviewed_rows(tables: dict[str, pd.DataFrame], framework_id: str) -> int:
    dispositions = tables["crosswalk_dispositions"]
    mine = dispositions[
        (dispositions["framework_id"] == framework_id)
        & dispositions["element_id"].str.startswith("guideline:")
    ]
    return len(mine)


def heatmap_path(out: Path, framework_id: str) -> Path:
    """Return the PNG path of a framework's heat-map (``crosswalk_heatmap_<slug>.png``)."""
    slug = framework_id.removeprefix("framework:").replace(":", "_")
    return Path(out) / f"crosswalk_heatmap_{slug}.png"


def _heatmap_candidates(tables: dict[str, pd.DataFrame]) -> list[tuple[Any, tuple[str, ...], str]]:
    """Every heat-map the crosswalk calls for, in order: the grid function, its arguments and
    the file name (one per framework reviewed against the guidelines, then one per edition
    mapping)."""
    figures: list[tuple[Any, tuple[str, ...], str]] = [
        (heatmap_grid, (framework,), heatmap_path(Path("."), framework).name)
        for framework in reviewed_frameworks(tables)
    ]
    for source, target in edition_pairs(tables):
        slug = f"{source.removeprefix('framework:')}_to_{target.rsplit(':', 1)[-1]}"
        figures.append(
            (edition_grid, (source, target), f"crosswalk_heatmap_{slug.replace(':', '_')}.png")
        )
    return figures


def heatmap_specs(tables: dict[str, pd.DataFrame]) -> list[tuple[str, tuple]]:
    """Return the heat-maps to draw: the file name of each and the arguments of
    :func:`_relation_grid` (:func:`relation_grid_figure`) that draw it.

    One heat-map per framework reviewed against the guidelines, and one per edition mapping
    (``crosswalk_heatmap_respect_3ed_to_4ed.png``). A framework reviewed against more than
    ``MAX_HEATMAP_ROWS`` guidelines gets no heat-map, and no more than ``MAX_HEATMAPS`` are
    drawn (the shipped corpus has 7): :func:`undrawn_heatmaps` names the others, and the
    front page lists them.
    """
    specs = []
    for grid, args, name in _heatmap_candidates(tables)[:MAX_HEATMAPS]:
        if grid is heatmap_grid and _reviewed_rows(tables, *args) > MAX_HEATMAP_ROWS:
            continue  # unreadable (and beyond a PNG's size); crosswalk_coverage.csv has it
        specs.append((name, grid(tables, *args)))
    return specs


def undrawn_heatmaps(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """Return the heat-maps the crosswalk calls for that a build does not draw, each with
    why: ``(file name, reason)``, in order."""
    undrawn = []
    for i, (grid, args, name) in enumerate(_heatmap_candidates(tables)):
        if i >= MAX_HEATMAPS:
            undrawn.append((name, f"a build draws at most {MAX_HEATMAPS} heat-maps"))
        elif grid is heatmap_grid and _reviewed_rows(tables, *args) > MAX_HEATMAP_ROWS:
            undrawn.append((name, f"reviewed against more than {MAX_HEATMAP_ROWS} guidelines"))
    return undrawn


def relation_grid_figure(*grid: Any):
    """Return the heat-map figure of a grid from :func:`heatmap_specs`."""
    return _relation_grid(*grid)


#: Marker of each framework's curve, cycled with the colours so that every curve differs in
#: shape as well as in colour.
CURVE_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
POOLED_LABEL = "all frameworks (pooled)"
CHANCE_LABEL = "chance: items picked at random (pooled)"


def suggester_figure(metrics: pd.DataFrame, names: dict[str, str] | None = None):
    """Return a figure of the suggester's precision and recall at k, per framework and pooled.

    Curves take Okabe-Ito colours and distinct markers; the pooled curve is black and thick,
    and the dotted grey line is the precision of picking items at random, as the legend says.

    Args:
        metrics: the table from ``workbench.crosswalk_suggest.suggester_metrics``.
        names: framework id → the name to show in the legend (e.g. ``frameworks.csv``'s
            ``name``); an id not in it is shown without its ``framework:`` prefix.
    """
    names = names or {}
    fig = new_figure(figsize=(10, 3.8), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    many = metrics["framework_id"].nunique() - 1 > MAX_FRAMEWORK_CURVES
    frameworks = sorted(f for f in metrics["framework_id"].unique() if f != "all")
    shown = [] if many else frameworks
    for ax, measure in zip(axes, ("precision", "recall"), strict=True):
        for i, framework in enumerate(shown):
            part = metrics[metrics["framework_id"] == framework]
            label = textwrap.fill(names.get(framework, framework.removeprefix("framework:")), 34)
            ax.plot(
                part["k"].astype(int),
                part[measure],
                linewidth=1,
                marker=CURVE_MARKERS[i % len(CURVE_MARKERS)],
                color=CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)],
                label=label,
            )
        pooled = metrics[metrics["framework_id"] == "all"]
        ax.plot(
            pooled["k"].astype(int),
            pooled[measure],
            marker="o",
            linewidth=2.5,
            color=OKABE_ITO["black"],
            label=POOLED_LABEL,
        )
        if measure == "precision":
            ax.plot(
                pooled["k"].astype(int),
                pooled["random_precision"],
                linestyle=":",
                linewidth=1.5,
                color=GREY,
                label=CHANCE_LABEL,
            )
        ax.set_xlabel("k (candidates per guideline)")
        ax.set_title(f"{measure.capitalize()} at k", loc="left", fontsize=10)
        ax.set_ylim(0, 1)
        ax.set_xticks(sorted(metrics["k"].astype(int).unique()))
    axes[0].set_ylabel("share")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=7, frameon=False)
    return fig
