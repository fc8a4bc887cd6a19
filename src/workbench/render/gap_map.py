"""Render the gap analysis: ``gap_map.html`` (offline, interactive), ``.png``, ``.csv``, ``.md``.

The HTML page is one self-contained file: the template, style sheet and script under
``render/assets/`` are inlined at build time and the data travels as inline JSON in which
``<``, ``>`` and ``&`` are escaped, so no string from the corpus can close the script element.
The script builds the page with ``textContent`` only, and the page's Content-Security-Policy
forbids every network request and runs only the inline style and script whose SHA-256 it
names (computed from their exact bytes at render time).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import asdict
from importlib import resources
from typing import Any

import pandas as pd

from workbench import gaps
from workbench.evidence import UK, is_evaluation
from workbench.frames import row_dicts, row_tuples
from workbench.gaps import (
    STATED_KIND_WORDS,
    WORK_CHANNELS,
    GapAnalysis,
    Term,
    lines_text,
    status_label,
)
from workbench.render.csp import csp_source
from workbench.render.figures import colour, ink_on, new_figure, wrap_title
from workbench.render.markdown import escape_markdown
from workbench.render.sources import location_link

#: The Markdown escaper under the name the gap map's writers use.
markdown_text = escape_markdown

#: The design classes the map filters on: evaluations (any ``evaluation_...`` design) or not.
DESIGN_CLASSES: tuple[tuple[str, str], ...] = (
    ("evaluation", "Evaluations"),
    ("other", "Other designs"),
)
#: The country classes the map filters on.
COUNTRY_CLASSES: tuple[tuple[str, str], ...] = (
    ("uk", "UK"),
    ("elsewhere", "Elsewhere"),
    ("unknown", "Country unknown"),
)
#: Marker of a cell, row or topic on which the sources state a gap (page and figure).
STATED_SYMBOL = "◆"


def status_terms() -> tuple[Term, ...]:
    """The statuses the page, figure and register show: ``workbench.gaps.STATUS_TERMS``, read
    when called (so a status added to the table appears everywhere)."""
    return gaps.STATUS_TERMS


def channel_terms() -> tuple[Term, ...]:
    """The evidence channels, ``workbench.gaps.CHANNEL_TERMS``, read when called."""
    return gaps.CHANNEL_TERMS


def palette_css() -> str:
    """Return the page's colour rules, generated from the status and channel tables: the
    custom properties ``--status-<id>`` and ``--channel-<id>``, and the rules that fill a
    cell, a legend swatch and a channel chip or bar with them (text in black or white,
    whichever contrasts more). The static style sheet names no status or channel colour."""
    terms = [("status", t) for t in status_terms()] + [("channel", t) for t in channel_terms()]
    props = "".join(f"--{kind}-{t.id}:{colour(t.colour)};" for kind, t in terms)
    rules = [f":root{{{props}}}"]
    for t in status_terms():
        rules.append(
            f"#grid td.s-{t.id},.swatch.s-{t.id}{{background:var(--status-{t.id});"
            f"color:{ink_on(colour(t.colour))}}}"
        )
    for t in channel_terms():
        rules.append(
            f".c-{t.id}{{background:var(--channel-{t.id});color:{ink_on(colour(t.colour))}}}"
        )
    return "\n".join(rules) + "\n"


def _asset(name: str) -> str:
    return resources.files("workbench.render").joinpath("assets", name).read_text(encoding="utf-8")


def dimension_label(analysis: GapAnalysis, dimension: str) -> str:
    """Return the display name of a codebook dimension: its label in the data package
    (``x-enumLabels`` of ``codebook.dimension``), else the id in words."""
    labels = (analysis.labels or {}).get("dimension", {})
    return str(labels.get(dimension, dimension.replace("_", " ").capitalize()))


def threshold_note(analysis: GapAnalysis) -> str:
    """Return the sentence that states the thresholds in force."""
    t = analysis.thresholds
    also = []
    if t.covered_min_uk:
        also.append(f"at least {t.covered_min_uk} from the UK")
    if t.covered_min_evaluations:
        also.append(
            f"at least {t.covered_min_evaluations} evaluation"
            f"{'s' if t.covered_min_evaluations > 1 else ''}"
        )
    works = (
        "academic references and works not in the reference list"
        if t.count_unlisted
        else "academic references"
    )
    demand = ", ".join(status_label(s).lower() for s in t.demand_statuses)
    return (
        f"Thresholds: a cell is covered with at least {t.covered_min_references} distinct "
        f"cited works ({works}) coded with the topic in the curated evidence codes"
        f"{', ' + ' and '.join(also) + ' among them' if also else ''}, and thin below "
        f"that; practice only when it has roundtables, consultations, programmes or "
        f"framework items but no cited work; an absolute gap when it has nothing. Demand "
        f"without evidence: a guideline whose own text names the topic while its cell is "
        f"{demand}."
    )


def design_class(design: object) -> str:
    """The design class of a work for the map's filter: ``evaluation`` or ``other``."""
    return "evaluation" if is_evaluation(design) else "other"


def country_class(country: object) -> str:
    """The country class of a work for the map's filter: ``uk``, ``elsewhere`` or ``unknown``.

    Examples:
        >>> country_class("uk"), country_class("us"), country_class(""), country_class("unknown")
        ('uk', 'elsewhere', 'unknown', 'unknown')
    """
    if country == UK:
        return "uk"
    return "unknown" if not isinstance(country, str) or country in ("", "unknown") else "elsewhere"


def short_row_label(row_id: str) -> str:
    """Return the short label of a map row, for narrow screens: ``S3`` for a standard,
    ``3.3`` for a guideline.

    Examples:
        >>> short_row_label("standard:3"), short_row_label("guideline:3.3")
        ('S3', '3.3')
    """
    kind, _, number = str(row_id).partition(":")
    return f"S{number}" if kind == "standard" else number


def map_payload(analysis: GapAnalysis, shipped: Collection[str] = ()) -> dict:
    """Return the data the page needs, compactly: strings interned, cells as count lists.

    Evidence rows of guidelines that repeat their standard's narrative evidence are left out
    (the page adds them back from the standard), so the page stays small. Each cell carries
    its per-channel counts, status, demand, status note and its cited works as ``[channel,
    design class, country class]`` (so the page can count them under its filters); the
    stated gaps come as statements and their places (cells with the verdict, rows, topics).
    ``whereLinks`` maps each evidence location in a ``shipped`` source to its line in the
    source viewer.
    """
    strings: list[str] = []
    index: dict[str, int] = {}

    def intern(value: object) -> int:
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    rows = analysis.rows
    topics = analysis.topics
    row_pos = {r: i for i, r in enumerate(rows["row_id"])}
    topic_pos = {t: i for i, t in enumerate(topics["topic_id"])}
    channels = [t.id for t in channel_terms()]
    channel_pos = {c: i for i, c in enumerate(channels)}
    status_pos = {t.id: i for i, t in enumerate(status_terms())}
    cells: list[list[list[object] | None]] = [[None] * len(topics) for _ in range(len(rows))]
    counted = [f"count_{c}" for c in channels]
    design_pos = {d: i for i, (d, _) in enumerate(DESIGN_CLASSES)}
    country_pos = {c: i for i, (c, _) in enumerate(COUNTRY_CLASSES)}
    works: dict[tuple[str, str], list[list[int]]] = {}
    cited = analysis.evidence[analysis.evidence["channel"].isin(WORK_CHANNELS)]
    for row_id, topic_id, channel, design, country in _columns(
        cited.drop_duplicates(["row_id", "topic_id", "channel", "evidence_id"]),
        ["row_id", "topic_id", "channel", "design", "country"],
    ):
        works.setdefault((row_id, topic_id), []).append(
            [
                channel_pos[channel],
                design_pos[design_class(design)],
                country_pos[country_class(country)],
            ]
        )
    for row_id, topic_id, status, without, demanded, coded_by, note, *counts in _columns(
        analysis.cells,
        [
            "row_id",
            "topic_id",
            "status",
            "demand_without_evidence",
            "demand",
            "demand_coded_by",
            "status_note",
            *counted,
        ],
    ):
        demand = 2 if without else (1 if demanded else 0)
        cells[row_pos[row_id]][topic_pos[topic_id]] = [int(n) for n in counts] + [
            status_pos[status],
            demand,
            intern(coded_by) if demand else -1,
            intern(note),
            works.get((row_id, topic_id), []),
        ]
    guideline_rows = set(rows.loc[rows["level"] == "guideline", "row_id"])
    shown = analysis.evidence[
        ~(
            analysis.evidence["row_id"].isin(guideline_rows)
            & (analysis.evidence["channel"] != "framework")
        )
    ]
    evidence = []
    for row_id, topic_id, channel, *texts in _columns(
        shown,
        [
            "row_id",
            "topic_id",
            "channel",
            "evidence_id",
            "citation",
            "sentence",
            "location",
            "coded_by",
            "coded_on",
            "clause",
            "line",
            "design",
            "country",
        ],
    ):
        evidence.append(
            [
                row_pos[row_id],
                topic_pos[topic_id],
                channel_pos[channel],
                *(intern(text) for text in texts),
                design_pos[design_class(texts[-2])],
                country_pos[country_class(texts[-1])],
            ]
        )
    statements: list[dict[str, Any]] = []
    stated_pos: dict[str, int] = {}
    for mark in row_dicts(analysis.marks.drop_duplicates("gap_id")):
        stated_pos[mark["gap_id"]] = len(statements)
        statements.append(
            {
                "id": mark["gap_id"],
                "kind": mark["kind"],
                "says": STATED_KIND_WORDS.get(mark["kind"], mark["kind"]),
                "quote": mark["quote"],
                "where": f"{mark['source']}, {lines_text(mark['lines'])}",
            }
        )
    stated_cells = [
        [row_pos[r], topic_pos[t], stated_pos[g], int(v == "contradicts"), intern(w)]
        for r, t, g, v, w in _columns(
            analysis.stated, ["row_id", "topic_id", "gap_id", "verdict", "why"]
        )
        if g in stated_pos and r
    ]
    marks = analysis.marks
    stated_rows = sorted(
        {
            (row_pos[r], stated_pos[g])
            for r, g in _columns(marks[marks["scope"] == "row"], ["row_id", "gap_id"])
        }
    )
    stated_topics = sorted(
        {
            (topic_pos[t], stated_pos[g])
            for t, g in _columns(marks[marks["scope"] == "topic"], ["topic_id", "gap_id"])
        }
    )
    labels = analysis.labels or {}
    dimensions = list(dict.fromkeys(topics["dimension"]))
    where_links = {}
    for location in dict.fromkeys(analysis.evidence["location"]) if shipped else ():
        href = location_link(str(location), shipped=shipped)
        if href is not None:
            where_links[str(location)] = href
    return {
        "channels": [{"id": t.id, "label": t.label, "symbol": t.symbol} for t in channel_terms()],
        "statuses": [
            {"id": t.id, "label": t.label, "description": t.description, "symbol": t.symbol}
            for t in status_terms()
        ],
        "thresholds": asdict(analysis.thresholds),
        "thresholdNote": threshold_note(analysis),
        "footer": (
            "Built by workbench from the corpus (standards, guidelines, narratives, "
            "roundtables, consultations, programmes, framework items, codebook, "
            "crosswalk, works, evidence codes, stated gaps) and references.bib. Every "
            "count is traceable to the evidence list of its cell."
        ),
        "dimensions": [{"id": d, "label": dimension_label(analysis, d)} for d in dimensions],
        "topics": [
            {
                "id": t.topic_id,
                "label": t.label,
                "dimension": t.dimension,
                "definition": "" if pd.isna(t.definition) else str(t.definition),
            }
            for t in row_tuples(topics)
        ],
        "rows": [
            {
                "id": r.row_id,
                "label": r.row_label,
                "short": short_row_label(r.row_id),
                "level": r.level,
                "standard": r.standard_id,
                "text": r.text,
            }
            for r in row_tuples(rows)
        ],
        "cells": cells,
        "evidence": evidence,
        "strings": strings,
        "whereLinks": where_links,
        "designClasses": [{"id": d, "label": label} for d, label in DESIGN_CLASSES],
        "countryClasses": [{"id": c, "label": label} for c, label in COUNTRY_CLASSES],
        "designLabels": labels.get("design", {}),
        "countryLabels": labels.get("country", {}),
        "statedSymbol": STATED_SYMBOL,
        "statements": statements,
        "statedCells": stated_cells,
        "statedRows": [list(p) for p in stated_rows],
        "statedTopics": [list(p) for p in stated_topics],
    }


def _columns(frame: pd.DataFrame, names: list[str]):
    """The rows of ``frame`` as tuples of the ``names`` columns (far cheaper than
    ``itertuples`` on string columns)."""
    return zip(*(frame[name].tolist() for name in names), strict=True)


def script_json(data: object) -> str:
    """Serialise ``data`` for an inline ``<script>`` element: ``<``, ``>``, ``&`` escaped.

    Examples:
        >>> script_json({"title": "</script><b>&"})
        '{"title": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def allow_inline(page: str) -> str:
    """Fill the page's Content-Security-Policy with the hashes of its one inline ``<style>``
    and its one inline ``<script>`` (not the JSON data block, which never runs), so that they
    run and nothing else inline does, with no ``'unsafe-inline'``."""
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.S)
    head, body = page.split("</head>", 1)
    head = head.replace("@@STYLE-HASH@@", csp_source(style), 1)
    head = head.replace("@@SCRIPT-HASH@@", csp_source(script), 1)
    return f"{head}</head>{body}"


def render_gap_map_html(analysis: GapAnalysis, shipped: Collection[str] = ()) -> str:
    """Return the self-contained HTML page of the map (template, CSS, JS and data inlined),
    its inline style and script allowed by their hashes (:func:`allow_inline`); evidence
    locations in the ``shipped`` sources link to their line in the source viewer."""
    page = _asset("gap_map.html")
    for token, value in (
        ("/*@@STYLE@@*/", palette_css() + _asset("gap_map.css")),
        ("/*@@SCRIPT@@*/", _asset("gap_map.js")),
        ("/*@@DATA@@*/", script_json(map_payload(analysis, shipped))),
    ):
        page = page.replace(token, value, 1)
    return allow_inline(page)


#: Above this many rows the figure drops the per-cell labels (they would not be legible).
ANNOTATED_ROWS = 60
#: Above :data:`ANNOTATED_ROWS` rows the figure is an overview: rows this many inches tall,
#: and at most :data:`OVERVIEW_LABELS` of them labelled (every n-th), so that a map of
#: hundreds of standards stays a figure one can open (``gap_map.html`` has every row).
OVERVIEW_ROW_INCHES = 0.06
OVERVIEW_LABELS = 100


def plot_gap_map(analysis: GapAnalysis, level: str = "standard"):
    """Return a matplotlib figure of the map for the rows of ``level`` (no pyplot state).

    Each cell is coloured by status and carries the status symbol and the evidence count
    (framework items after a plus sign), so the figure reads in greyscale too. ``!`` marks a
    demand without evidence (on a standard: one of its guidelines asks for the topic);
    :data:`STATED_SYMBOL` marks a cell on which the sources state a gap (circled in black
    where the map contradicts the statement). The margins are fixed in inches, so the layout
    needs no extra drawing pass; above
    :data:`ANNOTATED_ROWS` rows the cells are shown by colour alone, in an overview (see
    :data:`OVERVIEW_ROW_INCHES`).
    """
    return _draw_gap_map(*gap_map_grid(analysis, level))


def gap_map_grid(analysis: GapAnalysis, level: str = "standard") -> tuple:
    """Return what ``plot_gap_map`` draws: the cells and rows of ``level``, the topics, the
    ``(standard, topic)`` pairs a guideline asks for without evidence, ``level``, and the
    ``(row, topic)`` pairs with a stated gap and those where the map contradicts it, the
    topics and rows a statement marks whole, and the statuses as ``(id, label, symbol,
    colour)`` from the table (an argument, so that the cached PNG changes with the table)."""
    cells = analysis.cells[analysis.cells["level"] == level]
    rows = analysis.rows[analysis.rows["level"] == level]
    guideline_cells = analysis.cells[analysis.cells["level"] == "guideline"]
    unmet = guideline_cells[guideline_cells["demand_without_evidence"]]
    wanted = sorted(set(zip(unmet["standard_id"], unmet["topic_id"], strict=True)))
    columns = [
        "row_id",
        "topic_id",
        "status",
        "evidence_count",
        "framework_count",
        "demand_without_evidence",
    ]
    return (
        cells[columns].reset_index(drop=True),
        rows[["row_id", "row_label"]].reset_index(drop=True),
        analysis.topics[["topic_id", "label", "dimension"]]
        .assign(dimension_label=lambda t: [dimension_label(analysis, d) for d in t["dimension"]])
        .reset_index(drop=True),
        wanted,
        level,
        *_stated_pairs(analysis.stated),
        sorted(set(analysis.marks.loc[analysis.marks["scope"] == "topic", "topic_id"])),
        sorted(set(analysis.marks.loc[analysis.marks["scope"] == "row", "row_id"])),
        [(t.id, t.label, t.symbol, colour(t.colour)) for t in status_terms()],
    )


def _stated_pairs(stated: pd.DataFrame) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The (row, topic) cells a stated gap is set beside, and those where the map contradicts
    it (rows of the agreement report on a whole topic are left out: the topic is marked)."""
    if stated.empty:
        return [], []
    on_cells = stated[stated["row_id"] != ""]
    pairs = sorted(set(zip(on_cells["row_id"], on_cells["topic_id"], strict=True)))
    against = on_cells[on_cells["verdict"] == "contradicts"]
    return pairs, sorted(set(zip(against["row_id"], against["topic_id"], strict=True)))


def _draw_gap_map(
    cells: pd.DataFrame,
    rows: pd.DataFrame,
    topics: pd.DataFrame,
    wanted: Collection[tuple[str, str]],
    level: str,
    stated: Sequence[tuple[str, str]] = (),
    contradicted: Sequence[tuple[str, str]] = (),
    stated_topics: Sequence[str] = (),
    stated_rows: Sequence[str] = (),
    statuses: Sequence[tuple[str, str, str, str]] = (),
):
    from matplotlib.colors import ListedColormap  # matplotlib loads on the first figure
    from matplotlib.patches import Patch

    statuses = list(statuses) or [
        (t.id, t.label, t.symbol, colour(t.colour)) for t in status_terms()
    ]
    status_pos = {s[0]: i for i, s in enumerate(statuses)}
    symbols = {s[0]: s[2] for s in statuses}
    fills = {s[0]: s[3] for s in statuses}
    grid = cells.pivot(index="row_id", columns="topic_id", values="status").loc[
        list(rows["row_id"]), list(topics["topic_id"])
    ]
    values = grid.apply(lambda col: col.map(status_pos)).to_numpy(dtype=float)
    annotate = len(rows) <= ANNOTATED_ROWS
    cell_in = 0.42 if annotate else OVERVIEW_ROW_INCHES
    left, right, top, bottom = 1.3, 2.5, 1.0, 2.9  # inches around the matrix
    width = left + right + 0.42 * len(topics)
    height = top + bottom + cell_in * len(rows)
    fig = new_figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
    )
    ax = fig.add_subplot()
    cmap = ListedColormap([s[3] for s in statuses])
    ax.imshow(
        values,
        cmap=cmap,
        vmin=-0.5,
        vmax=len(statuses) - 0.5,
        aspect="auto",
        interpolation="nearest",
    )
    wanted = set(wanted)
    stated_set, contradicted_set = set(map(tuple, stated)), set(map(tuple, contradicted))
    row_pos = {r: i for i, r in enumerate(rows["row_id"])}
    topic_pos = {t: j for j, t in enumerate(topics["topic_id"])}
    for cell in row_tuples(cells) if annotate else ():
        i, j = row_pos[cell.row_id], topic_pos[cell.topic_id]
        text = f"{symbols[cell.status]}\n{cell.evidence_count}"
        if cell.framework_count:
            text += f"+{cell.framework_count}"
        ax.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=6.5,
            color=ink_on(fills[cell.status]),
            linespacing=1.0,
        )
        if cell.demand_without_evidence or (
            level == "standard" and (cell.row_id, cell.topic_id) in wanted
        ):
            ax.text(
                j + 0.42,
                i - 0.42,
                "!",
                ha="right",
                va="top",
                fontsize=7,
                fontweight="bold",
                color="black",
            )
        if (cell.row_id, cell.topic_id) in stated_set:
            against = (cell.row_id, cell.topic_id) in contradicted_set
            ax.text(
                j - 0.40,
                i - 0.38,
                STATED_SYMBOL,
                ha="left",
                va="top",
                fontsize=5,
                color="black",
                bbox={
                    "boxstyle": "circle,pad=0.08",
                    "facecolor": "white",
                    "edgecolor": "black" if against else "white",
                    "linewidth": 0.9 if against else 0,
                },
            )
    marked_topics, marked_rows = set(stated_topics), set(stated_rows)
    ax.set_xticks(
        range(len(topics)),
        labels=[
            f"{label} {STATED_SYMBOL}" if topic in marked_topics else label
            for topic, label in zip(topics["topic_id"], topics["label"], strict=True)
        ],
        rotation=60,
        ha="right",
        fontsize=7,
        rotation_mode="anchor",
    )
    step = 1 if annotate else -(-len(rows) // OVERVIEW_LABELS)  # ceiling division
    labelled = range(0, len(rows), step)
    row_labels = [
        f"{STATED_SYMBOL} {label}" if row in marked_rows else label
        for row, label in zip(rows["row_id"], rows["row_label"], strict=True)
    ]
    ax.set_yticks(labelled, labels=[row_labels[i] for i in labelled], fontsize=8 if annotate else 4)
    if annotate:
        ax.set_xticks([x - 0.5 for x in range(1, len(topics))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
        ax.grid(which="minor", color="white", linewidth=1.2)
    ax.tick_params(which="minor", length=0)
    dimensions = list(topics["dimension"])
    names = dict(zip(topics["dimension"], topics["dimension_label"], strict=True))
    for j, dimension in enumerate(dimensions):
        if j and dimension != dimensions[j - 1]:
            ax.axvline(j - 0.5, color="black", linewidth=1.5)
    for dimension in dict.fromkeys(dimensions):
        columns = [j for j, d in enumerate(dimensions) if d == dimension]
        # wrapped to the width of its columns, so that neighbouring names never touch
        ax.text(
            (columns[0] + columns[-1]) / 2,
            -0.62,
            wrap_title(names[dimension], 0.42 * len(columns) - 0.1, 8 * 1.15),
            ha="center",
            va="bottom",
            fontsize=8,
            fontweight="bold",
            linespacing=1.0,
        )
    handles = [
        Patch(facecolor=fill, edgecolor="black", label=f"{symbol}  {label}")
        for _, label, symbol, fill in statuses
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        frameon=False,
        title="Status (cell: symbol, evidence count\n+framework items; "
        "! = a guideline\nasks for it without evidence;\n"
        f"{STATED_SYMBOL} = the sources state a gap on this\ncell (on a label: on the "
        "whole topic\nor row), circled where the map disagrees)",
        title_fontsize=7,
        alignment="left",
    )
    ax.set_title("Evidence and gap map: standards × topics", fontsize=10, loc="left", pad=30)
    return fig


def _label(labels: dict, field: str, value: object) -> str:
    """The display label of a design or country value (from the data package)."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    return labels.get(field, {}).get(text, text.replace("_", " ") or "unknown")


def _tally_labels(tally: str, labels: dict, field: str) -> str:
    """``value: n, ...`` with the values as their display labels."""
    if not tally:
        return "none"
    parts = [part.rpartition(": ") for part in tally.split(", ")]
    return ", ".join(f"{_label(labels, field, v)}: {n}" for v, _, n in parts)


def _percent(value: float | None) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{float(value):.0%}"


def _count(analysis: GapAnalysis, level: str) -> int:
    """The number of the map's rows at ``level`` (``standard`` or ``guideline``): the
    report's 7 and 37 for the shipped corpus, whatever a corpus holds for another."""
    return int((analysis.rows["level"] == level).sum())


def summary_lines(analysis: GapAnalysis) -> list[str]:
    """Return the one-minute summary that opens ``gaps.md``: the populations and forms of
    abuse with the least evidence, what that evidence is made of, and how the map compares
    with the sources' own statements of gaps."""
    least, labels, cells = analysis.least, analysis.labels, analysis.cells
    lines = ["## Summary", ""]
    if not least.empty:
        none = least[least["works"] == 0]
        names = ", ".join(markdown_text(t) for t in none["topic_label"])
        lines.append(
            f"- **Least evidence.** Behind the {_count(analysis, 'standard')} standards, "
            f"{len(none)} of the "
            f"{len(least)} populations and forms of abuse have no cited work coded "
            f"with them: {names or 'none'}."
        )
        some = least[least["works"] > 0].head(5)
        for t in row_tuples(some):
            lines.append(
                f"  - {markdown_text(t.topic_label)}: {t.works} work{'s' * (t.works != 1)}, "
                f"{t.works_uk} from the UK, {t.works_evaluation} "
                f"evaluation{'s' * (t.works_evaluation != 1)}"
                f"{f', {t.works_unlisted} not in the reference list' if t.works_unlisted else ''}"
                f"; covered under {t.rows_covered} of {t.rows} standards (designs: "
                f"{markdown_text(_tally_labels(t.designs, labels, 'design'))}; countries: "
                f"{markdown_text(_tally_labels(t.countries, labels, 'country'))})."
            )
    standard = analysis.evidence[
        analysis.evidence["row_id"].str.startswith("standard:")
        & analysis.evidence["channel"].isin(WORK_CHANNELS)
    ]
    works = standard.drop_duplicates("evidence_id")
    if len(works):
        uk = int((works["country"] == UK).sum())
        evaluations = sum(map(is_evaluation, works["design"]))
        lines.append(
            f"- **What the evidence is made of.** {len(works)} distinct cited works "
            f"are coded with a topic behind the standards: {uk} from the UK, "
            f"{evaluations} evaluations, "
            f"{int((works['channel'] == 'unlisted').sum())} not in the reference "
            "list."
        )
    stated = analysis.stated
    if not stated.empty:
        against = stated[stated["verdict"] == "contradicts"]
        pairs = against.drop_duplicates(["row_id", "topic_id"])
        lines.append(
            f"- **The map against the report.** {stated['gap_id'].nunique()} of the "
            f"sources' statements of gaps concern a topic; set beside the map "
            f"({len(stated)} comparisons, a cell or a whole topic each), the map "
            f"agrees {int((stated['verdict'] == 'agrees').sum())} times and "
            f"contradicts {len(against)} times, on {len(pairs)} distinct cells"
            + (
                ": "
                + "; ".join(
                    f"{markdown_text(r.row_label)} × {markdown_text(r.topic_label)} "
                    f"({status_label(r.status).lower()})"
                    for r in row_tuples(pairs)
                )
                if len(pairs)
                else ""
            )
            + ". See *The map against the report's own statements* below."
        )
    status = cells[cells["level"] == "standard"]["status"].value_counts()
    lines.append(
        "- **Standard cells by status:** "
        + ", ".join(f"{int(status.get(t.id, 0))} {t.label.lower()}" for t in status_terms())
        + "."
    )
    overall = (
        analysis.agreement[analysis.agreement["topic_id"] == "all"]
        if not analysis.agreement.empty
        else analysis.agreement
    )
    if len(overall):
        o = overall.iloc[0]
        lines.append(
            f"- **The rule coder against the curated codes:** precision "
            f"{_percent(o['precision'])}, recall {_percent(o['recall'])} over "
            f"(work, topic) pairs (TP {o['tp']}, FP {o['fp']}, FN {o['fn']}); a "
            "citation counts only through the curated codes."
        )
    return lines + [""]


def agreement_lines(analysis: GapAnalysis) -> list[str]:
    """Return the section of ``gaps.md`` that sets the map against the sources' statements:
    every contradicted cell with both texts side by side, then what each statement marks."""
    stated = analysis.stated
    lines = [
        "## The map against the report's own statements",
        "",
        "Every stated gap (`corpus/stated_gaps.csv`) beside the map: a statement made "
        "under a standard or guideline beside its cell, one about the evidence base as a "
        "whole beside every standard's cell of its topic (one row for the whole topic "
        "where none contradicts it). A statement that evidence is weak, "
        "absent, emerging or that a group is poorly served is contradicted by a "
        "`covered` cell; one that it is mostly from elsewhere by a cell whose works are "
        "mostly from the UK. The full table is `gap_agreement.csv`.",
        "",
    ]
    if stated.empty:
        return lines + ["No stated gaps in the corpus.", ""]
    against = stated[stated["verdict"] == "contradicts"]
    lines += [f"### Where the map contradicts a statement ({len(against)})", ""]
    if against.empty:
        lines += ["None: every cell a statement concerns agrees with it.", ""]
    else:
        lines += [
            "| cell | the sources say | the map says | why | evidence |",
            "|---|---|---|---|---|",
        ]
        for r in row_tuples(against):
            lines.append(
                f"| {markdown_text(r.row_label)} × {markdown_text(r.topic_label)} | "
                f"“{markdown_text(r.quote)}” ({markdown_text(r.kind)}; "
                f"{markdown_text(r.stated_at)}) | {markdown_text(r.map_says)} | "
                f"{markdown_text(r.why)} | {markdown_text(r.evidence or 'none')} |"
            )
        lines.append("")
    lines += [
        "### Every statement and its place on the map",
        "",
        "| statement | kind | where stated | marks | cells agreeing | cells contradicting |",
        "|---|---|---|---|---|---|",
    ]
    verdicts = Counter(zip(stated["gap_id"].tolist(), stated["verdict"].tolist(), strict=True))
    first: dict[str, dict] = {}
    places: dict[str, list[str]] = {}
    for mark in row_dicts(analysis.marks):
        first.setdefault(mark["gap_id"], mark)
        places.setdefault(mark["gap_id"], []).append(
            f"{mark['scope']}: {markdown_text(mark['row_id'] or 'all standards')}"
            f"{' × ' + markdown_text(mark['topic_id']) if mark['topic_id'] else ''}"
        )
    for gap_id, mark in first.items():
        lines.append(
            f"| “{markdown_text(mark['quote'])}” | {markdown_text(mark['kind'])} | "
            f"{markdown_text(mark['source'])}, "
            f"{markdown_text(lines_text(mark['lines']))} | "
            f"{'; '.join(places[gap_id])} | {verdicts[gap_id, 'agrees']} | "
            f"{verdicts[gap_id, 'contradicts']} |"
        )
    return lines + [""]


def evidence_make_up_lines(analysis: GapAnalysis) -> list[str]:
    """Return the section of ``gaps.md`` on what the evidence behind each population and form
    of abuse is made of (design, country), fewest works first."""
    lines = [
        "## Evidence by design and country",
        "",
        "Distinct cited works coded with each population and form of abuse behind the "
        f"{_count(analysis, 'standard')} standards, fewest first, with their designs and "
        "countries (from "
        "`corpus/works.csv`).",
        "",
        "| topic | works | from the UK | evaluations | not in the reference list | "
        "standards covered | designs | countries |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in row_tuples(analysis.least):
        lines.append(
            f"| {markdown_text(t.topic_label)} | {t.works} | {t.works_uk} | "
            f"{t.works_evaluation} | {t.works_unlisted} | {t.rows_covered}/{t.rows} | "
            f"{markdown_text(_tally_labels(t.designs, analysis.labels, 'design'))} | "
            f"{markdown_text(_tally_labels(t.countries, analysis.labels, 'country'))} "
            "|"
        )
    return lines + [""]


def coding_agreement_lines(analysis: GapAnalysis) -> list[str]:
    """Return the section of ``gaps.md`` measuring the rule coder against the curated codes."""
    lines = [
        "## The rule coder against the curated codes",
        "",
        "The rule coder proposes a topic for a cited work when the codebook's patterns "
        "match a clause that cites it; the curated table (`corpus/evidence_codes.csv`) "
        "decides. Over (work, topic) pairs of the works cited at least once: TP both, FP "
        "the rules only, FN the curated codes only (`coding_agreement.csv`; every clause "
        "is in `citation_support.csv`).",
        "",
        "| topic | TP | FP | FN | precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    for a in row_tuples(analysis.agreement):
        lines.append(
            f"| {markdown_text(a.topic_label)} | {a.tp} | {a.fp} | {a.fn} | "
            f"{_percent(a.precision)} | {_percent(a.recall)} |"
        )
    return lines + [""]


def render_gaps_markdown(analysis: GapAnalysis) -> str:
    """Return ``gaps.md``: a one-minute summary, the rules, the map against the sources'
    statements, the evidence by design and country, the rule coder's agreement, subgroups
    and the ranked register."""
    t = analysis.thresholds
    cells = analysis.cells
    lines = [
        "# Gap register",
        "",
        f"Generated by `workbench build` from the coded corpus. Rows are the "
        f"{_count(analysis, 'standard')} standards and their {_count(analysis, 'guideline')} "
        "guidelines; **guidelines inherit their standard's narrative "
        "evidence** (cited works, roundtables, consultations, programmes); their "
        "framework items come from the crosswalk. **A cited work counts for a topic only "
        "when the curated evidence codes (`corpus/evidence_codes.csv`) code it with the "
        "topic**; works cited but missing from the reference list count in a channel of "
        "their own, flagged *not in the reference list*.",
        "",
    ]
    lines += summary_lines(analysis)
    lines += ["## Rules", ""]
    lines += [
        f"- {t.symbol} **{markdown_text(t.label)}** (`{t.id}`): {markdown_text(t.meaning)}"
        for t in status_terms()
    ]
    lines += [
        f"- Thresholds (`GapThresholds`): `covered_min_references = "
        f"{t.covered_min_references}`, `covered_min_uk = {t.covered_min_uk}`, "
        f"`covered_min_evaluations = {t.covered_min_evaluations}`, `count_unlisted = "
        f"{t.count_unlisted}`. {markdown_text(threshold_note(analysis))}",
        "",
    ]
    terms = status_terms()
    lines += [
        "## Cells by status",
        "",
        "| level | " + " | ".join(markdown_text(t.label) for t in terms) + " |",
        "|---|" + "---|" * len(terms),
    ]
    for level in ("standard", "guideline"):
        counts = cells[cells["level"] == level]["status"].value_counts()
        lines.append(
            f"| {level} | " + " | ".join(str(int(counts.get(t.id, 0))) for t in terms) + " |"
        )
    lines.append("")
    lines += agreement_lines(analysis)
    lines += evidence_make_up_lines(analysis)
    lines += coding_agreement_lines(analysis)
    lines += [
        "## Subgroup view",
        "",
        "Share of standard cells that are covered, per population topic, against the "
        "share over every topic of the same standards.",
        "",
        "| topic | standards with evidence | covered | coverage | overall | gap (points) "
        "| share of evidence | works | from the UK | evaluations |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in row_tuples(analysis.subgroups):
        lines.append(
            f"| {markdown_text(s.topic_label)} | {s.rows_with_evidence}/{s.rows} | "
            f"{s.rows_covered} | {s.coverage:.0%} | {s.overall_coverage:.0%} | "
            f"{s.coverage_gap:+.1f} | {s.evidence_items}/{s.row_evidence_items} | "
            f"{s.works} | {s.works_uk} | {s.works_evaluation} |"
        )
    lines += ["", f"## Ranked gaps ({len(analysis.register)})", ""]
    stated_cells = (
        set(zip(analysis.stated["row_id"], analysis.stated["topic_id"], strict=True))
        if not analysis.stated.empty
        else set()
    )
    for g in row_tuples(analysis.register):
        flag = (
            f" {STATED_SYMBOL} the sources state a gap here"
            if (g.row_id, g.topic_id) in stated_cells
            else ""
        )
        lines += [
            f"### {g.rank}. {markdown_text(g.row_label)} × {markdown_text(g.topic_label)} "
            f"({status_label(g.status).lower()}"
            f"{', demand without evidence' if g.kind == 'demand_without_evidence' else ''})"
            f"{flag}",
            "",
            markdown_text(g.sentence),
            "",
            f"> {markdown_text(g.row_text)}",
            "",
            f"Existing evidence: {markdown_text(g.existing_evidence)}",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


draw_gap_map = _draw_gap_map  # the figure, drawn from gap_map_grid(analysis)
