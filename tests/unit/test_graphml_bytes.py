"""The GraphML of the build is networkx's standard-library writer's, byte for byte."""

from __future__ import annotations

import io

import networkx as nx

from workbench.render.graphml import graphml_bytes


def _awkward_graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name="evidence")
    graph.add_node("ref:smith2001", label="Smith & Jones <2001>", year=2001, weight=1.5)
    graph.add_node("work:é", label="Ünïcode — “quoted”", listed=True)
    graph.add_node("odd\ud800", label="a lone surrogate\x01and a control character")
    graph.add_edge("ref:smith2001", "work:é", key="cites", kind="cites", lines="3-4")
    graph.add_edge("ref:smith2001", "work:é", key="quotes", kind="quotes")
    graph.add_edge("work:é", "odd\ud800", key=0)
    return graph


def test_graphml_bytes_are_write_graphml_xml_bytes():
    for graph in (_awkward_graph(), nx.MultiDiGraph(), nx.path_graph(3)):
        stream = io.BytesIO()
        nx.write_graphml_xml(graph, stream, encoding="utf-8", prettyprint=True)
        assert graphml_bytes(graph) == stream.getvalue()


def test_networkx_reads_the_graphml_back():
    graph = _awkward_graph()
    graph.remove_node("odd\ud800")  # a lone surrogate is not XML: written as a reference
    back = nx.read_graphml(io.BytesIO(graphml_bytes(graph)), force_multigraph=True)
    assert set(back.nodes) == {"ref:smith2001", "work:é"}
    assert back.nodes["ref:smith2001"]["label"] == "Smith & Jones <2001>"
    assert back.nodes["ref:smith2001"]["year"] == 2001
    assert sorted(k for _, _, k in back.edges(keys=True)) == ["cites", "quotes"]
