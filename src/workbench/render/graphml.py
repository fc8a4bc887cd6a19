"""The evidence graph as GraphML bytes (render: a graph in, bytes out)."""

from __future__ import annotations

import io
from xml.etree.ElementTree import ElementTree

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter


def graphml_bytes(graph: nx.Graph) -> bytes:
    """Return ``graph`` as GraphML: the bytes of ``nx.write_graphml_xml(graph, stream,
    encoding="utf-8", prettyprint=True)``, serialised as text and encoded once.

    networkx's ``write_graphml`` is its lxml writer when lxml is installed (openpyxl needs
    it), whose bytes differ; its standard-library writer keeps them as they were. That writer
    hands the tree to ElementTree with an encoding, which then encodes each of the million
    pieces of a large graph one at a time through a text wrapper; written as text (the same
    characters, the declaration ElementTree gives utf-8 in front), it takes a fraction of it.
    """
    writer = GraphMLWriter(encoding="utf-8", prettyprint=True)
    writer.add_graph_element(graph)
    writer.indent(writer.xml)
    text = io.StringIO()
    text.write("<?xml version='1.0' encoding='utf-8'?>\n")
    ElementTree(writer.xml).write(text, encoding="unicode")
    return text.getvalue().encode("utf-8", "xmlcharrefreplace")
