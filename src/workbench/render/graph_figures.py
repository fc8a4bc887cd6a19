"""Figures of the evidence graph: the evidence behind each standard, and one standard's
neighbourhood (its guidelines, its evidence narrative and what that cites and quotes).

Drawn without pyplot (``workbench.render.figures.new_figure``) in Okabe-Ito colours, with
positions computed, not simulated, so the same graph always gives the same picture.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from workbench.graph import evidence_neighbourhood
from workbench.render.figures import LIGHT_GREY, OKABE_ITO, new_figure, wrap_title

#: Colour of each kind of node or evidence, in both figures.
KIND_COLOURS: dict[str, str] = {
    "standard": OKABE_ITO["vermillion"],
    "guideline": OKABE_ITO["reddish_purple"],
    "narrative": OKABE_ITO["black"],
    "reference": OKABE_ITO["blue"],
    "roundtable": OKABE_ITO["orange"],
    "consultation": OKABE_ITO["bluish_green"],
}
#: The kinds of evidence in words, for legends.
KIND_LABELS: dict[str, str] = {
    "standard": "standard",
    "guideline": "guideline",
    "narrative": "evidence narrative",
    "reference": "reference (cited)",
    "roundtable": "roundtable (quoted)",
    "consultation": "consultation (quoted)",
}
EVIDENCE_KINDS = ("reference", "roundtable", "consultation")


def evidence_by_standard_figure(counts: pd.DataFrame):
    """Return a stacked bar chart of the distinct evidence behind each standard, by kind.

    Args:
        counts: the table from ``workbench.graph.evidence_counts`` (one row per standard).
    """
    fig = new_figure(figsize=(9, 3.8), layout="constrained")
    ax = fig.subplots()
    names = [s.replace("standard:", "Standard ") for s in counts.index]
    left = pd.Series(0, index=counts.index)
    for kind in EVIDENCE_KINDS:
        ax.barh(names, counts[kind], left=left, color=KIND_COLOURS[kind], label=KIND_LABELS[kind])
        left = left + counts[kind]
    ax.invert_yaxis()
    ax.set_xlabel("distinct sources of evidence")
    ax.set_title("Evidence behind each standard, by kind", loc="left", fontsize=10)
    fig.legend(loc="outside right upper", fontsize=8, frameon=False)
    return fig


def neighbourhood_layout(around: nx.MultiDiGraph, standard: str) -> dict[str, tuple[float, float]]:
    """Return fixed positions for ``evidence_neighbourhood``: guidelines in a column on the
    left, the standard and its narrative in the middle, the evidence on the right (each
    column sorted by id, from the top)."""
    kind_of = nx.get_node_attributes(around, "kind")
    placed: dict[str, tuple[float, float]] = {}
    for i, node in enumerate(sorted(n for n, k in kind_of.items() if k == "guideline")):
        placed[node] = (0.0, -float(i))
    evidence = sorted(n for n, k in kind_of.items() if k in EVIDENCE_KINDS)
    for i, node in enumerate(evidence):
        placed[node] = (2.2, 1.0 - i)
    placed[standard] = (1.0, 0.5)
    for i, node in enumerate(sorted(n for n, k in kind_of.items() if k == "narrative")):
        placed[node] = (1.0, -2.0 - 2.0 * i)
    return placed


def draw_evidence_neighbourhood(graph: nx.MultiDiGraph, standard: str):
    """Return a figure of ``standard`` with its guidelines (left), its evidence narrative
    (centre) and what that narrative and the guidelines cite and quote (right).

    It shows in one picture what ``workbench evidence`` lists for a standard: where each piece
    of evidence enters. Node colours follow ``KIND_COLOURS``, the legend names the kinds.

    Raises:
        KeyError: ``standard`` is not a node of the graph.
    """
    around = evidence_neighbourhood(graph, standard)
    placed = neighbourhood_layout(around, standard)
    kind_of = nx.get_node_attributes(around, "kind")
    height = max(4.0, 0.32 * (max(-y for _, y in placed.values()) + 3))
    fig = new_figure(figsize=(10, height))
    ax = fig.add_axes((0, 0, 1, 0.9))
    nx.draw_networkx_edges(around, placed, ax=ax, edge_color=LIGHT_GREY, arrows=True, arrowsize=8)
    nx.draw_networkx_nodes(
        around, placed, ax=ax, node_size=180, node_color=[KIND_COLOURS[kind_of[n]] for n in around]
    )
    for node, (x, y) in placed.items():
        data = around.nodes[node]
        if kind_of[node] == "narrative":
            ax.text(
                x,
                y - 0.35,
                f"evidence narrative\n(lines {data['lines']})",
                fontsize=8,
                ha="center",
                va="top",
            )
        elif x < 0.5:
            ax.text(x - 0.06, y, data["label"], fontsize=8, ha="right", va="center")
        else:
            ax.text(x + 0.06, y, data["label"], fontsize=8, ha="left", va="center")
    for kind, colour in KIND_COLOURS.items():
        if kind in kind_of.values():
            ax.scatter([], [], color=colour, label=KIND_LABELS[kind])
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    ax.set_xlim(-0.8, 3.4)
    ax.set_axis_off()
    name = graph.nodes[standard]["label"]
    fig.suptitle(
        wrap_title(
            f"{name}: its guidelines, its evidence narrative, and what they cite and quote", 9.6, 11
        ),
        x=0.02,
        ha="left",
        fontsize=11,
    )
    return fig
