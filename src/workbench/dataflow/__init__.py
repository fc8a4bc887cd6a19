"""The build as a dataflow: every derived result and every artefact is a function whose
parameters name what it needs (Apache Hamilton builds the graph from the signatures).

- :mod:`workbench.dataflow.inputs`: the inputs, one per corpus table (by the resource's
  name), the bibliography, the descriptor and the shipped sources, with the key that names
  each input's content (:func:`workbench.dataflow.inputs.input_keys`). Hamilton takes them
  as the driver's inputs: they are given, not computed.
- :mod:`workbench.dataflow.derived`: the derived results (citation audit, evidence graph,
  topic codes, gap analysis, crosswalk views, search analysis, suggestions...).
- :mod:`workbench.dataflow.artefacts`: the artefacts, pure functions returning
  :class:`~workbench.dataflow.records.Artefact` records (bytes, media type, description,
  schema).

``workbench.build`` runs the graph and writes the records; nothing here touches a file.
"""

from __future__ import annotations

import os
from types import ModuleType

# Hamilton loads every plugin it can import (scikit-learn among them, ~1.6 s) unless told
# not to; the workbench uses none of them. Set before hamilton is imported.
os.environ.setdefault("HAMILTON_AUTOLOAD_EXTENSIONS", "0")

import networkx as nx  # noqa: E402
from hamilton import ad_hoc_utils, base, driver  # noqa: E402

from workbench.dataflow import artefacts, derived  # noqa: E402
from workbench.dataflow.records import Artefact, Artefacts  # noqa: E402
from workbench.dataflow.values import is_value_keyed  # noqa: E402

#: The modules whose functions are the nodes of the build's dataflow, in stage order.
MODULES: tuple[ModuleType, ...] = (derived, artefacts)

__all__ = ["MODULES", "Artefact", "Artefacts", "artefact_nodes", "dataflow", "node_module"]


def dataflow(*extra: ModuleType) -> driver.Driver:
    """Return the Hamilton driver of the build's dataflow (and of ``extra`` node modules).

    Its results are a plain dict by node name; it runs nothing until asked.
    """
    return (
        driver.Builder()
        .with_modules(*MODULES, *extra)
        .with_adapters(base.SimplePythonGraphAdapter(base.DictResult()))
        .build()
    )


def artefact_nodes(flow: driver.Driver) -> list[str]:
    """Return the names of the nodes that make artefacts (those returning ``Artefacts``), in
    the order their modules define them."""
    return [v.name for v in flow.list_available_variables() if v.type == Artefacts]


#: What the source of :func:`node_module` may use without importing it.
NODE_PRELUDE = (
    "import pandas as pd\nfrom workbench.dataflow.records import Artefact, Artefacts, file, table\n"
)


def node_module(source: str) -> ModuleType:
    """Return a module of nodes made from Python ``source`` (with :data:`NODE_PRELUDE`), to
    give ``workbench.build`` more nodes without a file (a notebook's own artefact, a test)."""
    return ad_hoc_utils.module_from_source(NODE_PRELUDE + source)


def dataflow_graph(flow: driver.Driver) -> nx.DiGraph:
    """Return the dataflow as a ``networkx.DiGraph``: an edge from each node to every node
    that names it as a parameter; each node's ``stage`` is ``input``, ``derived`` or
    ``artefact``, and ``cut_off`` says whether it is keyed by its value (what
    ``docs/dataflow.png`` draws)."""
    graph = nx.DiGraph()
    for node in sorted(flow.graph.nodes.values(), key=lambda n: n.name):
        stage = (
            "input" if node.user_defined else "artefact" if node.type == Artefacts else "derived"
        )
        graph.add_node(node.name, stage=stage, cut_off=is_value_keyed(node))
    for node in flow.graph.nodes.values():
        for dependency in node.dependencies:
            graph.add_edge(dependency.name, node.name)
    return graph
