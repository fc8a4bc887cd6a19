"""The figure of the build's dataflow (``docs/dataflow.png``), drawn from its graph."""

from __future__ import annotations

import networkx as nx

from workbench.render.figures import GREY, OKABE_ITO, new_figure

#: The colour of each stage's nodes, and the column it is drawn in.
STAGE_COLOURS = {
    "input": OKABE_ITO["sky_blue"],
    "derived": OKABE_ITO["orange"],
    "artefact": OKABE_ITO["bluish_green"],
}

#: The outline of a node keyed by its value (an early cut-off; the others have none).
CUT_OFF_LINE = 1.2


def dataflow_figure(graph: nx.DiGraph):
    """Return a figure of ``graph`` (``workbench.dataflow.dataflow_graph``): the inputs on the
    left, each other node one column right of the furthest node it needs, artefacts on the
    right; an arrow from each node to every node that names it as a parameter."""
    depth: dict[str, int] = {}
    for name in nx.topological_sort(graph):
        depth[name] = max((depth[p] + 1 for p in graph.predecessors(name)), default=0)
    last = max(depth.values(), default=0)
    for name, data in graph.nodes(data=True):
        graph.nodes[name]["column"] = last if data["stage"] == "artefact" else depth[name]
    columns: dict[int, list[str]] = {}
    for name in sorted(graph, key=lambda n: (graph.nodes[n]["column"], n)):
        columns.setdefault(graph.nodes[name]["column"], []).append(name)
    tallest = max(len(names) for names in columns.values())
    position = {
        name: (column, (len(names) - 1) / 2 - row)
        for column, names in columns.items()
        for row, name in enumerate(names)
    }
    fig = new_figure(figsize=(4.2 * (last + 1), 0.32 * tallest + 1.2))
    ax = fig.add_subplot()
    nx.draw_networkx_edges(
        graph, position, ax=ax, edge_color=GREY, width=0.5, arrowsize=6, node_size=0, alpha=0.7
    )
    for name, (x, y) in position.items():
        ax.text(
            x,
            y,
            name,
            fontsize=7,
            ha="center",
            va="center",
            bbox={
                "boxstyle": "round,pad=0.25",
                "linewidth": CUT_OFF_LINE if graph.nodes[name].get("cut_off") else 0,
                "edgecolor": OKABE_ITO["black"],
                "facecolor": STAGE_COLOURS[graph.nodes[name]["stage"]],
            },
        )
    for stage, colour in STAGE_COLOURS.items():
        ax.scatter([], [], color=colour, label=stage, s=40)
    ax.scatter(
        [],
        [],
        color=STAGE_COLOURS["derived"],
        edgecolors=OKABE_ITO["black"],
        linewidths=CUT_OFF_LINE,
        label="derived, keyed by its value (early cut-off)",
        s=40,
    )
    ax.legend(loc="upper left", fontsize=8, frameon=False, ncols=4)
    ax.set_title(
        "The build's dataflow: inputs, derived results and artefacts (an arrow "
        "points to the node that names the other as a parameter)",
        fontsize=10,
        loc="left",
    )
    ax.set_xlim(-0.6, last + 0.6)
    ax.axis("off")
    fig.tight_layout()
    return fig
