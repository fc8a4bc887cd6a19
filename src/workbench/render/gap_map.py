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
from collections.abc import Collection
from dataclasses import asdict
from importlib import resources
from pathlib import Path

import pandas as pd

from workbench.corpus import Corpus, write_table
from workbench.gaps import (
    CHANNEL_LABELS,
    CHANNELS,
    STATUS_LABELS,
    STATUSES,
    GapAnalysis,
    tidy_map,
)
from workbench.render.csp import csp_source
from workbench.render.figures import cached_png
from workbench.render.markdown import escape_markdown
from workbench.render.sources import location_link, shipped_sources

#: The Markdown escaper under the name the gap map's writers use.
markdown_text = escape_markdown

#: Symbol shown for each status, so that a cell reads without colour.
STATUS_SYMBOLS: dict[str, str] = {"absolute_gap": "✕", "practice_only": "P", "thin": "T",
                                  "covered": "✓"}

#: Okabe-Ito colours of the statuses (the same in the page and the figure).
STATUS_COLOURS: dict[str, str] = {"absolute_gap": "#d55e00", "practice_only": "#e69f00",
                                  "thin": "#56b4e9", "covered": "#009e73"}

DIMENSION_LABELS: dict[str, str] = {
    "population": "Population",
    "form_of_abuse": "Form of abuse",
    "intervention_type": "Intervention type",
    "delivery": "Delivery",
    "co_occurring_needs": "Co-occurring needs",
}


def _asset(name: str) -> str:
    return resources.files("workbench.render").joinpath("assets", name).read_text(
        encoding="utf-8")


def dimension_label(dimension: str) -> str:
    """Return the display name of a codebook dimension."""
    return DIMENSION_LABELS.get(dimension, dimension.replace("_", " ").capitalize())


def threshold_note(analysis: GapAnalysis) -> str:
    """Return the sentence that states the thresholds in force."""
    t = analysis.thresholds
    return (f"Thresholds: a cell is covered with at least {t.covered_min_references} distinct "
            f"academic references and thin below that; practice only when it has roundtables, "
            f"consultations, programmes or framework items but no academic reference; an "
            f"absolute gap when it has nothing. Demand without evidence: a guideline whose own "
            f"text names the topic while its cell is {', '.join(t.demand_statuses)}.")


def map_payload(analysis: GapAnalysis, shipped: Collection[str] = ()) -> dict:
    """Return the data the page needs, compactly: strings interned, cells as count lists.

    Evidence rows of guidelines that repeat their standard's narrative evidence are left out
    (the page adds them back from the standard), so the page stays small. ``whereLinks`` maps
    each evidence location in a ``shipped`` source to its line in the source viewer.
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
    channel_pos = {c: i for i, c in enumerate(CHANNELS)}
    status_pos = {s: i for i, s in enumerate(STATUSES)}
    cells = [[None] * len(topics) for _ in range(len(rows))]
    counted = [f"count_{c}" for c in CHANNELS]
    for row_id, topic_id, status, without, demanded, coded_by, *counts in _columns(
            analysis.cells, ["row_id", "topic_id", "status", "demand_without_evidence",
                             "demand", "demand_coded_by", *counted]):
        demand = 2 if without else (1 if demanded else 0)
        cells[row_pos[row_id]][topic_pos[topic_id]] = [int(n) for n in counts] + [
            status_pos[status], demand, intern(coded_by) if demand else -1]
    level = dict(zip(rows["row_id"], rows["level"], strict=True))
    evidence = []
    for row_id, topic_id, channel, *texts in _columns(
            analysis.evidence, ["row_id", "topic_id", "channel", "evidence_id", "citation",
                                "sentence", "location", "coded_by", "coded_on"]):
        if level[row_id] == "guideline" and channel != "framework":
            continue
        evidence.append([row_pos[row_id], topic_pos[topic_id], channel_pos[channel],
                         *(intern(text) for text in texts)])
    dimensions = list(dict.fromkeys(topics["dimension"]))
    where_links = {}
    for location in dict.fromkeys(analysis.evidence["location"]) if shipped else ():
        href = location_link(str(location), shipped=shipped)
        if href is not None:
            where_links[str(location)] = href
    return {
        "channels": [{"id": c, "label": CHANNEL_LABELS[c]} for c in CHANNELS],
        "statuses": [{"id": s, "label": STATUS_LABELS[s], "symbol": STATUS_SYMBOLS[s]}
                     for s in STATUSES],
        "thresholds": asdict(analysis.thresholds),
        "thresholdNote": threshold_note(analysis),
        "footer": ("Built by workbench from the corpus (standards, guidelines, narratives, "
                   "roundtables, consultations, programmes, framework items, codebook, "
                   "crosswalk) and references.bib. Every count is traceable to the evidence "
                   "list of its cell."),
        "dimensions": [{"id": d, "label": dimension_label(d)} for d in dimensions],
        "topics": [{"id": t.topic_id, "label": t.label, "dimension": t.dimension,
                    "definition": "" if pd.isna(t.definition) else str(t.definition)}
                   for t in topics.itertuples(index=False)],
        "rows": [{"id": r.row_id, "label": r.row_label, "level": r.level,
                  "standard": r.standard_id, "text": r.text}
                 for r in rows.itertuples(index=False)],
        "cells": cells,
        "evidence": evidence,
        "strings": strings,
        "whereLinks": where_links,
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
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
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
    for token, value in (("/*@@STYLE@@*/", _asset("gap_map.css")),
                         ("/*@@SCRIPT@@*/", _asset("gap_map.js")),
                         ("/*@@DATA@@*/", script_json(map_payload(analysis, shipped)))):
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
    demand without evidence (on a standard: one of its guidelines asks for the topic). The
    margins are fixed in inches, so the layout needs no extra drawing pass; above
    :data:`ANNOTATED_ROWS` rows the cells are shown by colour alone, in an overview (see
    :data:`OVERVIEW_ROW_INCHES`).
    """
    return _draw_gap_map(*gap_map_grid(analysis, level))


def gap_map_grid(analysis: GapAnalysis, level: str = "standard") -> tuple:
    """Return what ``plot_gap_map`` draws: the cells and rows of ``level``, the topics, the
    ``(standard, topic)`` pairs a guideline asks for without evidence, and ``level``."""
    cells = analysis.cells[analysis.cells["level"] == level]
    rows = analysis.rows[analysis.rows["level"] == level]
    guideline_cells = analysis.cells[analysis.cells["level"] == "guideline"]
    unmet = guideline_cells[guideline_cells["demand_without_evidence"]]
    wanted = sorted(set(zip(unmet["standard_id"], unmet["topic_id"], strict=True)))
    columns = ["row_id", "topic_id", "status", "evidence_count", "framework_count",
               "demand_without_evidence"]
    return (cells[columns].reset_index(drop=True),
            rows[["row_id", "row_label"]].reset_index(drop=True),
            analysis.topics[["topic_id", "label", "dimension"]].reset_index(drop=True),
            wanted, level)


def _draw_gap_map(cells: pd.DataFrame, rows: pd.DataFrame, topics: pd.DataFrame,
                  wanted: list[tuple[str, str]], level: str):
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    status_pos = {s: i for i, s in enumerate(STATUSES)}
    grid = cells.pivot(index="row_id", columns="topic_id", values="status").loc[
        list(rows["row_id"]), list(topics["topic_id"])]
    values = grid.apply(lambda col: col.map(status_pos)).to_numpy(dtype=float)
    annotate = len(rows) <= ANNOTATED_ROWS
    cell_in = 0.42 if annotate else OVERVIEW_ROW_INCHES
    left, right, top, bottom = 1.3, 2.5, 0.75, 2.9  # inches around the matrix
    width = left + right + 0.42 * len(topics)
    height = top + bottom + cell_in * len(rows)
    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height)
    ax = fig.add_subplot()
    cmap = ListedColormap([STATUS_COLOURS[s] for s in STATUSES])
    ax.imshow(values, cmap=cmap, vmin=-0.5, vmax=len(STATUSES) - 0.5, aspect="auto",
              interpolation="nearest")
    wanted = set(wanted)
    row_pos = {r: i for i, r in enumerate(rows["row_id"])}
    topic_pos = {t: j for j, t in enumerate(topics["topic_id"])}
    for cell in cells.itertuples(index=False) if annotate else ():
        i, j = row_pos[cell.row_id], topic_pos[cell.topic_id]
        text = f"{STATUS_SYMBOLS[cell.status]}\n{cell.evidence_count}"
        if cell.framework_count:
            text += f"+{cell.framework_count}"
        colour = "white" if cell.status in ("absolute_gap", "covered") else "black"
        ax.text(j, i, text, ha="center", va="center", fontsize=6.5, color=colour,
                linespacing=1.0)
        if cell.demand_without_evidence or (level == "standard"
                                            and (cell.row_id, cell.topic_id) in wanted):
            ax.text(j + 0.42, i - 0.42, "!", ha="right", va="top", fontsize=7,
                    fontweight="bold", color="black")
    ax.set_xticks(range(len(topics)), labels=list(topics["label"]), rotation=60, ha="right",
                  fontsize=7, rotation_mode="anchor")
    step = 1 if annotate else -(-len(rows) // OVERVIEW_LABELS)  # ceiling division
    labelled = range(0, len(rows), step)
    row_labels = list(rows["row_label"])
    ax.set_yticks(labelled, labels=[row_labels[i] for i in labelled],
                  fontsize=8 if annotate else 4)
    if annotate:
        ax.set_xticks([x - 0.5 for x in range(1, len(topics))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
        ax.grid(which="minor", color="white", linewidth=1.2)
    ax.tick_params(which="minor", length=0)
    dimensions = list(topics["dimension"])
    for j, dimension in enumerate(dimensions):
        if j and dimension != dimensions[j - 1]:
            ax.axvline(j - 0.5, color="black", linewidth=1.5)
    for dimension in dict.fromkeys(dimensions):
        columns = [j for j, d in enumerate(dimensions) if d == dimension]
        ax.text((columns[0] + columns[-1]) / 2, -0.62, dimension_label(dimension),
                ha="center", va="bottom", fontsize=8, fontweight="bold")
    handles = [Patch(facecolor=STATUS_COLOURS[s], edgecolor="black",
                     label=f"{STATUS_SYMBOLS[s]}  {STATUS_LABELS[s].split(':')[0]}")
               for s in STATUSES]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7,
              frameon=False, title="Status (cell: symbol, evidence count\n+framework items; "
              "! = a guideline\nasks for it without evidence)", title_fontsize=7,
              alignment="left")
    ax.set_title("Evidence and gap map: standards × topics", fontsize=10, loc="left",
                 pad=18)
    return fig


def render_gaps_markdown(analysis: GapAnalysis) -> str:
    """Return ``gaps.md``: the rules, the demand without evidence, subgroups and the register."""
    t = analysis.thresholds
    cells = analysis.cells
    lines = ["# Gap register", "",
             "Generated by `workbench build` from the coded corpus. Rows are the 7 standards "
             "and their 37 guidelines; **guidelines inherit their standard's narrative "
             "evidence** (academic references, roundtables, consultations, programmes); their "
             "framework items come from the crosswalk.", "",
             "## Rules", ""]
    lines += [f"- `{s}`: {STATUS_LABELS[s]}" for s in STATUSES]
    lines += [f"- Threshold: `covered_min_references = {t.covered_min_references}`; demand "
              f"without evidence when a guideline's own text is coded with a topic whose cell "
              f"is one of {', '.join(f'`{s}`' for s in t.demand_statuses)}.", ""]
    lines += ["## Cells by status", "", "| level | " + " | ".join(STATUSES) + " |",
              "|---|" + "---|" * len(STATUSES)]
    for level in ("standard", "guideline"):
        counts = cells[cells["level"] == level]["status"].value_counts()
        lines.append(f"| {level} | " + " | ".join(str(int(counts.get(s, 0))) for s in STATUSES)
                     + " |")
    lines += ["", "## Subgroup view", "",
              "Share of standard cells that are covered, per population topic, against the "
              "share over every topic of the same standards.", "",
              "| topic | standards with evidence | covered | coverage | overall | gap (points) "
              "| share of evidence |", "|---|---|---|---|---|---|---|"]
    for s in analysis.subgroups.itertuples(index=False):
        lines.append(f"| {markdown_text(s.topic_label)} | {s.rows_with_evidence}/{s.rows} | "
                     f"{s.rows_covered} | {s.coverage:.0%} | {s.overall_coverage:.0%} | "
                     f"{s.coverage_gap:+.1f} | {s.evidence_items}/{s.row_evidence_items} |")
    lines += ["", f"## Ranked gaps ({len(analysis.register)})", ""]
    for g in analysis.register.itertuples(index=False):
        lines += [f"### {g.rank}. {markdown_text(g.row_label)} × {markdown_text(g.topic_label)} "
                  f"({g.status.replace('_', ' ')}"
                  f"{', demand without evidence' if g.kind == 'demand_without_evidence' else ''})",
                  "", markdown_text(g.sentence), "", f"> {markdown_text(g.row_text)}", "",
                  f"Existing evidence: {markdown_text(g.existing_evidence)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_gap_map(analysis: GapAnalysis, corpus: Corpus, out: Path) -> list[Path]:
    """Write ``gap_map.html``, ``gap_map.png``, ``gap_map.csv``, ``gaps.md`` and
    ``gap_evidence.csv`` (every cell's evidence, one row per item, linking sentence and code:
    what ``workbench diff`` compares cell by cell) into ``out``.

    Returns:
        The paths written.
    """
    out = Path(out)
    html = out / "gap_map.html"
    html.write_text(render_gap_map_html(analysis, shipped_sources(corpus)), encoding="utf-8",
                    newline="\n")
    table = out / "gap_map.csv"
    write_table(tidy_map(analysis.cells), table)
    figure = out / "gap_map.png"
    cached_png(figure, _draw_gap_map, *gap_map_grid(analysis), dpi=150)
    markdown = out / "gaps.md"
    markdown.write_text(render_gaps_markdown(analysis), encoding="utf-8", newline="\n")
    evidence = out / "gap_evidence.csv"
    write_table(analysis.evidence, evidence)
    return [html, figure, table, markdown, evidence]
